"""The filters of the public zone list and enterprise directory.

Every parameter is parsed by a form field: a value that does not parse (an unknown slug, a year
that is not a number, a NUL byte) becomes a form error and its filter is left out, so a bad link
shows the page with a note instead of failing. Sort keys are mapped through allow-lists; request
values never reach `order_by()` or `filter(**...)` directly.
"""

import re
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.search import queries as search
from zones import directory
from zones.directory import DirectoryIndex, Matches
from zones.models import (
    YEAR_MAX,
    YEAR_MIN,
    City,
    Enterprise,
    Park,
    Platform,
    Qualification,
    Sector,
    Zone,
)

ANY = _("Any")

# Longer search text is cut: nobody types more, and a long pattern only costs the database.
QUERY_MAX_LENGTH = 100


def translated(field_name: str) -> Coalesce:
    """A translated field in the current language, else in the other one, else the slug.

    Sorting on `name_zh_hans` alone would put every record without a Chinese name first.
    """
    language = (get_language() or "en").replace("-", "_")
    other = "en" if language != "en" else "zh_hans"
    return Coalesce(
        NullIf(f"{field_name}_{language}", Value("")),
        NullIf(f"{field_name}_{other}", Value("")),
        "slug",
        output_field=CharField(),
    )


class SearchField(forms.CharField):
    """Free text: NUL bytes are dropped and the text is cut to a sensible length."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\x00", "")[:QUERY_MAX_LENGTH].strip()


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class SortFilter(django_filters.ChoiceFilter):
    """`sort=<key>`, mapped through `orderings` (key → order_by arguments)."""

    def __init__(self, orderings: dict, **kwargs):
        self.orderings = orderings
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value not in self.orderings:
            return qs
        return qs.order_by(*self.orderings[value]())


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
PARK_KEY = re.compile(r"[-a-zA-Z0-9_]{1,120}\.[-a-zA-Z0-9_]{1,120}")


class SlugListField(forms.MultipleChoiceField):
    """Values of a repeated parameter; the form checks them against the database, in one query."""

    def validate(self, value):
        # There are no fixed choices to check here; only "required" applies.
        forms.Field.validate(self, value)


class SlugsFilter(django_filters.MultipleChoiceFilter):
    """Records whose `field_name` is any of the given slugs."""

    field_class = SlugListField


class ParkFilter(SlugsFilter):
    """Parks as `<zone slug>.<park slug>`: a park's slug is unique only within its zone."""

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for key in value:
            zone_slug, park_slug = key.split(".", 1)
            condition |= Q(park__zone__slug=zone_slug, park__slug=park_slug)
        return qs.filter(condition)


class EnterpriseFilterForm(forms.Form):
    """Checks every slug given to the directory in one query; an unknown one is named and dropped.

    Dropping only the unknown values keeps the rest of a half-broken link working.
    """

    def clean(self):
        cleaned = super().clean()
        wanted = {name: cleaned.get(name) or [] for name in SLUG_SOURCES}
        known = known_keys(wanted)
        for name, values in wanted.items():
            unknown = [value for value in values if f"{name}:{value}" not in known]
            if unknown:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("“%(value)s” is not known."),
                        params={"value": ", ".join(unknown)},
                        code="invalid_choice",
                    ),
                )
                self.cleaned_data[name] = [value for value in values if value not in unknown]
        return self.cleaned_data


def _slug_key(name: str, slug_expression):
    return Concat(Value(f"{name}:"), slug_expression, output_field=CharField())


# Where each slug parameter of the directory is looked up, as "<parameter>:<slug>" keys.
SLUG_SOURCES = {
    "zone": lambda: published_zones().annotate(key=_slug_key("zone", F("slug"))),
    "park": lambda: Park.objects.published().annotate(
        key=_slug_key("park", Concat("zone__slug", Value("."), "slug", output_field=CharField()))
    ),
    "sector": lambda: Sector.objects.annotate(key=_slug_key("sector", F("slug"))),
    "qualification": lambda: Qualification.objects.annotate(
        key=_slug_key("qualification", F("slug"))
    ),
    "platform": lambda: published_platforms().annotate(key=_slug_key("platform", F("slug"))),
}


def known_keys(wanted: dict[str, list[str]]) -> set[str]:
    """Which of the wanted slugs exist, as "<parameter>:<slug>"; one query for all parameters.

    A value that cannot be a slug (or park key) never reaches the database.
    """
    queries = []
    for name, values in wanted.items():
        shape = PARK_KEY if name == "park" else SLUG
        keys = [f"{name}:{value}" for value in values if shape.fullmatch(value)]
        if keys:
            queries.append(
                SLUG_SOURCES[name]().filter(key__in=keys).order_by().values_list("key", flat=True)
            )
    if not queries:
        return set()
    first, *rest = queries
    return set(first.union(*rest) if rest else first)


