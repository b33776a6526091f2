"""Lists in the order a reader looks for a name, in either language, on every database.

Databases sort Chinese by code point, which is no order a reader knows (大连 before 阿城, since
大 is U+5927 and 阿 U+963F), and Latin letters by their case and accents as their collation
says (SQLite put "iSoftStone" and "Ölmann" after every "Z"). Each named record keeps a sort key
per language, made when it is saved, which that language's pages order by: the pinyin of its
Chinese name with tones (`a1 cheng2 …`), its English name in lower case without accents. A name
shown in the other language (none in this one) sorts by its own letters, or pinyin, among them.
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.publishing.pinyin import pypinyin

SORT_KEY_LENGTH = 255


def pinyin_sort_key(name: str) -> str:
    """`大连普湾` → `da4 lian2 pu3 wan1`: syllables with their tone, so that `da` sorts before
    `dai` and first tone before fourth, as in a dictionary; other text in lower case without
    accents (folded).

    pypinyin is imported on first use (portal.publishing.pinyin): a process that never
    saves a name nor orders the Chinese directory's countries need not hold its dictionary.
    """
    converter = pypinyin()
    syllables = converter.lazy_pinyin(
        name, style=converter.Style.TONE3, neutral_tone_with_five=True
    )
    words = (folded(word) for syllable in syllables for word in syllable.split())
    return " ".join(word for word in words if word)[:SORT_KEY_LENGTH]


def folded(text: str) -> str:
    """`text` in lower case without accents, as a reader files it: Ö with o, É with e."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


class PinyinSorted(models.Model):
    """A record listed by name (or by its `sorted_by` field, a release's title):
    `sort_key_zh` and `sort_key_en` are its order on Chinese and English pages, refreshed on
    every save.

    Rows written without save() (bulk_create, update) must set them themselves.
    """

    sorted_by = "name"

    sort_key_zh = models.CharField(
        _("Chinese sort key"),
        max_length=SORT_KEY_LENGTH,
        blank=True,
        editable=False,
        db_index=True,
    )
    sort_key_en = models.CharField(
        _("English sort key"),
        max_length=SORT_KEY_LENGTH,
        blank=True,
        editable=False,
        db_index=True,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_key_zh = self.sort_key("zh_hans")
        self.sort_key_en = self.sort_key("en")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sort_key_zh", "sort_key_en"}
        super().save(*args, **kwargs)

    def sort_key(self, language: str) -> str:
        """The name shown on a page in `language` ("en", "zh_hans"): in it, else in the other
        language, else the slug."""
        return sort_key_of(
            getattr(self, f"{self.sorted_by}_{language}", ""),
            getattr(self, f"{self.sorted_by}_{OTHER[language]}", ""),
            getattr(self, "slug", ""),
        )


OTHER = {"en": "zh_hans", "zh_hans": "en"}


def sort_key_of(shown: str | None, other: str | None, slug: str | None = "") -> str:
    """The sort key of a name as a page in one language shows it: `shown`, in that language,
    else `other`, else the slug (for rows written without save())."""
    return pinyin_sort_key(shown or other or slug or "")


def refill_sort_keys(model: type[models.Model], field: str) -> None:
    """Give every row of `model` (a migration's historical one, ordered by `field`) both sort
    keys, as its save() makes them."""
    has_slug = any(each.name == "slug" for each in model._meta.get_fields())
    columns = ["pk", f"{field}_en", f"{field}_zh_hans", *(["slug"] if has_slug else [])]
    batch = []
    for row in model._default_manager.only(*columns).order_by("pk").iterator(chunk_size=2000):
        en, zh, slug = (
            getattr(row, name, "") for name in (f"{field}_en", f"{field}_zh_hans", "slug")
        )
        row.sort_key_en, row.sort_key_zh = sort_key_of(en, zh, slug), sort_key_of(zh, en, slug)
        batch.append(row)
        if len(batch) == 2000:
            model._default_manager.bulk_update(batch, ["sort_key_en", "sort_key_zh"])
            batch = []
    model._default_manager.bulk_update(batch, ["sort_key_en", "sort_key_zh"])
