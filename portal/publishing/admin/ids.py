"""Records chosen in the admin's forms by their ids, and only by whole numbers of 64 bits.

A value that is not such an id ("abc", a number past 64 bits), which only a crafted request
sends, reached the database as it was sent, and failed there as a 500 rather than as the
form's error: in an autocomplete box, which looks up its value again when the form comes back
with its errors or opens with values from its address (`?sectors=1,x`); and on SQLite, which
refuses a number past 64 bits, in any field choosing a record. Every model in the admin has
whole-number ids.
"""

import re
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

WHOLE_NUMBER_ID = re.compile(r"[0-9]{1,18}")


def is_id(value) -> bool:
    return WHOLE_NUMBER_ID.fullmatch(str(value)) is not None


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        for pk in value or ():
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class IdsOnlyMixin:
    # The records chosen in every box of this one's column of a formset, read for all of them
    # at once (ChosenOnceFormSet): value → (value, label), or None where no record has the
    # value. Left unset, a box reads its own, one query a box.
    chosen: dict[str, tuple[Any, str] | None] | None = None

    def optgroups(self, name, value, attr=None):
        value = [choice for choice in value if is_id(choice)]
        if self.chosen is None or any(str(choice) not in self.chosen for choice in value):
            return super().optgroups(name, value, attr)
        # As AutocompleteMixin.optgroups, with the records read already (in the same order).
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        selected_choices = {str(choice) for choice in value}
        for key, record in self.chosen.items():
            if key in selected_choices and record is not None:
                option_value, label = record
                index = len(default[1])
                default[1].append(
                    self.create_option(name, option_value, label, selected_choices, index)
                )
        return [default]

    def read_chosen(self, values: set[str]) -> dict[str, tuple[Any, str] | None]:
        """`chosen` for these values: one query."""
        remote = self.field.remote_field
        to_field_name = getattr(remote, "field_name", remote.model._meta.pk.attname)
        to_field_name = remote.model._meta.get_field(to_field_name).attname
        records = self.choices.queryset.using(self.db).filter(**{f"{to_field_name}__in": values})
        chosen: dict[str, tuple[Any, str] | None] = {
            str(getattr(record, to_field_name)): (
                getattr(record, to_field_name),
                self.choices.field.label_from_instance(record),
            )
            for record in records
        }
        return chosen | {value: None for value in values if value not in chosen}


class IdAutocompleteSelect(IdsOnlyMixin, AutocompleteSelect):
    pass


class IdAutocompleteSelectMultiple(IdsOnlyMixin, AutocompleteSelectMultiple):
    pass


class ChosenOnceFormSet:
    """A formset whose autocomplete boxes read the records chosen in them with one query for
    each column, not one for each box: a release's form with 128 figures drew 384 of them."""

    @cached_property
    def forms(self) -> list[forms.BaseForm]:
        every_form = super().forms
        columns: dict[str, list[tuple[forms.BaseForm, IdsOnlyMixin]]] = {}
        for form in every_form:
            for name, field in form.fields.items():
                # A relation's box is inside the admin's wrapper (the add and change links).
                box = getattr(field.widget, "widget", field.widget)
                if isinstance(box, IdsOnlyMixin):
                    columns.setdefault(name, []).append((form, box))
        for name, boxes in columns.items():
            values = set()
            for form, _box in boxes:
                value = form[name].value()
                for choice in value if isinstance(value, list | tuple) else [value]:
                    if is_id(choice):
                        values.add(str(choice))
            chosen = boxes[0][1].read_chosen(values)
            for _form, box in boxes:
                box.chosen = chosen
        return every_form


class ChosenByIdMixin:
    """For a ModelAdmin or an inline: its records chosen by whole-number ids only, in its
    autocomplete boxes as in its other fields; in an inline's rows, read once for all rows."""

    def get_formset(self, request, obj=None, **kwargs):
        # Called for inlines only.
        formset = kwargs.get("formset", self.formset)
        kwargs["formset"] = type(formset.__name__, (ChosenOnceFormSet, formset), {})
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", IdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
