from django.urls import path

from news import calendars, feeds, views
from portal.ratelimits import rate_limited

app_name = "news"

urlpatterns = [
    path("news/", views.ReleaseListView.as_view(), name="release_list"),
    path("news/feed/", rate_limited("feed")(feeds.LatestReleasesFeed()), name="release_feed"),
    path("news/feed.atom", rate_limited("feed")(feeds.ReleaseAtomFeed()), name="release_atom"),
    path(
        "news/series/<slug:slug>/feed.atom",
        rate_limited("feed")(feeds.SeriesReleaseAtomFeed()),
        name="series_release_atom",
    ),
    path("news/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/feed.atom", rate_limited("feed")(feeds.EventAtomFeed()), name="event_atom"),
    path(
        "events/calendar.ics", rate_limited("feed")(calendars.event_calendar), name="event_calendar"
    ),
    path("figures.csv", views.figure_export_csv, name="figure_export_csv"),
    path("figures.json", views.figure_export_json, name="figure_export_json"),
    path("zones/<slug:slug>/figures.csv", views.figure_export_csv, name="zone_figures_csv"),
    path("zones/<slug:slug>/figures.json", views.figure_export_json, name="zone_figures_json"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    # A zone's feeds and calendar sit under its profile's address; they are news's, since zones
    # knows nothing of releases and events.
    path(
        "zones/<slug:slug>/news.atom",
        rate_limited("feed")(feeds.ZoneReleaseAtomFeed()),
        name="zone_release_atom",
    ),
    path(
        "zones/<slug:slug>/events.atom",
        rate_limited("feed")(feeds.ZoneEventAtomFeed()),
        name="zone_event_atom",
    ),
    path(
        "zones/<slug:slug>/events.ics",
        rate_limited("feed")(calendars.zone_event_calendar),
        name="zone_event_calendar",
    ),
]
