import io
from pathlib import Path

import tablib
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal.publishing.imports import is_filled, summary, uncalculated_formulas, unreadable
from zones.resources import EnterpriseResource


class ProgressResource(EnterpriseResource):
    """Advances a progress bar after each row; no HTML diff, which only the admin shows."""

    class Meta(EnterpriseResource.Meta):
        skip_html_diff = True

    def __init__(self, progress: tqdm, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self.progress.update()


class Command(BaseCommand):
    help = (
        "Import enterprises from a CSV or XLSX file, as the admin import does: every row is "
        "checked, and either all rows are written or, if any row has an error, none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--user",
            help=(
                "Import with this user's rights and name: an Editor's changes to published "
                "enterprises are kept as pending drafts. Without it the import runs with the "
                "operator's rights, like a Publisher's."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        dataset = read(file)
        importer = None
        if user is not None:
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"No active user named {user!r}.")
            # As the admin's import page (IMPORT_EXPORT_IMPORT_PERMISSION_CODE): staff who may
            # add enterprises.
            if not (importer.is_staff and importer.has_perm("zones.add_enterprise")):
                raise CommandError(f"{user!r} may not import enterprises.")
        filled = {number for row in dataset for number, cell in enumerate(row) if is_filled(cell)}
        if refused := EnterpriseResource().refused_headings(dataset.headers or [], filled):
            raise CommandError("Nothing was imported. " + refused)
        with tqdm(total=len(dataset), unit="row", disable=options["verbosity"] == 0) as progress:
            # One transaction: a dry run, or any row with an error, rolls every row back.
            # Unlike the admin import, no history entry per row: it would double the time of a
            # large file. The audit log has a row per record it changed, and a record's state
            # is recorded before its first change in the admin.
            result = ProgressResource(progress).import_data(
                dataset,
                dry_run=dry_run,
                use_transactions=True,
                rollback_on_validation_errors=True,
                raise_errors=False,
                user=importer,
            )
        failed = result.has_errors() or result.has_validation_errors()
        for line in errors(result):
            self.stderr.write(line)
        if failed:
            raise CommandError(f"Nothing was imported. {summary(result)}.")
        verb = "Checked (nothing written)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary(result)}."))


def read(file: Path) -> tablib.Dataset:
    if not file.is_file():
        raise CommandError(f"No such file: {file}")
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CommandError("The file must be a .csv or an .xlsx file.")
    if suffix == ".xlsx" and (refused := uncalculated_formulas(io.BytesIO(file.read_bytes()))):
        raise CommandError(f"Nothing was imported. {refused}")
    try:
        if suffix == ".csv":
            dataset = tablib.Dataset().load(file.read_text(encoding="utf-8-sig"), format="csv")
        else:
            dataset = tablib.Dataset().load(file.read_bytes(), format="xlsx")
    except Exception as error:  # whatever the file holds, it is named in words, not a traceback
        raise CommandError(f"Nothing was imported. {unreadable(error)}") from error
    if not dataset.headers or not len(dataset):
        raise CommandError("Nothing was imported: the file has no rows under its headings.")
    return dataset


def errors(result) -> list[str]:
    """One line per bad cell, in the words the admin's table of errors uses."""
    return [
        f"Row {error.row}: {error.column}: {error.message}"
        if error.column
        else f"Row {error.row}: {error.message}"
        for error in result.cell_errors
    ]
