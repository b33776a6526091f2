"""Each public page runs the same number of queries whatever the number of rows."""

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
    PlatformMembershipFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def records():
    zone = ZoneFactory(slug="the-zone")
    enterprise = EnterpriseFactory(slug="the-enterprise", zone=zone)
    release = ReleaseFactory(slug="the-release")
    institution = InstitutionFactory(slug="the-institution")
    return {"zone": zone, "enterprise": enterprise, "release": release, "institution": institution}


def add_rows(records: dict, rows: int) -> None:
    """`rows` more of everything each page lists around the records."""
    zone, enterprise, release = records["zone"], records["enterprise"], records["release"]
    for _ in range(rows):
        sector = SectorFactory()
        zone.sectors.add(sector)
        enterprise.sectors.add(sector)
        ParkFactory(zone=zone).sectors.add(sector)
        other_zone = ZoneFactory()
        other_zone.sectors.add(sector)
        release.zones.add(other_zone)
        member = EnterpriseFactory(zone=zone)
        release.enterprises.add(member)
        IndicatorFactory(zone=zone, release=release)
        EnterpriseQualificationFactory(enterprise=enterprise)
        PlatformMembershipFactory(enterprise=enterprise).platform.zones.add(zone)
        CooperationFactory(zone=zone).institutions.add(records["institution"], InstitutionFactory())
        EventFactory(zone=zone).releases.add(release)
        ReleaseFactory().zones.add(zone)


PAGES = {
    "home": lambda records: reverse("home"),
    "zone list": lambda records: reverse("zones:zone_list"),
    "zone": lambda records: records["zone"].get_absolute_url(),
    "enterprise list": lambda records: reverse("zones:enterprise_list"),
    "enterprise": lambda records: records["enterprise"].get_absolute_url(),
    "institution list": lambda records: reverse("zones:institution_list"),
    "institution": lambda records: records["institution"].get_absolute_url(),
    "release list": lambda records: reverse("news:release_list"),
    "release": lambda records: records["release"].get_absolute_url(),
    "event list": lambda records: reverse("news:event_list"),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_the_same_at_2_and_50_rows(client, records, page):
    url = PAGES[page](records)
    add_rows(records, 2)
    with_two = queries_for(client, url)
    add_rows(records, 48)
    assert queries_for(client, url) == with_two
    assert with_two <= 15
