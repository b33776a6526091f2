"""The admin's home page: where the signed-in editor's work stands.

Four sections, above the list of models:

- *My drafts*: records in draft that this user saved last (by django-reversion's history), and
  the pending drafts of live records this user started or saved last.
- *Waiting for review* (for Publishers): records in review and pending drafts submitted for
  review, oldest first, with who submitted them and since when.
- *Scheduled*: published records whose publication time is still to come.
- *Published lately*: the last publish and schedule entries of the audit log.

The publishable models are found in the admin's registry (editorial.py), not listed here.
Each section shows at most `LIMIT` rows.

Cost: one query per publishable model for each of the first three sections, plus one for the
pending drafts of each of the first two and one for the audit log: 3 × 6 + 3 = 21 queries
with the six models of today, whatever the number of records. "My drafts" and "Waiting for
review" look up, for each draft or record in review, its latest history or audit entry in a
subquery: fine at the thousands of drafts a press office keeps, indexed by the history's
(database, kind, record) key; the audit log's lookup uses its action index.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from reversion.models import Version

from portal.publishing import editorial, notes
from portal.publishing.models import AuditEntry, PendingChange, Status
from portal.publishing.times import local_time, long_local_time

LIMIT = 10


@dataclass
class Row:
    record: str
    kind: str
    url: str
    # Who did what the section is about (submitted, published), when there is such a person.
    who: str = ""
    # When, as the section shows it.
    when: str = ""
    # What the rows are sorted by.
    time: datetime.datetime | None = None
    # What was done (published, scheduled) and its detail, in the audit log's words.
    action: str = ""
    note: str = ""


@dataclass
class Section:
    rows: list[Row] = field(default_factory=list)
    # Whether there were more rows than the section shows.
    more: bool = False


def publishable_admins(
    site: admin.AdminSite = admin.site,
) -> list[tuple[type[models.Model], object]]:
    """The publishable models registered in the admin, with their admin, in a fixed order."""
    found = [
        (model, model_admin)
        for model, model_admin in site._registry.items()
        if editorial.role_of(model) == editorial.PUBLISHABLE
    ]
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def _admin_url(model: type[models.Model], object_id, view: str = "change") -> str:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(object_id)])
    except NoReverseMatch:
        return ""


def _same_record(model: type[models.Model], entries: models.QuerySet) -> models.QuerySet:
    """History or audit entries of the outer query's record of `model`."""
    return entries.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )


def _of_models(models_: list[type[models.Model]]) -> Q:
    """Pending drafts or audit entries of any of `models_` (by their kind's name, so that no
    query looks the kinds up first)."""
    condition = Q(pk__in=[])
    for model in models_:
        condition |= Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )
    return condition


def _username_field() -> str:
    return get_user_model().USERNAME_FIELD


def _limited(rows: list[Row], fetched_more: bool, newest_first: bool) -> Section:
    rows.sort(key=lambda row: row.time, reverse=newest_first)
    return Section(rows=rows[:LIMIT], more=fetched_more or len(rows) > LIMIT)


def _pending_kind(model: type[models.Model]) -> str:
    return gettext("%(kind)s, pending draft") % {"kind": model._meta.verbose_name}


