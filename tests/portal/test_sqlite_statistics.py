"""A migrate that changed tables on SQLite gathers the query planner's statistics again."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from portal.apps import refresh_sqlite_statistics
from tests.factories import ZoneFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own statistics"),
]


def statistics_of(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchall()


def lose_statistics_of(table: str) -> None:
    """As when a migration remakes the table."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])


def test_a_migrate_that_ran_migrations_gathers_the_statistics_again():
    ZoneFactory()
    lose_statistics_of("zones_zone")

    # As `migrate` signals the end of its run, for each app.
    post_migrate.send(
        sender=apps.get_app_config("portal"),
        app_config=apps.get_app_config("portal"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[(object(), False)],
    )

    assert statistics_of("zones_zone")


def test_a_migrate_with_nothing_to_run_leaves_them_alone():
    ZoneFactory()
    lose_statistics_of("zones_zone")

    refresh_sqlite_statistics(None, using="default", plan=[])

    assert statistics_of("zones_zone") == []
