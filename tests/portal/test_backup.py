"""Backups: an archive restored into an empty database and media folder gives back the same site,
and restore refuses, before writing anything, what it cannot restore whole.

These run on whichever database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL): the
archive is restored into a second, empty database of the same kind, reached as the connection
alias "restored".
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import re
import tarfile
import time
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend

from news.models import Release
from portal import backups
from portal.backups import replace_media
from portal.search.queries import search
from tests.factories import ReleaseFactory, ZoneFactory
from zones.models import Zone

# pg_dump runs in a process of its own and sees committed rows only, and SQLite's backup API
# waits for a connection's open transaction to end.
pytestmark = pytest.mark.django_db(transaction=True)

RESTORED = "restored"
# The user and group with no rights, as an app's user stands for here.
NOBODY = 65534
PUBLISHED_AT = datetime.datetime(2024, 6, 20, 9, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_media(settings, tmp_path) -> Path:
    """The media folder of the restored site, empty; switched on by `restore_into`."""
    return tmp_path / "restored-media"


def postgres_admin(settings_dict: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def empty_database(db, tmp_path) -> str:
    """A second, empty database of the suite's kind, as the alias "restored"; removed after.

    On SQLite a new file; on PostgreSQL a database created beside the test database.
    """
    default = connections["default"].settings_dict
    postgresql = connections["default"].vendor == "postgresql"
    if postgresql:
        name = f"{default['NAME']}_restored"
        with postgres_admin(default) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # A connection made here rather than in settings.DATABASES: the test case allows
    # connections it did not know of when it started, and leaves their database alone.
    backend = load_backend(default["ENGINE"])
    connections[RESTORED] = backend.DatabaseWrapper({**default, "NAME": name}, RESTORED)
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        if postgresql:
            with postgres_admin(default) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def restored_site(settings, media_root: Path):
    """Serve from the restored database and media folder: the code reads `default`, so the
    restored connection takes its place for the block."""
    original = connections["default"]
    connections["default"] = connections[RESTORED]
    original_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = media_root
    try:
        yield
    finally:
        connections["default"] = original
        settings.MEDIA_ROOT = original_media


def back_up(tmp_path: Path, *options: str) -> Path:
    archive = tmp_path / "site.tar.gz"
    call_command("backup", "--output", str(archive), *options, stdout=io.StringIO())
    return archive


def restore(settings, archive: Path, media_root: Path, *options: str) -> str:
    """Restore into the "restored" database and `media_root`; returns what the command said."""
    out = io.StringIO()
    original_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = media_root
    try:
        call_command("restore", str(archive), "--database", RESTORED, *options, stdout=out)
    finally:
        settings.MEDIA_ROOT = original_media
    return out.getvalue()


def every_row(alias: str) -> dict[str, list[tuple]]:
    """Every table's rows, every column as the database returns it, in a fixed order.

    Raw values: on SQLite a timestamp is its stored text, on PostgreSQL a datetime, each to the
    microsecond. All tables, not only the models': the full-text tables come along too.
    """
    connection = connections[alias]
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} WHERE 1 = 0")
            order = ", ".join(str(n) for n in range(1, len(cursor.description) + 1))
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
            rows[table] = cursor.fetchall()
    return rows


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def found(query: str) -> list[tuple[str, str]]:
    results = search(query)
    return [(result.title, result.url) for result in results[:20]]


@pytest.fixture
def site(db, media):
    """A zone with a cover image and a release with an attachment, timed to the microsecond."""
    zone = ZoneFactory(name_en="Backup Harbour Zone", published_at=PUBLISHED_AT)
    zone.cover_image.save("harbour.jpg", ContentFile(b"\xff\xd8 not really a jpeg"), save=True)
    release = ReleaseFactory(title_en="Harbour opens a cold-chain hub", published_at=PUBLISHED_AT)
    release.attachments.create(title="Full text", file=ContentFile(b"%PDF-1.4\n", name="full.pdf"))
    return zone


@pytest.fixture
def indexed_site(demo, site):
    """The site above with the demo content, all in the search index."""
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    return site


def test_a_restored_backup_has_every_row_every_media_file_and_the_same_search(
    indexed_site, media, empty_database, empty_media, settings, tmp_path
):
    archive = back_up(tmp_path)
    searches = {query: found(query) for query in ("沈阳", "shenyang", "harbour")}
    assert all(searches.values())

    said = restore(settings, archive, empty_media)

    assert "Restored" in said
    original, restored = every_row("default"), every_row(RESTORED)
    assert restored.keys() == original.keys()
    for table, rows in original.items():
        assert restored[table] == rows, table
    assert len(original["zones_zone"]) > 1
    assert checksums(empty_media) == checksums(media)
    assert len(checksums(media)) == 2
    zone = Zone.objects.using(RESTORED).get(slug=indexed_site.slug)
    assert zone.published_at == PUBLISHED_AT
    with restored_site(settings, empty_media):
        assert {query: found(query) for query in searches} == searches
        # The sequences came along: a new record gets a new id.
        assert ZoneFactory().pk > indexed_site.pk


def test_restore_refuses_a_database_that_is_not_empty(site, media, settings, tmp_path):
    archive = back_up(tmp_path)
    Zone.objects.filter(pk=site.pk).update(name_en="Changed since the backup")

    with pytest.raises(CommandError, match="is not empty.*--force"):
        call_command("restore", str(archive), "--no-media")

    assert Zone.objects.get(pk=site.pk).name_en == "Changed since the backup"


def test_a_forced_restore_replaces_what_was_there(
    site, media, empty_database, empty_media, settings, tmp_path
):
    archive = back_up(tmp_path)
    restore(settings, archive, empty_media)
    Zone.objects.using(RESTORED).filter(pk=site.pk).update(name_en="Changed since the backup")
    Zone.objects.using(RESTORED).create(name_en="Added", slug="added-since-the-backup")
    (empty_media / "added-since-the-backup.txt").write_text("gone after the restore")

    restore(settings, archive, empty_media, "--force")

    assert Zone.objects.using(RESTORED).get(pk=site.pk).name_en == "Backup Harbour Zone"
    assert not Zone.objects.using(RESTORED).filter(slug="added-since-the-backup").exists()
    assert checksums(empty_media) == checksums(media)


def test_restore_refuses_a_media_folder_that_is_not_empty(
    site, media, empty_database, empty_media, settings, tmp_path
):
    archive = back_up(tmp_path)
    empty_media.mkdir()
    (empty_media / "already-here.txt").write_text("kept")

    with pytest.raises(CommandError, match="media folder .* is not empty"):
        restore(settings, archive, empty_media)

    assert not connections[RESTORED].introspection.table_names()


def repack(archive: Path, change) -> Path:
    """A copy of `archive` with `change(name, data, manifest)` applied to each member; the
    manifest is written back as `change` left it."""
    members = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            members[member.name] = tar.extractfile(member).read()
    manifest = json.loads(members.pop("manifest.json"))
    changed = {}
    for name, data in members.items():
        name, data = change(name, data, manifest)
        changed[name] = data
    changed["manifest.json"] = json.dumps(manifest).encode()
    copy = archive.with_name("changed.tar.gz")
    with tarfile.open(copy, "w:gz") as tar:
        for name, data in changed.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return copy


def test_a_damaged_media_file_is_found_before_anything_is_restored(
    site, media, empty_database, empty_media, settings, tmp_path
):
    def damage(name, data, manifest):
        return name, data + b"!" if name.startswith("media/") else data

    archive = repack(back_up(tmp_path), damage)

    with pytest.raises(CommandError, match="is damaged: the checksum of media/"):
        restore(settings, archive, empty_media)

    assert not connections[RESTORED].introspection.table_names()
    assert not empty_media.exists()


def test_a_truncated_archive_is_refused(
    site, media, empty_database, empty_media, settings, tmp_path
):
    archive = back_up(tmp_path)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(CommandError, match="cannot be read as a backup archive"):
        restore(settings, archive, empty_media)

    assert not connections[RESTORED].introspection.table_names()


def test_a_file_that_is_not_a_backup_is_refused(empty_database, empty_media, settings, tmp_path):
    archive = tmp_path / "photos.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("holiday.jpg")
        tar.addfile(info, io.BytesIO(b""))

    with pytest.raises(CommandError, match="is not a portal backup"):
        restore(settings, archive, empty_media)


def test_a_backup_of_the_other_kind_of_database_is_refused(
    site, media, empty_database, empty_media, settings, tmp_path
):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connections["default"].vendor]
    other_file = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]

    def pretend_other_vendor(name, data, manifest):
        if name.startswith("database."):
            manifest["database"].update(vendor=other, file=other_file)
            return other_file, data
        return name, data

    archive = repack(back_up(tmp_path), pretend_other_vendor)

    with pytest.raises(CommandError, match="restores into the same kind of database only"):
        restore(settings, archive, empty_media)

    assert not connections[RESTORED].introspection.table_names()


def test_a_backup_from_a_newer_version_is_refused(
    site, media, empty_database, empty_media, settings, tmp_path
):
    def from_the_future(name, data, manifest):
        manifest["database"]["migrations"].append("zones.9999_from_a_later_release")
        return name, data

    archive = repack(back_up(tmp_path), from_the_future)

    with pytest.raises(CommandError, match="newer version.*zones.9999_from_a_later_release"):
        restore(settings, archive, empty_media)


def test_a_backup_of_a_database_without_the_portals_tables_is_refused(empty_database, tmp_path):
    archive = tmp_path / "site.tar.gz"

    with pytest.raises(CommandError, match="holds no portal data"):
        call_command(
            "backup", "--output", str(archive), "--database", RESTORED, stdout=io.StringIO()
        )

    assert not archive.exists()


@pytest.mark.parametrize("database", ["empty", "not a database"])
def test_an_archive_whose_database_is_empty_or_unreadable_is_refused_before_anything_changes(
    site, media, empty_database, empty_media, settings, tmp_path, database
):
    postgresql = connections["default"].vendor == "postgresql"
    unreadable = (b"PGDMP" if postgresql else b"SQLite format 2\0") + bytes(4096)
    content = b"" if database == "empty" else unreadable

    def replaced(name, data, manifest):
        if name.startswith("database."):
            manifest["database"]["sha256"] = hashlib.sha256(content).hexdigest()
            if database == "empty":
                manifest["database"]["migrations"] = []
            return name, content
        return name, data

    whole = back_up(tmp_path)
    restore(settings, whole, empty_media)
    before = every_row(RESTORED)
    archive = repack(whole, replaced)

    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(archive), "--check", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Nothing was restored"):
        restore(settings, archive, empty_media, "--force")

    # The site restored before is still there, whole.
    assert every_row(RESTORED) == before


def test_a_backup_without_media_leaves_the_media_folder_alone(
    site, media, empty_database, empty_media, settings, tmp_path
):
    archive = back_up(tmp_path, "--no-media")
    empty_media.mkdir()
    (empty_media / "kept.txt").write_text("kept")

    restore(settings, archive, empty_media)

    assert checksums(empty_media).keys() == {"kept.txt"}
    assert Release.objects.using(RESTORED).filter(title_en__startswith="Harbour").exists()


def test_check_reads_the_whole_archive_and_writes_nothing(site, media, tmp_path):
    archive = back_up(tmp_path)
    out = io.StringIO()

    call_command("restore", str(archive), "--check", stdout=out)

    assert "is whole" in out.getvalue()
    assert "2 media files" in out.getvalue()


def test_a_backup_into_a_folder_that_does_not_exist_yet_makes_it_and_dates_the_archive(
    site, media, tmp_path
):
    folder = tmp_path / "backups" / "portal"
    for _ in range(2):
        call_command("backup", "--output", str(folder), "--no-media", stdout=io.StringIO())
        time.sleep(1.1)  # the names are dated to the second
    archives = sorted(path.name for path in folder.iterdir())
    assert len(archives) == 2
    assert all(re.fullmatch(r"portal-\w+-\d{8}T\d{6}Z\.tar\.gz", name) for name in archives)


def test_a_backup_never_writes_over_an_archive(site, media, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", "--output", str(archive), "--no-media", stdout=io.StringIO())
    before = archive.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(archive), "--no-media", stdout=io.StringIO())
    assert archive.read_bytes() == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only root restores for another user")
def test_media_restored_by_root_belongs_to_the_media_folders_owner(tmp_path):
    archived = tmp_path / "archived"
    (archived / "releases" / "covers" / "2026").mkdir(parents=True)
    (archived / "releases" / "covers" / "2026" / "cover.png").write_bytes(b"\x89PNG")
    media = tmp_path / "media"
    media.mkdir()
    os.chown(media, NOBODY, NOBODY)

    replace_media(archived, media)

    owners = {(path.stat().st_uid, path.stat().st_gid) for path in media.rglob("*")}
    assert owners == {(NOBODY, NOBODY)}


def test_a_forced_restore_that_fails_part_way_leaves_the_database_as_it_was(
    site, media, empty_database, empty_media, settings, tmp_path, monkeypatch
):
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite copies the file whole through its backup API")
    whole = back_up(tmp_path)
    restore(settings, whole, empty_media)
    before = every_row(RESTORED)

    def failing_part_way(dump, target, archive, using):
        # As a dump whose data breaks off: some of it runs, then an error.
        target.write_text("CREATE TABLE half_restored (id integer);\nSELECT 1 / 0;\n")

    monkeypatch.setattr(backups, "postgresql_script", failing_part_way)

    with pytest.raises(CommandError, match="Nothing was restored") as refused:
        restore(settings, whole, empty_media, "--force")

    assert "division by zero" in str(refused.value)
    assert "drop cascades" not in str(refused.value)
    assert every_row(RESTORED) == before
