"""The orders a list of zones or enterprises can be sorted by, by name first (in pinyin order on
Chinese pages).

Here, below both the directory's index and the FilterSets, because both sort by them: the index
keeps each enterprise order as a list of positions, and the CSV export sorts in SQL.
"""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from portal.publishing.translations import translated


def by_name(prefix: str = "") -> F | Coalesce:
    """What a list of named records (zones/collation.py's `PinyinSorted`) is ordered by in the
    current language: in Chinese the pinyin of the name (its `sort_key_zh`), not the code
    points a database sorts Chinese by; else the translated name. `prefix` orders by a related
    record's name."""
    if (get_language() or "en") == "zh-hans":
        return F(f"{prefix}sort_key_zh")
    return translated("name", prefix)


# `sort=<key>` → order_by() arguments; callables, since the name's language is the request's.
ENTERPRISE_ORDERINGS = {
    "name": lambda: (by_name(), "pk"),
    "-founded": lambda: (F("founded_year").desc(nulls_last=True), by_name(), "pk"),
    "founded": lambda: (F("founded_year").asc(nulls_last=True), by_name(), "pk"),
    "newest": lambda: ("-published_at", "-pk"),
}
