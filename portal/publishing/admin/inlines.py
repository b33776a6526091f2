"""Tabular inlines whose inputs are named.

A row of a tabular inline shows its fields under the table's column headings, with no <label>
of their own: a screen reader announced a row's inputs as "edit text" or "combo box", with
nothing to say which was the year and which the unit. Each input is named after its column
(`aria-label`), in the page's language, the row's delete box included.
"""

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.forms.utils import pretty_name
from django.http import HttpRequest
from django.utils.text import capfirst
from modeltranslation import admin as translation_admin


class NamedInputsFormSet:
    """A formset whose forms name each input after its field's label."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        # Each form has its own copy of its fields and widgets: naming them here changes no
        # other form. The label stays lazy, so it is read out in the language of the page.
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = pretty_name(name) if field.label is None else field.label
                # The widget that is written out: a relation's is inside the admin's wrapper
                # (the add and change links), whose attrs are its inner widget's as the
                # formset's base field holds it, not this form's copy.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs.setdefault("aria-label", capfirst(label))


class NamedInputsMixin:
    """For a tabular inline: its formset, whichever it is, names every input."""

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs
    ) -> type[BaseInlineFormSet]:
        formset = kwargs.get("formset", self.formset)
        kwargs["formset"] = type(formset.__name__, (NamedInputsFormSet, formset), {})
        return super().get_formset(request, obj, **kwargs)


# What the apps' tabular inlines subclass.
class TabularInline(NamedInputsMixin, admin.TabularInline):
    pass


class TranslationTabularInline(NamedInputsMixin, translation_admin.TranslationTabularInline):
    pass
