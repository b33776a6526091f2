from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportActionMixin, ImportMixin

from news.forms import FigureForm, FigureFormSet, FigureValueField, LinkSuggestionsForm
from news.links import LINK_FIELDS, suggest_links, suggest_links_for
from news.models import Attachment, Event, Image, Indicator, Metric, Release, Series
from news.resources import IndicatorResource
from portal.publishing.admin import (
    PUBLISHING_FIELDSET,
    ChosenByIdMixin,
    ContentAdmin,
    HistoryAdmin,
    PublishableAdmin,
    SameOrderAdminMixin,
    TabularInline,
    TranslationTabularInline,
    UploadsAdminMixin,
)
from portal.publishing.admin.filters import linked
from portal.publishing.attachments import ValidatedPDFField
from portal.publishing.imports import ImportAdminMixin


@admin.register(Series)
class SeriesAdmin(ContentAdmin):
    list_display = ("name", "organiser")
    search_fields = ("name_en", "name_zh_hans")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Image)
class ImageAdmin(SameOrderAdminMixin, UploadsAdminMixin, HistoryAdmin):
    """The portal's media: images checked and re-encoded on upload, placed in rich text by the
    address shown here (the only images rich text keeps)."""

    list_display = ("title", "address", "alt_text", "created_at")
    search_fields = ("title", "alt_text")
    readonly_fields = ("address",)
    fields = ("title", "file", "alt_text", "address")

    @admin.display(description=_("address for the rich-text editor"))
    def address(self, obj: Image) -> str:
        return obj.file.url if obj.file else ""


