"""Two saves at once on an SQLite database file take turns: the second waits for the first and
reads what it wrote, rather than failing with "database is locked"."""

import copy
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking")


@pytest.fixture(autouse=True)
def database_files(django_db_blocker):
    # Databases of the test's own, not the test database.
    with django_db_blocker.unblock():
        yield


def test_a_save_that_meets_another_waits_for_it_and_reads_what_it_wrote(tmp_path):
    # A file, as the portal runs on: the test database lives in memory, where SQLite never
    # waits. With the portal's settings otherwise.
    settings = copy.deepcopy(connection.settings_dict) | {"NAME": str(tmp_path / "db.sqlite3")}
    setup = DatabaseWrapper(settings)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE record (id INTEGER PRIMARY KEY, version INTEGER)")
        cursor.execute("INSERT INTO record VALUES (1, 1)")
    setup.close()
    first_began = threading.Event()
    read, errors = {}, []

    def save(name: str, pause: float) -> None:
        # As the admin's save: read the record's version in a transaction, work, write.
        connections[name] = DatabaseWrapper(settings, alias=name)
        try:
            with transaction.atomic(using=name), connections[name].cursor() as cursor:
                first_began.set()
                cursor.execute("SELECT version FROM record WHERE id = 1")
                read[name] = cursor.fetchone()[0]
                time.sleep(pause)
                cursor.execute("UPDATE record SET version = %s WHERE id = 1", [read[name] + 1])
        except Exception as error:  # what a save met, asserted below
            errors.append(error)
        finally:
            connections[name].close()

    first = threading.Thread(target=save, args=("first", 0.3))
    first.start()
    first_began.wait()
    second = threading.Thread(target=save, args=("second", 0))
    second.start()
    first.join()
    second.join()

    assert errors == []
    assert read == {"first": 1, "second": 2}
