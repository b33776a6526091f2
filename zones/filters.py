"""The filters of the public zone list and enterprise directory.

Every parameter is parsed by a form field: a value that does not parse (an unknown slug, a year
that is not a number, a NUL byte) becomes a form error and its filter is left out, so a bad link
shows the page with a note instead of failing. Sort keys are mapped through allow-lists; request
values never reach `order_by()` or `filter(**...)` directly.
"""

import re
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.publishing.listing import FilterForm
from portal.search import queries as search
from portal.search.text import Query
from zones import directory
from zones.directory.orderings import ENTERPRISE_ORDERINGS, by_name
from zones.models import (
    YEAR_MAX,
    YEAR_MIN,
    City,
    Enterprise,
    EnterpriseQualification,
    Park,
    Platform,
    Qualification,
    Sector,
    Zone,
)

ANY = _("Any")

# Longer search text is cut: nobody types more, and a long pattern only costs the database.
QUERY_MAX_LENGTH = 100


class SearchField(forms.CharField):
    """Free text: NUL bytes are dropped and the text is cut to a sensible length."""

    def to_python(self, value: str | None) -> str:
        value = super().to_python(value)
        return value.replace("\x00", "")[:QUERY_MAX_LENGTH].strip()


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class SortFilter(django_filters.ChoiceFilter):
    """`sort=<key>`, mapped through `orderings` (key → order_by arguments)."""

    def __init__(self, orderings: dict[str, Callable[[], tuple]], **kwargs: Any) -> None:
        self.orderings = orderings
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value not in self.orderings:
            return qs
        return qs.order_by(*self.orderings[value]())


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
PARK_KEY = re.compile(r"[-a-zA-Z0-9_]{1,120}\.[-a-zA-Z0-9_]{1,120}")


class SlugListField(forms.MultipleChoiceField):
    """Values of a repeated parameter; the form checks them against the database, in one query."""

    def validate(self, value: list[str]) -> None:
        # There are no fixed choices to check here; only "required" applies.
        forms.Field.validate(self, value)


class SlugsFilter(django_filters.MultipleChoiceFilter):
    """Records whose `field_name` is any of the given slugs."""

    field_class = SlugListField


@extend_schema_field(OpenApiTypes.STR)
class ParkFilter(SlugsFilter):
    """Parks as `<zone slug>.<park slug>`: a park's slug is unique only within its zone."""

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        condition = Q()
        for key in value:
            zone_slug, park_slug = key.split(".", 1)
            condition |= Q(park__zone__slug=zone_slug, park__slug=park_slug)
        return qs.filter(condition)


class QualificationFilter(SlugsFilter):
    """Enterprises holding any of the qualifications, valid today unless the FilterSet's
    `expired` asks for expired ones too (as the directory's index counts them)."""

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        held = EnterpriseQualification.objects.filter(qualification__slug__in=value)
        if not self.parent.form.cleaned_data.get("expired"):
            held = held.valid()
        return qs.filter(pk__in=held.values("enterprise_id"))