@admin.register(Metric)
class MetricAdmin(ContentAdmin):
    list_display = ("name", "slug")
    search_fields = ("name_en", "name_zh_hans", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class IndicatorInline(ChosenByIdMixin, TranslationTabularInline):
    """The figures a release reports: entered with the release they come from."""

    model = Indicator
    formset = FigureFormSet
    extra = 0
    autocomplete_fields = ("zone", "park", "metric")
    fields = ("zone", "park", "metric", "year", "qualifier", "value", "unit", "note")
    formfield_overrides = {models.DecimalField: {"form_class": FigureValueField}}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        # What each row's name reads (Indicator.__str__).
        return super().get_queryset(request).select_related("metric", "zone")


class AttachmentInline(TabularInline):
    model = Attachment
    extra = 0
    fields = ("title", "file", "position")
    formfield_overrides = {models.FileField: {"form_class": ValidatedPDFField}}


class EventInline(ChosenByIdMixin, TabularInline):
    model = Event.releases.through
    extra = 0
    autocomplete_fields = ("event",)
    verbose_name = _("event this release reports on")
    verbose_name_plural = _("events this release reports on")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "event":
            # The generated link table names its column "event" in English only.
            field.label = Event._meta.verbose_name
        return field


@admin.register(Release)
class ReleaseAdmin(PublishableAdmin):
    """Releases, with the records the body names but does not link suggested for linking."""

    list_display = ("title", "kind", "series", "series_number", "published_at", "status")
    list_filter = ("status", "kind", "series", linked("zones"), "is_synthetic")
    list_select_related = ("series",)
    search_fields = ("title_en", "title_zh_hans", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("series", "zones", "enterprises", "institutions", "platforms")
    date_hierarchy = "published_at"
    inlines = (IndicatorInline, AttachmentInline, EventInline)
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "summary", "body")}),
        (
            _("Source"),
            {"fields": ("issuing_body", ("series", "series_number"), "location")},
        ),
        (_("Cover image"), {"fields": ("cover_image", "cover_image_alt")}),
        (
            _("Linked records"),
            {"fields": ("zones", "enterprises", "institutions", "platforms")},
        ),
        PUBLISHING_FIELDSET,
    )

    class Media:
        js = ("portal/link_suggestions.js",)

    def reversion_register(self, model, **options):
        # Reversion follows an inline's rows from the record through their foreign key's
        # accessor, which Django hides on the link table it makes for the events: followed
        # through Release.event_links instead, a version holds the release's links to its
        # events, and restoring it gives them back.
        if model is Release:
            options["follow"] = (*options.get("follow", ()), "event_links")
        super().reversion_register(model, **options)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [
            path(
                "link-suggestions/",
                self.admin_site.admin_view(self.link_suggestions_view),
                name="news_release_link_suggestions",
            ),
            *super().get_urls(),
        ]

    def visible_link_fields(self, request: HttpRequest) -> list[str]:
        """The link fields whose records this user may see in the admin: only their names are
        ever suggested (unpublished records' names included, which staff may see)."""
        return [
            name
            for name, model in LINK_FIELDS
            if request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
            or request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        ]

    def link_suggestions_view(self, request: HttpRequest) -> HttpResponse:
        """The suggestions for what the release's form holds now, saved or not (JSON).

        Asked for by static/portal/link_suggestions.js as the body is edited; a POST, so that
        the body need not fit in a URL, and CSRF-checked like every admin form.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        form = LinkSuggestionsForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        suggestions = suggest_links(
            form.bodies(), form.linked(), fields=self.visible_link_fields(request)
        )
        html = render_to_string(
            "admin/portal/link_suggestions.html",
            {"link_suggestions": suggestions},
            request=request,
        )
        return JsonResponse(
            {
                "suggestions": [
                    {
                        "field": suggestion.field,
                        "id": suggestion.record.pk,
                        "name": str(suggestion.record),
                        "kind": suggestion.kind,
                        "found": suggestion.found,
                        "public": suggestion.public,
                    }
                    for suggestion in suggestions
                ],
                "html": html,
            }
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Release | None = None,
    ) -> HttpResponse:
        context["link_suggestions"] = (
            suggest_links_for(obj, self.visible_link_fields(request))
            if obj is not None and obj.pk and not add
            else []
        )
        context["link_suggestions_url"] = reverse(
            f"{self.admin_site.name}:news_release_link_suggestions"
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request: HttpRequest, obj: Release) -> HttpResponse:
        if "_preview" not in request.POST and "_continue" not in request.POST:
            suggestions = suggest_links_for(obj, self.visible_link_fields(request))
            if suggestions:
                self.message_user(
                    request,
                    ngettext(
                        "The body names %(count)d record that is not linked yet: %(names)s. "
                        "Open the release to link it with one click.",
                        "The body names %(count)d records that are not linked yet: %(names)s. "
                        "Open the release to link them with one click.",
                        len(suggestions),
                    )
                    % {
                        "count": len(suggestions),
                        "names": ", ".join(str(s.record) for s in suggestions),
                    },
                    messages.WARNING,
                )
        return super().response_change(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(ImportAdminMixin, ImportMixin, ExportActionMixin, ContentAdmin):
    list_display = ("metric", "zone", "year", "value_as_entered", "unit", "release")
    list_filter = ("zone", "metric", "unit", "year")
    list_select_related = ("metric", "zone", "release")
    search_fields = (
        "metric__name_en",
        "metric__name_zh_hans",
        "zone__name_en",
        "zone__name_zh_hans",
        "release__title_en",
        "release__title_zh_hans",
    )
    autocomplete_fields = ("zone", "park", "metric", "release")
    resource_classes = (IndicatorResource,)
    form = FigureForm
    formfield_overrides = {
        **ContentAdmin.formfield_overrides,
        models.DecimalField: {"form_class": FigureValueField},
    }

    @admin.display(description=_("value"), ordering="value")
    def value_as_entered(self, obj: Indicator) -> str:
        return obj.stated(obj.value_as_entered)


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    list_display = ("title", "kind", "zone", "partner_country", "start_date", "recurring", "status")
    list_filter = ("status", "kind", "zone", "recurring")
    list_select_related = ("zone",)
    search_fields = ("title_en", "title_zh_hans", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("zone", "releases")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "kind",
                    "zone",
                    "partner_country",
                    ("start_date", "end_date"),
                    "recurring",
                    "description",
                    "releases",
                )
            },
        ),
        PUBLISHING_FIELDSET,
    )
