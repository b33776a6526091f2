"""The search index.

The search index has one row per published record of each kind the apps declare (registry.py).
The rows hold text already cut into tokens (text.py). The full-text structures over them depend
on the database and are made by the migrations that made these tables (portal/migrations/0002 and
0003): an FTS5 table kept in step by triggers on SQLite, a table of tsvectors with a GIN index,
kept in step by a trigger, on PostgreSQL. The tables keep the names they had when the models
belonged to the portal app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.publishing.models import Status
from portal.search import registry

# An entry's id is its kind's code times this, plus the record's id: the full-text index can
# then count and filter by kind from ids alone, without reading the entries.
KIND_SPAN = 10**12


class SearchEntry(models.Model):
    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=registry.kind_choices)
    object_id = models.BigIntegerField(_("object id"))
    slug = models.CharField(_("slug"), max_length=150)
    # Copied from the record so that visibility is decided when a query runs, by the same rule
    # as everywhere else (portal.publishing's published_q): a scheduled record appears on time.
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
        db_table = "portal_searchentry"
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="portal_searchentry_unique"),
        ]
        indexes = [
            models.Index(fields=["published_at"], name="portal_searchentry_time_idx"),
            # The entries kept hidden while the record they are public with is not (index.py):
            # only those, so that SQLite's statistics, which say that a status holds every
            # entry, cannot keep it from reading them here.
            models.Index(
                fields=["status"],
                condition=~models.Q(status=Status.PUBLISHED),
                name="portal_searchentry_hidden_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_zh_hans

    @classmethod
    def id_for(cls, kind: str, object_id: int) -> int:
        return registry.get(kind).code * KIND_SPAN + object_id

    @classmethod
    def id_range(cls, kind: str) -> tuple[int, int]:
        code = registry.get(kind).code
        return code * KIND_SPAN, (code + 1) * KIND_SPAN - 1


class SearchTerm(models.Model):
    """A word of the index, for correcting misspelt query words (by trigram similarity)."""

    term = models.CharField(_("term"), max_length=60)
    length = models.PositiveSmallIntegerField(_("length"))

    class Meta:
        db_table = "portal_searchterm"
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["term"], name="portal_searchterm_unique")]

    def __str__(self) -> str:
        return self.term
