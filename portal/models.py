"""The search index.

The search index has one row per published zone, enterprise, institution, platform and release.
The rows hold text already cut into tokens (portal/search/text.py). The full-text structures
over them depend on the database and are made by the migration: an FTS5 table kept in step by
triggers on SQLite, a table of tsvectors with a GIN index, kept in step by a trigger, on
PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.publishing.models import Status

# An entry's id is its kind's code times this, plus the record's id: the full-text index can
# then count and filter by kind from ids alone, without reading the entries.
KIND_SPAN = 10**12


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        ZONE = "zone", _("Zones")
        ENTERPRISE = "enterprise", _("Enterprises")
        INSTITUTION = "institution", _("Institutions")
        PLATFORM = "platform", _("Platforms")
        RELEASE = "release", _("News")

    # Higher codes come first where matches are otherwise equal (see backends.py).
    CODES = {
        Kind.ZONE: 5,
        Kind.INSTITUTION: 4,
        Kind.PLATFORM: 3,
        Kind.ENTERPRISE: 2,
        Kind.RELEASE: 1,
    }

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    object_id = models.BigIntegerField(_("object id"))
    slug = models.CharField(_("slug"), max_length=150)
    # Copied from the record so that visibility is decided when a query runs, by the same rule
    # as everywhere else (zones.models.published_q): a scheduled record appears on time.
    status = models.CharField(_("status"), max_length=10, choices=Status)
    published_at = models.DateTimeField(_("publication time"), null=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_zh_hans = models.TextField(_("text (Chinese)"), blank=True)
    # Every name as its tokens, one a line (with a newline at both ends), so that a name which
    # is, or starts with, the query ranks first.
    name_keys = models.TextField(_("name keys"), blank=True)
    # The indexed columns, in tokens.
    names = models.TextField(_("names"), blank=True)
    aliases = models.TextField(_("other names"), blank=True)
    pinyin = models.TextField(_("pinyin"), blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="portal_searchentry_unique"),
        ]
        indexes = [
            models.Index(fields=["published_at"], name="portal_searchentry_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_zh_hans

    @classmethod
    def id_for(cls, kind: str, object_id: int) -> int:
        return cls.CODES[kind] * KIND_SPAN + object_id

    @classmethod
    def id_range(cls, kind: str) -> tuple[int, int]:
        return cls.CODES[kind] * KIND_SPAN, (cls.CODES[kind] + 1) * KIND_SPAN - 1

    @classmethod
    def kind_of_id(cls, entry_id: int) -> str:
        code = entry_id // KIND_SPAN
        return next(kind for kind, value in cls.CODES.items() if value == code)


class SearchTerm(models.Model):
    """A word of the index, for correcting misspelt query words (by trigram similarity)."""

    term = models.CharField(_("term"), max_length=60)
    length = models.PositiveSmallIntegerField(_("length"))

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["term"], name="portal_searchterm_unique")]

    def __str__(self) -> str:
        return self.term
