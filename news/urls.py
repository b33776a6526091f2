from django.urls import path

from news import views
from news.feeds import LatestReleasesFeed
from portal.ratelimits import rate_limited

app_name = "news"

urlpatterns = [
    path("news/", views.ReleaseListView.as_view(), name="release_list"),
    path("news/feed/", rate_limited("feed")(LatestReleasesFeed()), name="release_feed"),
    path("news/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("figures.csv", views.figure_export_csv, name="figure_export_csv"),
    path("figures.json", views.figure_export_json, name="figure_export_json"),
    path("zones/<slug:slug>/figures.csv", views.figure_export_csv, name="zone_figures_csv"),
    path("zones/<slug:slug>/figures.json", views.figure_export_json, name="zone_figures_json"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
