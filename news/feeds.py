from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news.models import Release


class LatestReleasesFeed(Feed):
    """The twenty newest public releases, in the language of the address."""

    title = _("Liaoning development zones")
    description = _("Development zones of Liaoning, their enterprises and the news about them.")

    def link(self) -> str:
        return reverse("news:release_list")

    def items(self) -> QuerySet[Release]:
        return Release.objects.published()[:20]

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        return item.summary

    def item_pubdate(self, item: Release) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Release) -> datetime:
        return item.updated_at
