"""An investor's enquiry: sent from a zone's page, stored, e-mailed to the zone, acknowledged,
tracked in the admin and purged after the retention period."""

import datetime
import io
import re
import smtplib
import socket
import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import get_connection
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from portal.publishing.models import Status
from tests.factories import SectorFactory, ZoneFactory
from zones.models import Enquiry, ZoneStaff

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(db):
    return ZoneFactory(slug="puwan", name_en="Puwan", investment_email="invest@puwan.example.cn")


def form_data(zone, **changes) -> dict:
    return {
        "name": "Li Wei",
        "organisation": "Example GmbH",
        "email": "li.wei@example.com",
        "country": "DE",
        "zones": [zone.slug],
        "message": "Is land available for a 5 ha plant? See https://evil.example/",
        "consent": "on",
        "homepage": "",
    } | changes


def test_an_enquiry_is_stored_sent_to_the_zone_and_acknowledged_with_its_reference(client, zone):
    sector = SectorFactory(name_en="New materials")
    response = client.post(
        "/en/zones/puwan/enquiry/", form_data(zone, sectors=[sector.slug]), follow=True
    )

    enquiry = Enquiry.objects.get()
    assert re.fullmatch(r"ENQ-\d{4}-\d{6}", enquiry.reference)
    assert enquiry.status == Enquiry.Status.NEW
    assert list(enquiry.sectors.all()) == [sector]
    assert response.redirect_chain == [("/en/zones/enquiry-sent/", 302)]
    assert enquiry.reference in response.text
    assert "The zone's investment office has your enquiry" in response.text

    to_zone, acknowledgement = mail.outbox
    assert to_zone.to == ["invest@puwan.example.cn"]
    assert to_zone.reply_to == ["li.wei@example.com"]
    assert "Is land available" in to_zone.body
    assert acknowledgement.to == ["li.wei@example.com"]
    assert enquiry.reference in acknowledgement.subject
    assert enquiry.reference in acknowledgement.body


def test_the_acknowledgement_repeats_nothing_the_sender_wrote(client, zone):
    client.post(
        "/en/zones/puwan/enquiry/",
        form_data(zone, name="Visit https://evil.example", organisation="Buy now"),
    )
    acknowledgement = mail.outbox[-1]
    for text in ("evil.example", "Buy now", "Is land available", "Example GmbH"):
        assert text not in acknowledgement.body
        assert text not in acknowledgement.subject
    assert "http" not in acknowledgement.body


def test_a_name_cannot_write_lines_of_its_own_into_the_staffs_email(client, zone):
    client.post(
        "/en/zones/puwan/enquiry/",
        form_data(zone, name="Li\r\nE-mail: other@x.example", organisation="A\nBcc: x@y.z"),
    )
    to_zone = mail.outbox[0]
    lines = to_zone.body.splitlines()
    assert not any(line.startswith(("E-mail: other", "Bcc:")) for line in lines)
    assert "Li E-mail: other@x.example" in to_zone.body
    assert Enquiry.objects.get().name == "Li E-mail: other@x.example"


def test_a_zone_name_with_a_line_break_is_one_line_in_the_subject(client, zone):
    # A name imported from a spreadsheet cell typed with Alt+Enter.
    zone.name_en = "Dalian Puwan\r\nEconomic Zone"
    zone.save()

    response = client.post("/en/zones/puwan/enquiry/", form_data(zone))

    assert response.status_code == 302
    to_zone, _acknowledgement = mail.outbox
    assert "about Dalian Puwan Economic Zone / " in to_zone.subject


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_zones_office_reads_an_enquiry_in_both_languages_whichever_the_sender_used(
    client, language
):
    zone = ZoneFactory(
        slug="dalian-puwan",
        name_en="Dalian Puwan Economic Zone",
        name_zh_hans="大连普湾经济区",
        investment_email="invest@puwan.example.cn",
    )
    client.post(f"/{language}/zones/dalian-puwan/enquiry/", form_data(zone))

    reference = Enquiry.objects.get().reference
    to_zone = mail.outbox[0]
    assert to_zone.subject == (
        f"Enquiry {reference} about Dalian Puwan Economic Zone / "
        f"关于大连普湾经济区的咨询 {reference}"
    )
    assert to_zone.body.startswith(
        f"A new enquiry {reference} about Dalian Puwan Economic Zone.\n\nName: Li Wei\n"
    )
    assert f"关于大连普湾经济区的新咨询 {reference}。\n\n姓名：Li Wei\n" in to_zone.body
    assert "Country: Germany" in to_zone.body
    assert "国家：德国" in to_zone.body
    assert to_zone.body.count("Is land available") == 1
    assert "mark the enquiry answered in the admin:\n请通过电子邮件答复咨询人" in to_zone.body


