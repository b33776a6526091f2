from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into an empty database and media folder. The "
        "whole archive is checked before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--media",
            action="store_true",
            default=True,
            help="Restore the media files too (the default, when the archive has them).",
        )
        parser.add_argument(
            "--no-media",
            dest="media",
            action="store_false",
            help="The database only; leave MEDIA_ROOT alone.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and media folder that are not empty. What is there is lost.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (manifest, checksums, vendor, migrations); write nothing.",
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, archive, media, force, check, database, **options):
        try:
            if check:
                self.check_only(archive, database)
                return
            restored = backups.restore(archive, using=database, media=media, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive} into the database {restored.database} and "
                f"{restored.media_files} media files; caches cleared."
            )
        )
        if restored.missing_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The archive predates {len(restored.missing_migrations)} migrations of this "
                    "version: run `python manage.py migrate` next."
                )
            )

    def check_only(self, archive: Path, database: str) -> None:
        manifest, missing = backups.verify(archive, using=database)
        note = f"; {len(missing)} migrations to apply after restoring" if missing else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive} is whole: a {manifest['database']['vendor']} database and "
                f"{len(manifest['media_files'])} media files, made {manifest['created']}{note}."
            )
        )
