from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from portal import backups


class Command(BaseCommand):
    help = (
        "Write the database and the media files to one archive (.tar.gz) with a manifest of "
        "checksums. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            default=Path("."),
            help="The archive to write (a name ending in .tar.gz, never overwritten), or a "
            "folder to write it in under a dated name, made if need be (default: the current "
            "folder).",
        )
        parser.add_argument(
            "--media",
            action="store_true",
            default=True,
            help="Include MEDIA_ROOT (the default).",
        )
        parser.add_argument(
            "--no-media", dest="media", action="store_false", help="The database only."
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, output, media, database, **options):
        try:
            manifest = backups.create(output, using=database, media=media)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        path = Path(manifest["path"])
        files = len(manifest["media_files"])
        media_note = f"{files} media files" if media else "no media files (--no-media)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database']['vendor']} database and {media_note} "
                f"to {path} ({filesizeformat(path.stat().st_size)})."
            )
        )
