"""Records chosen in the admin's forms by their ids, and only by whole numbers of 64 bits.

A value that is not such an id ("abc", a number past 64 bits), which only a crafted request
sends, reached the database as it was sent, and failed there as a 500 rather than as the
form's error: in an autocomplete box, which looks up its value again when the form comes back
with its errors or opens with values from its address (`?sectors=1,x`); and on SQLite, which
refuses a number past 64 bits, in any field choosing a record. Every model in the admin has
whole-number ids.
"""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

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
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [choice for choice in value if is_id(choice)], attr)


class IdAutocompleteSelect(IdsOnlyMixin, AutocompleteSelect):
    pass


class IdAutocompleteSelectMultiple(IdsOnlyMixin, AutocompleteSelectMultiple):
    pass


class ChosenByIdMixin:
    """For a ModelAdmin or an inline: its records chosen by whole-number ids only, in its
    autocomplete boxes as in its other fields."""

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
