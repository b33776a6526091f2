"""Backups: the database and the media files in one archive, and the way back.

An archive is a gzipped tar file holding

    database.sqlite3   the database, copied with SQLite's backup API, or
    database.pgdump    pg_dump's custom format
    media/…            the MEDIA_ROOT tree (left out with --no-media)
    manifest.json      format, database vendor and version, the migrations applied, when it
                       was made, and the SHA-256 of every file

The database is copied first, as one consistent snapshot while the site runs (the backup API
reads under a lock; pg_dump reads in one transaction), then the media files. A file uploaded in
between is in the archive without a record that names it, which is harmless; a file deleted in
between is missing from it.

Restoring checks the whole archive (every checksum, the vendor, the migrations) in a staging
folder before it touches the database or the media folder, and writes only into an empty
database and an empty media folder unless forced. A PostgreSQL dump restores into PostgreSQL and
an SQLite copy into SQLite only: moving between the two is out of scope (dumpdata/loaddata is
the tool for that, with its own limits).

Archives hold everything, password hashes and sessions included: they are written readable by
their owner only, and are to be kept like the database itself.
"""

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Restored:
    database: str
    media_files: int
    missing_migrations: list[str]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def default_name(vendor: str) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return f"portal-{vendor}-{stamp}.tar.gz"


# Making an archive


def create(output: Path, *, using: str = "default", media: bool = True) -> dict:
    """Write an archive of the database `using` and, with `media`, of MEDIA_ROOT to `output`.

    `output` is the archive when its name ends in .tar.gz, and otherwise a folder (made if
    need be) in which the archive is named after the time. An archive is never written over:
    a backup that replaced the last one would leave none if it were cut short or wrong. The
    archive is written next to its final name and renamed when complete, so a failed backup
    never leaves a file that looks whole. Returns the manifest.
    """
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    if not output.name.endswith(".tar.gz") or output.is_dir():
        output = output / default_name(vendor)
    if output.exists():
        raise BackupError(f"{output} already exists: name another archive, or a folder.")
    output.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="portal-backup-") as staging:
        dump = Path(staging) / DATABASE_FILES[vendor]
        created = timezone.now()
        database = {
            "vendor": vendor,
            "file": dump.name,
            "migrations": applied_migrations(using),
        }
        if not database["migrations"]:
            raise BackupError(
                f"Not backing up: the database ({connection.settings_dict['NAME']}) holds no "
                "portal data, not even the record of its migrations. Check DATABASE_URL."
            )
        if vendor == "sqlite":
            dump_sqlite(using, dump)
            database["version"] = sqlite3.sqlite_version
        else:
            database["version"] = dump_postgresql(using, dump)
        database["sha256"] = sha256_of(dump)

        partial = output.with_name(output.name + ".partial")
        media_files = {}
        # Readable by the owner only: the archive holds password hashes and sessions.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
            ):
                tar.add(dump, arcname=dump.name, filter=anonymous)
                if media:
                    media_files = add_media(tar, Path(settings.MEDIA_ROOT))
                manifest = {
                    "format": FORMAT,
                    "created": created.isoformat(),
                    "django": django.get_version(),
                    "database": database,
                    "media": media,
                    "media_files": media_files,
                }
                add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    manifest["path"] = str(output)
    return manifest


def applied_migrations(using: str) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def dump_sqlite(using: str, target: Path) -> None:
    """Copy the database with SQLite's backup API: one consistent copy while others write."""
    connection = connections[using]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def postgresql_environment(using: str) -> dict[str, str]:
    """The connection settings as libpq's PG* variables: no password on a command line."""
    settings_dict = connections[using].settings_dict
    options = settings_dict.get("OPTIONS", {})
    variables = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({k: str(v) for k, v in variables.items() if v})
    return environment


