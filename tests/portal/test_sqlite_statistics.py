"""A migrate that changed tables on SQLite gathers the query planner's statistics again."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

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

    # As `migrate` signals the end of its run, for each app with models.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[(object(), False)])

    assert statistics_of("zones_zone")


def test_a_migrate_with_nothing_to_run_leaves_them_alone():
    ZoneFactory()
    lose_statistics_of("zones_zone")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])

    assert statistics_of("zones_zone") == []
