from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView, ListView

from news.filters import EventFilter, ReleaseFilter
from news.models import Event, Indicator, Release
from portal.listing import FilteredListMixin
from portal.mixins import GoneWhenArchivedMixin
from zones.models import Enterprise, Institution, Platform, Zone


class ReleaseListView(FilteredListMixin, ListView):
    template_name = "news/release_list.html"
    partial_template_name = "news/release_results.html"
    filterset_class = ReleaseFilter
    paginate_by = 20

    def get_unfiltered_queryset(self) -> QuerySet[Release]:
        return Release.objects.published().select_related("series")


class ReleaseDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "news/release_detail.html"

    def get_queryset(self) -> QuerySet[Release]:
        return (
            Release.objects.published()
            .select_related("series")
            .prefetch_related(
                Prefetch("zones", queryset=Zone.objects.published()),
                Prefetch("enterprises", queryset=Enterprise.objects.published()),
                Prefetch("institutions", queryset=Institution.objects.published()),
                Prefetch("platforms", queryset=Platform.objects.published()),
                Prefetch("events", queryset=Event.objects.published()),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.published().select_related("zone", "park", "metric"),
                ),
                "attachments",
            )
        )


class EventListView(FilteredListMixin, ListView):
    template_name = "news/event_list.html"
    partial_template_name = "news/event_results.html"
    filterset_class = EventFilter
    paginate_by = 20

    def get_unfiltered_queryset(self) -> QuerySet[Event]:
        return Event.objects.published().select_related("zone")


class EventDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "news/event_detail.html"

    def get_queryset(self) -> QuerySet[Event]:
        return (
            Event.objects.published()
            .select_related("zone")
            .prefetch_related(Prefetch("releases", queryset=Release.objects.published()))
        )
