import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from django_countries import countries

from portal.publishing.api import slug_url
from portal.publishing.listing import (
    Chip,
    FilteredListMixin,
    ForgivingPaginationMixin,
    query_without,
)
from portal.publishing.mixins import GoneWhenArchivedMixin, KeptListMixin, KeptRecordMixin
from portal.publishing.numbers import as_entered
from portal.publishing.sources import footnote_sources
from portal.publishing.spreadsheets import (
    cell_text,
    csv_download,
    grouped,
    in_chunks,
    json_download,
    xlsx_download,
)
from portal.publishing.structured_data import (
    Absolute,
    CollectionPageMixin,
    StructuredDataMixin,
    breadcrumb_list,
    graph,
    language_tag,
)
from portal.ratelimits import rate_limited
from zones import compare, directory, maps, structured_data
from zones.api import EnterpriseSerializer, public_enterprises
from zones.directory.orderings import by_name
from zones.filters import DirectoryFilter, EnterpriseFilter, ZoneFilter
from zones.forms import EnquiryForm
from zones.mail import send_enquiry
from zones.models import (
    City,
    Cooperation,
    Enterprise,
    EnterpriseQualification,
    Institution,
    LeadingIndustry,
    Park,
    Platform,
    Sector,
    Zone,
)

# The unit of the figures that are areas (news.models.Indicator.Unit.KM2): a zone's planned
# and built-up area are figures of a release like any other, with a period and a source, of a
# metric marked as an area of the zone (Metric.is_zone_area). Other areas in km², such as the
# factory floor space built, are figures like the rest, not facts about the zone's extent.
AREA_UNIT = "km2"


class RelatedReleasesMixin(KeptRecordMixin):
    """A detail page that lists the newest public releases that mention its record
    (templates/includes/related_releases.html); one query, for their titles and addresses:
    not for their bodies, in every language."""

    releases_shown = 10

    def around(self, record) -> dict[str, Any]:
        releases = record.releases.published().only("slug", "title", "published_at")
        return {**super().around(record), "releases": list(releases[: self.releases_shown])}


