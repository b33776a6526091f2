from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from news.links import LINK_FIELDS, body_fields
from news.models import Indicator
from portal.publishing.admin.locking import StoredStateForm
from portal.publishing.numbers import as_entered

# Far above the longest release (the June 20 one is some 12,000 characters), low enough that a
# request cannot make the server read megabytes of names against it.
MAX_BODY_LENGTH = 200_000


class RecordIdsField(forms.Field):
    """The ids a link field of the release's form holds (a multiple select), as a set."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Record ids are whole numbers.")}

    def to_python(self, value) -> set[int]:
        if not value:
            return set()
        values = value if isinstance(value, list | tuple) else [value]
        ids = set()
        for item in values:
            if not str(item).isdecimal() or len(str(item)) > 18:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.add(int(item))
        return ids


class LinkSuggestionsForm(forms.Form):
    """What the release's form holds when its link suggestions are asked for: the body in
    each language and the ids already linked in each link field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in body_fields():
            self.fields[name] = forms.CharField(
                required=False, strip=False, max_length=MAX_BODY_LENGTH
            )
        for name, _model in LINK_FIELDS:
            self.fields[name] = RecordIdsField(required=False)

    def bodies(self) -> list[str]:
        return [self.cleaned_data[name] for name in body_fields()]

    def linked(self) -> dict[str, set[int]]:
        return {name: self.cleaned_data[name] for name, _model in LINK_FIELDS}


class FigureValueField(forms.DecimalField):
    """A figure's value, shown in its input as entered (5, 3.5) rather than as stored (5.0000).

    Typed as text, not in a number input: a browser whose number input does not take the comma
    drops it (Chromium sent "62,5" as 625), and the form never saw what was typed. A comma is
    refused, since it may separate thousands (1,200) as well as decimals (62,5); a phone's
    keyboard still offers the digits and the point (inputmode).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {
        "comma": _(
            "Write the number without commas, such as 1200 or 62.5: a comma may separate "
            "thousands or decimals."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and any(comma in value for comma in COMMAS):
            raise ValidationError(self.error_messages["comma"], code="comma")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return as_entered(value)
        return super().prepare_value(value)


# The comma, and the full-width one a Chinese keyboard types.
COMMAS = (",", "，")


# A release states one value for a zone (or one of its parks), a metric and a year; the figures
# import finds the figure a row changes by these.
FIGURE_KEY = ("zone", "park", "metric", "year")
FIGURE_GIVEN_TWICE = _(
    "This release already has a figure of %(metric)s for %(place)s, %(year)s: give each zone "
    "or park, metric and year one figure."
)


def figure_given_twice(data: dict) -> ValidationError:
    return ValidationError(
        FIGURE_GIVEN_TWICE,
        code="unique_together",
        params={
            "metric": data["metric"],
            "place": data.get("park") or data["zone"],
            "year": data.get("year") or _("the total as of the release"),
        },
    )


class FigureFormSet(forms.BaseInlineFormSet):
    """A release's figures, none given twice."""

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            # A row with errors of its own is named by them: its key is not whole.
            if not data or form.errors or self._should_delete_form(form):
                continue
            key = tuple(data.get(name) for name in FIGURE_KEY)
            if key in seen:
                raise figure_given_twice(data)
            seen.add(key)


class FigureForm(StoredStateForm):
    """A figure on its own: not one its release already has."""

    def clean(self) -> dict:
        data = super().clean()
        if all(data.get(name) for name in ("release", "zone", "metric")):
            others = Indicator.objects.filter(
                release=data["release"], **{name: data.get(name) for name in FIGURE_KEY}
            ).exclude(pk=self.instance.pk)
            if others.exists():
                raise figure_given_twice(data)
        return data
