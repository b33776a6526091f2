from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from news import structured_data
from news.filters import EventFilter, ReleaseFilter
from news.models import Attachment, Event, Indicator, Release
from portal.publishing.listing import FilteredListMixin
from portal.publishing.mixins import GoneWhenArchivedMixin
from portal.publishing.structured_data import (
    Absolute,
    CollectionPageMixin,
    StructuredDataMixin,
    breadcrumb_list,
)
from zones.models import Enterprise, Institution, Platform, Zone


class ReleaseListView(CollectionPageMixin, FilteredListMixin, ListView):
    template_name = "news/release_list.html"
    partial_template_name = "news/release_results.html"
    filterset_class = ReleaseFilter
    paginate_by = 20
    page_name = _("News and releases")
    breadcrumb_name = _("News")

    def get_unfiltered_queryset(self) -> QuerySet[Release]:
        return Release.objects.published().select_related("series")


class ReleaseDetailView(StructuredDataMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "news/release_detail.html"

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        release = self.object
        return [
            structured_data.release_data(release, absolute),
            breadcrumb_list(absolute, structured_data.release_breadcrumbs(release)),
        ]

    def get_queryset(self) -> QuerySet[Release]:
        return (
            Release.objects.published()
            .select_related("series")
            .prefetch_related(
                Prefetch("zones", queryset=Zone.objects.published()),
                Prefetch("enterprises", queryset=Enterprise.objects.published()),
                Prefetch("institutions", queryset=Institution.objects.published()),
                Prefetch("platforms", queryset=Platform.objects.published()),
                Prefetch("events", queryset=Event.objects.published()),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.published().select_related("zone", "park", "metric"),
                ),
                "attachments",
            )
        )


class EventListView(CollectionPageMixin, FilteredListMixin, ListView):
    template_name = "news/event_list.html"
    partial_template_name = "news/event_results.html"
    filterset_class = EventFilter
    paginate_by = 20
    page_name = breadcrumb_name = _("Events")

    def get_unfiltered_queryset(self) -> QuerySet[Event]:
        return Event.objects.published().select_related("zone")


class EventDetailView(StructuredDataMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "news/event_detail.html"

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        event = self.object
        return [
            structured_data.event_data(event, absolute),
            breadcrumb_list(absolute, structured_data.event_breadcrumbs(event)),
        ]

    def get_queryset(self) -> QuerySet[Event]:
        return (
            Event.objects.published()
            .select_related("zone")
            .prefetch_related(Prefetch("releases", queryset=Release.objects.published()))
        )


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a public release (staff: of any release), as a download, never inline."""
    attachment = get_object_or_404(Attachment.objects.select_related("release"), pk=pk)
    release_is_visible = Release.objects.published().filter(pk=attachment.release_id).exists()
    if not (release_is_visible or request.user.is_staff) or not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(attachment.title) or 'attachment'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
