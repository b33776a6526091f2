"""Zones side by side: one column per zone, one row per fact and per figure.

The input contract: `zones` is a comma-separated list of slugs (the zone list's checkboxes send
it repeated; both are read). Every slug is looked up among published zones only, so an unknown
zone and an unpublished one get the same words: nothing unpublished is confirmable from here.

A row compares like with like: a figure's row is one metric in one unit, each zone's newest
figure of it, with its period and source; when the zones' periods differ, the row says so.
A zone without a value shows "not reported", never a zero.

Runs a fixed number of queries whatever the number of zones (pinned by tests/zones/test_compare.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.validators import slug_re
from django.db.models import F, Prefetch
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal.publishing.sources import footnote_sources
from portal.publishing.translations import listed, marked_untranslated, shown
from zones import directory
from zones.directory.orderings import by_name
from zones.models import (
    Cooperation,
    Institution,
    LeadingIndustry,
    Platform,
    Qualification,
    Sector,
    Zone,
)

MIN_ZONES = 2
MAX_ZONES = 4
# More slugs than anyone would pick are not even looked up.
MAX_SLUGS_READ = 20
MAX_SLUG_LENGTH = 100

NOT_REPORTED = gettext_lazy("not reported")
NONE_LISTED = gettext_lazy("none listed")


def requested_slugs(params: QueryDict) -> list[str]:
    """The slugs asked for, in order, without repeats."""
    slugs: list[str] = []
    for value in params.getlist("zones")[:MAX_SLUGS_READ]:
        for slug in value.split(","):
            slug = slug.strip().lower()[:MAX_SLUG_LENGTH]
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs[:MAX_SLUGS_READ]


@dataclass
class Selection:
    slugs: list[str]
    zones: list[Zone]
    messages: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return len(self.zones) >= MIN_ZONES

    @property
    def query(self) -> str:
        return ",".join(zone.slug for zone in self.zones)


def select(params: QueryDict) -> Selection:
    """The published zones `params` asks for (one query), and what was not understood."""
    slugs = requested_slugs(params)
    # Only what a zone's slug could be is looked up: PostgreSQL refuses a NUL byte, say.
    possible = [slug for slug in slugs if slug_re.fullmatch(slug)]
    found = {
        zone.slug: zone
        for zone in Zone.objects.published()
        .filter(slug__in=possible)
        .prefetch_related(
            Prefetch(
                "leading_industries", queryset=LeadingIndustry.objects.select_related("sector")
            ),
            "parks",
            Prefetch("platforms", queryset=Platform.objects.published()),
        )
    }
    selection = Selection(slugs, [found[slug] for slug in slugs if slug in found])
    for slug in slugs:
        if slug not in found:
            # Shown as asked for, except a character that cannot be shown (a NUL, say).
            shown = "".join(
                char if char.isprintable() else "\N{REPLACEMENT CHARACTER}" for char in slug
            )
            selection.messages.append(
                _("No published zone has the address “%(slug)s”; it is left out.") % {"slug": shown}
            )
    if len(selection.zones) > MAX_ZONES:
        selection.messages.append(
            _("At most %(max)d zones can be compared: the first %(max)d are shown.")
            % {"max": MAX_ZONES}
        )
        selection.zones = selection.zones[:MAX_ZONES]
    if len(selection.zones) < MIN_ZONES:
        selection.messages.append(_("Choose at least two zones to compare."))
    return selection


class Named(str):
    """A translated value as a page shows it, with its language where that is not the page's
    (modeltranslation falls back to English where the Chinese is empty). Text to CSV and JSON;
    in a template, or escaped for HTML, marked as pages mark an untranslated text (the `tr`
    filter), through the __html__ that escaping calls."""

    lang: str | None

    def __new__(cls, text: str, lang: str | None = None) -> "Named":
        named = super().__new__(cls, text)
        named.lang = lang
        return named

    @classmethod
    def of(cls, record, field: str = "name") -> "Named":
        value, lang = shown(record, field)
        return cls(value or "", lang)

    def __html__(self) -> str:
        text = str.__str__(self)
        if not self.lang:
            return escape(text)
        return marked_untranslated(text, self.lang)


@dataclass
class Cell:
    """One zone's value in a row: the text shown, the value as data, and for a figure its
    period and source."""

    text: str
    value: Any = None
    period: str = ""
    indicator: Any = None
    links: list[tuple[Named, str]] = field(default_factory=list)  # (name, URL or "")
    # What the page shows of a text, when it may be untranslated; `text` otherwise.
    shown: Any = None

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def note(self) -> str:
        """What the release says of a figure beside its value ("More than 100")."""
        return self.indicator.note if self.indicator is not None else ""


@dataclass
class Row:
    section: str
    label: str
    cells: list[Cell]
    note: str = ""
    # The label for the page, where a name in it may be untranslated (see labelled()).
    label_html: str = ""


def labelled(pattern: str, **parts: "Named | str") -> tuple[str, str]:
    """A row's label from a translated pattern ("%(metric)s, %(unit)s") and its parts: as
    text, and as HTML with each untranslated name marked with its language."""
    text = pattern % {name: str(part) for name, part in parts.items()}
    html = conditional_escape(pattern) % {
        name: conditional_escape(part) for name, part in parts.items()
    }
    return text, mark_safe(html)  # every part was escaped above


def missing() -> Cell:
    return Cell(str(NOT_REPORTED))


def text_row(section: str, label: str, values: list["Named | str"]) -> Row:
    return Row(
        section, label, [Cell(str(v), str(v), shown=v) if str(v) else missing() for v in values]
    )


def list_row(section: str, label: str, items: list[list[tuple[Named, str]]]) -> Row:
    cells = [
        Cell(
            listed(text for text, _url in entries),
            [str(text) for text, _url in entries],
            "",
            None,
            entries,
        )
        if entries
        else Cell(str(NONE_LISTED), [])
        for entries in items
    ]
    return Row(section, label, cells)


def calendar_year(year: int | None) -> str:
    """A year as the language writes it ("1992", "1992年"); empty for none."""
    return pgettext("a calendar year", "%(year)s") % {"year": year} if year else ""


def period_of(indicator) -> str:
    if indicator.year:
        return pgettext("the year a figure covers", "%(year)s") % {"year": indicator.year}
    published = timezone.localdate(indicator.release.published_at)
    # Written as the pages write a date ("June 20, 2024", "2024年6月20日").
    return _("as of %(date)s") % {"date": date_format(published, "DATE_FORMAT")}


@dataclass
class Comparison:
    zones: list[Zone]
    rows: list[Row]
    sources: list


def compare(zones: list[Zone]) -> Comparison:
    """Build the rows for `zones` (loaded by `select`). Six queries for any number of zones:
    figures, the directory index's token (enterprise counts come from the index, built by a
    few more queries after a change), the sectors and qualifications named, and the
    cooperation with its institutions."""
    ids = [zone.pk for zone in zones]
    column = {zone.pk: index for index, zone in enumerate(zones)}
    rows: list[Row] = []

    facts = _("Facts")
    rows += [
        text_row(facts, _("City"), [zone.get_city_display() for zone in zones]),
        text_row(facts, _("Level"), [zone.get_level_display() for zone in zones]),
        text_row(facts, _("Kind"), [zone.get_kind_display() for zone in zones]),
        text_row(facts, _("Established"), [calendar_year(zone.established_year) for zone in zones]),
        text_row(facts, _("Approved by"), [Named.of(zone, "approving_body") for zone in zones]),
        text_row(
            facts,
            _("Area (km²)"),
            [str(zone.area_km2) if zone.area_km2 is not None else "" for zone in zones],
        ),
        text_row(facts, _("Address"), [Named.of(zone, "address") for zone in zones]),
        text_row(facts, _("Website"), [zone.website for zone in zones]),
        text_row(
            facts, _("Investment office"), [Named.of(zone, "investment_office") for zone in zones]
        ),
        text_row(facts, _("E-mail"), [zone.investment_email for zone in zones]),
        text_row(facts, _("Telephone"), [zone.investment_telephone for zone in zones]),
        list_row(
            facts,
            _("Leading industries"),
            [[(Named.of(li.sector), "") for li in zone.leading_industries.all()] for zone in zones],
        ),
        list_row(
            facts, _("Parks"), [[(Named.of(p), "") for p in zone.parks.all()] for zone in zones]
        ),
        list_row(
            facts,
            _("Platforms"),
            [[(Named.of(p), p.get_absolute_url()) for p in zone.platforms.all()] for zone in zones],
        ),
    ]
    institutions: list[dict[int, tuple[Named, str]]] = [{} for _zone in zones]
    cooperations = Cooperation.objects.published().filter(zone__in=ids)
    for cooperation in cooperations.prefetch_related(
        Prefetch("institutions", queryset=Institution.objects.published())
    ):
        for institution in cooperation.institutions.all():
            institutions[column[cooperation.zone_id]][institution.pk] = (
                Named.of(institution),
                institution.get_absolute_url(),
            )
    rows.append(
        list_row(facts, _("Institutions"), [list(found.values()) for found in institutions])
    )

    # Figures: each zone's newest figure of each metric in each unit, zone-wide ones only.
    # Their model belongs to news, a layer above: it is reached through the zone's relation.
    figure_model = Zone._meta.get_field("indicators").related_model
    indicators = list(
        figure_model.objects.published()
        .filter(zone__in=ids, park__isnull=True)
        .select_related("metric", "release")
        .order_by(
            by_name("metric__"),
            "unit",
            F("year").desc(nulls_last=True),
            "-release__published_at",
        )
    )
    newest: dict[tuple, list] = {}
    for indicator in indicators:
        key = (indicator.metric.name, indicator.unit)
        cells = newest.setdefault(key, [None] * len(zones))
        position = column[indicator.zone_id]
        if cells[position] is None:
            cells[position] = indicator
    # The sources are the releases of the figures shown, numbered in the table's order.
    sources = footnote_sources(ind for found in newest.values() for ind in found if ind)
    figures = _("Figures")
    for found in newest.values():
        cells = [
            Cell(ind.stated(ind.value_as_entered), ind.value, period_of(ind), ind)
            if ind
            else missing()
            for ind in found
        ]
        periods = sorted({cell.period for cell in cells if not cell.missing})
        note = ""
        if len(periods) > 1:
            note = _("Different periods: %(periods)s") % {"periods": listed(periods)}
        first = next(ind for ind in found if ind)
        label, label_html = labelled(
            pgettext("between a figure's name and its unit", "%(metric)s, %(unit)s"),
            metric=Named.of(first.metric),
            unit=first.get_unit_display(),
        )
        rows.append(Row(figures, label, cells, note, label_html))

    # Enterprises listed in the portal, in total, by sector and by qualification held (valid
    # today, as the directory counts them), counted by the directory's index: in SQL,
    # grouping the enterprises of two big zones by sector and by qualification took seconds
    # at 100,000.
    index = directory.current()
    totals = index.zone_counts()
    enterprises = _("Enterprises listed")
    rows.append(
        Row(
            enterprises,
            _("All enterprises"),
            [count_cell(totals.get(zone.pk, 0)) for zone in zones],
        )
    )
    by_sector = index.counts_in_zones("sector", ids)
    rows += count_rows(
        enterprises,
        _("Sector: %(name)s"),
        by_sector,
        Sector.objects.filter(pk__in={sector for _zone, sector in by_sector}),
        column,
    )
    by_qualification = index.counts_in_zones("qualification", ids)
    rows += count_rows(
        enterprises,
        _("Qualification: %(name)s"),
        by_qualification,
        Qualification.objects.filter(pk__in={held for _zone, held in by_qualification}),
        column,
    )
    return Comparison(zones, rows, sources)


def count_cell(count: int) -> Cell:
    return Cell(str(count), count) if count else Cell(str(NONE_LISTED), 0)


def count_rows(
    section: str, label: str, counts: dict[tuple[int, int], int], named, column: dict[int, int]
) -> list[Row]:
    """One row per sector (or qualification) that any of the zones has enterprises in;
    `counts` maps (zone id, sector id) to a number of enterprises."""
    table: dict[int, list[int]] = defaultdict(lambda: [0] * len(column))
    for (zone_id, key), count in counts.items():
        table[key][column[zone_id]] = count
    rows = []
    for item in named.order_by(by_name(), "pk"):
        if item.pk in table:
            text, html = labelled(label, name=Named.of(item))
            rows.append(Row(section, text, [count_cell(n) for n in table[item.pk]], "", html))
    return rows
