"""Footnoted sources: a table of figures names each source record once, below it, and every row
points to its footnote by number instead of repeating the source's full title."""

from collections.abc import Iterable

from django.db import models


def footnote_sources(items: Iterable, attribute: str = "release") -> list[models.Model]:
    """Number the distinct source records of `items` in order of first appearance.

    Sets `source_number` on every item and on every source; returns the sources in order.
    No queries when the sources are loaded (select_related).
    """
    sources: dict[int, models.Model] = {}
    for item in items:
        source = getattr(item, attribute)
        first = sources.setdefault(source.pk, source)
        first.source_number = list(sources).index(source.pk) + 1
        item.source_number = first.source_number
    return list(sources.values())
