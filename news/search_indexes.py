"""What the site search finds of releases (see portal/search/registry.py). The code is stored
in every index entry: never change it."""

from django.utils.translation import gettext_lazy as _

from news.models import Release
from portal.search.registry import SearchIndex, register


@register
class ReleaseIndex(SearchIndex):
    model = Release
    kind = "release"
    code = 1
    label = _("News")
    url_name = "news:release_detail"
    title = "title"
    names = ("title",)
    text = ("summary", "body")
    rich_text = ("body",)
