"""What every content model's admin shares, and the admin of records with a status."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from modeltranslation.admin import TranslationAdmin

from portal.publishing.admin.deletion import SummarisedDeletionMixin
from portal.publishing.admin.history import HistoryAdmin
from portal.publishing.admin.ids import ChosenByIdMixin
from portal.publishing.admin.locking import StoredStateForm
from portal.publishing.admin.ordering import SameOrderAdminMixin
from portal.publishing.admin.rules import EditorialRulesMixin
from portal.publishing.admin.slugs import SlugFromNameMixin
from portal.publishing.admin.uploads import UploadsAdminMixin
from portal.publishing.admin.workflow import WorkflowAdmin
from portal.publishing.richtext import RICH_TEXT_EDITOR, RichTextField


class RichTextEditorWidget(AdminProseEditorWidget):
    """The admin's rich-text editor, the titles of its toolbar's buttons and the choices of its
    block-style picker and dialogs read through the admin's translations
    (static/portal/editor_titles.js), its box named by the field's label
    (static/portal/editor_labels.js)."""

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(
            js=["portal/editor_titles.js", "portal/editor_labels.js"]
        )


class ContentAdmin(
    SlugFromNameMixin,
    ChosenByIdMixin,
    SameOrderAdminMixin,
    UploadsAdminMixin,
    EditorialRulesMixin,
    SummarisedDeletionMixin,
    HistoryAdmin,
    TranslationAdmin,
):
    """What every content model's admin shares: both languages, filter counts on request, save
    on top, history with restore and recovery, checked uploads, the rich-text editor, lists in
    the same order on every database, delete confirmations that list a few of each kind, a
    slug made from the name when it is left empty."""

    form = StoredStateForm
    # Counts beside the filters' choices only after "Show counts": each is a query over the
    # filtered list, seconds for the enterprise list at 100,000 enterprises (filtered by a
    # sector, each count runs over a SELECT DISTINCT).
    show_facets = admin.ShowFacets.ALLOW
    list_per_page = 50
    save_on_top = True
    formfield_overrides = {
        RichTextField: {
            "widget": RichTextEditorWidget(config=RICH_TEXT_EDITOR, preset="configurable")
        },
        # A website typed without a scheme is taken as https://, as Django 6 will do.
        models.URLField: {"assume_scheme": "https"},
    }

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        name, options = fieldsets[-1]
        if not issubclass(self.form, StoredStateForm) or "seen_state" in options["fields"]:
            return fieldsets
        # The record as the form opened it rides along in the last fieldset.
        hidden = ("seen_state", "state_based_on")
        return [*fieldsets[:-1], (name, {**options, "fields": (*options["fields"], *hidden)})]


class PublishableAdmin(WorkflowAdmin, ContentAdmin):
    """Content with a publication status: the editorial workflow on top of ContentAdmin."""


PUBLISHING_FIELDSET = (_("Publishing"), {"fields": ("status", "published_at")})