# A slug that names no public record, in a filter's parameter.
NOT_KNOWN = _("“%(value)s” is not known.")
NOTHING_TO_SEARCH = _("“%(value)s” holds nothing the search can look for.")


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """One record of `queryset`, named by its slug; a slug that names none is NOT_KNOWN."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("error_messages", {"invalid_choice": NOT_KNOWN})
        super().__init__(*args, **kwargs)


class EnterpriseFilterForm(FilterForm):
    """Checks every slug given to the directory (known_keys: one query, or none on the directory
    page's own form); an unknown one is named and dropped.

    Dropping only the unknown values keeps the rest of a half-broken link working. So is a
    name to search for that holds nothing the search reads (`%`, `。`): it would keep every
    enterprise while its chip said the list was filtered. The query is parsed once, as
    `search_query`.
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = cleaned.get("q") or ""
        self.search_query = search.prepare(text)
        if text and self.search_query.is_empty:
            self.add_error("q", forms.ValidationError(NOTHING_TO_SEARCH, params={"value": text}))
            self.cleaned_data["q"] = ""
        wanted = {name: cleaned.get(name) or [] for name in SLUG_SOURCES}
        known = self.known_keys(wanted)
        for name, values in wanted.items():
            unknown = [value for value in values if f"{name}:{value}" not in known]
            if unknown:
                self.add_error(
                    name,
                    forms.ValidationError(
                        NOT_KNOWN,
                        params={"value": ", ".join(unknown)},
                        code="invalid_choice",
                    ),
                )
                self.cleaned_data[name] = [value for value in values if value not in unknown]
        # So is a value of a repeated parameter with fixed choices (city, country) that is none
        # of them: the field names it, and would drop the whole list with it.
        for name, field in self.fields.items():
            if name in self.errors and isinstance(field, forms.MultipleChoiceField):
                if not isinstance(field, SlugListField):
                    values = self.data.getlist(self.add_prefix(name))
                    self.cleaned_data[name] = [
                        value for value in values if field.valid_value(value)
                    ]
        return self.cleaned_data

    def known_keys(self, wanted: dict[str, list[str]]) -> set[str]:
        return known_keys(wanted)


class DirectoryFilterForm(EnterpriseFilterForm):
    """The directory page's form: it checks the slugs against its facets' choices, which the
    directory's index lists once per state of the content and the page reads anyway. Built
    for each request, the query of known_keys cost 2.7 ms of CPU, more than the page's rows."""

    def known_keys(self, wanted: dict[str, list[str]]) -> set[str]:
        return directory.known_keys(wanted)


def _slug_key(name: str, slug_expression: F | Concat) -> Concat:
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


# Choice querysets are callables so that the visibility rule is read at each request: a
# QuerySet built at import would keep the time of the import as "now".
def published_zones(request: HttpRequest | None = None) -> QuerySet[Zone]:
    return Zone.objects.published().order_by(by_name(), "pk")


class ZoneChoiceFilter(SlugChoiceFilter):
    """One public zone, by its slug (`field_name` is the relation to it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Zone"))
        kwargs.setdefault("queryset", published_zones)
        super().__init__(*args, **kwargs)


def published_platforms(request: HttpRequest | None = None) -> QuerySet[Platform]:
    return Platform.objects.published().order_by(by_name(), "pk")


class EnterpriseFilter(django_filters.FilterSet):
    """The directory's parameters. The page counts and pages them from the index in memory
    (zones/directory/); `qs` runs the same filters in SQL, for the CSV export."""

    q = SearchFilter(label=_("Name or description"), method="filter_q")
    # A repeated parameter keeps the records that have any of its values.
    zone = SlugsFilter(label=_("Zone"), field_name="zone__slug", lookup_expr="exact")
    park = ParkFilter(label=_("Park"))
    sector = SlugsFilter(label=_("Sector"), field_name="sectors__slug", lookup_expr="exact")
    # The field is named for the API's schema; the filter reads validity itself.
    qualification = QualificationFilter(
        label=_("Qualification"), field_name="held_qualifications__qualification__slug"
    )
    expired = django_filters.ChoiceFilter(
        label=_("Expired qualifications"),
        choices=[("include", _("Include expired qualifications"))],
        method="read_by_qualification",
    )
    platform = SlugsFilter(label=_("Platform"), field_name="platforms__slug", lookup_expr="exact")
    city = django_filters.MultipleChoiceFilter(
        label=_("City"), field_name="zone__city", lookup_expr="exact", choices=City.choices
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Investment from"),
        field_name="country",
        lookup_expr="exact",
        choices=lambda: list(countries),
    )
    founded_min = YearFilter(
        label=_("Founded in or after"), field_name="founded_year", lookup_expr="gte"
    )
    founded_max = YearFilter(
        label=_("Founded in or before"), field_name="founded_year", lookup_expr="lte"
    )
    sort = SortFilter(
        orderings=ENTERPRISE_ORDERINGS,
        choices=[
            ("name", _("Name")),
            ("-founded", _("Founded, newest first")),
            ("founded", _("Founded, oldest first")),
            ("newest", _("Recently added")),
        ],
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []
        form = EnterpriseFilterForm

    @property
    def search_query(self) -> Query:
        """The query, parsed and spell-checked once (by the form) although each facet count
        filters by it."""
        self.form.is_valid()
        return self.form.search_query

    def read_by_qualification(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """`expired` changes what `qualification` keeps; alone, it keeps everything."""
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The site's search, restricted to the enterprises the other filters keep, best first."""
        return search.filter_queryset(queryset, self.search_query)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Without a sort, a plain list goes by name, and a query lists the best matches first and
        # by name within each (q keeps the order it is given): in pinyin on Chinese pages, as
        # the page's own list does.
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*ENTERPRISE_ORDERINGS["name"]())
        return super().filter_queryset(queryset)


