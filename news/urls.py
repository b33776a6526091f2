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
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
