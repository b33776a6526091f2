"""Each public page runs the same number of queries whatever the number of rows, and at most 15."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    EventFactory,
    IndicatorFactory,
    InstitutionFactory,
    ParkFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    QualificationFactory,
    ReleaseFactory,
    SectorFactory,
    SeriesFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def queries_for(client, url: str, warm: bool = False) -> int:
    """The queries a page runs; with `warm`, once what it caches (the directory's index, built
    by a fixed number of queries on the first request after a change) is in place."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        response.getvalue()  # a streamed answer runs its queries as it is read
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def records():
    zone = ZoneFactory(slug="the-zone")
    park = ParkFactory(zone=zone, slug="the-park")
    enterprise = EnterpriseFactory(slug="the-enterprise", zone=zone, park=park)
    qualification = QualificationFactory(slug="the-qualification")
    EnterpriseQualificationFactory(enterprise=enterprise, qualification=qualification)
    platform = PlatformFactory(slug="the-platform")
    PlatformMembershipFactory(platform=platform, enterprise=enterprise)
    sector = SectorFactory(slug="the-sector")
    enterprise.sectors.add(sector)
    release = ReleaseFactory(slug="the-release", series=SeriesFactory(slug="the-series"))
    institution = InstitutionFactory(slug="the-institution")
    event = EventFactory(slug="the-event", zone=zone, start_date=datetime.date(2024, 6, 20))
    return {
        "zone": zone,
        "enterprise": enterprise,
        "release": release,
        "institution": institution,
        "platform": platform,
        "event": event,
    }


def add_rows(records: dict, rows: int) -> None:
    """`rows` more of everything each page lists around the records."""
    zone, enterprise, release = records["zone"], records["enterprise"], records["release"]
    platform, event = records["platform"], records["event"]
    for _ in range(rows):
        sector = SectorFactory()
        zone.sectors.add(sector)
        enterprise.sectors.add(sector)
        park = ParkFactory(zone=zone)
        park.sectors.add(sector)
        other_zone = ZoneFactory()
        other_zone.sectors.add(sector)
        release.zones.add(other_zone)
        member = EnterpriseFactory(zone=zone, park=park)
        member.sectors.add(sector)
        release.enterprises.add(member)
        PlatformMembershipFactory(platform=platform, enterprise=member)
        platform.zones.add(other_zone)
        EnterpriseQualificationFactory(enterprise=member)
        IndicatorFactory(zone=zone, release=release)
        EnterpriseQualificationFactory(enterprise=enterprise)
        PlatformMembershipFactory(enterprise=enterprise).platform.zones.add(zone)
        CooperationFactory(zone=zone).institutions.add(records["institution"], InstitutionFactory())
        EventFactory(zone=zone, start_date=datetime.date(2024, 6, 20)).releases.add(release)
        event.releases.add(ReleaseFactory())
        ReleaseFactory(series=release.series).zones.add(zone)


FILTERED_DIRECTORY = (
    "?q=enterprise&zone=the-zone&park=the-zone.the-park&sector=the-sector"
    "&qualification=the-qualification&platform=the-platform&city=shenyang"
    "&founded_min=2000&founded_max=2020&sort=-founded"
)

PAGES = {
    "home": lambda records: reverse("home"),
    "zone list": lambda records: reverse("zones:zone_list"),
    "zone list, filtered and sorted": lambda records: (
        reverse("zones:zone_list")
        + "?city=shenyang&level=national&kind=etdz&sector=the-sector&sort=enterprises"
    ),
    "zone": lambda records: records["zone"].get_absolute_url(),
    "enterprise list": lambda records: reverse("zones:enterprise_list"),
    "enterprise list, every filter": lambda records: (
        reverse("zones:enterprise_list") + FILTERED_DIRECTORY
    ),
    "enterprise list, page 2": lambda records: reverse("zones:enterprise_list") + "?page=2",
    "enterprise CSV": lambda records: reverse("zones:enterprise_export") + "?zone=the-zone",
    "enterprise XLSX": lambda records: reverse("zones:enterprise_export_xlsx") + "?zone=the-zone",
    "enterprise JSON": lambda records: reverse("zones:enterprise_export_json") + "?zone=the-zone",
    "figures CSV": lambda records: reverse("news:figure_export_csv"),
    "figures JSON": lambda records: reverse("news:figure_export_json"),
    "zone figures CSV": lambda records: reverse("news:zone_figures_csv", args=["the-zone"]),
    "enterprise": lambda records: records["enterprise"].get_absolute_url(),
    "institution list": lambda records: reverse("zones:institution_list"),
    "institution": lambda records: records["institution"].get_absolute_url(),
    "platform": lambda records: records["platform"].get_absolute_url(),
    "release list": lambda records: reverse("news:release_list"),
    "release list, filtered": lambda records: (
        reverse("news:release_list") + "?zone=the-zone&kind=press_release&year=2025"
    ),
    "release": lambda records: records["release"].get_absolute_url(),
    "event list": lambda records: reverse("news:event_list"),
    "event list, filtered": lambda records: reverse("news:event_list") + "?zone=the-zone&when=past",
    "event": lambda records: records["event"].get_absolute_url(),
    "news feed": lambda records: reverse("news:release_feed"),
    "news Atom feed": lambda records: reverse("news:release_atom"),
    "series Atom feed": lambda records: reverse("news:series_release_atom", args=["the-series"]),
    "zone's news Atom feed": lambda records: reverse("news:zone_release_atom", args=["the-zone"]),
    "events Atom feed": lambda records: reverse("news:event_atom"),
    "zone's events Atom feed": lambda records: reverse("news:zone_event_atom", args=["the-zone"]),
    "event calendar": lambda records: reverse("news:event_calendar"),
    "zone's event calendar": lambda records: reverse("news:zone_event_calendar", args=["the-zone"]),
}


def count_all(client, records, warm: bool = False) -> dict[str, int]:
    return {page: queries_for(client, url(records), warm) for page, url in PAGES.items()}


def test_every_page_runs_as_many_queries_at_200_rows_as_at_2(client, records):
    add_rows(records, 2)
    at_two = count_all(client, records)
    add_rows(records, 198)
    at_two_hundred = count_all(client, records)
    assert at_two_hundred == at_two


def test_no_page_runs_more_than_15_queries(client, records):
    add_rows(records, 2)
    counts = count_all(client, records, warm=True)
    assert {page: n for page, n in counts.items() if n > MAX_QUERIES} == {}
