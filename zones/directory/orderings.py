"""The orders a list of zones or enterprises can be sorted by, by translated name first.

Here, below both the directory's index and the FilterSets, because both sort by them: the index
keeps each enterprise order as a list of positions, and the CSV export sorts in SQL.
"""

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language


def translated(field_name: str) -> Coalesce:
    """A translated field in the current language, else in the other one, else the slug.

    Sorting on `name_zh_hans` alone would put every record without a Chinese name first.
    """
    language = (get_language() or "en").replace("-", "_")
    other = "en" if language != "en" else "zh_hans"
    return Coalesce(
        NullIf(f"{field_name}_{language}", Value("")),
        NullIf(f"{field_name}_{other}", Value("")),
        "slug",
        output_field=CharField(),
    )


# `sort=<key>` → order_by() arguments; callables, since the name's language is the request's.
ENTERPRISE_ORDERINGS = {
    "name": lambda: (translated("name"), "pk"),
    "-founded": lambda: (F("founded_year").desc(nulls_last=True), translated("name"), "pk"),
    "founded": lambda: (F("founded_year").asc(nulls_last=True), translated("name"), "pk"),
    "newest": lambda: ("-published_at", "-pk"),
}
