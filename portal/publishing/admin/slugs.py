"""A slug left empty is made from the record's English name, or from the pinyin of its Chinese
one.

The admin writes a slug from the English name as it is typed (`prepopulated_fields`). A record
known by its Chinese name alone left the slug empty, and its editor had to make up an address.
"""

from django import forms
from django.db.models import Field
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.publishing.pinyin import slug_of

MADE_FROM_NAME = _(
    "Left empty, it is made from the English name, or from the pinyin of the Chinese one."
)


class SlugFromNameMixin:
    """For an admin or an inline whose `prepopulated_fields` fill a slug from a name: the slug
    may be left empty, and its form (SlugFromNameForm) makes it."""

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.prepopulated_fields:
            formfield.required = False
            formfield.help_text = MADE_FROM_NAME
        return formfield


class SlugFromNameForm(forms.ModelForm):
    """Makes a slug left empty (SlugFromNameMixin) from the name, or a release's or an event's
    title (the field the record is listed by), before the slug's uniqueness is checked: a
    record whose name gives the slug of another is refused in words, beside the slug."""

    def clean(self) -> dict:
        cleaned_data = super().clean()
        field = self.fields.get("slug")
        if field is None or field.required or cleaned_data.get("slug") or self.has_error("slug"):
            return cleaned_data
        name = getattr(self._meta.model, "sorted_by", "name")
        slug = slug_of(
            cleaned_data.get(f"{name}_en"),
            cleaned_data.get(f"{name}_zh_hans"),
            self._meta.model._meta.get_field("slug").max_length,
        )
        if slug:
            cleaned_data["slug"] = slug
        else:
            self.add_error("slug", field.error_messages["required"])
        return cleaned_data
