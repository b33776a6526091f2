"""Every save of a publishable record takes the next version number, however many run at once,
so that the admin's check for a save made over someone else's always sees it."""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.db.models.signals import pre_save

from portal.publishing.models import Status
from tests.factories import InstitutionFactory
from zones.models import Institution

SAVES = 16


def save_with_retry(pk: int, summary: str) -> int:
    """Save the record from a connection of this thread's own; return the version it took.

    The test database on SQLite lives in memory, shared between the threads' connections, and
    there a write that meets another answers "table is locked" at once instead of waiting as a
    file database does; waiting and trying again stands in for SQLite's busy timeout.
    """
    try:
        for _attempt in range(500):
            try:
                record = Institution.objects.get(pk=pk)
                record.summary_en = summary
                record.save()
                return record.version
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.01)
        raise AssertionError("the save never got the database")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_outside_the_admin_take_distinct_version_numbers():
    institution = InstitutionFactory(status=Status.DRAFT)
    start = Institution.objects.get(pk=institution.pk).version

    def slow_save(sender, instance, **kwargs):
        # The work a save does between taking its number and writing the row (signals,
        # sanitising rich text), made long enough that the saves always overlap.
        time.sleep(0.02)

    pre_save.connect(slow_save, sender=Institution, dispatch_uid="test.slow_save")
    barrier = threading.Barrier(SAVES)
    versions: list[int] = []

    def run(n: int) -> None:
        close_old_connections()
        barrier.wait()
        versions.append(save_with_retry(institution.pk, f"Save {n}"))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(SAVES)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        pre_save.disconnect(sender=Institution, dispatch_uid="test.slow_save")

    assert sorted(versions) == list(range(start + 1, start + SAVES + 1))
    assert Institution.objects.get(pk=institution.pk).version == start + SAVES
