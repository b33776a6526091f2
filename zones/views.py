import csv
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
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
from zones import directory, maps
from zones.directory.orderings import by_name
from zones.filters import EnterpriseFilter, ZoneFilter
from zones.models import (
    City,
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.filterset.offer_counted_choices()
        context.update(
            chips=zone_chips(self.request.GET, self.filterset),
            **maps.zone_list_map(context["object_list"]),
        )
        return context


# The labels of the zone list's choice filters, by value.
ZONE_CHOICES = {"city": City, "level": Zone.Level, "kind": Zone.Kind}


def zone_chips(params: QueryDict, filterset: ZoneFilter) -> list[Chip]:
    """The zone list's active filters, each with a link that removes it."""
    chips = []
    for name in ZoneFilter.FACETS:
        value = filterset.form.cleaned_data.get(name)
        if not value:
            continue
        shown = ZONE_CHOICES[name](value).label if name in ZONE_CHOICES else value
        label = filterset.filters[name].label
        chips.append(Chip(label, shown, query_without(params, name), name=name))
    return chips


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
            **maps.zone_profile_map(zone),
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
    if cleaned.get("expired"):
        chips.append(
            Chip(
                _("Qualifications"),
                _("including expired"),
                query_without(params, "expired"),
                name="expired",
            )
        )
    return chips


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


def csv_cell(value: object) -> str:
    """A value for a spreadsheet cell, as text that a spreadsheet shows and never runs."""
    return formula_safe("" if value is None else str(value))


def qualification_cell(held: EnterpriseQualification) -> str:
    """A holding as the pages say it: High-tech enterprise (2020, expired 2022)."""
    details = [str(held.year_granted)] if held.year_granted else []
    if held.is_expired():
        details.append(held.expired_label())
    name = held.qualification.name
    return f"{name} ({', '.join(details)})" if details else name


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
                    qualification_cell(held) for held in enterprise.held_qualifications.all()
                ),
                enterprise.website,
                request.build_absolute_uri(enterprise.get_absolute_url()),
            )
        )
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
        return Institution.objects.published().order_by(by_name(), "pk")


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
