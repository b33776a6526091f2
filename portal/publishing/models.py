"""Publishing: the status every public record has, the one rule that decides what visitors see,
and the records of editorial work (the audit log, pending drafts of live records).

Every content app builds on this module; it imports none of them.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# The earliest publication time a record can have.
EARLIEST_PUBLICATION = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


def published_q(prefix: str = "") -> Q:
    """The one visibility rule: published, with a publication time that has come.

    Decided at read time, so a scheduled item appears on its own at its time. `prefix` applies
    the rule across a relation, e.g. `published_q("release__")` for a release's figures.
    """
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


def scheduled_q(prefix: str = "") -> Q:
    """Published, with a publication time still to come: not visible yet, but due."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__gt": timezone.now()})


def published_or_scheduled_q(prefix: str = "") -> Q:
    """Published, on time or due later: what the search index holds, so that a scheduled record
    appears at its time with no job to run (the index checks the time when a query runs)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__isnull": False})


class PublishableQuerySet(models.QuerySet):
    """What visitors may see of a model, as `published()`.

    A model whose records are public only with a record they belong to or sit in overrides
    `surroundings_q`, so that `published()`, the same rule across a relation
    (`public_q(prefix)`), `gone()` and the instance's `is_published()` stay one rule.
    """

    @classmethod
    def public_q(cls, prefix: str = "") -> Q:
        return published_q(prefix) & cls.surroundings_q(prefix)

    @classmethod
    def surroundings_q(cls, prefix: str = "") -> Q:
        """What must be public around a record for it to be (nothing; an enterprise's zone)."""
        return Q()

    def published(self):
        return self.filter(self.public_q())

    def gone(self):
        """Archived records that visitors could see until they were archived, in surroundings
        that are public. Their pages answer 410 Gone; any other record that is not public
        answers 404, like an address that never existed, so that none is confirmed."""
        return self.filter(Q(status=Status.ARCHIVED, was_public=True) & self.surroundings_q())

    def scheduled(self):
        return self.filter(scheduled_q())

    def published_or_scheduled(self):
        return self.filter(published_or_scheduled_q())


class Publishable(models.Model):
    """Public visibility: only published records with a past publication time are shown."""

    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A time in the future schedules the publication. Empty means now."),
        # A time typed as 0001-01-01 in Shanghai is before the first year in UTC, which no
        # database can store.
        validators=[
            MinValueValidator(
                EARLIEST_PUBLICATION, message=_("A publication time is from the year 1900 on.")
            )
        ],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Optimistic locking: every save takes the next number, so a form that was opened at an
    # older number knows that someone else saved in between.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    # Of an archived record: whether visitors could see it until it was archived, at the slug
    # it still has (its address then answers 410 Gone rather than 404).
    was_public = models.BooleanField(_("public when archived"), default=False, editable=False)

    objects = PublishableQuerySet.as_manager()

    # Its pending draft is deleted with it: the draft of a deleted record could be neither seen
    # nor published, and a recovered record starts without one.
    pending_changes = GenericRelation("publishing.PendingChange")

    # Reverse relations whose rows are edited in the record's form and reviewed with it
    # (portal/publishing/drafts.py): a pending draft holds them, and publishing it writes them.
    parts: tuple[str, ...] = ()

    class Meta:
        abstract = True
        # "publish" covers publishing, unpublishing, archiving and scheduling.
        default_permissions = ("add", "change", "delete", "view", "publish")

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "was_public"}
        # The number is taken and the row written in one transaction: taking it locks the row
        # (PostgreSQL) or takes the write lock (SQLite) until the save commits, so parallel
        # saves queue and each takes a number of its own. No savepoint: inside a caller's
        # transaction a failed save spoils that transaction anyway, as Django's own save does.
        with transaction.atomic(using=using, savepoint=False):
            self.version = self.next_version(using)
            self.was_public = self.status == Status.ARCHIVED and self.public_until_now(using)
            super().save(*args, **kwargs)

    def public_until_now(self, using: str) -> bool:
        """For a save that archives the record: whether visitors could see it until then, at
        the address it keeps. An archived record keeps what it was when it was archived, until
        its slug changes: visitors never saw it at the new address, which answers 404 then."""
        if self.pk is None:
            return False
        stored = type(self)._default_manager.using(using).filter(pk=self.pk, slug=self.slug)
        if stored.filter(status=Status.ARCHIVED).exists():
            return self.was_public
        return stored.published().exists()

    def next_version(self, using: str) -> int:
        """Raise the stored version by one and return it (1 for a new record); one query.

        Counted from the database rather than from the instance, so that a restored old version
        still gets a number higher than any saved before it.
        """
        if self.pk is None:
            return 1
        table = connections[using].ops.quote_name(self._meta.db_table)
        pk = connections[using].ops.quote_name(self._meta.pk.column)
        version = connections[using].ops.quote_name("version")
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {version} = {version} + 1 WHERE {pk} = %s RETURNING {version}",
                [self._meta.pk.get_db_prep_value(self.pk, connections[using])],
            )
            row = cursor.fetchone()
        # No row: a record saved with a pk of its own choosing, or recovered after a delete.
        return row[0] if row else 1

    def is_published(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self) -> bool:
        """Published, with a publication time still to come."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def changed_publicly_at(self) -> datetime.datetime:
        """When visitors last saw the record change: its last save, or its publication if that
        came later (a record scheduled ahead is saved before it appears). For feeds, calendars
        and sitemaps, whose readers take a later time for a newer record."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)


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
    # The record's name in each language of the site, so that every reader reads it in theirs
    # ({"en": …, "zh-hans": …}); object_repr is the name in the language of whoever acted.
    names = models.JSONField(_("names"), default=dict, blank=True, editable=False)
    detail = models.TextField(_("detail"), blank=True)
    # What undoing the action needs beyond reversion's snapshot: for a delete, the links other
    # records held to this one ({"app.model.field": [pk, …]}), restored on recovery.
    links = models.JSONField(_("links"), default=dict, blank=True, editable=False)

    class Meta:
        db_table = "portal_auditentry"
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            # A record's entries: the admin home's "Waiting for review" looks up the latest
            # submit of each record in review, which without it read every submit entry per
            # record (133 s for 5,000 records in review among 50,000 submits).
            models.Index(fields=["content_type", "object_id"], name="portal_auditentry_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.record_name()}"

    def record_name(self) -> str:
        """The record's name in the active language, as it was when the entry was written."""
        return self.names.get(translation.get_language()) or self.object_repr

    @staticmethod
    def names_of(obj: models.Model) -> dict[str, str]:
        names = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names[code] = str(obj)[:300]
        return names

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
            names=cls.names_of(obj) if obj is not None else {},
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
    """A change to a live record that waits for a Publisher (portal/publishing/drafts.py).

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
    # The snapshots of its last saves before this one, by number ("0": the live record when the
    # draft was started), so that an editor whose form is older sees what changed since and
    # keeps it (portal/publishing/admin/locking.py).
    earlier = models.JSONField(_("earlier saves"), default=dict, blank=True, editable=False)
    # The live record as it was at the draft's last save: what the draft was written against,
    # so that a field the draft left as it was then follows the live record (drafts.py).
    live_snapshot = models.TextField(_("live record at the last save"), blank=True, editable=False)
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
        db_table = "portal_pendingchange"
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


class StaffLanguageQuerySet(models.QuerySet):
    def of(self, users) -> dict[int, str]:
        """Each user's language by their id, for those who have one; one query for all."""
        return dict(self.filter(user__in=users).values_list("user_id", "language"))


class StaffLanguage(models.Model):
    """The language a staff member works in, in the admin: so that the e-mail the portal sends
    them is in their language, not in the language of whoever acted (notify.py).

    The admin itself follows the language cookie; this remembers what it was when they chose a
    language or signed in, the times it can change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="staff_language",
        on_delete=models.CASCADE,
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    objects = StaffLanguageQuerySet.as_manager()

    class Meta:
        verbose_name = _("admin language")
        verbose_name_plural = _("admin languages")
        # Nobody edits it by hand: it follows what each staff member chooses.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"

    @classmethod
    def remember(cls, user, language: str | None) -> None:
        """Remember `language` (a code Django accepts, in any case) as `user`'s, if they are
        staff; two queries."""
        if not (user.is_authenticated and user.is_staff and language):
            return
        try:
            # As settings.LANGUAGES spells it: a cookie may say "zh-Hans" or "zh-cn".
            code = translation.get_supported_language_variant(language).lower()
        except LookupError:
            return
        cls.objects.update_or_create(user=user, defaults={"language": code})


def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in, the language the sign-in page was shown in (the cookie's or the browser's),
    which the admin goes on in. A sign-in made without a request that went through
    LocaleMiddleware (a test's force_login) tells of none, and nothing is remembered."""
    StaffLanguage.remember(user, getattr(request, "LANGUAGE_CODE", None))


class ContentVersion(models.Model):
    """The version of the public content: a random token that every change to the content
    replaces, in the change's own transaction (pagecache.content_changed).

    So every process sees a change as soon as it is committed, and a change that is rolled back
    takes its token with it. What a process keeps of the content for its pages is kept under
    this token (portal/publishing/kept.py). One row.
    """

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        default_permissions = ()

    def __str__(self) -> str:
        return self.token

    @classmethod
    def renew(cls) -> None:
        """A new token, written in the caller's transaction. Random rather than counted: no
        later change can bring back a token that stood for other content."""
        token = uuid.uuid4().hex
        if not cls.objects.update(token=token):
            cls.objects.create(token=token)