def test_a_zone_without_an_investment_contact_sends_to_the_publishers(client, publisher):
    publisher.email = "publisher@portal.example"
    publisher.save()
    zone = ZoneFactory(slug="quiet")
    client.post("/en/zones/quiet/enquiry/", form_data(zone))
    assert mail.outbox[0].to == ["publisher@portal.example"]


def test_an_enquiry_with_no_one_to_send_it_to_is_stored_and_logged_as_an_error(client, caplog):
    zone = ZoneFactory(slug="quiet")
    response = client.post("/en/zones/quiet/enquiry/", form_data(zone), follow=True)
    # The zone has no investment office address: it is not said to have the enquiry.
    assert "investment office has your enquiry" not in response.text
    assert "The portal's editors have your enquiry" in response.text
    enquiry = Enquiry.objects.get()
    assert [message.to for message in mail.outbox] == [[enquiry.email]]  # the acknowledgement
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(enquiry.reference in error and "no one" in error for error in errors)


def test_a_mail_server_that_fails_keeps_the_enquiry_and_promises_no_acknowledgement(
    client, zone, monkeypatch
):
    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    response = client.post("/en/zones/puwan/enquiry/", form_data(zone), follow=True)

    enquiry = Enquiry.objects.get()
    assert enquiry.reference in response.text
    assert "We have sent you an acknowledgement" not in response.text
    assert "We could not send you an acknowledgement just now" in response.text
    monkeypatch.undo()
    delivered = client.post("/en/zones/puwan/enquiry/", form_data(zone), follow=True)
    assert "We have sent you an acknowledgement." in delivered.text


def test_a_refused_address_is_not_written_to_the_log(client, zone, monkeypatch, caplog):
    def refuse(self, messages):
        refused = {"li.wei@example.com": (550, b"5.1.1 <li.wei@example.com>: no such mailbox")}
        raise smtplib.SMTPRecipientsRefused(refused)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    client.post("/en/zones/puwan/enquiry/", form_data(zone))

    enquiry = Enquiry.objects.get()
    assert f"Could not send the e-mail of enquiry {enquiry.reference}" in caplog.text
    assert "SMTPRecipientsRefused" in caplog.text
    assert "li.wei" not in caplog.text


