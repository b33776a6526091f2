"""Chinese read as pinyin: for a name's sort key, its search entry and an address made from it.

pypinyin is imported on first use: its dictionary of phrases takes some 55 MB, which serving
pages and queries does not need.
"""

import functools

from django.utils.text import slugify

# Place names that pypinyin reads as another word: 朝阳, the city of Liaoning whose name the
# glossary gives as Chaoyang, is cháoyáng, not zhāoyáng ("the morning sun").
PLACE_NAME_READINGS = {"朝阳": [["cháo"], ["yáng"]]}


@functools.cache
def pypinyin():
    """pypinyin, imported on first use, with the place names' readings."""
    import pypinyin

    pypinyin.load_phrases_dict(PLACE_NAME_READINGS)
    return pypinyin


@functools.lru_cache(maxsize=4096)
def lazy_pinyin(run: str) -> tuple[str, ...]:
    """pypinyin's syllables of a run of Chinese.

    About a quarter of a millisecond a name, the largest cost of writing a search entry; kept
    for the latest runs, since an entry's names are read twice."""
    return tuple(pypinyin().lazy_pinyin(run))


def slug_of(english: str | None, chinese: str | None, max_length: int) -> str:
    """A slug of at most `max_length` characters from the English name, or for a record named
    in Chinese alone from its pinyin (沈阳浑南 → shen-yang-hun-nan): an address, not a name,
    so nothing is made up. Empty when neither gives a letter or a digit."""
    slug = slugify(english or "") or slugify(" ".join(lazy_pinyin(chinese or "")))
    # Cut between words where it can be: never ending in a hyphen.
    return slug[:max_length].rstrip("-")
