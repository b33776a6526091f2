"""What the directory page shows, from the index: each facet with its counts, and the results.

Given the directory's parameters as the FilterSet has cleaned them (zones/filters.py), so every
value here is one the FilterSet accepted; nothing from the request is read directly.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django_countries import countries

from portal.search.text import Query
from zones.collation import pinyin_sort_key
from zones.directory.index import DirectoryIndex, Matches, current
from zones.directory.orderings import by_name
from zones.models import (
    City,
    Enterprise,
    EnterpriseQualification,
    Park,
    Platform,
    Qualification,
    Sector,
    Zone,
)

# The directory's facets, in the order the page lists them; each a parameter of the FilterSet.
FACETS = ("zone", "park", "sector", "qualification", "platform", "city", "country")


@dataclass
class Choice:
    value: str  # as in the URL
    label: object  # a model instance or a translated string
    index_value: object  # as in the directory's index


@dataclass
class FacetOption:
    value: str
    label: object  # a model instance or a translated string
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(option.selected for option in self.options)

    @property
    def has_results_without_it(self) -> bool:
        """True when dropping this filter would give results: its counts ignore it already."""
        return any(option.count for option in self.options)


def listing(
    cleaned: dict, query: Query, labels: dict[str, str]
) -> tuple[list[Facet], "DirectoryResults"]:
    """The facets with their counts, and the results, from the directory's index.

    `cleaned` is the FilterSet's cleaned data, `query` its parsed search, `labels` each facet's
    label. Each facet counts its choices under every filter but its own, so that a visitor sees
    what choosing another value of it would give.
    """
    index = current()
    choices = facet_choices(index, selected_countries=set(cleaned.get("country") or []))
    # Qualifications count and filter as valid today, unless expired ones are asked for too.
    sets_of = {name: name for name in FACETS}
    if cleaned.get("expired"):
        sets_of["qualification"] = "qualification_any"
    kept: dict[str, int] = {}
    for name in FACETS:
        if cleaned.get(name):
            index_value = {choice.value: choice.index_value for choice in choices[name]}
            wanted = [index_value[value] for value in cleaned[name] if value in index_value]
            kept[name] = index.any_of(sets_of[name], wanted)
    low, high = cleaned.get("founded_min"), cleaned.get("founded_max")
    if low is not None or high is not None:
        kept["founded"] = index.founded_between(low, high)
    matches = index.search(query)
    if not query.is_empty:
        kept["q"] = matches.found

    def under_all_but(excluded: str | None) -> int:
        bits = index.everyone
        for name, name_bits in kept.items():
            if name != excluded:
                bits &= name_bits
        return bits

    facets = []
    for name in FACETS:
        counts = index.counts(sets_of[name], under_all_but(name))
        selected = set(cleaned.get(name) or [])
        facet = Facet(name=name, label=labels[name])
        for choice in choices[name]:
            count = counts.get(choice.index_value, 0)
            if count or choice.value in selected:
                facet.options.append(
                    FacetOption(choice.value, choice.label, count, choice.value in selected)
                )
        facets.append(facet)
    sort = cleaned.get("sort") or ""
    tiers = ranked_tiers(under_all_but(None), matches, query, sort)
    return facets, DirectoryResults(index, tiers, order_name(sort))


def ranked_tiers(results: int, matches: Matches, query: Query, sort: str) -> list[int]:
    """The results in the groups listed one after the other: with a query and no sort, as
    search ranks them (a match on a name, then on the text, then on a corrected spelling)."""
    if query.is_empty or sort:
        return [results]
    on_name, as_typed = matches.on_name, matches.as_typed
    return [results & on_name, results & as_typed & ~on_name, results & ~as_typed]


def order_name(sort: str) -> str:
    """The name of the index's order for the chosen sort (by name without one)."""
    sort = sort or "name"
    if sort == "newest":
        return sort
    return f"{sort}:{get_language() or 'en'}"


def facet_choices(index: DirectoryIndex, selected_countries: set[str]) -> dict[str, list[Choice]]:
    """Each facet's choices, in the order they are listed.

    Read once per language for each state of the index (whose token changes with them too),
    so a request runs no query for them. Countries are listed where some enterprise is from
    them, and when selected.
    """
    language = get_language() or "en"
    choices = index.memo(("choices", language), lambda: listed_choices(index))
    added = selected_countries - {choice.value for choice in choices["country"]}
    if added:
        choices = dict(choices)
        choices["country"] = sorted(
            choices["country"] + [Choice(code, countries.name(code), code) for code in added],
            key=label_order,
        )
    return choices


