"""E-mail that tells editors where their work stands: Publishers when something waits for
review, authors when their draft is published or sent back. Each reads it in the language they
work in (StaffLanguage), whatever the language of whoever acted."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from portal.publishing.models import StaffLanguage

PUBLISHERS = "Publishers"


def _send(recipients, subject: Promise, body: Promise, values: dict) -> None:
    """Sent once what it tells of is saved: a preview's rolled-back save sends nothing.

    Each message is written in its recipient's language (the portal's default for one who never
    chose), the record's name too; one query for the languages of all the recipients.
    """
    users = {user.email: user for user in recipients if user and user.email}
    if not users:
        return
    languages = StaffLanguage.objects.of(users.values())
    messages = []
    for address, user in sorted(users.items()):
        with translation.override(languages.get(user.pk, settings.LANGUAGE_CODE)):
            text = {key: str(value) for key, value in values.items()}
            messages.append(
                (str(subject) % text, str(body) % text, settings.DEFAULT_FROM_EMAIL, [address])
            )
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def _link(request: HttpRequest, record, view: str) -> str:
    opts = record._meta
    return request.build_absolute_uri(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])
    )


def publishers():
    return get_user_model().objects.filter(is_active=True, groups__name=PUBLISHERS)


def authors(record) -> list:
    """Who saved the record in the admin (its history), for telling them it went live."""
    versions = Version.objects.get_for_object(record).select_related("revision__user")
    return list({v.revision.user for v in versions if v.revision.user is not None})


def submitted(request: HttpRequest, record, view: str = "change") -> None:
    """Tell the Publishers that `record` (or, with view "draft", its pending draft) waits."""
    _send(
        publishers(),
        _("For review: %(record)s"),
        _("%(user)s submitted a change to “%(record)s” for review:\n%(link)s"),
        {
            "user": request.user.get_username(),
            "record": record,
            "link": _link(request, record, view),
        },
    )


def published(request: HttpRequest, record, recipients) -> None:
    _send(
        [user for user in recipients if user != request.user],
        _("Published: %(record)s"),
        _("%(user)s published your change to “%(record)s”:\n%(link)s"),
        {
            "user": request.user.get_username(),
            "record": record,
            "link": _link(request, record, "change"),
        },
    )


def returned(request: HttpRequest, record, recipients) -> None:
    """Tell the authors that a Publisher sent `record`, in review, back to draft."""
    _send(
        recipients,
        _("Back to draft: %(record)s"),
        _(
            "%(user)s sent “%(record)s” back to draft: it needs changes before it is reviewed "
            "again.\n%(link)s"
        ),
        {
            "user": request.user.get_username(),
            "record": record,
            "link": _link(request, record, "change"),
        },
    )


def sent_back(request: HttpRequest, record, recipients, comment: str) -> None:
    _send(
        recipients,
        _("Sent back: %(record)s"),
        _("%(user)s sent your change to “%(record)s” back:\n\n%(comment)s\n\n%(link)s"),
        {
            "user": request.user.get_username(),
            "record": record,
            "comment": comment,
            "link": _link(request, record, "draft"),
        },
    )