class DirectoryFilter(EnterpriseFilter):
    """The directory page's filters (DirectoryFilterForm); the export and the API check slugs in
    SQL, without the index."""

    class Meta(EnterpriseFilter.Meta):
        form = DirectoryFilterForm


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
            "name": lambda: (by_name(), "pk"),
            "established": lambda: (
                F("established_year").asc(nulls_last=True),
                by_name(),
                "pk",
            ),
            "-established": lambda: (
                F("established_year").desc(nulls_last=True),
                by_name(),
                "pk",
            ),
            "enterprises": lambda: ("-enterprise_count", by_name(), "pk"),
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
        form = FilterForm
        fields: list[str] = []

    # The filters offered with counts, and the column each counts by.
    FACETS = {"city": "city", "level": "level", "kind": "kind", "sector": "sectors__slug"}

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(by_name(), "pk")
        return queryset

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """For each facet, how many public zones each of its values gives under the other
        filters (as the directory counts); one query for all facets.

        Every facet is an exact match (a zone's city, level or kind, or one of its sectors), so
        the public zones are read once with their facet values and each count keeps the zones
        that the chosen values of the other facets keep, as filtering by them would.
        """
        zones: dict[int, dict[str, set]] = {}
        rows = Zone.objects.published().order_by().values_list("pk", *self.FACETS.values())
        for pk, *values in rows:
            zone = zones.setdefault(pk, {name: set() for name in self.FACETS})
            for name, value in zip(self.FACETS, values, strict=True):
                if value:
                    zone[name].add(value)
        cleaned = self.form.cleaned_data
        chosen = {name: cleaned.get(name) for name in self.FACETS}
        if chosen["sector"]:
            chosen["sector"] = chosen["sector"].slug
        counts: dict[str, dict[str, int]] = {name: {} for name in self.FACETS}
        for zone in zones.values():
            kept_by = {name: not value or value in zone[name] for name, value in chosen.items()}
            for name in self.FACETS:
                if all(kept for other, kept in kept_by.items() if other != name):
                    for value in zone[name]:
                        counts[name][value] = counts[name].get(value, 0) + 1
        return counts

    def offer_counted_choices(self) -> dict[str, dict[str, int]]:
        """Limit each facet's choices to the values that give zones, or are chosen, each with
        its count (a city without a public zone is not offered); returns the counts.

        Call after validation. The sector choices cost one query when the form is rendered.
        """
        counts = self.facet_counts()
        cleaned = self.form.cleaned_data
        for name in ("city", "level", "kind"):
            field, chosen = self.form.fields[name], cleaned.get(name)
            # The field adds its empty choice ("Any") itself.
            field.choices = [
                (value, counted(label, counts[name].get(value, 0)))
                for value, label in field.choices
                if value and (counts[name].get(value) or value == chosen)
            ]
        field, chosen = self.form.fields["sector"], cleaned.get("sector")
        offered = set(counts["sector"]) | ({chosen.slug} if chosen else set())
        field.queryset = Sector.objects.filter(slug__in=offered).order_by(by_name(), "pk")
        field.label_from_instance = lambda sector: counted(
            sector.name, counts["sector"].get(sector.slug, 0)
        )
        return counts


def counted(label: object, count: int) -> str:
    return f"{label} ({count})"