def known_keys(wanted: dict[str, list[str]]) -> set[str]:
    """Which of the wanted slugs name a choice of their facet, as "<facet>:<slug>": what
    zones.filters.known_keys answers in SQL, from the choices listed (the zones, parks and
    platforms published, every sector and qualification)."""
    asked = {f"{name}:{value}" for name, values in wanted.items() for value in values}
    if not asked:
        return set()
    index = current()
    every = index.memo(
        "keys",
        lambda: frozenset(
            f"{name}:{choice.value}"
            for name, choices in facet_choices(index, selected_countries=set()).items()
            for choice in choices
        ),
    )
    return asked & every


def label_order(choice: Choice) -> str:
    """Choices by their label as shown: in pinyin order on Chinese pages."""
    if (get_language() or "en") == "zh-hans":
        return pinyin_sort_key(str(choice.label))
    return str(choice.label)


def listed_choices(index: DirectoryIndex) -> dict[str, list[Choice]]:
    """The directory's facet choices in the current language's order; one query per facet."""
    parks = Park.objects.published().select_related("zone")
    records = {
        "zone": (Zone.objects.published(), lambda zone: zone.slug),
        "park": (
            parks.order_by("zone__slug", "position", "slug"),
            lambda park: f"{park.zone.slug}.{park.slug}",
        ),
        "sector": (Sector.objects.all(), lambda sector: sector.slug),
        "qualification": (Qualification.objects.all(), lambda row: row.slug),
        "platform": (Platform.objects.published(), lambda platform: platform.slug),
    }
    choices = {}
    for name, (queryset, key) in records.items():
        if name != "park":
            queryset = queryset.order_by(by_name(), "pk")
        choices[name] = [Choice(key(row), row, row.pk) for row in queryset]
    choices["city"] = [Choice(city.value, city.label, city.value) for city in City]
    choices["country"] = sorted(
        (Choice(code, countries.name(code), code) for code in index.values["country"]),
        key=label_order,
    )
    return choices


# What a row of the directory shows of the enterprise itself (its zone, park, sectors and
# qualifications come from the facets' records: templates/zones/enterprise_directory.html).
LISTED_FIELDS = ["name", "slug", "founded_year", "country", "zone", "park"]


class DirectoryResults:
    """The directory's results as a Paginator's object_list: counted in memory, and fetched a
    page at a time in two queries, the enterprises and the qualifications they hold (in
    `listed_qualifications`). Their zones, parks, sectors (in `listed_sectors`, from the index)
    and qualifications are the records the facets list, read once per state of the index:
    joining them in SQL and making a record of each again for every row took longer than the
    rest of the page's queries."""

    def __init__(self, index: DirectoryIndex, tiers: list[int], order: str):
        self.index, self.tiers, self.order = index, tiers, order

    def count(self) -> int:
        return sum(tier.bit_count() for tier in self.tiers)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Enterprise]:
        ids = self.index.page(self.tiers, self.order, key.start or 0, key.stop)
        found = Enterprise.objects.published().only(*LISTED_FIELDS).in_bulk(ids)
        choices = facet_choices(self.index, selected_countries=set())
        zones, parks, sectors, qualifications = (
            {choice.index_value: choice.label for choice in choices[name]}
            for name in ("zone", "park", "sector", "qualification")
        )
        held_by: dict[int, list[EnterpriseQualification]] = {pk: [] for pk in found}
        for held in EnterpriseQualification.objects.filter(enterprise__in=list(found)).order_by():
            known(held, "qualification", qualifications)
            held_by[held.enterprise_id].append(held)
        # As the qualification facet lists them (by name), the latest grant first.
        position = {pk: number for number, pk in enumerate(qualifications)}
        results = []
        for pk in ids:
            if pk not in found:
                continue
            enterprise = found[pk]
            known(enterprise, "zone", zones)
            known(enterprise, "park", parks)
            in_sectors = set(self.index.sectors_of(pk))
            enterprise.listed_sectors = [
                sector for sector_id, sector in sectors.items() if sector_id in in_sectors
            ]
            enterprise.listed_qualifications = sorted(
                held_by[pk],
                key=lambda held: (
                    position.get(held.qualification_id, len(position)),
                    -(held.year_granted or 0),
                ),
            )
            results.append(enterprise)
        return results


def known(record, relation: str, records: dict) -> None:
    """Set a record's relation from records read already, as select_related would; one that
    is not among them (added since they were read) is left to be read when used."""
    related = records.get(getattr(record, f"{relation}_id"))
    if related is not None:
        setattr(record, relation, related)