def test_a_filled_honeypot_gets_the_thank_you_page_and_nothing_is_stored_or_sent(client, zone):
    response = client.post(
        "/en/zones/puwan/enquiry/", form_data(zone, homepage="http://spam.example"), follow=True
    )
    assert response.status_code == 200
    assert "your enquiry is sent" in response.text
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_the_thank_you_page_opened_without_an_enquiry_thanks_for_nothing(client, zone):
    response = client.get("/en/zones/enquiry-sent/")
    assert (response.status_code, response["Location"]) == (302, "/en/zones/")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"consent": ""}, "consent", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 201}, "name", "Ensure this value has at most 200 characters"),
        ({"message": "x" * 5001}, "message", "Ensure this value has at most 5000 characters"),
        ({"zones": []}, "zones", "This field is required."),
        ({"country": "XX"}, "country", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(client, zone, changes, field, message):
    response = client.post("/en/zones/puwan/enquiry/", form_data(zone, **changes))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_the_error_summary_links_each_error_to_its_field(client, zone):
    data = form_data(zone, name="", email="not-an-address", zones=[], consent="")
    text = client.post("/en/zones/puwan/enquiry/", data).text
    summary = text[text.index('role="alert"') : text.index("</div>", text.index('role="alert"'))]
    assert '<a href="#id_name">Your name: This field is required.</a>' in summary
    assert '<a href="#id_email">Your e-mail: Enter a valid email address.</a>' in summary
    # A list of choices: its first box.
    assert '<a href="#id_zones_0">The zones your enquiry concerns: This field is required.</a>' in (
        summary
    )
    assert '<a href="#id_consent">Your agreement to be contacted: This field is required.</a>' in (
        summary
    )
    assert 'id="id_zones_0"' in text


def test_an_unpublished_zone_cannot_be_chosen(client, zone):
    draft = ZoneFactory(status=Status.DRAFT)
    response = client.post("/en/zones/puwan/enquiry/", form_data(zone, zones=[draft.slug]))
    assert response.status_code == 400
    assert Enquiry.objects.count() == 0
    assert client.get(f"/en/zones/{draft.slug}/enquiry/").status_code == 404


def test_the_compare_page_enquiry_concerns_the_compared_zones(client, zone):
    other = ZoneFactory(slug="liaobin")
    response = client.get("/en/zones/compare/enquiry/?zones=puwan,liaobin")
    assert response.status_code == 200
    assert set(response.context["form"].initial["zones"]) == {zone, other}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_form_is_in_chinese_on_the_chinese_page(client, zone):
    text = client.get("/zh-hans/zones/puwan/enquiry/").text
    assert '<html lang="zh-hans">' in text
    assert "csrfmiddlewaretoken" in text


def test_no_public_page_shows_an_enquiry(client, zone):
    client.post("/en/zones/puwan/enquiry/", form_data(zone))
    reference = Enquiry.objects.get().reference
    for url in ("/en/zones/puwan/", "/en/zones/", "/en/zones/compare/?zones=puwan"):
        text = client.get(url).text
        assert "Li Wei" not in text
        assert reference not in text


def enquiry_for(zone) -> Enquiry:
    enquiry = Enquiry.objects.create(name="Li Wei", email="li@example.com", consent=True)
    enquiry.zones.add(zone)
    return enquiry


def admin_url(enquiry=None) -> str:
    if enquiry is None:
        return reverse("admin:zones_enquiry_changelist")
    return reverse("admin:zones_enquiry_change", args=[enquiry.pk])


def test_a_publisher_sees_every_enquiry_and_a_zones_staff_only_theirs(
    publisher_client, editor, editor_client, zone
):
    mine, other = enquiry_for(zone), enquiry_for(ZoneFactory())
    ZoneStaff.objects.create(zone=zone, user=editor)

    assert {e.pk for e in publisher_client.get(admin_url()).context["cl"].result_list} == {
        mine.pk,
        other.pk,
    }
    assert [e.pk for e in editor_client.get(admin_url()).context["cl"].result_list] == [mine.pk]
    assert editor_client.get(admin_url(other)).status_code == 302  # "does not exist"


def test_an_editor_without_a_zone_sees_no_enquiry(editor_client, zone):
    enquiry_for(zone)
    assert list(editor_client.get(admin_url()).context["cl"].result_list) == []


def test_an_enquiry_goes_from_new_to_assigned_to_answered_with_who_handled_it(
    publisher, publisher_client, zone
):
    enquiry = enquiry_for(zone)
    page = publisher_client.get(admin_url(enquiry))
    assert page.status_code == 200

    publisher_client.post(
        admin_url(enquiry), {"status": "new", "assignee": publisher.pk, "notes": "Call"}
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ASSIGNED
    assert enquiry.handled_by == publisher

    publisher_client.post(
        admin_url(enquiry), {"status": "answered", "assignee": publisher.pk, "notes": "Called"}
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED
    assert enquiry.answered_at is not None
    assert enquiry.notes == "Called"


def test_nobody_adds_an_enquiry_in_the_admin(publisher_client):
    assert publisher_client.get(reverse("admin:zones_enquiry_add")).status_code == 403


def test_the_admin_exports_enquiries_as_csv_without_formulas(publisher_client, zone):
    enquiry = enquiry_for(zone)
    Enquiry.objects.filter(pk=enquiry.pk).update(organisation="=cmd|' /C calc'!A0")
    response = publisher_client.post(
        admin_url(), {"action": "export_csv", "_selected_action": [enquiry.pk]}
    )
    text = response.content.decode("utf-8-sig")
    assert enquiry.reference in text
    assert "'=cmd" in text


def test_the_waiting_time_is_shown_in_the_list(publisher_client, zone):
    enquiry = enquiry_for(zone)
    Enquiry.objects.filter(pk=enquiry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, hours=5)
    )
    assert "3 d 5 h" in publisher_client.get(admin_url()).text


def closed_days_ago(zone, days: int) -> Enquiry:
    enquiry = enquiry_for(zone)
    Enquiry.objects.filter(pk=enquiry.pk).update(
        status=Enquiry.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=days)
    )
    return enquiry


def test_purge_removes_personal_data_of_enquiries_closed_past_the_retention_period(zone):
    old, recent = closed_days_ago(zone, 400), closed_days_ago(zone, 10)
    open_enquiry = enquiry_for(zone)
    Enquiry.objects.filter(pk=open_enquiry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=900)
    )

    out = io.StringIO()
    call_command("purge_enquiries", stdout=out)

    old.refresh_from_db()
    assert (old.name, old.email, old.message) == ("", "", "")
    assert old.anonymised_at is not None
    assert old.reference and list(old.zones.all()) == [zone]
    assert Enquiry.objects.get(pk=recent.pk).name == "Li Wei"
    assert Enquiry.objects.get(pk=open_enquiry.pk).name == "Li Wei"
    assert "Purged the personal data of 1 enquiries" in out.getvalue()


def test_purge_dry_run_changes_nothing(zone):
    old = closed_days_ago(zone, 400)
    out = io.StringIO()
    call_command("purge_enquiries", "--dry-run", stdout=out)
    assert "1 closed enquiries older than 365 days would be purged" in out.getvalue()
    assert Enquiry.objects.get(pk=old.pk).name == "Li Wei"