def my_drafts(request: HttpRequest, site: admin.AdminSite = admin.site) -> Section:
    user = request.user
    rows, more = [], False
    viewable = []
    for model, model_admin in publishable_admins(site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        viewable.append(model)
        last_saver = (
            _same_record(model, Version.objects.filter(db=model._default_manager.db))
            .order_by("-revision__date_created", "-pk")
            .values("revision__user")[:1]
        )
        drafts = list(
            model._default_manager.filter(status=Status.DRAFT)
            .alias(last_saver=Subquery(last_saver))
            .filter(last_saver=user.pk)
            .order_by("-updated_at", "-pk")[: LIMIT + 1]
        )
        more = more or len(drafts) > LIMIT
        rows += [
            Row(
                record=str(record),
                kind=str(model._meta.verbose_name),
                url=_admin_url(model, record.pk),
                when=local_time(record.updated_at),
                time=record.updated_at,
            )
            for record in drafts[:LIMIT]
        ]
    pending = list(
        PendingChange.objects.filter(_of_models(viewable), state=PendingChange.State.DRAFT)
        .filter(Q(created_by=user) | Q(updated_by=user))
        .select_related("content_type")
        .order_by("-updated_at", "-pk")[: LIMIT + 1]
    )
    more = more or len(pending) > LIMIT
    for draft in pending[:LIMIT]:
        model = draft.content_type.model_class()
        rows.append(
            Row(
                record=draft.object_repr,
                kind=_pending_kind(model),
                url=_admin_url(model, draft.object_id, "draft"),
                when=local_time(draft.updated_at),
                time=draft.updated_at,
            )
        )
    return _limited(rows, more, newest_first=True)


def waiting_for_review(request: HttpRequest, site: admin.AdminSite = admin.site) -> Section | None:
    """None for a user who may publish none of the models: the section is not theirs."""
    publishable = [
        model
        for model, _model_admin in publishable_admins(site)
        if editorial.may_publish(request.user, model)
    ]
    if not publishable:
        return None
    username = _username_field()
    submits = AuditEntry.objects.filter(action=AuditEntry.Action.SUBMIT).order_by(
        "-created_at", "-pk"
    )
    rows, more = [], False
    for model in publishable:
        submit = _same_record(model, submits)
        records = list(
            model._default_manager.filter(status=Status.REVIEW)
            .annotate(
                submitted_by=Subquery(submit.values(f"user__{username}")[:1]),
                since=Coalesce(Subquery(submit.values("created_at")[:1]), "updated_at"),
            )
            .order_by("since", "pk")[: LIMIT + 1]
        )
        more = more or len(records) > LIMIT
        rows += [
            Row(
                record=str(record),
                kind=str(model._meta.verbose_name),
                url=_admin_url(model, record.pk),
                who=record.submitted_by or "",
                when=local_time(record.since),
                time=record.since,
            )
            for record in records[:LIMIT]
        ]
    submit = submits.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    ).values(f"user__{username}")[:1]
    pending = list(
        PendingChange.objects.in_review()
        .filter(_of_models(publishable))
        .select_related("content_type")
        .annotate(
            submitted_by=Subquery(submit),
            since=Coalesce("submitted_at", "updated_at"),
        )
        .order_by("since", "pk")[: LIMIT + 1]
    )
    more = more or len(pending) > LIMIT
    for draft in pending[:LIMIT]:
        model = draft.content_type.model_class()
        rows.append(
            Row(
                record=draft.object_repr,
                kind=_pending_kind(model),
                url=_admin_url(model, draft.object_id, "draft"),
                who=draft.submitted_by or "",
                when=local_time(draft.since),
                time=draft.since,
            )
        )
    return _limited(rows, more, newest_first=False)


def scheduled(request: HttpRequest, site: admin.AdminSite = admin.site) -> Section:
    rows, more = [], False
    for model, model_admin in publishable_admins(site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        records = list(
            model._default_manager.scheduled().order_by("published_at", "pk")[: LIMIT + 1]
        )
        more = more or len(records) > LIMIT
        rows += [
            Row(
                record=str(record),
                kind=str(model._meta.verbose_name),
                url=_admin_url(model, record.pk),
                when=long_local_time(record.published_at),
                time=record.published_at,
            )
            for record in records[:LIMIT]
        ]
    return _limited(rows, more, newest_first=False)


def published_lately(request: HttpRequest) -> Section | None:
    """None for a user who may not read the audit log."""
    if not request.user.has_perm("publishing.view_auditentry"):
        return None
    entries = (
        AuditEntry.objects.filter(
            action__in=(AuditEntry.Action.PUBLISH, AuditEntry.Action.SCHEDULE)
        )
        .select_related("user", "content_type")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type else None
        rows.append(
            Row(
                record=entry.record_name(),
                kind=str(model._meta.verbose_name) if model else "",
                url=_admin_url(model, entry.object_id) if model and entry.object_id else "",
                who=entry.user.get_username() if entry.user else "",
                when=local_time(entry.created_at),
                time=entry.created_at,
                action=entry.get_action_display(),
                note=notes.read(entry.detail),
            )
        )
    return Section(rows=rows)


def sections(request: HttpRequest, site: admin.AdminSite = admin.site) -> dict[str, Section | None]:
    return {
        "my_drafts": my_drafts(request, site),
        "waiting_for_review": waiting_for_review(request, site),
        "scheduled": scheduled(request, site),
        "published_lately": published_lately(request),
    }