def enterprise_orderings() -> dict:
    return {
        "name": lambda: (translated("name"), "pk"),
        "-founded": lambda: (F("founded_year").desc(nulls_last=True), translated("name"), "pk"),
        "founded": lambda: (F("founded_year").asc(nulls_last=True), translated("name"), "pk"),
        "newest": lambda: ("-published_at", "-pk"),
    }


# Choice querysets are callables so that the visibility rule is read at each request: a
# QuerySet built at import would keep the time of the import as "now".
def published_zones(request=None) -> QuerySet:
    return Zone.objects.published()


def published_platforms(request=None) -> QuerySet:
    return Platform.objects.published()


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


class EnterpriseFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Name or description"), method="filter_q")
    zone = SlugsFilter(label=_("Zone"), field_name="zone__slug")
    park = ParkFilter(label=_("Park"))
    sector = SlugsFilter(label=_("Sector"), field_name="sectors__slug")
    qualification = SlugsFilter(label=_("Qualification"), field_name="qualifications__slug")
    platform = SlugsFilter(label=_("Platform"), field_name="platforms__slug")
    city = django_filters.MultipleChoiceFilter(
        label=_("City"), field_name="zone__city", choices=City.choices
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Investment from"), field_name="country", choices=lambda: list(countries)
    )
    founded_min = YearFilter(
        label=_("Founded in or after"), field_name="founded_year", lookup_expr="gte"
    )
    founded_max = YearFilter(
        label=_("Founded in or before"), field_name="founded_year", lookup_expr="lte"
    )
    sort = SortFilter(
        orderings=enterprise_orderings(),
        choices=[
            ("name", _("Name")),
            ("-founded", _("Founded, newest first")),
            ("founded", _("Founded, oldest first")),
            ("newest", _("Recently added")),
        ],
    )

    FACETS = ("zone", "park", "sector", "qualification", "platform", "city", "country")

    class Meta:
        model = Enterprise
        fields: list[str] = []
        form = EnterpriseFilterForm

    @cached_property
    def search_query(self):
        """The query, parsed and spell-checked once although each facet count filters by it."""
        return search.prepare(self.form.cleaned_data["q"])

    def filter_q(self, queryset, name, value):
        """The site's search, restricted to the enterprises the other filters keep, best first."""
        return search.filter_queryset(queryset, self.search_query)

    @property
    def qs(self):
        queryset = super().qs
        # Without a sort, a query lists the best matches first and a plain list goes by name.
        if not self.form.cleaned_data.get("sort") and not self.form.cleaned_data.get("q"):
            queryset = queryset.order_by(*enterprise_orderings()["name"]())
        return queryset

    def selected(self, name: str) -> set[str]:
        """The values of a facet parameter that are in effect (known ones only)."""
        self.errors  # noqa: B018  (validates the form)
        return set(self.form.cleaned_data.get(name) or [])

    def choices(self, index: DirectoryIndex) -> dict[str, list[Choice]]:
        """Each facet's choices, in the order they are listed.

        Read once per language for each state of the index (whose token changes with them too),
        so a request runs no query for them. Countries are listed where some enterprise is from
        them, and when selected.
        """
        language = get_language() or "en"
        choices = index.memo(("choices", language), lambda: listed_choices(index))
        selected = self.selected("country") - {choice.value for choice in choices["country"]}
        if selected:
            added = [Choice(code, countries.name(code), code) for code in selected]
            choices = dict(choices)
            choices["country"] = sorted(
                choices["country"] + added, key=lambda choice: str(choice.label)
            )
        return choices

    def listing(self) -> tuple[list[Facet], "DirectoryResults"]:
        """The facets with their counts, and the results, from the directory's index.

        Each facet counts its choices under every filter but its own, so that a visitor sees
        what choosing another value of it would give.
        """
        self.errors  # noqa: B018  (validates the form)
        index = directory.current()
        choices = self.choices(index)
        cleaned = self.form.cleaned_data
        kept: dict[str, int] = {}
        for name in self.FACETS:
            if cleaned.get(name):
                index_value = {choice.value: choice.index_value for choice in choices[name]}
                wanted = [index_value[value] for value in cleaned[name] if value in index_value]
                kept[name] = index.any_of(name, wanted)
        low, high = cleaned.get("founded_min"), cleaned.get("founded_max")
        if low is not None or high is not None:
            kept["founded"] = index.founded_between(low, high)
        matches = index.matches(search.record_matches(Enterprise, self.search_query))
        if not self.search_query.is_empty:
            kept["q"] = matches.found

        def under_all_but(excluded: str | None) -> int:
            bits = index.everyone
            for name, name_bits in kept.items():
                if name != excluded:
                    bits &= name_bits
            return bits

        facets = []
        for name in self.FACETS:
            counts = index.counts(name, under_all_but(name))
            selected = self.selected(name)
            facet = Facet(name=name, label=self.filters[name].label)
            for choice in choices[name]:
                count = counts.get(choice.index_value, 0)
                if count or choice.value in selected:
                    facet.options.append(
                        FacetOption(choice.value, choice.label, count, choice.value in selected)
                    )
            facets.append(facet)
        tiers = self.tiers(under_all_but(None), matches)
        return facets, DirectoryResults(index, tiers, self.order())

    def tiers(self, results: int, matches: Matches) -> list[int]:
        """The results in the groups listed one after the other: with a query and no sort, as
        search ranks them (a match on a name, then on the text, then on a corrected spelling)."""
        if self.search_query.is_empty or self.form.cleaned_data.get("sort"):
            return [results]
        on_name, as_typed = matches.on_name, matches.as_typed
        return [results & on_name, results & as_typed & ~on_name, results & ~as_typed]

    def order(self) -> str:
        """The name of the index's order for the chosen sort (by name without one)."""
        sort = self.form.cleaned_data.get("sort") or "name"
        if sort == "newest":
            return sort
        return f"{sort}:{get_language() or 'en'}"


