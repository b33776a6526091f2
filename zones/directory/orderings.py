"""The orders a list of zones or enterprises can be sorted by, by name first (in pinyin order on
Chinese pages).

Here, below both the directory's index and the FilterSets, because both sort by them: the index
keeps each enterprise order as a list of positions, and the CSV export sorts in SQL.
"""

from django.db.models import F

from portal.publishing.translations import by_name

# `sort=<key>` → order_by() arguments; callables, since the name's language is the request's.
ENTERPRISE_ORDERINGS = {
    "name": lambda: (by_name(), "pk"),
    "-founded": lambda: (F("founded_year").desc(nulls_last=True), by_name(), "pk"),
    "founded": lambda: (F("founded_year").asc(nulls_last=True), by_name(), "pk"),
    "newest": lambda: ("-published_at", "-pk"),
}
