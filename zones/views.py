import csv
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from portal.publishing.listing import (
    Chip,
    FilteredListMixin,
    ForgivingPaginationMixin,
    query_without,
)
from portal.publishing.mixins import GoneWhenArchivedMixin
from portal.publishing.models import published_q
from portal.publishing.spreadsheets import formula_safe
from portal.ratelimits import rate_limited
from zones import directory
from zones.filters import EnterpriseFilter, ZoneFilter
from zones.models import (
    Cooperation,
    Enterprise,
    EnterpriseQualification,
    Institution,
    Platform,
    Zone,
)


class RelatedReleasesMixin:
    """A detail page that lists the newest public releases that mention its record
    (templates/includes/related_releases.html); one query."""

    releases_shown = 10

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["releases"] = self.object.releases.published()[: self.releases_shown]
        return context


class ZoneListView(FilteredListMixin, ListView):
    template_name = "zones/zone_list.html"
    partial_template_name = "zones/zone_results.html"
    filterset_class = ZoneFilter
    paginate_by = 24

    def get_unfiltered_queryset(self) -> QuerySet[Zone]:
        return (
            Zone.objects.published()
            .prefetch_related("sectors")
            # The enterprises' own part of their rule: their zone is the one counting them, and
            # public already; repeating the zone's part would join every enterprise to it again.
            .annotate(enterprise_count=Count("enterprises", filter=published_q("enterprises__")))
        )


