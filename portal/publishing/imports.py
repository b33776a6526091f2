"""What every bulk import shares: lookups by slug, duplicate rows, all-or-nothing in the admin,
errors in words, a template to fill in.

A bad cell is a row error that names its column and value and says what is expected, never a
Python exception's text, and a row's errors come all at once: the cells that cannot be read,
the related records that do not exist, and the model's own validation of the rest.

The resources themselves live with their models (zones/resources.py, news/resources.py).
"""

import copy
import csv
import dataclasses
import io
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import openpyxl
import reversion
import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import sanitize_separators
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.forms import ImportForm, SelectableFieldsExportForm
from modeltranslation.utils import build_localized_fieldname

from portal.publishing import drafts, editorial, history, notes, spreadsheets
from portal.publishing.models import AuditEntry
from portal.publishing.translations import listed

logger = logging.getLogger(__name__)

# What a cell of a model field of this kind must hold; the first match in order counts.
EXPECTED = (
    (models.IntegerField, _("Expected a whole number, such as 2015; the file has “%(value)s”.")),
    (
        (models.DecimalField, models.FloatField),
        _(
            "Expected a number, such as 12.5 or -3 (a point before decimals, no thousands "
            "separators or units); the file has “%(value)s”."
        ),
    ),
    (
        (models.DateField,),
        _("Expected a date, such as 2024-06-20; the file has “%(value)s”."),
    ),
    (models.BooleanField, _("Expected 1 (yes) or 0 (no); the file has “%(value)s”.")),
)
UNREADABLE = _("This value cannot be read: “%(value)s”.")


class CellValueError(ValueError):
    """A cell that cannot be read, with a message in words for the editor."""


def expected(field: models.Field | None, value) -> str:
    for kind, message in EXPECTED:
        if isinstance(field, kind):
            return message % {"value": value}
    return UNREADABLE % {"value": value}


def invalid_choice(field: models.Field, value) -> str:
    if isinstance(field, CountryField):
        return gettext(
            "Expected a two-letter country code (ISO 3166), such as DE, JP or KR; the file "
            "has “%(value)s”."
        ) % {"value": value}
    return gettext("Expected one of %(choices)s; the file has “%(value)s”.") % {
        "choices": ", ".join(str(choice) for choice, _label in field.flatchoices),
        "value": value,
    }