def test_purge_follows_the_retention_setting(zone, settings):
    settings.ENQUIRY_RETENTION_DAYS = 5
    old = closed_days_ago(zone, 10)
    call_command("purge_enquiries", stdout=io.StringIO())
    assert Enquiry.objects.get(pk=old.pk).name == ""


def test_editors_and_publishers_get_their_rights_on_enquiries():
    editors = Group.objects.get(name="Editors").permissions.filter(codename__endswith="_enquiry")
    publishers = Group.objects.get(name="Publishers").permissions.filter(
        codename__endswith="_enquiry"
    )
    assert {p.codename for p in editors} == {"change_enquiry", "view_enquiry"}
    assert {p.codename for p in publishers} == {
        "change_enquiry",
        "delete_enquiry",
        "view_enquiry",
    }


def test_a_publisher_names_a_zones_staff_and_an_editor_cannot(
    publisher_client, editor_client, editor, zone
):
    url = reverse("admin:zones_zonestaff_add")
    assert editor_client.get(url).status_code == 403
    page = publisher_client.get(url)
    assert editor in page.context["adminform"].form.fields["user"].queryset
    response = publisher_client.post(url, {"zone": zone.pk, "user": editor.pk})
    assert response.status_code == 302
    assert ZoneStaff.objects.filter(zone=zone, user=editor).exists()


def test_the_form_names_zones_and_sectors_by_slug_not_by_database_id(client, zone):
    sector = SectorFactory(slug="new-materials")
    page = client.get("/en/zones/puwan/enquiry/").content.decode()
    assert 'name="zones" value="puwan"' in page
    assert f'name="sectors" value="{sector.slug}"' in page
    response = client.post("/en/zones/puwan/enquiry/", form_data(zone, zones=[str(zone.pk)]))
    assert response.status_code == 400


def test_the_breadcrumbs_lead_back_to_the_page_the_enquiry_came_from(client, zone):
    ZoneFactory(slug="other", name_en="Other Zone")
    from_profile = client.get("/en/zones/puwan/enquiry/").content.decode()
    assert '<li><a href="/en/zones/puwan/">Puwan</a></li>' in from_profile
    from_comparison = client.get("/en/zones/compare/enquiry/?zones=puwan,other").content.decode()
    assert '<li><a href="/en/zones/compare/?zones=puwan,other">Compare zones</a></li>' in (
        from_comparison
    )


def test_the_enquiry_form_and_its_thank_you_page_ask_search_engines_not_to_list_them(client, zone):
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in client.get("/en/zones/puwan/enquiry/").text
    sent = client.post("/en/zones/puwan/enquiry/", form_data(zone), follow=True)
    assert noindex in sent.text
    assert noindex not in client.get("/en/zones/puwan/").text


def test_the_country_list_reads_in_the_pages_language_and_order(client, zone):
    for language, blank, first in (("en", "Not given", "AF"), ("zh-hans", "不填", "AL")):
        form = client.get(f"/{language}/zones/puwan/enquiry/").context["form"]
        choices = list(form.fields["country"].choices)
        assert choices[0] == ("", blank)
        assert choices[1][0] == first  # Afghanistan; 阿尔巴尼亚 (a'erbaniya) in pinyin


def test_the_chinese_country_list_names_each_country_once_and_rightly(client, demo):
    form = client.get("/zh-hans/zones/dalian-puwan/enquiry/").context["form"]
    names = [str(name) for code, name in form.fields["country"].choices if code]

    assert len(names) == len(set(names))
    assert all(name == name.strip() for name in names)
    assert {"尼泊尔", "塔吉克斯坦", "萨摩亚", "中国台湾"} <= set(names)
    assert "台湾" not in names


@pytest.mark.parametrize("days", ["-1", "99999999999"])
def test_a_retention_period_no_date_can_reach_is_refused_in_words(days):
    with pytest.raises(CommandError, match="--days must be from 0 to 36500"):
        call_command("purge_enquiries", "--days", days)


def test_a_mail_server_that_never_answers_holds_the_enquiry_no_longer_than_the_timeout(
    client, zone, settings
):
    """A server that takes the connection and says nothing: the visitor waits for
    EMAIL_TIMEOUT, not until the server lets go, and the enquiry is kept."""
    silent = socket.create_server(("127.0.0.1", 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 1
    try:
        started = time.monotonic()
        response = client.post("/en/zones/puwan/enquiry/", form_data(zone), follow=True)
        waited = time.monotonic() - started
    finally:
        silent.close()

    assert waited < 5
    assert Enquiry.objects.get().reference in response.text
    assert "We could not send you an acknowledgement just now" in response.text


def test_mail_to_a_server_gives_up_after_ten_seconds_unless_told_otherwise():
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 10