def listed_choices(index: DirectoryIndex) -> dict[str, list[Choice]]:
    """The directory's facet choices in the current language's order; one query per facet."""
    parks = Park.objects.published().select_related("zone")
    records = {
        "zone": (published_zones(), lambda zone: zone.slug),
        "park": (
            parks.order_by("zone__slug", "position", "slug"),
            lambda park: f"{park.zone.slug}.{park.slug}",
        ),
        "sector": (Sector.objects.all(), lambda sector: sector.slug),
        "qualification": (Qualification.objects.all(), lambda row: row.slug),
        "platform": (published_platforms(), lambda platform: platform.slug),
    }
    choices = {}
    for name, (queryset, key) in records.items():
        if name != "park":
            queryset = queryset.order_by(translated("name"), "pk")
        choices[name] = [Choice(key(row), row, row.pk) for row in queryset]
    choices["city"] = [Choice(city.value, city.label, city.value) for city in City]
    choices["country"] = sorted(
        (Choice(code, countries.name(code), code) for code in index.values["country"]),
        key=lambda choice: str(choice.label),
    )
    return choices


# What a row of the directory shows (templates/zones/enterprise_directory.html).
LISTED_FIELDS = [
    "name",
    "slug",
    "founded_year",
    "country",
    "zone__name",
    "zone__city",
    "park__name",
]


class DirectoryResults:
    """The directory's results as a Paginator's object_list: counted in memory, and fetched a
    page at a time (two queries: the enterprises with their zone and park, their sectors in
    `listed_sectors`)."""

    def __init__(self, index: DirectoryIndex, tiers: list[int], order: str):
        self.index, self.tiers, self.order = index, tiers, order

    def count(self) -> int:
        return sum(tier.bit_count() for tier in self.tiers)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Enterprise]:
        ids = self.index.page(self.tiers, self.order, key.start or 0, key.stop)
        found = (
            Enterprise.objects.published()
            .select_related("zone", "park")
            .only(*LISTED_FIELDS)
            .prefetch_related(
                Prefetch("sectors", Sector.objects.only("name"), to_attr="listed_sectors")
            )
            .in_bulk(ids)
        )
        return [found[pk] for pk in ids if pk in found]


class ZoneFilter(django_filters.FilterSet):
    city = django_filters.ChoiceFilter(empty_label=ANY, label=_("City"), choices=City.choices)
    level = django_filters.ChoiceFilter(
        empty_label=ANY, label=_("Level"), choices=Zone.Level.choices
    )
    kind = django_filters.ChoiceFilter(empty_label=ANY, label=_("Kind"), choices=Zone.Kind.choices)
    sector = django_filters.ModelChoiceFilter(
        empty_label=ANY,
        label=_("Sector"),
        field_name="sectors",
        queryset=Sector.objects.all(),
        to_field_name="slug",
    )
    sort = SortFilter(
        orderings={
            "name": lambda: (translated("name"), "pk"),
            "established": lambda: (
                F("established_year").asc(nulls_last=True),
                translated("name"),
                "pk",
            ),
            "-established": lambda: (
                F("established_year").desc(nulls_last=True),
                translated("name"),
                "pk",
            ),
            "enterprises": lambda: ("-enterprise_count", translated("name"), "pk"),
        },
        choices=[
            ("name", _("Name")),
            ("established", _("Year established, oldest first")),
            ("-established", _("Year established, newest first")),
            ("enterprises", _("Number of enterprises")),
        ],
    )

    class Meta:
        model = Zone
        fields: list[str] = []

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(translated("name"), "pk")
        return queryset
