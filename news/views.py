from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from news import structured_data
from news.api import FigureSerializer, public_figures
from news.filters import EventFilter, ReleaseFilter
from news.models import NEWEST_FIRST, Attachment, Event, Indicator, Release
from portal.publishing.api import slug_url
from portal.publishing.listing import FilteredListMixin
from portal.publishing.mixins import GoneWhenArchivedMixin, KeptListMixin, KeptRecordMixin
from portal.publishing.spreadsheets import csv_download, json_download
from portal.publishing.structured_data import (
    Absolute,
    CollectionPageMixin,
    StructuredDataMixin,
    breadcrumb_list,
)
from portal.ratelimits import rate_limited
from zones.collation import PinyinSorted
from zones.directory.orderings import by_name
from zones.models import Enterprise, Institution, Platform, Zone


class ReleaseListView(CollectionPageMixin, KeptListMixin, FilteredListMixin, ListView):
    template_name = "news/release_list.html"
    partial_template_name = "news/release_results.html"
    filterset_class = ReleaseFilter
    paginate_by = 20
    page_name = gettext_lazy("News and releases")
    breadcrumb_name = gettext_lazy("News")

    def get_unfiltered_queryset(self) -> QuerySet[Release]:
        # What a list item shows of a release: its summary, not its body and other texts.
        return (
            Release.objects.published()
            .select_related("series")
            .only(
                "slug", "title", "summary", "kind", "published_at", "series__slug", "series__name"
            )
        )


def named(model: type[PinyinSorted]) -> QuerySet:
    """The public records of a kind as a page names them: their name and address, not their
    texts, in the order of their names in the page's language."""
    return model.objects.published().only("slug", "name").order_by(by_name(), "pk")


class ReleaseDetailView(StructuredDataMixin, GoneWhenArchivedMixin, KeptRecordMixin, DetailView):
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
                Prefetch("zones", queryset=named(Zone)),
                Prefetch("enterprises", queryset=named(Enterprise)),
                Prefetch("institutions", queryset=named(Institution)),
                Prefetch("platforms", queryset=named(Platform)),
                Prefetch("events", queryset=Event.objects.published().only("slug", "title")),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.published()
                    .for_tables()
                    .with_restatements()
                    # Each zone's figures by metric in the page's language's order.
                    .order_by("zone", by_name("metric__"), *NEWEST_FIRST, "pk"),
                ),
                "attachments",
            )
        )

    def around(self, release: Release) -> dict[str, Any]:
        # A figure a newer release states again points to it: one query for those releases,
        # none when no figure is restated.
        figures = release.indicators.all()
        later = (
            Release.objects.published()
            .only("slug", "title", "published_at")
            .in_bulk({figure.restated_in for figure in figures} - {None}, field_name="slug")
        )
        for figure in figures:
            figure.restated_by = later.get(figure.restated_in)
        return super().around(release)


class EventListView(CollectionPageMixin, KeptListMixin, FilteredListMixin, ListView):
    template_name = "news/event_list.html"
    partial_template_name = "news/event_results.html"
    filterset_class = EventFilter
    paginate_by = 20
    page_name = breadcrumb_name = gettext_lazy("Events")

    def get_unfiltered_queryset(self) -> QuerySet[Event]:
        # What a list item shows of an event and its zone, not their texts: the zone's 46
        # columns were a third of the list's queries' time.
        return (
            Event.objects.published()
            .select_related("zone")
            .only(
                "slug",
                "title",
                "kind",
                "start_date",
                "end_date",
                "recurring",
                "partner_country",
                "zone__slug",
                "zone__name",
            )
        )


class EventDetailView(StructuredDataMixin, GoneWhenArchivedMixin, KeptRecordMixin, DetailView):
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


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment of a public release (staff: of any release), as a download, never inline.

    Behind nginx (ATTACHMENT_ACCEL_REDIRECT set) the proxy sends the file once this view has
    said yes, so a slow download holds no app server; the file's own address under /media/ is
    not public, or an attachment would outlive its release's publication.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("release"), pk=pk)
    release_is_visible = Release.objects.published().filter(pk=attachment.release_id).exists()
    if not (release_is_visible or request.user.is_staff) or not attachment.file:
        raise Http404
    filename = f"{slugify(attachment.title) or 'attachment'}.pdf"
    if settings.ATTACHMENT_ACCEL_REDIRECT:
        response = HttpResponse(content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Accel-Redirect"] = settings.ATTACHMENT_ACCEL_REDIRECT + attachment.file.name
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def figure_header() -> list[str]:
    return [
        _("Zone"),
        _("Park"),
        _("Metric"),
        _("Year"),
        # A total without a year is as of its release's date, as the API's `period.as_of`.
        _("As of"),
        _("Unit"),
        _("Stated as"),
        _("Value"),
        _("Note"),
        _("Source"),
        _("Source date"),
        _("Source URL"),
        # A newer release that states the figure again: its statement is the current one.
        _("Restated in"),
    ]


def figure_rows(request: HttpRequest, figures: QuerySet[Indicator]) -> Iterator[list]:
    """One row per figure with its period and source; the figures come with one query."""
    release_url = slug_url(request, "news:release_detail")
    for figure in figures.iterator(chunk_size=1000):
        yield [
            figure.zone.name,
            figure.park.name if figure.park else "",
            figure.metric.name,
            figure.year if figure.year is not None else "",
            "" if figure.year is not None else timezone.localdate(figure.release.published_at),
            figure.get_unit_display(),
            figure.get_qualifier_display(),
            figure.value_as_entered,
            figure.note,
            figure.release.title,
            timezone.localdate(figure.release.published_at).isoformat(),
            request.build_absolute_uri(figure.release.get_absolute_url()),
            release_url(figure.restated_in) if figure.restated_in else "",
        ]


def figures_of(slug: str | None) -> QuerySet[Indicator]:
    """Public figures, of one public zone when a slug is given (404 otherwise), as on the
    zone profile: by zone, metric, newest year first."""
    figures = public_figures().order_by("zone__slug", by_name("metric__"), *NEWEST_FIRST, "pk")
    if slug is None:
        return figures
    zone = get_object_or_404(Zone.objects.published(), slug=slug)
    return figures.filter(zone=zone)


@rate_limited("export")
def figure_export_csv(request: HttpRequest, slug: str | None = None) -> StreamingHttpResponse:
    """Every public figure (or a zone's) as CSV with its period and source, streamed."""
    name = f"figures-{slug}.csv" if slug else "figures.csv"
    return csv_download(name, figure_header(), figure_rows(request, figures_of(slug)))


@rate_limited("export")
def figure_export_json(request: HttpRequest, slug: str | None = None) -> StreamingHttpResponse:
    """Every public figure (or a zone's) as JSON, each as the API writes it, streamed."""
    serializer = FigureSerializer(context={"request": request})
    figures = figures_of(slug).iterator(chunk_size=1000)
    name = f"figures-{slug}.json" if slug else "figures.json"
    return json_download(name, (serializer.to_representation(figure) for figure in figures))
