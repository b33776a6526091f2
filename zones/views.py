import csv
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from portal.publishing.structured_data import (
    Absolute,
    CollectionPageMixin,
    StructuredDataMixin,
    breadcrumb_list,
)
from zones import directory, structured_data
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


class ZoneListView(CollectionPageMixin, FilteredListMixin, ListView):
    template_name = "zones/zone_list.html"
    partial_template_name = "zones/zone_results.html"
    filterset_class = ZoneFilter
    paginate_by = 24
    page_name = gettext_lazy("Development zones")
    breadcrumb_name = gettext_lazy("Zones")

    def get_unfiltered_queryset(self) -> QuerySet[Zone]:
        return (
            Zone.objects.published()
            .prefetch_related("sectors")
            # The enterprises' own part of their rule: their zone is the one counting them, and
            # public already; repeating the zone's part would join every enterprise to it again.
            .annotate(enterprise_count=Count("enterprises", filter=published_q("enterprises__")))
        )


class ZoneDetailView(StructuredDataMixin, RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
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
            # A list: the table and the structured data both read it.
            indicators=list(
                zone.indicators.published()
                .select_related("metric", "release", "park")
                .order_by("metric__name", "-year")
            ),
            platforms=zone.platforms.published(),
            cooperations=zone.cooperations.published().prefetch_related(
                Prefetch("institutions", queryset=Institution.objects.published())
            ),
            events=zone.events.published(),
        )
        return context

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        zone = self.object
        return [
            structured_data.zone_data(zone, absolute, context["releases"]),
            structured_data.zone_figures_data(zone, context["indicators"], absolute),
            breadcrumb_list(
                absolute,
                [(_("Zones"), reverse("zones:zone_list")), (zone.name, zone.get_absolute_url())],
            ),
        ]


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


class EnterpriseListView(CollectionPageMixin, FilteredListMixin, ListView):
    template_name = "zones/enterprise_list.html"
    partial_template_name = "zones/enterprise_directory.html"
    filterset_class = EnterpriseFilter
    paginate_by = 20
    page_name = gettext_lazy("Enterprise directory")
    breadcrumb_name = gettext_lazy("Enterprises")

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


def csv_cell(value: object) -> str:
    """A value for a spreadsheet cell, as text that a spreadsheet shows and never runs."""
    return formula_safe("" if value is None else str(value))


def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The directory's filtered list as CSV, with a BOM so that Excel reads the Chinese right.

    Runs a fixed number of queries: the list, its sectors and its qualifications.
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enterprises.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
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
    for enterprise in enterprises:
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
    return response


class EnterpriseDetailView(
    StructuredDataMixin, RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView
):
    template_name = "zones/enterprise_detail.html"

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        enterprise = self.object
        trail = [
            (_("Enterprises"), reverse("zones:enterprise_list")),
            (enterprise.name, enterprise.get_absolute_url()),
        ]
        return [
            structured_data.enterprise_data(enterprise, absolute, context["releases"]),
            breadcrumb_list(absolute, trail),
        ]

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


class InstitutionListView(CollectionPageMixin, ForgivingPaginationMixin, ListView):
    template_name = "zones/institution_list.html"
    paginate_by = 50
    page_name = gettext_lazy("Universities and research institutes")
    breadcrumb_name = gettext_lazy("Institutions")

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published()


class InstitutionDetailView(
    StructuredDataMixin, RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView
):
    template_name = "zones/institution_detail.html"

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        institution = self.object
        trail = [
            (_("Institutions"), reverse("zones:institution_list")),
            (institution.name, institution.get_absolute_url()),
        ]
        return [
            structured_data.institution_data(institution, absolute, context["releases"]),
            breadcrumb_list(absolute, trail),
        ]

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published().prefetch_related(
            Prefetch(
                "cooperations", queryset=Cooperation.objects.published().select_related("zone")
            )
        )


class PlatformDetailView(
    StructuredDataMixin, RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView
):
    template_name = "zones/platform_detail.html"

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        platform = self.object
        return [
            structured_data.platform_data(platform, absolute, context["releases"]),
            # A platform has no list page: its page hangs from the home page, as its
            # breadcrumbs show.
            breadcrumb_list(absolute, [(platform.name, platform.get_absolute_url())]),
        ]

    def get_queryset(self) -> QuerySet[Platform]:
        return Platform.objects.published().prefetch_related(
            Prefetch("zones", queryset=Zone.objects.published()),
            Prefetch("members", queryset=Enterprise.objects.published().select_related("zone")),
        )