class ZoneListView(CollectionPageMixin, KeptListMixin, FilteredListMixin, ListView):
    template_name = "zones/zone_list.html"
    partial_template_name = "zones/zone_results.html"
    filterset_class = ZoneFilter
    paginate_by = 24
    page_name = gettext_lazy("Development zones")
    breadcrumb_name = gettext_lazy("Zones")
    # What a card and the map show of a zone, not its texts: Django builds, and hashes to match
    # the sort against, every column a sorted query selects (a zone has 46).
    listed_fields = (
        "slug",
        "name",
        "city",
        "kind",
        "level",
        "established_year",
        "cover_image",
        "cover_image_alt",
        "address",
        "latitude",
        "longitude",
    )

    @cached_property
    def enterprise_counts(self) -> dict[int, int]:
        """Each zone's public enterprises, counted by the directory's index (one query, for its
        stamp): COUNT over the enterprises in SQL costs about 200 ms at 100,000."""
        return directory.current().zone_counts()

    def get_unfiltered_queryset(self) -> QuerySet[Zone]:
        zones = Zone.objects.published().only(*self.listed_fields).prefetch_related("sectors")
        # Sorted by its enterprises (ZoneFilter.sort), the list needs each zone's count in SQL:
        # a CASE with a WHEN per zone, which Django builds and compiles on every request (a
        # twentieth of the page's time at four zones, more with each zone). Otherwise the
        # zones of the page are given their counts in get_context_data.
        if self.request.GET.get("sort") == "enterprises":
            counts = self.enterprise_counts
            zones = zones.annotate(
                enterprise_count=Case(
                    *(When(pk=zone_id, then=Value(count)) for zone_id, count in counts.items()),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        return zones

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for zone in context["object_list"]:
            zone.enterprise_count = self.enterprise_counts.get(zone.pk, 0)
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


@dataclass
class NewestFigures:
    """A bar chart: the newest figures of metrics in one unit whose newest is of one period, so
    that no chart sets a 2024 figure beside a 2023 one with nothing to tell them apart."""

    unit: str  # the unit's label
    year: int | None
    as_of: datetime.date | None  # without a year, the day the totals are as of
    figures: list


@dataclass
class FigureCharts:
    """A zone's figures arranged for its profile (figures in the order metric, newest first)."""

    areas: list  # the newest planned, built-up… area of the zone (figures in km²)
    newest: list[NewestFigures]  # of each unit, the newest period first
    histories: list[list]  # a metric's figures over several years, oldest first, one a year


def figure_charts(indicators: list) -> FigureCharts:
    """`indicators` in the profile's order: by metric, newest year first and, in a year, the
    newest release's first, whose figure is the one charted."""
    newest: dict[tuple, Any] = {}
    yearly: dict[tuple, dict[int, Any]] = {}
    for indicator in indicators:
        key = (indicator.metric_id, indicator.park_id, indicator.unit)
        newest.setdefault(key, indicator)
        if indicator.year is not None:
            yearly.setdefault(key, {}).setdefault(indicator.year, indicator)
    charts: dict[tuple, NewestFigures] = {}
    areas = []
    for indicator in newest.values():
        if indicator.metric.is_zone_area and indicator.unit == AREA_UNIT:
            areas.append(indicator)
        as_of = None
        if indicator.year is None:
            as_of = timezone.localdate(indicator.release.published_at)
        chart = charts.setdefault(
            (indicator.unit, indicator.year, as_of),
            NewestFigures(indicator.get_unit_display(), indicator.year, as_of, []),
        )
        chart.figures.append(indicator)
    units = list(dict.fromkeys(unit for unit, _year, _as_of in charts))

    def place(key: tuple) -> tuple:
        # The units in the order of the first figure of each; of a unit, the newest year first,
        # then the totals, the newest day first.
        unit, year, as_of = key
        return (
            units.index(unit),
            year is None,
            -(year or 0),
            -(as_of or datetime.date.min).toordinal(),
        )

    return FigureCharts(
        areas=areas,
        newest=[charts[key] for key in sorted(charts, key=place) if len(charts[key].figures) > 1],
        histories=[list(years.values())[::-1] for years in yearly.values() if len(years) > 1],
    )


class ZoneDetailView(StructuredDataMixin, RelatedReleasesMixin, GoneWhenArchivedMixin, DetailView):
    template_name = "zones/zone_detail.html"
    enterprises_shown = 12

    def get_queryset(self) -> QuerySet[Zone]:
        return Zone.objects.published().prefetch_related(
            "sectors",
            "aliases",
            "parks__sectors",
            Prefetch(
                "leading_industries", queryset=LeadingIndustry.objects.select_related("sector")
            ),
        )

    def around(self, zone: Zone) -> dict[str, Any]:
        # The zone's enterprises, counted and picked in name order by the directory's index (the
        # order of its link "All … enterprises"): in SQL, sorting a big zone's enterprises to
        # show the first twelve and counting them took about half a second at 100,000.
        index = directory.current()
        in_zone = index.values["zone"].get(zone.pk, 0)
        shown = index.page([in_zone], directory.order_name(""), 0, self.enterprises_shown)
        # Each park links its enterprises in the directory, when it has any.
        for park in zone.parks.all():
            park.enterprise_count = index.values["park"].get(park.pk, 0).bit_count()
        # The lists of the profile read what they show of their records, not their texts.
        found = (
            Enterprise.objects.published()
            .select_related("park")
            .only("slug", "name", "park__name")
            .in_bulk(shown)
        )
        indicators = list(
            zone.indicators.published()
            .for_tables()
            .with_restatements()
            # Newest year first; of one year, the newest release's (news.models.NEWEST_FIRST).
            .order_by(
                by_name("metric__"),
                F("year").desc(nulls_last=True),
                F("release__published_at").desc(),
            )
        )
        # The release that restates a figure of the zone states one of the zone's: it is a
        # source of the table already.
        releases = {figure.release.slug: figure.release for figure in indicators}
        for figure in indicators:
            figure.restated_by = releases.get(figure.restated_in)
        return dict(
            super().around(zone),
            enterprises=[found[pk] for pk in shown if pk in found],
            enterprise_count=in_zone.bit_count(),
            indicators=indicators,
            sources=footnote_sources(indicators),
            charts=figure_charts(indicators),
            platforms=list(
                zone.platforms.published()
                .only("slug", "name", "kind", "partner_country")
                .order_by(by_name(), "pk")
            ),
            cooperations=list(
                zone.cooperations.published().prefetch_related(
                    Prefetch(
                        "institutions",
                        queryset=Institution.objects.published()
                        .only("slug", "name")
                        .order_by(by_name(), "pk"),
                    )
                )
            ),
            # The zone's id as well: Django reads it to set each event's zone to this one.
            events=list(zone.events.published().only("slug", "title", "recurring", "zone")),
            **maps.zone_profile_map(zone),
        )

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


@method_decorator(rate_limited("directory"), name="dispatch")
class EnterpriseListView(CollectionPageMixin, KeptListMixin, FilteredListMixin, ListView):
    template_name = "zones/enterprise_list.html"
    partial_template_name = "zones/enterprise_directory.html"
    filterset_class = DirectoryFilter
    paginate_by = 20
    page_name = gettext_lazy("Enterprise directory")
    breadcrumb_name = gettext_lazy("Enterprises")

    def get_unfiltered_queryset(self) -> QuerySet[Enterprise]:
        return (
            Enterprise.objects.published()
            .select_related("zone", "park")
            .prefetch_related("sectors")
        )

    def filtered(self, filterset: DirectoryFilter) -> directory.DirectoryResults:
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


def qualification_cell(held: EnterpriseQualification) -> str:
    """A holding as the pages say it: High-tech enterprise (2020, expired 2022)."""
    details = [str(held.year_granted)] if held.year_granted else []
    if held.is_expired():
        details.append(held.expired_label())
    name = held.qualification.name
    return f"{name} ({', '.join(details)})" if details else name


# Rows of the directory's downloads are read in chunks of this many, each with one query per
# relation: memory stays flat however many enterprises a download holds.
EXPORT_CHUNK = 2000
# What a row reads of each enterprise itself, in the order enterprise_rows unpacks it.
EXPORT_FIELDS = ("pk", "name", "zone_id", "park_id", "founded_year", "country", "website", "slug")


def exported_enterprises(request: HttpRequest) -> QuerySet[Enterprise]:
    """The directory's filtered list for a download, in the page's order. A value the page
    would not understand is left out, as on the page."""
    filterset = EnterpriseFilter(request.GET, queryset=public_enterprises(), request=request)
    return filterset.qs


def enterprise_header() -> list[str]:
    return [
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
        _("Sources"),
    ]


def enterprise_rows(request: HttpRequest, enterprises: QuerySet[Enterprise]) -> Iterator[list]:
    """One row per enterprise; its sources are the pages of the public releases that name it.

    Runs a fixed number of queries per chunk of rows: the rows, their sectors, qualifications
    and releases, each matched to its row by id. Rows, sectors and releases are read as plain
    values: prefetching them into instances cost more than the rest of the row together."""
    enterprise_url = slug_url(request, "zones:enterprise_detail")
    release_url = slug_url(request, "news:release_detail")
    # Sectors are few: named once, and each row's listed in their own order, as on the pages.
    sector_names = {sector.pk: sector.name for sector in Sector.objects.all()}
    sector_order = {pk: position for position, pk in enumerate(sector_names)}
    # (name, city) of each zone, the name of each park and of each country, found once.
    zones: dict[int, tuple[str, str]] = {}
    parks: dict[int | None, str] = {None: ""}
    country_names = {"": ""}
    rows = enterprises.select_related(None).prefetch_related(None).values_list(*EXPORT_FIELDS)
    for chunk in in_chunks(rows.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        ids = [row[0] for row in chunk]
        for zone in Zone.objects.filter(pk__in={row[2] for row in chunk} - zones.keys()):
            zones[zone.pk] = (zone.name, zone.get_city_display())
        parks.update(
            Park.objects.filter(pk__in={row[3] for row in chunk} - parks.keys()).values_list(
                "pk", "name"
            )
        )
        sectors = grouped(
            Enterprise.sectors.through.objects.filter(enterprise_id__in=ids).values_list(
                "enterprise_id", "sector_id"
            )
        )
        qualifications = grouped(
            (held.enterprise_id, qualification_cell(held))
            for held in EnterpriseQualification.objects.filter(enterprise_id__in=ids)
            .select_related("qualification")
            .order_by(by_name("qualification__"), "qualification_id", "-year_granted")
        )
        releases = grouped(
            Enterprise.releases.field.model.objects.published()
            .filter(enterprises__in=ids)
            .order_by("-published_at", "slug")
            .values_list("enterprises", "slug")
        )
        for pk, name, zone_id, park_id, founded_year, country, website, slug in chunk:
            if country not in country_names:
                country_names[country] = countries.name(country)
            zone_name, city = zones[zone_id]
            yield [
                name,
                zone_name,
                parks[park_id],
                city,
                founded_year,
                country_names[country],
                "; ".join(
                    sector_names[sector]
                    for sector in sorted(sectors.get(pk, ()), key=sector_order.__getitem__)
                ),
                "; ".join(qualifications.get(pk, ())),
                website,
                enterprise_url(slug),
                " ".join(release_url(release) for release in releases.get(pk, ())),
            ]


@rate_limited("export")
def enterprise_export(request: HttpRequest) -> StreamingHttpResponse:
    """The directory's filtered list as CSV (UTF-8 with a BOM, for Excel), streamed."""
    rows = enterprise_rows(request, exported_enterprises(request))
    return csv_download("enterprises.csv", enterprise_header(), rows)


@rate_limited("export")
def enterprise_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The directory's filtered list as an Excel workbook."""
    rows = enterprise_rows(request, exported_enterprises(request))
    return xlsx_download("enterprises.xlsx", _("Enterprises"), enterprise_header(), rows)


@rate_limited("export")
def enterprise_export_json(request: HttpRequest) -> StreamingHttpResponse:
    """The directory's filtered list as JSON: an array of enterprises as the API writes them
    (bilingual values, sources, pages in both languages), streamed."""
    serializer = EnterpriseSerializer(context={"request": request})
    items = (
        serializer.to_representation(enterprise)
        for enterprise in exported_enterprises(request).iterator(chunk_size=EXPORT_CHUNK)
    )
    return json_download("enterprises.json", items)


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
                    # As the directory lists them: by name, the latest grant first.
                    queryset=EnterpriseQualification.objects.select_related(
                        "qualification"
                    ).order_by(by_name("qualification__"), "qualification_id", "-year_granted"),
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


class InstitutionListView(CollectionPageMixin, KeptListMixin, ForgivingPaginationMixin, ListView):
    template_name = "zones/institution_list.html"
    paginate_by = 50
    page_name = gettext_lazy("Universities and research institutes")
    breadcrumb_name = gettext_lazy("Institutions")

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published().order_by(by_name(), "pk")


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


def compare_url(zones: list[Zone], name: str = "zones:zone_compare") -> str:
    return f"{reverse(name)}?zones={','.join(zone.slug for zone in zones)}"


def zone_compare(request: HttpRequest) -> HttpResponse:
    """Zones side by side (zones/compare.py). With fewer than two public zones, the page offers
    the choice of zones; it answers 400 only when zones were asked for and none is public."""
    selection = compare.select(request.GET)
    comparison = compare.compare(selection.zones) if selection.comparable else None
    context = {
        "selection": selection,
        "comparison": comparison,
        "chosen": {zone.slug for zone in selection.zones},
        "all_zones": Zone.objects.published()
        .only("slug", "name_en", "name_zh_hans")
        .order_by(by_name(), "pk"),
        "csv_url": compare_url(selection.zones, "zones:zone_compare_csv"),
        "json_url": compare_url(selection.zones, "zones:zone_compare_json"),
        "enquiry_url": compare_url(selection.zones, "zones:compare_enquiry"),
        "structured_data": compare_page_data(request, selection.zones),
    }
    status = 400 if selection.slugs and not selection.zones else 200
    return render(request, "zones/zone_compare.html", context, status=status)


def compare_page_data(request: HttpRequest, zones: list[Zone]) -> dict:
    """The comparison as a web page about its zones, below the zone list in the breadcrumbs."""
    absolute = Absolute(request)
    trail = [
        (_("Zones"), reverse("zones:zone_list")),
        (_("Compare zones"), reverse("zones:zone_compare")),
    ]
    page = {
        "@type": "WebPage",
        "name": _("Compare zones"),
        "url": absolute(compare_url(zones) if zones else reverse("zones:zone_compare")),
        "inLanguage": language_tag(),
    }
    return graph(page, breadcrumb_list(absolute, trail))


def comparison_or_error(
    request: HttpRequest,
) -> tuple[compare.Comparison, None] | tuple[None, HttpResponse]:
    """The comparison the request asks for, or the 400 saying why there is none."""
    selection = compare.select(request.GET)
    if not selection.comparable:
        message = " ".join(selection.messages)
        return None, HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return compare.compare(selection.zones), None


@rate_limited("export")
def zone_compare_csv(request: HttpRequest) -> HttpResponse:
    """The comparison as CSV: per zone a value, its period and its source; text never runs as a
    formula (portal/publishing/spreadsheets.py)."""
    comparison, error = comparison_or_error(request)
    if error is not None:
        return error
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zones-compared.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = [_("Section"), _("Row")]
    for zone in comparison.zones:
        header += [zone.name, _("Period"), _("Source"), _("Note")]
    writer.writerow([cell_text(cell) for cell in [*header, _("Periods")]])
    for row in comparison.rows:
        line = [row.section, row.label]
        for cell in row.cells:
            source = (
                request.build_absolute_uri(cell.indicator.release.get_absolute_url())
                if cell.indicator
                else ""
            )
            line += [cell.text, cell.period, source, cell.note]
        writer.writerow([cell_text(value) for value in [*line, row.note]])
    return response


def json_value(value: Any) -> Any:
    """A cell's value for JSON: a figure as text, as entered ("5", not 5.0000), so that no
    digit is lost to floating point."""
    return as_entered(value) if isinstance(value, Decimal) else value


@rate_limited("export")
def zone_compare_json(request: HttpRequest) -> HttpResponse:
    """The comparison as JSON, with each figure's period and source release (absolute URLs)."""
    comparison, error = comparison_or_error(request)
    if error is not None:
        return error
    absolute = request.build_absolute_uri
    data = {
        "zones": [
            {"slug": zone.slug, "name": zone.name, "url": absolute(zone.get_absolute_url())}
            for zone in comparison.zones
        ],
        "rows": [
            {
                "section": row.section,
                "label": row.label,
                "note": row.note,
                "values": [
                    None
                    if cell.missing
                    else {
                        "value": json_value(cell.value),
                        "text": cell.text,
                        **(
                            {
                                "period": cell.period,
                                "unit": cell.indicator.unit,
                                "qualifier": cell.indicator.qualifier,
                                "note": cell.note,
                                "source": cell.indicator.source_number,
                            }
                            if cell.indicator
                            else {}
                        ),
                    }
                    for cell in row.cells
                ],
            }
            for row in comparison.rows
        ],
        "sources": [
            {
                "number": release.source_number,
                "title": release.title,
                # In the site's time zone, as the page dates it: in UTC, a release of June 20
                # read as June 19.
                "published": timezone.localtime(release.published_at).isoformat(),
                "url": absolute(release.get_absolute_url()),
            }
            for release in comparison.sources
        ],
        "url": absolute(compare_url(comparison.zones)),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="zones-compared.json"'
    return response


def enquiry_page(
    request: HttpRequest, zones: list[Zone], back_url: str, comparing: bool = False
) -> HttpResponse:
    """The enquiry form, and its POST: stored, e-mailed, then redirected to the thank-you page.

    A bot that fills the hidden field gets the same thank-you page; nothing is stored or sent.
    """
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            if form.is_bot():
                # The thank-you page as a person gets it, reference aside.
                request.session["enquiry_reference"] = ""
                return redirect("zones:enquiry_sent")
            with transaction.atomic():
                enquiry = form.save(commit=False)
                enquiry.language = get_language() or ""
                enquiry.save()
                form.save_m2m()
            request.session["enquiry_acknowledged"] = send_enquiry(request, enquiry)
            request.session["enquiry_reference"] = enquiry.reference
            request.session["enquiry_to_offices"] = all(
                zone.investment_email for zone in enquiry.zones.all()
            )
            return redirect("zones:enquiry_sent")
        status = 400
    else:
        form = EnquiryForm(initial={"zones": zones})
        status = 200
    # The page it came from, a zone's profile or the comparison, is its breadcrumbs' last step.
    context = {"form": form, "zones": zones, "back_url": back_url, "comparing": comparing}
    return render(request, "zones/enquiry_form.html", context, status=status)


@never_cache
@rate_limited("enquiry", methods=frozenset({"POST"}))
def zone_enquiry(request: HttpRequest, slug: str) -> HttpResponse:
    zone = get_object_or_404(Zone.objects.published(), slug=slug)
    return enquiry_page(request, [zone], zone.get_absolute_url())


@never_cache
@rate_limited("enquiry", methods=frozenset({"POST"}))
def compare_enquiry(request: HttpRequest) -> HttpResponse:
    zones = compare.select(request.GET).zones
    return enquiry_page(request, zones, compare_url(zones), comparing=True)


@never_cache
def enquiry_sent(request: HttpRequest) -> HttpResponse:
    """The thank-you page: the reference is kept in the sender's session, never in the URL.

    Opened with no enquiry sent from this browser, it would thank for one that was never sent:
    such a visitor goes to the zones instead."""
    if "enquiry_reference" not in request.session:
        return redirect("zones:zone_list")
    context = {
        "reference": request.session.get("enquiry_reference", ""),
        "acknowledged": request.session.get("enquiry_acknowledged", True),
        # Each zone asked about has an investment office address, which the enquiry went to;
        # otherwise the Publishers had it (zones/mail.py).
        "to_offices": request.session.get("enquiry_to_offices", False),
    }
    return render(request, "zones/enquiry_sent.html", context)
