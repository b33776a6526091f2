"""Event calendars (iCalendar, RFC 5545) that a calendar program subscribes to: all public
events, or a public zone's, as all-day events in the language of the address."""

import datetime

import pytest
from icalendar import Calendar

from portal.publishing.models import Status
from tests.factories import EventFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone():
    return ZoneFactory(
        slug="shenyang-etdz", name_en="Shenyang ETDZ", name_zh_hans="沈阳经济技术开发区"
    )


@pytest.fixture
def trip(zone):
    return EventFactory(
        slug="german-trip",
        title_en="German Enterprises' Trip in Shenyang",
        title_zh_hans="德国企业沈阳行",
        description_en="Held every year; commas, semicolons; and a long line " * 3,
        zone=zone,
        start_date=datetime.date(2024, 6, 20),
        end_date=datetime.date(2024, 6, 22),
    )


def calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    # What a calendar program reads: it parses, and writes back to the same text.
    parsed = Calendar.from_ical(response.content)
    assert parsed.to_ical() == response.content
    return parsed


def test_a_zones_calendar_holds_its_public_events_as_all_day_events(client, zone, trip):
    EventFactory(slug="draft", zone=zone, start_date=trip.start_date, status=Status.DRAFT)
    EventFactory(slug="elsewhere", start_date=trip.start_date)
    response = client.get("/en/zones/shenyang-etdz/events.ics")
    assert response["Content-Disposition"] == 'attachment; filename="events-shenyang-etdz.ics"'
    events = calendar(client, "/en/zones/shenyang-etdz/events.ics").events
    assert [event["UID"] for event in events] == ["event-german-trip@testserver"]
    event = events[0]
    assert event.decoded("DTSTART") == datetime.date(2024, 6, 20)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    # The end is exclusive: the day after the last day.
    assert event.decoded("DTEND") == datetime.date(2024, 6, 23)
    assert str(event["SUMMARY"]) == "German Enterprises' Trip in Shenyang"
    assert event["SUMMARY"].params["LANGUAGE"] == "en"
    assert str(event["LOCATION"]) == "Shenyang ETDZ, Shenyang"
    assert str(event["URL"]) == "http://testserver/en/events/german-trip/"
    assert str(event["DESCRIPTION"]).startswith("Held every year; commas, semicolons;")
    assert event.decoded("DTSTAMP") == trip.updated_at.replace(microsecond=0)


def test_a_zone_name_with_a_line_break_names_the_calendar_on_one_line(client, zone, trip):
    # A name imported from a spreadsheet cell typed with Alt+Enter.
    zone.name_en = "Shenyang\nETDZ"
    zone.save()

    parsed = calendar(client, "/en/zones/shenyang-etdz/events.ics")

    assert str(parsed["X-WR-CALNAME"]) == "Events in Shenyang ETDZ"


def test_the_calendar_names_asia_shanghai_with_its_time_zone_definition(client, trip):
    parsed = calendar(client, "/en/events/calendar.ics")
    assert parsed["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in parsed.timezones] == ["Asia/Shanghai"]
    shanghai = parsed.timezones[0].to_tz()
    midsummer = datetime.datetime(2024, 6, 20, 12, tzinfo=datetime.UTC)
    assert midsummer.astimezone(shanghai).utcoffset() == datetime.timedelta(hours=8)


def test_the_calendar_has_the_properties_rfc_5545_requires(client, trip):
    EventFactory(slug="one-day", start_date=datetime.date(2024, 7, 1), zone=None)
    parsed = calendar(client, "/en/events/calendar.ics")
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"]
    assert parsed["METHOD"] == "PUBLISH"
    assert len(parsed.events) == 2
    for event in parsed.events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event, required
        # DTSTAMP in UTC ("…Z"), as RFC 5545 requires.
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    one_day = next(e for e in parsed.events if e["UID"].startswith("event-one-day@"))
    assert one_day.decoded("DTEND") == datetime.date(2024, 7, 2)
    assert "LOCATION" not in one_day


def test_a_chinese_calendar_speaks_chinese_and_marks_what_is_untranslated(client, trip):
    EventFactory(slug="untranslated", title_en="Business day", start_date=trip.start_date)
    parsed = calendar(client, "/zh-hans/events/calendar.ics")
    summaries = {str(e["SUMMARY"]): e["SUMMARY"].params["LANGUAGE"] for e in parsed.events}
    assert summaries == {"德国企业沈阳行": "zh-Hans", "Business day": "en"}
    trip_entry = next(e for e in parsed.events if e["UID"] == "event-german-trip@testserver")
    assert str(trip_entry["URL"]) == "http://testserver/zh-hans/events/german-trip/"
    assert str(trip_entry["LOCATION"]) == "沈阳经济技术开发区, 沈阳"


def test_the_uid_of_an_event_is_the_same_in_both_languages_and_after_an_edit(client, trip):
    before = calendar(client, "/en/events/calendar.ics").events[0]["UID"]
    trip.title_en = "German Enterprises' Trip in Shenyang, 2024"
    trip.save()
    assert calendar(client, "/en/events/calendar.ics").events[0]["UID"] == before
    assert calendar(client, "/zh-hans/events/calendar.ics").events[0]["UID"] == before


def test_an_event_without_a_date_is_left_out_of_the_calendar(client, zone):
    EventFactory(slug="undated", zone=zone, start_date=None)
    assert calendar(client, "/en/zones/shenyang-etdz/events.ics").events == []