@dataclass
class CellError:
    """One line of the table of errors: row number (1 is the first row under the headers),
    column, the value as the file has it, and what is wrong with it."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class StagedRow:
    """A row that changes a live record, kept as that record's pending draft."""

    row: int | None
    record: str
    new: bool


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug; an unknown slug is a row error naming it.

    Loads the whole table's slugs once per import rather than querying per row.
    """

    def __init__(self, model: type[models.Model], label: str):
        super().__init__(model, field="slug")
        self.label = label
        self._by_slug: dict[str, models.Model] | None = None

    def clean(self, value, row=None, **kwargs):
        slug = (str(value) if value is not None else "").strip()
        if not slug:
            return None
        if self._by_slug is None:
            self._by_slug = {obj.slug: obj for obj in self.model._default_manager.all()}
        try:
            return self._by_slug[slug]
        except KeyError:
            raise CellValueError(
                gettext("Unknown %(kind)s “%(slug)s”: give the slug of an existing %(kind)s.")
                % {"kind": self.label, "slug": slug}
            ) from None


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number; one with a fraction (a year written 2015.9) is a cell error, where
    import-export cuts it down to 2015. A spreadsheet's 2015.0 is 2015."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is not None and Decimal(sanitize_separators(value)) != number:
            raise ValueError(value)
        return number


class NullableTextWidget(widgets.CharWidget):
    """Text that may be NULL (a name's Chinese translation): an empty cell is NULL, as the
    admin's form saves it, so that a file exported and imported again changes nothing."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or None


# The widgets import-export gives a text field (CharWidget; a TextField gets the base Widget).
TEXT_WIDGETS = (widgets.CharWidget, widgets.Widget)


class ContentResource(resources.ModelResource):
    """Rows are validated like the admin form validates them, and rows repeating a unique
    value of an earlier row of the same file are errors, not silent overwrites."""

    # Columns whose values must not repeat within one file: a column, or several whose values
    # together must not (a figure's release, zone, metric and year).
    unique_in_file: tuple[str | tuple[str, ...], ...] = ("slug",)
    # Unique fields checked against the values in the database loaded once per import, instead
    # of the per-row queries of full_clean()'s constraint validation (which made 10,000 rows
    # take over a minute on SQLite). Check constraints are covered by the fields' validators,
    # and the database still enforces every constraint when the rows are written.
    unique_in_database: tuple[str, ...] | None = None

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = super().widget_from_django_field(f, default)
        if widget is widgets.IntegerWidget:
            return WholeNumberWidget
        if f.null and isinstance(f, models.CharField | models.TextField) and widget in TEXT_WIDGETS:
            return NullableTextWidget
        return widget

    def export(self, *args, **kwargs):
        # Exports hold text, never formulas (portal/publishing/spreadsheets.py).
        return spreadsheets.formula_safe_dataset(super().export(*args, **kwargs))

    # One row of made-up values for the template an editor downloads, marked as an example.
    example: dict[str, str] = {}

    def import_data(self, dataset, *args, **kwargs):
        # A file exported here and imported again says what it said: the apostrophe that kept a
        # name such as "+86 Trading" from being read as a formula is not part of the name.
        for number, row in enumerate(dataset):
            dataset[number] = [spreadsheets.as_typed(cell) for cell in row]
        result = super().import_data(dataset, *args, **kwargs)
        result.cell_errors = self.cell_errors(result, dataset)
        result.staged = self.staged
        result.blank_rows = self.blank_rows
        return result

    # Who imports decides what the rows may change (editorial.py): an Editor's row for a
    # live record becomes that record's pending draft; a Publisher's (or the command line's,
    # run by an operator without --user) changes it. Every record the import changes gets its
    # own row in the audit log.

    def live_record(self, instance, is_create: bool) -> models.Model | None:
        """The live record whose change by this row must wait for a Publisher, if any."""
        if self.user is None:
            return None
        model = type(instance)
        role = editorial.role_of(model)
        if role == editorial.PUBLISHABLE:
            if is_create or not editorial.is_live(instance):
                return None
            return None if editorial.may_publish(self.user, model) else instance
        if role == editorial.PART:
            for record in editorial.records_of(instance):
                if not editorial.may_change_part_of(self.user, record):
                    return record
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        record = self.live_record(instance, is_create)
        if record is None:
            super().save_instance(instance, is_create, row, **kwargs)
            self.audit(instance, notes.note(notes.IMPORTED))
            return
        if record is instance:
            record = type(instance)._base_manager.get(pk=instance.pk)
            columns = self.changed_attributes(instance, record, row)

            def change(current):
                # What the row changes of the live record, over the draft as it stands: its
                # other edits are kept, also those of columns the file repeats as they are live.
                for attribute in columns:
                    setattr(current, attribute, getattr(instance, attribute))
                current.save()
        else:

            def change(current):
                instance.save()

        drafts.stage(record, self.user, change)
        self.staged.append(StagedRow(kwargs.get("row_number"), str(record), is_create))
        self.audit(record, notes.note(notes.IMPORTED_KEPT))

    def audit(self, record: models.Model, detail: str) -> None:
        self.audit_entries.append(
            AuditEntry(
                user=self.user,
                action=AuditEntry.Action.IMPORT,
                content_type=ContentType.objects.get_for_model(record),
                object_id=str(record.pk),
                object_repr=str(record)[:300],
                names=AuditEntry.names_of(record),
                detail=detail,
            )
        )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Written with the rows, in the import's transaction: a dry run leaves none.
        AuditEntry.objects.bulk_create(self.audit_entries)

    def cell_errors(self, result, dataset: tablib.Dataset) -> list[CellError]:
        """Every row error of `result`, one per cell, with the value as the file has it."""
        columns = {field.attribute: field.column_name for field in self.get_import_fields()}
        headers = list(dataset.headers or [])
        table = []
        for invalid in result.invalid_rows:
            raw = dict(zip(headers, dataset[invalid.number - 1], strict=False))
            for name, field_messages in invalid.error_dict.items():
                # A translated field's own errors (a name left blank) are its default
                # language's column's: the file has name_en, not name.
                default = build_localized_fieldname(
                    name, settings.MODELTRANSLATION_DEFAULT_LANGUAGE
                )
                column = (
                    ""
                    if name == NON_FIELD_ERRORS
                    else columns.get(name) or columns.get(default) or name
                )
                value = raw.get(column)
                for message in field_messages:
                    table.append(
                        CellError(
                            invalid.number, column, "" if value is None else str(value), message
                        )
                    )
        for number, row_errors in result.row_errors():
            for error in row_errors:
                # Not a bad cell (those are validation errors above) but a failure to write
                # the row; its details are for the log, not for the editor.
                logger.error("Import row %s failed: %s", number, error.error, exc_info=False)
                table.append(
                    CellError(
                        number,
                        "",
                        "",
                        gettext(
                            "This row could not be written. Check it against the template; "
                            "if it looks right, ask an administrator to look at the log."
                        ),
                    )
                )
        return sorted(table, key=lambda error: error.row)

    def get_instance(self, instance_loader, row):
        # A row whose identifying cells cannot be read (a figure's year "twenty") is a new
        # record here; the cells' errors are reported with the rest of the row's.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, TypeError, ArithmeticError):
            return None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except CellValueError:
            raise
        except (ValueError, TypeError, ArithmeticError) as error:
            # Widgets raise int()'s and Decimal()'s own errors ("[<class
            # 'decimal.ConversionSyntax'>]"); the editor gets what the column expects.
            try:
                model_field = instance._meta.get_field(field.attribute)
            except Exception:
                model_field = None
            raise CellValueError(expected(model_field, row.get(field.column_name))) from error

    def in_words(self, instance, errors: dict) -> dict:
        """`errors` with Django's "Value 'x' is not a valid choice." replaced by the choices."""
        for name, field_errors in errors.items():
            if any(getattr(error, "code", None) == "invalid_choice" for error in field_errors):
                field = instance._meta.get_field(name)
                value = getattr(instance, field.attname)
                errors[name] = [ValidationError(invalid_choice(field, value))]
        return errors

    def records_changed(self, dataset: tablib.Dataset) -> list[models.Model]:
        """The existing records the rows of `dataset` change; a row repeating a record as it
        is changes nothing. A query a row, and one a relation's cell."""
        loader = self._meta.instance_loader_class(self, dataset)
        found = []
        for row in dataset.dict:
            row = {column: spreadsheets.as_typed(cell) for column, cell in row.items()}
            try:
                record = self.get_instance(loader, row)
            except Exception:  # a row that names no record: the import reports it
                continue
            if record is not None and self.changes(record, row):
                found.append(record)
        return found

    def changes(self, record: models.Model, row: dict) -> bool:
        """Whether `row` changes `record`, read as the import reads it (on a copy)."""
        changed = copy.copy(record)
        try:
            for field in self.get_import_fields():
                self.import_field(field, changed, row)
        except Exception:  # a cell that cannot be read: the import reports it
            return True
        return bool(self.changed_attributes(changed, record, row))

    def refused_headings(self, headers: list, filled_columns: Iterable[int] = ()) -> str:
        """Why a file's headings are refused, or "": a heading that names no column (written
        "Name_EN", or a CSV separated by semicolons) would have every row skipped, a column
        given twice would keep its last cell without a word, and so would be dropped the
        values of a column without a heading (of `filled_columns`, those with a value)."""
        unnamed = sorted(
            number + 1
            for number in set(filled_columns)
            if number >= len(headers) or headers[number] in (None, "")
        )
        if unnamed:
            return ngettext(
                "Column %(columns)s holds values but has no heading: give it the heading of "
                "its column in the template, or leave it out.",
                "Columns %(columns)s hold values but have no heading: give each the heading "
                "of its column in the template, or leave them out.",
                len(unnamed),
            ) % {"columns": listed(str(number) for number in unnamed)}
        known = {field.column_name for field in self.get_import_fields()}
        given = [str(header) for header in headers if header not in (None, "")]
        if unknown := [header for header in given if header not in known]:
            return gettext(
                "Unknown columns: %(unknown)s. The columns of this import are: %(columns)s "
                "(see the template); a CSV file's columns are separated by commas."
            ) % {
                "unknown": listed(f"“{header}”" for header in unknown),
                "columns": listed(field.column_name for field in self.get_import_fields()),
            }
        if repeated := [header for header, count in Counter(given).items() if count > 1]:
            return gettext(
                "These columns are given more than once: %(repeated)s. Keep one of each."
            ) % {"repeated": listed(f"“{header}”" for header in repeated)}
        return ""

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if is_blank(row.values()):  # no record: left out, and not counted as unchanged
            self.blank_rows += 1
            return True
        if (
            self._meta.skip_unchanged
            and not import_validation_errors
            and original is not None
            and original.pk is not None
            and not self.changed_attributes(instance, original, row)
        ):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def changed_attributes(self, instance, original, row) -> list[str]:
        """The attributes of the row's columns whose values differ from the record's, as a
        reader tells them apart (`same_value`). A relation is compared by its id, which the
        record has without a query."""
        changed = []
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            attribute = field.attribute
            try:
                model_field = instance._meta.get_field(attribute)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and model_field.many_to_one:
                attribute = model_field.attname
            if not same_value(getattr(instance, attribute), getattr(original, attribute)):
                changed.append(field.attribute)
        return changed

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        user = kwargs.get("user")
        self.user = user if user is not None and user.is_authenticated else None
        self.staged: list[StagedRow] = []
        self.audit_entries: list[AuditEntry] = []
        self.blank_rows = 0
        self.seen: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {
            (key,) if isinstance(key, str) else key: {} for key in self.unique_in_file
        }
        model = self._meta.model
        self.stored: dict[str, dict] = {
            field: dict(model._default_manager.exclude(**{field: ""}).values_list(field, "pk"))
            for field in self.unique_in_database or ()
        }

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        import_validation_errors = {
            **null_characters(instance),
            **(import_validation_errors or {}),
        }
        if self.unique_in_database is None:
            try:
                return super().validate_instance(
                    instance, import_validation_errors, validate_unique
                )
            except ValidationError as error:
                raise ValidationError(
                    self.in_words(instance, error.update_error_dict({}))
                ) from None
        errors = dict(import_validation_errors or {})
        opts = instance._meta
        for field in self.unique_in_database:
            owner = self.stored[field].get(getattr(instance, field))
            if owner is not None and owner != instance.pk:
                errors.setdefault(field, []).append(
                    ValidationError(
                        gettext("Another %(kind)s already has this %(field)s.")
                        % {
                            "kind": opts.verbose_name,
                            "field": opts.get_field(field).verbose_name,
                        }
                    )
                )
        # A related record named by slug was found by SlugWidget already; Django would check
        # that it exists again, with a query per row.
        # Left empty, it is checked as any field: "This field cannot be null".
        looked_up = {
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, SlugWidget)
            and getattr(instance, opts.get_field(field.attribute).attname) is not None
        }
        try:
            instance.full_clean(
                exclude={*errors.keys(), *looked_up},
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(self.in_words(instance, errors))

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        number = kwargs.get("row_number")
        for columns, seen in self.seen.items():
            value = tuple(str(row.get(column) or "").strip().upper() for column in columns)
            # An empty cell repeats nothing; in a key of several columns it is a value (a
            # figure without a year).
            if not any(value):
                continue
            if value in seen:
                errors.setdefault(columns[0], []).append(
                    ValidationError(
                        gettext("Duplicate: row %(row)s has the same %(column)s.")
                        % {"row": seen[value], "column": ", ".join(columns)}
                    )
                )
            else:
                seen[value] = number
        if errors:
            raise ValidationError(errors)


def null_characters(instance: models.Model) -> dict[str, list[ValidationError]]:
    """The errors of the text fields holding a NUL character, which the admin's forms refuse as
    well (and PostgreSQL cannot store)."""
    refuse = ProhibitNullCharactersValidator()
    fields = instance._meta.concrete_fields
    # A translated field (name) reads its language's (name_en): the latter's error is enough.
    translated = {
        field.translated_field.name for field in fields if hasattr(field, "translated_field")
    }
    errors = {}
    for field in fields:
        if field.name in translated:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = [ValidationError(refuse.message, code=refuse.code)]
    return errors


def unreadable(error: Exception) -> str:
    """Why a file could not be read, and how to save it right."""
    if isinstance(error, UnicodeDecodeError):
        return gettext(
            "This file is not in UTF-8, as a CSV file here must be. In Excel, save it as "
            "“CSV UTF-8 (Comma delimited)”, or upload the workbook and choose xlsx."
        )
    return gettext(
        "This file could not be read as the format chosen. Check that the format "
        "matches the file, that its first row holds the column headings and that no "
        "row has more cells than the headings."
    )


@dataclass
class Scan:
    """What an uploaded file holds under its headings, read without loading it (`scan_upload`)."""

    headings: list
    rows: int = 0  # rows with a cell filled in (an import leaves the others out)
    filled_columns: set[int] = dataclasses.field(default_factory=set)  # with a value, from 0

    def add(self, row) -> None:
        filled = [number for number, cell in enumerate(row) if is_filled(cell)]
        if filled:
            self.rows += 1
            self.filled_columns.update(filled)


def scan_upload(upload, file_format) -> Scan:
    """The headings of an uploaded CSV or XLSX and what is under them, read without loading
    the cells into a dataset (a second for 100,000 rows); no headings and no rows when the file
    cannot be read, which the import itself then reports."""
    upload.seek(0)
    scan = Scan(headings=[])
    try:
        if file_format.is_binary():
            book = openpyxl.load_workbook(upload, read_only=True)
            rows = book.active.iter_rows(values_only=True)
            scan.headings = list(next(rows, None) or ())
            for row in rows:
                scan.add(row)
            book.close()
        else:
            # Strictly: a file in another encoding (UTF-16, GBK) is reported by the import as
            # not in UTF-8, not as columns of garbled names.
            text = io.TextIOWrapper(upload.file, encoding="utf-8-sig")
            try:
                rows = csv.reader(text)
                scan.headings = list(next(rows, None) or ())
                for row in rows:
                    scan.add(row)
            finally:
                text.detach()  # which leaves the upload open for the import
    except Exception:
        scan = Scan(headings=[])
    upload.seek(0)
    return scan


def same_value(value, other) -> bool:
    """Whether two values of a field are the same to a reader: an empty text and none are, and
    so are line breaks written \\r\\n (as a browser sends a text area's, and the admin keeps
    them) and \\n (as a spreadsheet or a CSV reader gives them back)."""
    if all(v is None or isinstance(v, str) for v in (value, other)):
        return (value or "").replace("\r\n", "\n") == (other or "").replace("\r\n", "\n")
    return value == other


# Cells named in a message, at most; the rest are counted.
CELLS_NAMED = 5


def uncalculated_formulas(workbook: IO[bytes]) -> str:
    """Why an XLSX file is refused, or "": it has formulas whose values it does not hold.

    A spreadsheet saves each formula's value beside it, which is what an import reads; a file
    written by a program (openpyxl, pandas) often holds the formula alone, and its cells would
    be read as empty, blanking the fields they stand for without a word. Such a cell reads as
    a number with no value; a formula whose value is empty text is saved as text.
    """
    cells = []
    try:
        workbook.seek(0)
        formulas = openpyxl.load_workbook(workbook, read_only=True)
        workbook.seek(0)
        values = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
        # In step, row by row: a read-only sheet reads itself from the top for each cell asked
        # for by its name.
        for formula_row, value_row in zip(
            formulas.active.iter_rows(), values.active.iter_rows(), strict=False
        ):
            for formula, value in zip(formula_row, value_row, strict=False):
                if formula.data_type == "f" and value.value is None and value.data_type == "n":
                    cells.append(formula.coordinate)
        formulas.close()
        values.close()
    except Exception:  # unreadable: the import itself says so
        cells = []
    workbook.seek(0)
    if not cells:
        return ""
    named = ", ".join(cells[:CELLS_NAMED]) + (" …" if len(cells) > CELLS_NAMED else "")
    return ngettext(
        "Cell %(cells)s holds a formula without its value, which would be read as an empty "
        "cell. Open the file in Excel, WPS or LibreOffice and save it again, or replace the "
        "formula by its value.",
        "%(count)s cells (%(cells)s) hold formulas without their values, which would be read "
        "as empty cells. Open the file in Excel, WPS or LibreOffice and save it again, or "
        "replace the formulas by their values.",
        len(cells),
    ) % {"cells": named, "count": len(cells)}


def is_blank(cells) -> bool:
    """Whether no cell of a row is filled in (a spreadsheet's cleared row, a CSV's ",,")."""
    return not any(is_filled(cell) for cell in cells)


def is_filled(cell) -> bool:
    return cell is not None and bool(str(cell).strip())


class LabelledExportForm(SelectableFieldsExportForm):
    """The export's choice of columns, each named as the admin names the field, in the admin's
    language, with the column's name beside it (import-export spells the column's name out
    in English: "Name Zh Hans")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        column = field.column_name if field is not None else field_name
        try:
            model_field = resource._meta.model._meta.get_field(
                field.attribute if field is not None and field.attribute else field_name
            )
        except FieldDoesNotExist:
            return super()._get_field_label(resource, field_name)
        return f"{capfirst(model_field.verbose_name)} ({column})"


class SizedImportForm(ImportForm):
    """Refuses a file with more rows than an admin request can check or write in a few
    seconds (IMPORT_MAX_ROWS, measured: see the README), naming the way to import it."""

    def __init__(self, *args, command: str | None = None, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.formats, self.resources = args[0], args[1]
        self.command = command
        self.kind = kind

    def clean(self):
        cleaned_data = super().clean()
        upload, index = cleaned_data.get("import_file"), cleaned_data.get("format")
        if upload is None or index in (None, ""):
            return cleaned_data
        file_format = self.formats[int(index)]()
        resource = self.resources[int(cleaned_data.get("resource") or 0)]()
        scan = scan_upload(upload, file_format)
        if refused := resource.refused_headings(scan.headings, scan.filled_columns):
            raise ValidationError({"import_file": refused})
        if file_format.is_binary() and (refused := uncalculated_formulas(upload)):
            raise ValidationError({"import_file": refused})
        limit = settings.IMPORT_MAX_ROWS
        if scan.rows <= limit:
            return cleaned_data
        too_many = ngettext(
            "This file has %(rows)s rows; an import here takes at most %(limit)s row, so that "
            "the page answers within seconds.",
            "This file has %(rows)s rows; an import here takes at most %(limit)s rows, so that "
            "the page answers within seconds.",
            limit,
        ) % {"rows": scan.rows, "limit": limit}
        if self.command:
            advice = gettext(
                "Import it on the server with “python manage.py %(command)s FILE”, which has "
                "no limit, or split it into smaller files."
            ) % {"command": self.command}
        else:
            advice = ngettext(
                "Split it into files of at most %(limit)s row: %(kind)s have no command-line "
                "import.",
                "Split it into files of at most %(limit)s rows: %(kind)s have no command-line "
                "import.",
                limit,
            ) % {"limit": limit, "kind": self.kind}
        raise ValidationError({"import_file": f"{too_many} {advice}"})


# The session key of the uploads its user's dry runs kept, the newest last.
KEPT_UPLOADS = "kept_import_uploads"
KEPT_UPLOADS_PER_SESSION = 20


class ImportAdminMixin:
    """Import with a dry run first and then all rows or none; every import is audited.

    Goes before import-export's ImportMixin and ExportActionMixin in the bases.
    """

    formats = (base_formats.CSV, base_formats.XLSX)
    # A CSV export starts with a byte order mark, as the public downloads do: Excel on a
    # Chinese Windows reads a UTF-8 file without one as GBK, and garbles every Chinese name.
    to_encoding = "utf-8-sig"
    # The portal's form (status, pending draft, previews), not import-export's own, which
    # ExportActionMixin would set; it keeps that one's "Export" button.
    change_form_template = "admin/portal/change_form.html"
    import_template_name = "admin/portal/import.html"
    import_form_class = SizedImportForm
    export_form_class = LabelledExportForm
    # The management command that imports this model's files of any size, if there is one.
    import_command: str | None = None

    def get_import_form_kwargs(self, request: HttpRequest):
        return super().get_import_form_kwargs(request) | {
            "command": self.import_command,
            "kind": self.model._meta.verbose_name_plural,
        }

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict:
        # The upload a dry run kept is remembered in the session of whoever sent it, so that a
        # confirmation takes that upload and no other file of the folder uploads are kept in.
        initial = super().get_confirm_form_initial(request, import_form)
        if name := initial.get("import_file_name"):
            kept = request.session.get(KEPT_UPLOADS, [])
            # As the confirmation form reads it back: the name in the folder.
            name = os.path.basename(name)
            request.session[KEPT_UPLOADS] = [*kept, name][-KEPT_UPLOADS_PER_SESSION:]
        return initial

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def export_action(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # As the list does with a filter it does not know, but saying which: an address
            # edited by hand or kept from an older version of the list.
            self.message_user(
                request,
                gettext("The export's address holds a filter the list does not have."),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
            )

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        """A file to fill in: the columns the import reads, and one row marked as an example."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_format = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}.get(
            request.GET.get("format", "")
        )
        if file_format is None:
            raise Http404
        resource = self.get_import_resource_classes(request)[0]()
        headers = [field.column_name for field in resource.get_import_fields()]
        dataset = tablib.Dataset(headers=headers)
        dataset.append([resource.example.get(header, "") for header in headers])
        content = file_format().export_data(dataset)
        if isinstance(content, str):
            content = "\ufeff" + content  # so that Excel reads the Chinese right
        response = HttpResponse(content, content_type=file_format.CONTENT_TYPE)
        filename = f"{self.model._meta.model_name}-import-template.{request.GET['format']}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def add_data_read_fail_error_to_form(self, form, error: Exception) -> None:
        # import-export names the exception ("'UnicodeDecodeError' encountered…"); say instead
        # what is wrong with the file and how to save it right.
        form.add_error("import_file", unreadable(error))

    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """The confirmation of a dry run: refused with a message when the upload it confirms
        is gone (confirmed already, from another tab or by going back) or the form was edited."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if form.is_valid() and not self.upload_is_kept(request, form.cleaned_data):
            return self.upload_gone(request)
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # The same confirmation, sent twice at once: the first took the upload.
            return self.upload_gone(request)

    def upload_is_kept(self, request: HttpRequest, data: dict) -> bool:
        """Whether the confirmation names a resource and a format of this import, and an upload
        still kept, from this session's dry run, that is in that format (as the dry run read it)."""
        if data["import_file_name"] not in request.session.get(KEPT_UPLOADS, []):
            return False
        number, resource = data["format"], data.get("resource") or "0"
        formats = self.get_import_formats()
        if not number.isdigit() or int(number) >= len(formats):
            return False
        if not resource.isdigit() or int(resource) >= len(
            self.get_import_resource_classes(request)
        ):
            return False
        storage = self.get_tmp_storage_class()(
            name=data["import_file_name"], read_mode="rb", **self.get_tmp_storage_class_kwargs()
        )
        try:
            content = storage.read()
        except (OSError, ValueError):
            return False
        if content is None:
            return False
        if isinstance(content, str):
            content = content.encode()
        if formats[int(number)]().is_binary():
            return content.startswith(b"PK\x03\x04")  # a workbook is a zip archive
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        return True

    def upload_gone(self, request: HttpRequest) -> HttpResponse:
        self.message_user(
            request,
            gettext(
                "This import was confirmed already, or its upload is no longer kept. Nothing "
                "was imported by this confirmation: upload the file again to import it."
            ),
            messages.ERROR,
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import")
        )

    def import_action(self, request: HttpRequest, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            opts = self.model._meta
            context["import_template_url"] = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import_template"
            )
            result = context.get("result")
            context["cell_errors"] = getattr(result, "cell_errors", [])
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        # Imported rows get a history entry like any save, so an import can be undone per
        # record; a record the file changes is recorded first as it was, if nothing had yet.
        resource_class = self.choose_import_resource_class(form, request)
        resource = resource_class(**self.get_import_resource_kwargs(request, form=form, **kwargs))
        for record in resource.records_changed(dataset):
            history.keep_first_state(record)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(notes.note(notes.IMPORTED))
            return super().process_dataset(dataset, form, request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        return super().get_import_data_kwargs(**kwargs) | {
            "rollback_on_validation_errors": True,
        }

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                gettext(
                    "Nothing was imported: some rows have errors now. Run the import again to "
                    "see them."
                ),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
        if result.staged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d row changes a published record: it is kept as that record's "
                    "pending draft for a Publisher to review.",
                    "%(count)d rows change published records: each is kept as its record's "
                    "pending draft for a Publisher to review.",
                    len(result.staged),
                )
                % {"count": len(result.staged)},
                messages.INFO,
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        # import-export's own counts a row kept as a pending draft as written.
        messages.success(
            request,
            gettext("Import finished: %(summary)s.") % {"summary": summary(result)},
        )


def summary(result) -> str:
    totals = result.totals
    staged = getattr(result, "staged", [])
    staged_new = sum(row.new for row in staged)
    text = gettext(
        "%(new)d new, %(update)d changed, %(skip)d unchanged, %(invalid)d with errors"
    ) % {
        "new": totals.get("new", 0) - staged_new,
        "update": totals.get("update", 0) - (len(staged) - staged_new),
        "skip": totals.get("skip", 0) - getattr(result, "blank_rows", 0),
        "invalid": totals.get("invalid", 0) + totals.get("error", 0),
    }
    if staged:
        text += ngettext(
            ", %(count)d kept as a pending draft", ", %(count)d kept as pending drafts", len(staged)
        ) % {"count": len(staged)}
    return text
