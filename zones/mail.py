"""The e-mail an enquiry sends: to the investment office of each zone it concerns (the
Publishers for a zone without one), and an acknowledgement to the sender.

The acknowledgement goes to an address anyone can type, so it carries nothing the sender wrote
and no link made from their input: otherwise the portal would relay a stranger's text (spam,
phishing links) under its own name to any address.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.publishing.translations import listed
from zones.models import Enquiry

logger = logging.getLogger(__name__)

PUBLISHERS = "Publishers"


def recipients(enquiry: Enquiry) -> list[str]:
    """The investment offices' addresses; the Publishers' when a zone has none. Two queries."""
    addresses = set()
    without_contact = False
    for zone in enquiry.zones.all():
        if zone.investment_email:
            addresses.add(zone.investment_email)
        else:
            without_contact = True
    if without_contact or not addresses:
        users = get_user_model().objects.filter(is_active=True, groups__name=PUBLISHERS)
        addresses.update(user.email for user in users if user.email)
    return sorted(addresses)


def staff_message(request: HttpRequest, enquiry: Enquiry, to: list[str]) -> EmailMessage:
    """The notice to the zones' offices, in every language of the portal, its default first.

    An office's address is nobody's account, so no language of its reader is known; in the
    sender's language, the same office would get one enquiry in English and the next in
    Chinese. The sender's own words are given once, as they wrote them.
    """
    zones = list(enquiry.zones.all())
    sectors = list(enquiry.sectors.all())
    link = request.build_absolute_uri(reverse("admin:zones_enquiry_change", args=[enquiry.pk]))
    subjects, heads, closings = [], [], []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names = listed(zone.name for zone in zones)
            subjects.append(
                _("Enquiry %(reference)s about %(zones)s")
                % {"reference": enquiry.reference, "zones": names}
            )
            heads.append(
                _(
                    "A new enquiry %(reference)s about %(zones)s.\n\n"
                    "Name: %(name)s\nOrganisation: %(organisation)s\nE-mail: %(email)s\n"
                    "Country: %(country)s\nSectors of interest: %(sectors)s"
                )
                % {
                    "reference": enquiry.reference,
                    "zones": names,
                    "name": enquiry.name,
                    "organisation": enquiry.organisation or "—",
                    "email": enquiry.email,
                    "country": enquiry.country.name if enquiry.country else "—",
                    "sectors": listed(sector.name for sector in sectors) or "—",
                }
            )
            closings.append(
                _("Answer the sender by e-mail, then mark the enquiry answered in the admin:")
            )
    body = "\n\n".join([*heads, enquiry.message, "\n".join([*closings, link])])
    return EmailMessage(
        # One line: a zone's name imported from a spreadsheet cell may hold a line break.
        " ".join(" / ".join(subjects).split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        to,
        reply_to=[enquiry.email],
    )


def acknowledgement(enquiry: Enquiry) -> EmailMessage:
    zones = listed(zone.name for zone in enquiry.zones.all())
    body = _(
        "Thank you for your enquiry about %(zones)s.\n\n"
        "Its reference number is %(reference)s. You will be answered at this address; please "
        "quote the reference number in any message about it.\n\n"
        "If you did not send this enquiry, you can ignore this message."
    ) % {"zones": zones, "reference": enquiry.reference}
    return EmailMessage(
        _("Your enquiry %(reference)s") % {"reference": enquiry.reference},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [enquiry.email],
    )


def send_enquiry(request: HttpRequest, enquiry: Enquiry) -> bool:
    """Send both messages; a mail server that fails is logged, the enquiry stays stored.
    Whether the sender's acknowledgement went out."""
    messages = [acknowledgement(enquiry)]
    to = recipients(enquiry)
    if to:
        messages.insert(0, staff_message(request, enquiry, to))
    else:
        # Stored, and listed in the admin's enquiries; but nobody is told, which the site's
        # operators must hear of (the log's errors are what they watch).
        logger.error(
            "Enquiry %s was sent to no one: no zone it names has an investment office e-mail, "
            "and no active Publisher has an e-mail address. It waits in the admin.",
            enquiry.reference,
        )
    try:
        sent = get_connection().send_messages(messages)
    except OSError as error:
        # The error's kind only: its text can hold the addresses (a refused recipient is
        # named), and the log keeps no personal data.
        logger.error(
            "Could not send the e-mail of enquiry %s: %s", enquiry.reference, type(error).__name__
        )
        return False
    # The acknowledgement is the last message: all of them went out, or it did not.
    return sent == len(messages)