class ZoneDetailView(RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "zones/zone_detail.html"
    enterprises_shown = 12

    def get_queryset(self) -> QuerySet[Zone]:
        return Zone.objects.published().prefetch_related("sectors", "aliases", "parks__sectors")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        zone = self.object
        enterprises = Enterprise.objects.published().filter(zone=zone)
        context = super().get_context_data(**kwargs)
        context.update(
            enterprises=enterprises.select_related("park")[: self.enterprises_shown],
            enterprise_count=enterprises.count(),
            indicators=zone.indicators.published()
            .select_related("metric", "release", "park")
            .order_by("metric__name", "-year"),
            platforms=zone.platforms.published(),
            cooperations=zone.cooperations.published().prefetch_related(
                Prefetch("institutions", queryset=Institution.objects.published())
            ),
            events=zone.events.published(),
        )
        return context


def enterprise_chips(
    params: QueryDict, filterset: EnterpriseFilter, facets: list[directory.Facet]
) -> list[Chip]:
    """The active filters of the directory, each with a link that removes it."""
    chips = []
    for facet in facets:
        for option in facet.options:
            if option.selected:
                remove_url = query_without(params, facet.name, option.value)
                chips.append(Chip(facet.label, option.label, remove_url, name=facet.name))
    cleaned = filterset.form.cleaned_data
    for name in ("q", "founded_min", "founded_max"):
        if cleaned.get(name) not in (None, ""):
            label = filterset.filters[name].label
            chips.append(Chip(label, cleaned[name], query_without(params, name), name=name))
    return chips


@method_decorator(rate_limited("directory"), name="dispatch")
class EnterpriseListView(FilteredListMixin, ListView):
    template_name = "zones/enterprise_list.html"
    partial_template_name = "zones/enterprise_directory.html"
    filterset_class = EnterpriseFilter
    paginate_by = 20

    def get_unfiltered_queryset(self) -> QuerySet[Enterprise]:
        return (
            Enterprise.objects.published()
            .select_related("zone", "park")
            .prefetch_related("sectors")
        )

    def filtered(self, filterset: EnterpriseFilter) -> directory.DirectoryResults:
        # Counted and paged from the directory's index (zones/directory/); the SQL queryset
        # serves the CSV export.
        filterset.errors  # noqa: B018  (validates the form)
        labels = {name: filterset.filters[name].label for name in directory.FACETS}
        self.facets, results = directory.listing(
            filterset.form.cleaned_data, filterset.search_query, labels
        )
        return results

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        facets = self.facets
        chips = enterprise_chips(self.request.GET, self.filterset, facets)
        removable = {
            facet.name for facet in facets if facet.active and facet.has_results_without_it
        }
        context.update(
            facets=facets,
            chips=chips,
            suggestions=[chip for chip in chips if chip.name in removable]
            or [chip for chip in chips if chip.name in ("q", "founded_min", "founded_max")],
            export_query=query_without(self.request.GET, "page"),
        )
        return context


# Rows read per query (with their sectors and qualifications) and rows sent per write.
EXPORT_CHUNK = 2000
EXPORT_LINES_PER_WRITE = 500


def csv_cell(value: object) -> str:
    """A value for a spreadsheet cell, as text that a spreadsheet shows and never runs."""
    return formula_safe("" if value is None else str(value))


class Echo:
    """A file that hands back what is written to it: csv.writer then formats one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(request: HttpRequest, enterprises: QuerySet[Enterprise]) -> Iterator[str]:
    """The export's lines, a few hundred at a time, in the language of the request.

    Reads the enterprises `EXPORT_CHUNK` at a time (a server-side cursor on PostgreSQL), with
    their sectors and qualifications prefetched per chunk: three queries per chunk, and memory
    that stays flat however many rows there are.
    """
    writer = csv.writer(Echo())
    # The body is sent after the view has returned, when another request may have changed the
    # thread's language: names, cities, countries and addresses are read in this one's.
    with translation.override(translation.get_language()):
        yield "\ufeff" + writer.writerow(
            [
                _("Name"),
                _("Zone"),
                _("Park"),
                _("City"),
                _("Founded"),
                _("Investment from"),
                _("Sectors"),
                _("Qualifications"),
                _("Website"),
                _("Page"),
            ]
        )
        lines = []
        for enterprise in enterprises.iterator(chunk_size=EXPORT_CHUNK):
            lines.append(
                writer.writerow(
                    csv_cell(value)
                    for value in (
                        enterprise.name,
                        enterprise.zone.name,
                        enterprise.park.name if enterprise.park else "",
                        enterprise.zone.get_city_display(),
                        enterprise.founded_year,
                        enterprise.country.name if enterprise.country else "",
                        "; ".join(sector.name for sector in enterprise.sectors.all()),
                        "; ".join(
                            f"{held.qualification.name} ({held.year_granted})"
                            if held.year_granted
                            else held.qualification.name
                            for held in enterprise.held_qualifications.all()
                        ),
                        enterprise.website,
                        request.build_absolute_uri(enterprise.get_absolute_url()),
                    )
                )
            )
            if len(lines) == EXPORT_LINES_PER_WRITE:
                yield "".join(lines)
                lines = []
        yield "".join(lines)


@rate_limited("export")
def enterprise_export(request: HttpRequest) -> StreamingHttpResponse:
    """The directory's filtered list as CSV, with a BOM so that Excel reads the Chinese right.

    Streamed (see csv_lines): the first bytes leave at once, and a worker holds a few chunks of
    rows in memory, not the whole file.
    """
    filterset = EnterpriseFilter(
        request.GET, queryset=Enterprise.objects.published(), request=request
    )
    enterprises = filterset.qs.select_related("zone", "park").prefetch_related(
        "sectors",
        Prefetch(
            "held_qualifications",
            queryset=EnterpriseQualification.objects.select_related("qualification"),
        ),
    )
    response = StreamingHttpResponse(
        csv_lines(request, enterprises), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="enterprises.csv"'
    return response


class EnterpriseDetailView(RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "zones/enterprise_detail.html"

    def get_queryset(self) -> QuerySet[Enterprise]:
        return (
            Enterprise.objects.published()
            .select_related("zone", "park")
            .prefetch_related(
                "sectors",
                Prefetch(
                    "held_qualifications",
                    queryset=EnterpriseQualification.objects.select_related("qualification"),
                ),
                Prefetch("platforms", queryset=Platform.objects.published()),
                Prefetch(
                    "cooperations",
                    queryset=Cooperation.objects.published().prefetch_related(
                        Prefetch("institutions", queryset=Institution.objects.published())
                    ),
                ),
            )
        )


class InstitutionListView(ForgivingPaginationMixin, ListView):
    template_name = "zones/institution_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published()


class InstitutionDetailView(RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "zones/institution_detail.html"

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published().prefetch_related(
            Prefetch(
                "cooperations", queryset=Cooperation.objects.published().select_related("zone")
            )
        )


class PlatformDetailView(RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "zones/platform_detail.html"

    def get_queryset(self) -> QuerySet[Platform]:
        return Platform.objects.published().prefetch_related(
            Prefetch("zones", queryset=Zone.objects.published()),
            Prefetch("members", queryset=Enterprise.objects.published().select_related("zone")),
        )
