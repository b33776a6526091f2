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
(database, kind, record) key, and the audit log's by its (kind, record) index.
"""

import datetime
from collections.abc import Callable
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


def _limited(section: Section, newest_first: bool) -> Section:
    """The section's first LIMIT rows of all it gathered from several queries, in order."""
    rows = sorted(section.rows, key=lambda row: row.time, reverse=newest_first)
    return Section(rows=rows[:LIMIT], more=section.more or len(rows) > LIMIT)


def _take(section: Section, records: models.QuerySet) -> list:
    """The first LIMIT of `records`, in one query that fetches one more to learn whether the
    section has more than it shows."""
    fetched = list(records[: LIMIT + 1])
    section.more = section.more or len(fetched) > LIMIT
    return fetched[:LIMIT]


def _add_records(
    section: Section,
    model: type[models.Model],
    records: models.QuerySet,
    time: str,
    when: Callable[[datetime.datetime], str] = local_time,
    who: str = "",
) -> None:
    """Adds the first LIMIT of `records` of `model`, dated by their field `time` and shown by
    `when`, with the user named in their field `who` if one is given."""
    for record in _take(section, records):
        moment = getattr(record, time)
        section.rows.append(
            Row(
                record=str(record),
                kind=str(model._meta.verbose_name),
                url=_admin_url(model, record.pk),
                who=(getattr(record, who) or "") if who else "",
                when=when(moment),
                time=moment,
            )
        )


def _add_pending(section: Section, drafts: models.QuerySet, time: str, who: str = "") -> None:
    """Adds the first LIMIT of the pending `drafts`, as `_add_records` adds records."""
    for draft in _take(section, drafts):
        model = draft.content_type.model_class()
        moment = getattr(draft, time)
        section.rows.append(
            Row(
                record=draft.object_repr,
                kind=_pending_kind(model),
                url=_admin_url(model, draft.object_id, "draft"),
                who=(getattr(draft, who) or "") if who else "",
                when=local_time(moment),
                time=moment,
            )
        )


def _pending_kind(model: type[models.Model]) -> str:
    return gettext("%(kind)s, pending draft") % {"kind": model._meta.verbose_name}


def my_drafts(request: HttpRequest, site: admin.AdminSite = admin.site) -> Section:
    user = request.user
    section = Section()
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
        drafts = (
            model._default_manager.filter(status=Status.DRAFT)
            .alias(last_saver=Subquery(last_saver))
            .filter(last_saver=user.pk)
            .order_by("-updated_at", "-pk")
        )
        _add_records(section, model, drafts, "updated_at")
    pending = (
        PendingChange.objects.filter(_of_models(viewable), state=PendingChange.State.DRAFT)
        .filter(Q(created_by=user) | Q(updated_by=user))
        .select_related("content_type")
        .order_by("-updated_at", "-pk")
    )
    _add_pending(section, pending, "updated_at")
    return _limited(section, newest_first=True)


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
    section = Section()
    for model in publishable:
        submit = _same_record(model, submits)
        records = (
            model._default_manager.filter(status=Status.REVIEW)
            .annotate(
                submitted_by=Subquery(submit.values(f"user__{username}")[:1]),
                since=Coalesce(Subquery(submit.values("created_at")[:1]), "updated_at"),
            )
            .order_by("since", "pk")
        )
        _add_records(section, model, records, "since", who="submitted_by")
    submit = submits.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    ).values(f"user__{username}")[:1]
    pending = (
        PendingChange.objects.in_review()
        .filter(_of_models(publishable))
        .select_related("content_type")
        .annotate(
            submitted_by=Subquery(submit),
            since=Coalesce("submitted_at", "updated_at"),
        )
        .order_by("since", "pk")
    )
    _add_pending(section, pending, "since", who="submitted_by")
    return _limited(section, newest_first=False)


def scheduled(request: HttpRequest, site: admin.AdminSite = admin.site) -> Section:
    section = Section()
    for model, model_admin in publishable_admins(site):
        if not model_admin.has_view_or_change_permission(request):
            continue
        records = model._default_manager.scheduled().order_by("published_at", "pk")
        _add_records(section, model, records, "published_at", when=long_local_time)
    return _limited(section, newest_first=False)


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
