"""Events as iCalendar (RFC 5545), for a calendar program to subscribe to: all public events, or
a public zone's.

Events have dates but no times, so each is an all-day event (DATE values, the end the day after
the last day, as RFC 5545 counts it); the calendar names Asia/Shanghai as its time zone, with
the VTIMEZONE that describes it, for the programs that place new entries by it.
"""

import datetime
from functools import cache

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vText
from icalendar import Event as CalendarEvent

from news.models import Event
from portal.publishing.translations import content_language
from zones.models import Zone

TIME_ZONE = "Asia/Shanghai"
# China has kept UTC+8 all year since 1992: one STANDARD rule describes the zone from then on.
TIME_ZONE_SPAN = {"first_date": datetime.date(1992, 1, 1), "last_date": datetime.date(2100, 1, 1)}


def event_calendar(request: HttpRequest) -> HttpResponse:
    """Every public event with a date; two queries."""
    events = Event.objects.published().select_related("zone")
    name = _("Events · Liaoning development zones")
    return calendar_response(request, events, name, reverse("news:event_list"), "events")


def zone_event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A public zone's public events with a date; a zone that is not public is a 404."""
    zone = get_object_or_404(Zone.objects.published(), slug=slug)
    events = Event.objects.published().filter(zone=zone).select_related("zone")
    name = _("Events in %(zone)s") % {"zone": zone.name}
    return calendar_response(request, events, name, zone.get_absolute_url(), f"events-{zone.slug}")


def calendar_response(
    request: HttpRequest, events: QuerySet[Event], name: str, page: str, filename: str
) -> HttpResponse:
    calendar = build_calendar(request, events.exclude(start_date=None), name, page)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def build_calendar(request: HttpRequest, events: QuerySet[Event], name: str, page: str) -> Calendar:
    language = get_language()
    calendar = Calendar()
    calendar.add("prodid", f"-//{request.get_host()}//Liaoning development zones//{language}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # A name is one line in a calendar: a zone's name imported from a spreadsheet cell typed
    # with Alt+Enter holds a line break.
    name = " ".join(name.split())
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add("url", request.build_absolute_uri(page))
    calendar.add("source", request.build_absolute_uri(request.path), parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add_component(time_zone())
    for event in events:
        calendar.add_component(calendar_event(request, event))
    return calendar


@cache
def time_zone() -> Timezone:
    """The VTIMEZONE of Asia/Shanghai, made once per process: icalendar computes it from the
    time-zone database in some 60 ms, more than the rest of a calendar."""
    return Timezone.from_tzid(TIME_ZONE, **TIME_ZONE_SPAN)


def calendar_event(request: HttpRequest, event: Event) -> CalendarEvent:
    """One all-day VEVENT. The UID is the event's slug at this host, the same in both languages
    and across edits, so a program updates the entry it has rather than adding another."""
    url = request.build_absolute_uri(event.get_absolute_url())
    last_day = event.end_date or event.start_date
    changed = event.changed_publicly_at.astimezone(datetime.UTC).replace(microsecond=0)
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.slug}@{request.get_host()}")
    entry.add("dtstamp", changed)
    entry.add("last-modified", changed)
    entry.add("sequence", event.version)
    entry.add("dtstart", event.start_date)
    entry.add("dtend", last_day + datetime.timedelta(days=1))
    entry.add("summary", event.title, parameters=language_of(event, "title"))
    description = "\n\n".join(text for text in (event.description, url) if text)
    entry.add("description", description, parameters=language_of(event, "description"))
    if event.zone:
        location = vText(f"{event.zone.name}, {event.zone.get_city_display()}")
        entry.add("location", location, parameters=language_of(event.zone, "name"))
    entry.add("url", url, parameters={"VALUE": "URI"})
    entry.add("categories", [event.get_kind_display()])
    entry.add("class", "PUBLIC")
    entry.add("transp", "TRANSPARENT")
    return entry


def language_of(record, field_name: str) -> dict[str, str]:
    """The LANGUAGE parameter (RFC 5646 tag) of a text property."""
    language = content_language(record, field_name)
    return {"LANGUAGE": "zh-Hans" if language == "zh-hans" else language}
