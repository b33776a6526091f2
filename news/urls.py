from django.urls import path

from news import calendars, feeds, views

app_name = "news"

urlpatterns = [
    path("news/", views.ReleaseListView.as_view(), name="release_list"),
    path("news/feed/", feeds.LatestReleasesFeed(), name="release_feed"),
    path("news/feed.atom", feeds.ReleaseAtomFeed(), name="release_atom"),
    path(
        "news/series/<slug:slug>/feed.atom",
        feeds.SeriesReleaseAtomFeed(),
        name="series_release_atom",
    ),
    path("news/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/feed.atom", feeds.EventAtomFeed(), name="event_atom"),
    path("events/calendar.ics", calendars.event_calendar, name="event_calendar"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    # A zone's feeds and calendar sit under its profile's address; they are news's, since zones
    # knows nothing of releases and events.
    path("zones/<slug:slug>/news.atom", feeds.ZoneReleaseAtomFeed(), name="zone_release_atom"),
    path("zones/<slug:slug>/events.atom", feeds.ZoneEventAtomFeed(), name="zone_event_atom"),
    path("zones/<slug:slug>/events.ics", calendars.zone_event_calendar, name="zone_event_calendar"),
]