def client_major(program: str) -> int:
    try:
        output = subprocess.run(
            [program, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed; it comes with PostgreSQL's client package "
            "(postgresql-client on Debian)."
        ) from None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    found = re.search(r"\)\s+(\d+)", output)
    if not found:
        raise BackupError(f"{program} --version says “{output.strip()}”: no version found in it.")
    return int(found.group(1))


def server_version(using: str) -> tuple[int, str]:
    with connections[using].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        number = int(cursor.fetchone()[0])
        cursor.execute("SHOW server_version")
        return number // 10000, cursor.fetchone()[0].split()[0]


def check_client(program: str, using: str) -> str:
    """A pg_dump older than the server refuses to dump it; say so before trying."""
    major, version = server_version(using)
    client = client_major(program)
    if client < major:
        raise BackupError(
            f"{program} is version {client} and the server {version}: install the PostgreSQL "
            f"{major} client tools (or newer) and run again."
        )
    return version


def run_client(arguments: list[str], using: str) -> None:
    result = subprocess.run(
        arguments, env=postgresql_environment(using), capture_output=True, text=True
    )
    if result.returncode:
        said = result.stderr.strip() or f"it ended with status {result.returncode}, saying nothing"
        raise BackupError(f"{arguments[0]} failed:\n{said}")


def dump_postgresql(using: str, target: Path) -> str:
    version = check_client("pg_dump", using)
    run_client(["pg_dump", "--format=custom", f"--file={target}"], using)
    return version


def add_media(tar: tarfile.TarFile, root: Path) -> dict[str, str]:
    """Add every file under `root`, hashing the bytes as they go into the archive."""
    checksums = {}
    if not root.is_dir():
        return checksums
    for folder, directories, files in os.walk(root):
        directories.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            info = anonymous(tar.gettarinfo(path, arcname=f"{MEDIA}/{relative}"))
            with path.open("rb") as file:
                reader = HashingReader(file)
                tar.addfile(info, reader)
            checksums[relative] = reader.hexdigest()
    return checksums


def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No user or group names of this machine in the archive: they mean nothing on another."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class HashingReader:
    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# Checking an archive


def unpack(archive: Path, staging: Path) -> dict:
    """Extract `archive` into `staging` and check it whole; returns the manifest.

    Only a manifest, one database file and files under media/ are accepted, extracted with
    tarfile's "data" filter (no links out of the folder, no devices, no absolute paths).
    """
    if not archive.is_file():
        raise BackupError(f"There is no archive at {archive}.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                name = member.name
                expected = (
                    name == MANIFEST
                    or name in DATABASE_FILES.values()
                    or (name.startswith(f"{MEDIA}/") and (member.isfile() or member.isdir()))
                )
                if not expected:
                    raise BackupError(
                        f"{archive} is not a portal backup: it holds “{name}”, which a backup "
                        "never holds."
                    )
            tar.extractall(staging, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as error:
        raise BackupError(f"{archive} cannot be read as a backup archive ({error}).") from None

    try:
        manifest = json.loads((staging / MANIFEST).read_text())
        database = manifest["database"]
        if manifest["format"] != FORMAT:
            raise BackupError(
                f"{archive} is in backup format {manifest['format']}; this version of the portal "
                f"reads format {FORMAT}."
            )
        if database["vendor"] not in DATABASE_FILES or database["file"] != DATABASE_FILES.get(
            database["vendor"]
        ):
            raise BackupError(f"{archive}: the manifest names an unknown database file.")
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(
            f"{archive} has no readable manifest: it is not a portal backup, or it is damaged."
        ) from None

    damaged = []
    dump = staging / database["file"]
    if not dump.is_file() or sha256_of(dump) != database["sha256"]:
        damaged.append(database["file"])
    media_root = staging / MEDIA
    listed = manifest["media_files"]
    for relative, checksum in listed.items():
        path = media_root / relative
        if not path.is_file() or sha256_of(path) != checksum:
            damaged.append(f"{MEDIA}/{relative}")
    if media_root.is_dir():
        for path in media_root.rglob("*"):
            if path.is_file() and path.relative_to(media_root).as_posix() not in listed:
                damaged.append(f"{MEDIA}/{path.relative_to(media_root).as_posix()} (not listed)")
    if damaged:
        shown = ", ".join(damaged[:5]) + (
            f" and {len(damaged) - 5} more" if len(damaged) > 5 else ""
        )
        raise BackupError(
            f"{archive} is damaged: the checksum of {shown} does not match its manifest. "
            "Nothing was restored."
        )
    # Restoring an empty database would empty the site.
    if not database["migrations"]:
        raise BackupError(
            f"{archive} holds an empty database, without the portal's tables. Nothing was restored."
        )
    return manifest


def check_database(staging: Path, manifest: dict, archive: Path, using: str) -> None:
    """Refuse an unpacked database that cannot be read whole: SQLite's own check of the file,
    or pg_restore reading the dump through (to nowhere)."""
    dump = staging / manifest["database"]["file"]
    if manifest["database"]["vendor"] == "sqlite":
        check_sqlite_file(dump, archive)
    else:
        postgresql_script(dump, Path(os.devnull), archive, using)


def check_sqlite_file(dump: Path, archive: Path) -> None:
    """Refuse an SQLite database that SQLite cannot read whole, or without a migrations
    table."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as database:
            problems = [row[0] for row in database.execute("PRAGMA quick_check")]
            migrations = database.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{archive}: its database cannot be read as an SQLite database ({error}). Nothing "
            "was restored."
        ) from None
    if problems != ["ok"]:
        raise BackupError(
            f"{archive}: its database is damaged ({problems[0]}). Nothing was restored."
        )
    if migrations is None:
        raise BackupError(
            f"{archive}: its database is not the portal's (it has no record of migrations). "
            "Nothing was restored."
        )


def check_migrations(manifest: dict) -> list[str]:
    """Refuse an archive from a newer version of the portal; return the migrations it lacks."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    archived = set(manifest["database"]["migrations"])
    unknown = sorted(archived - known)
    if unknown:
        raise BackupError(
            "The archive was made by a newer version of the portal: its database has migrations "
            f"this code does not know ({', '.join(unknown[:5])}). Restore it with the version "
            "that made it."
        )
    return sorted(known - archived)


def check_vendor(manifest: dict, using: str) -> None:
    archived = manifest["database"]["vendor"]
    target = connections[using].vendor
    if archived != target:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"The archive holds a {names[archived]} database and the portal is set up for "
            f"{names.get(target, target)} (DATABASE_URL). A backup restores into the same kind "
            "of database only; moving between the two is not supported by restore."
        )


def verify(archive: Path, using: str = "default") -> tuple[dict, list[str]]:
    """Check `archive` as restore() would, writing nothing but a staging folder it removes.

    Returns the manifest and the migrations to apply after restoring it.
    """
    with tempfile.TemporaryDirectory(prefix="portal-verify-") as staging:
        manifest = unpack(archive, Path(staging))
        check_vendor(manifest, using)
        check_database(Path(staging), manifest, archive, using)
    return manifest, check_migrations(manifest)


# Restoring


def database_is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


def media_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def restore(
    archive: Path, *, using: str = "default", media: bool = True, force: bool = False
) -> Restored:
    """Restore `archive` into the database `using` and, with `media`, into MEDIA_ROOT.

    Checks everything first, in a staging folder (in TMPDIR: it needs room for the unpacked
    archive), and refuses a database or media folder that is not empty unless `force`.
    Clears every cache afterwards: they may hold pages of the content that was replaced.
    """
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as staging:
        staging = Path(staging)
        manifest = unpack(archive, staging)
        check_vendor(manifest, using)
        missing = check_migrations(manifest)
        restore_media = media and manifest["media"]

        if not force:
            occupied = []
            if not database_is_empty(using):
                occupied.append(f"the database ({connections[using].settings_dict['NAME']})")
            if restore_media and not media_is_empty(media_root):
                occupied.append(f"the media folder ({media_root})")
            if occupied:
                verb = "are" if len(occupied) > 1 else "is"
                raise BackupError(
                    f"Not restoring: {' and '.join(occupied)} {verb} not empty. Restore into "
                    "an empty database and media folder, or run again with --force to replace "
                    "what is there."
                )

        dump = staging / manifest["database"]["file"]
        if connections[using].vendor == "sqlite":
            check_sqlite_file(dump, archive)
            restore_sqlite(dump, using)
        else:
            restore_postgresql(dump, using, force, archive)

        files = 0
        if restore_media:
            files = replace_media(staging / MEDIA, media_root)

    for cache in caches.all():
        cache.clear()
    return Restored(
        database=str(connections[using].settings_dict["NAME"]),
        media_files=files,
        missing_migrations=missing,
    )


def restore_sqlite(dump: Path, using: str) -> None:
    """Copy the archived file over the database, page by page, through the backup API.

    The copy replaces the whole database, tables that are not in the archive included, under
    SQLite's lock, so a running site sees the old database or the new one, never a mix.
    """
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore_postgresql(dump: Path, using: str, force: bool, archive: Path) -> None:
    """Restore the dump into the database in one transaction: all of it or nothing.

    pg_restore first writes the dump out as SQL, reading all of it, so a damaged dump is
    refused before anything changes. psql then runs that in one transaction, after dropping
    and making the schema again when forced, so that nothing of what was there (tables of
    later migrations, the search index's functions) stays beside the restored data; a failure
    anywhere leaves the database as it was, the drop included. Owners and grants are not
    restored: the restored objects belong to the user restoring.
    """
    check_client("psql", using)
    script = dump.with_suffix(".sql")
    postgresql_script(dump, script, archive, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
    connection.close()
    # Warnings only: the drop would list every table it takes, ahead of any error.
    quiet = "--command=SET client_min_messages = warning;"
    replace = [f"--command=DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema};"]
    try:
        run_client(
            [
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={connection.settings_dict['NAME']}",
                quiet,
                *(replace if force else []),
                f"--file={script}",
            ],
            using,
        )
    except BackupError as error:
        raise BackupError(
            f"{archive}: its database could not be restored, and the database was left as it "
            f"was. Nothing was restored. {error}"
        ) from None


def postgresql_script(dump: Path, target: Path, archive: Path, using: str) -> None:
    """Write the dump out as SQL to `target` with pg_restore, which reads all of it."""
    check_client("pg_restore", using)
    try:
        run_client(
            ["pg_restore", "--no-owner", "--no-privileges", f"--file={target}", str(dump)], using
        )
    except BackupError as error:
        raise BackupError(
            f"{archive}: its database cannot be read ({error}). Nothing was restored."
        ) from None


def replace_media(source: Path, root: Path) -> int:
    """Empty `root` (restore() checked it is empty unless forced), then copy the archive's in."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    files = 0
    if source.is_dir():
        shutil.copytree(source, root, dirs_exist_ok=True)
        owned_like(root)
        files = sum(1 for path in root.rglob("*") if path.is_file())
    return files


def owned_like(root: Path) -> None:
    """Give everything in `root` the folder's own owner and group. A restore run as root
    (with sudo) would otherwise leave folders the app's user cannot write uploads into, while
    /readyz, which writes at the top of the folder, still passes. Only root can do this, and
    only root needs to."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    owner = root.stat()
    for path in root.rglob("*"):
        os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
