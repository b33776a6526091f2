"""The orders a list of zones or enterprises can be sorted by, by name first (in pinyin order on
Chinese pages).

Here, below both the directory's index and the FilterSets, because both sort by them: the index
keeps each enterprise order as a list of positions, and the CSV export sorts in SQL.
"""

from django.db.models import CharField, F, Func
from django.db.models.functions import Coalesce
from django.utils.translation import get_language


class NullIfEmpty(Func):
    """NULLIF(text, ''), with the empty text written in the SQL rather than passed as a
    parameter. PostgreSQL gets the parameters apart from the statement (settings.py): a SELECT
    DISTINCT sorted by this repeats it in its select list with parameters of their own, and
    PostgreSQL could not tell that the two are the same expression."""

    template = "NULLIF(%(expressions)s, '')"
    output_field = CharField()


def translated(field_name: str, prefix: str = "") -> Coalesce:
    """A translated field in the current language, else in the other one, else the slug
    (`prefix`: of the record across a relation, as "qualification__").

    Sorting on `name_zh_hans` alone would put every record without a Chinese name first.
    """
    language = (get_language() or "en").replace("-", "_")
    other = "en" if language != "en" else "zh_hans"
    return Coalesce(
        NullIfEmpty(f"{prefix}{field_name}_{language}"),
        NullIfEmpty(f"{prefix}{field_name}_{other}"),
        f"{prefix}slug",
        output_field=CharField(),
    )


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
