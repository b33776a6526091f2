"""The filters of the public release and event lists (see zones.filters for how bad values fare)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from news.models import Event, Indicator, Metric, Release, Series
from portal.publishing.listing import FilterForm
from zones.filters import ANY, SlugChoiceFilter, YearFilter, ZoneChoiceFilter


class ReleaseFilter(django_filters.FilterSet):
    zone = ZoneChoiceFilter(empty_label=ANY, field_name="zones")
    kind = django_filters.ChoiceFilter(
        empty_label=ANY, label=_("Kind"), choices=Release.Kind.choices
    )
    series = SlugChoiceFilter(
        empty_label=ANY, label=_("Series"), field_name="series", queryset=Series.objects.all()
    )
    year = YearFilter(label=_("Year"), field_name="published_at", lookup_expr="year")

    class Meta:
        model = Release
        form = FilterForm
        fields: list[str] = []


def partner_countries() -> list[tuple[str, str]]:
    """The countries public events are held with, by name: one query, not a list of 250."""
    codes = (
        Event.objects.published()
        .exclude(partner_country="")
        .order_by()
        .values_list("partner_country", flat=True)
        .distinct()
    )
    return sorted(((code, countries.name(code)) for code in codes), key=lambda c: str(c[1]))


class EventFilter(django_filters.FilterSet):
    zone = ZoneChoiceFilter(empty_label=ANY, field_name="zone")
    country = django_filters.ChoiceFilter(
        empty_label=ANY,
        label=_("Partner country"),
        field_name="partner_country",
        choices=partner_countries,
    )
    when = django_filters.ChoiceFilter(
        empty_label=ANY,
        label=_("When"),
        method="filter_when",
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
    )

    class Meta:
        model = Event
        form = FilterForm
        fields: list[str] = []

    def filter_when(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        if value == "upcoming":
            # What comes next first, as the home page lists it.
            return queryset.filter(pk__in=Event.objects.upcoming().values("pk")).soonest_first()
        return queryset.filter(pk__in=Event.objects.past().values("pk"))


class FigureFilter(django_filters.FilterSet):
    """The figures table's parameters: a zone, a metric, a source release, a year."""

    zone = ZoneChoiceFilter(field_name="zone")
    metric = SlugChoiceFilter(label=_("Metric"), field_name="metric", queryset=Metric.objects.all())
    release = SlugChoiceFilter(
        label=_("Source release"),
        field_name="release",
        queryset=lambda request: Release.objects.published(),
    )
    year = YearFilter(label=_("Year"), field_name="year", lookup_expr="exact")

    class Meta:
        model = Indicator
        form = FilterForm
        fields: list[str] = []
