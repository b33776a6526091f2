"""The portal's own records: the audit log of editorial actions, and the search index.

The audit log says who published, unpublished, archived, deleted, restored or imported what.

The search index has one row per published zone, enterprise, institution, platform and release.
The rows hold text already cut into tokens (portal/search/text.py). The full-text structures
over them depend on the database and are made by the migration: an FTS5 table kept in step by
triggers on SQLite, a table of tsvectors with a GIN index, kept in step by a trigger, on
PostgreSQL.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from zones.models import Status

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


class AuditEntry(models.Model):
    """One editorial action. Written by the admin as it acts; never changed afterwards."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted for review")
        PUBLISH = "publish", _("published")
        SCHEDULE = "schedule", _("scheduled")
        UNPUBLISH = "unpublish", _("unpublished")
        ARCHIVE = "archive", _("archived")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored an earlier version")
        RECOVER = "recover", _("recovered after deletion")
        IMPORT = "import", _("imported")
        SEND_BACK = "send_back", _("sent back to the author")
        DISCARD = "discard", _("discarded a pending draft")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=10, choices=Action, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Text, not a foreign key: the record may be gone (deleted) when the entry is read.
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    # What undoing the action needs beyond reversion's snapshot: for a delete, the links other
    # records held to this one ({"app.model.field": [pk, …]}), restored on recovery.
    links = models.JSONField(_("links"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"

    @classmethod
    def record(
        cls,
        user,
        action: str,
        obj: models.Model | None = None,
        detail: str = "",
        model=None,
        links: dict | None = None,
    ) -> "AuditEntry":
        """Write an entry for `obj` (or, for an action on many rows, for `model`)."""
        model = model or type(obj)
        return cls.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            action=action,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            detail=detail,
            links=links or {},
        )


class PendingChangeQuerySet(models.QuerySet):
    def for_record(self, record: models.Model) -> "PendingChange | None":
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
        ).first()

    def in_review(self):
        return self.filter(state=PendingChange.State.REVIEW)


class PendingChange(models.Model):
    """A change to a live record that waits for a Publisher (portal/drafts.py).

    One per record: whoever edits the live record next continues the same draft.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    snapshot = models.TextField(_("snapshot"))
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.DRAFT, db_index=True
    )
    # The live record's version when the draft was started: a different version now means that
    # a Publisher changed the live record meanwhile, and publishing the draft replaces that.
    base_version = models.PositiveIntegerField(_("live version it started from"))
    # Counts the saves of the draft, so that a form opened before another editor's save of the
    # same draft does not silently save over it.
    number = models.PositiveIntegerField(_("saves"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    # What the Publisher said when sending the draft back to its author.
    comment = models.TextField(_("comment"), blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending draft")
        verbose_name_plural = _("pending drafts")
        ordering = ["-updated_at", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="portal_pendingchange_one_per_record"
            ),
        ]

    def __str__(self) -> str:
        return self.object_repr

    @property
    def record(self) -> models.Model | None:
        model = self.content_type.model_class()
        return model._base_manager.filter(pk=self.object_id).first()
