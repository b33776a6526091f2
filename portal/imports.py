"""What every bulk import shares: lookups by slug, duplicate rows, all-or-nothing in the admin.

The resources themselves live with their models (zones/resources.py, news/resources.py).
"""

import reversion
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from import_export import resources, widgets
from import_export.formats import base_formats

from portal import spreadsheets
from portal.models import AuditEntry


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
            raise ValueError(
                gettext("Unknown %(kind)s “%(slug)s”.") % {"kind": self.label, "slug": slug}
            ) from None


class ContentResource(resources.ModelResource):
    """Rows are validated like the admin form validates them, and rows repeating a unique
    value of an earlier row of the same file are errors, not silent overwrites."""

    # Columns whose values must not repeat within one file.
    unique_in_file: tuple[str, ...] = ("slug",)
    # Unique fields checked against the values in the database loaded once per import, instead
    # of the per-row queries of full_clean()'s constraint validation (which made 10,000 rows
    # take over a minute on SQLite). Check constraints are covered by the fields' validators,
    # and the database still enforces every constraint when the rows are written.
    unique_in_database: tuple[str, ...] | None = None

    def export(self, *args, **kwargs):
        # Exports hold text, never formulas (portal/spreadsheets.py).
        return spreadsheets.formula_safe_dataset(super().export(*args, **kwargs))

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.seen: dict[str, dict[str, int]] = {column: {} for column in self.unique_in_file}
        model = self._meta.model
        self.stored: dict[str, dict] = {
            field: dict(model._default_manager.exclude(**{field: ""}).values_list(field, "pk"))
            for field in self.unique_in_database or ()
        }

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if self.unique_in_database is None:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
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
        looked_up = {
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, SlugWidget)
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
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        number = kwargs.get("row_number")
        for column, seen in self.seen.items():
            value = str(row.get(column) or "").strip().upper()
            if not value:
                continue
            if value in seen:
                errors.setdefault(column, []).append(
                    ValidationError(
                        gettext("Duplicate: row %(row)s has the same %(column)s.")
                        % {"row": seen[value], "column": column}
                    )
                )
            else:
                seen[value] = number
        if errors:
            raise ValidationError(errors)


class ImportAdminMixin:
    """Import with a dry run first and then all rows or none; every import is audited.

    Goes before import-export's ImportMixin and ExportActionMixin in the bases.
    """

    formats = (base_formats.CSV, base_formats.XLSX)

    def process_dataset(self, dataset, form, request, **kwargs):
        # Imported rows get a history entry like any save, so an import can be undone per record.
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Imported from a file"))
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
        AuditEntry.record(
            request.user, AuditEntry.Action.IMPORT, model=self.model, detail=summary(result)
        )
        return super().process_result(result, request)


def summary(result) -> str:
    totals = result.totals
    return gettext(
        "%(new)d new, %(update)d changed, %(skip)d unchanged, %(invalid)d with errors"
    ) % {
        "new": totals.get("new", 0),
        "update": totals.get("update", 0),
        "skip": totals.get("skip", 0),
        "invalid": totals.get("invalid", 0) + totals.get("error", 0),
    }
