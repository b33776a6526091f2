"""Visibility follows relations: what sits in a zone, or belongs to a release, is public only with
it, and the search index and the directory follow a zone's status and time at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Event, Indicator
from portal.publishing.models import Status
from portal.search.models import SearchEntry
from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EventFactory,
    IndicatorFactory,
    InstitutionFactory,
    ReleaseFactory,
    ZoneFactory,
)
from zones.directory import current_token
from zones.models import Cooperation, Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_zone():
    return ZoneFactory(slug="draft-zone", name_en="Draft Zone", status=Status.DRAFT)


def test_an_enterprise_in_a_draft_zone_is_hidden_and_answers_404(client, draft_zone):
    enterprise = EnterpriseFactory(slug="in-draft-zone", zone=draft_zone)
    assert client.get(enterprise.get_absolute_url()).status_code == 404
    assert not Enterprise.objects.published().exists()
    assert not enterprise.is_published()


def archive(record) -> None:
    record.status = Status.ARCHIVED
    record.save()


def answers(client, enterprise) -> list[int]:
    return [
        client.get(enterprise.get_absolute_url()).status_code,
        client.get(f"/api/v1/enterprises/{enterprise.slug}/").status_code,
    ]


def test_an_archived_enterprise_answers_410_only_while_its_zone_is_public(client):
    zone = ZoneFactory()
    enterprise = EnterpriseFactory(zone=zone)
    archive(enterprise)
    assert answers(client, enterprise) == [410, 410]
    # In a draft zone it would be hidden even if published: 410 would confirm it exists.
    zone.status = Status.DRAFT
    zone.save()
    assert answers(client, enterprise) == [404, 404]


@pytest.mark.parametrize("factory", [ZoneFactory, EnterpriseFactory, ReleaseFactory])
def test_only_the_address_an_archived_record_was_public_at_answers_410(client, factory):
    """A slug given to an archived record was never public: 410 there would confirm it."""
    record = factory(slug="public-address")
    archive(record)
    record.slug = "never-public"
    record.save()
    assert client.get(record.get_absolute_url()).status_code == 404
    # Nor when the slug changes in the save that archives it.
    record = factory(slug="public-address-2")
    record.slug, record.status = "never-public-2", Status.ARCHIVED
    record.save()
    assert client.get(record.get_absolute_url()).status_code == 404


def test_a_renamed_archived_zone_answers_404_in_the_api_too(client):
    zone = ZoneFactory(slug="public-address")
    archive(zone)
    assert client.get("/api/v1/zones/public-address/").status_code == 410
    zone.slug = "never-public"
    zone.save()
    assert client.get("/api/v1/zones/never-public/").status_code == 404


def test_an_enterprise_archived_while_its_zone_was_hidden_stays_404(client, draft_zone):
    """Visitors never saw it: its zone's publication later must not confirm it existed."""
    enterprise = EnterpriseFactory(zone=draft_zone)
    archive(enterprise)
    draft_zone.status = Status.PUBLISHED
    draft_zone.save()
    assert answers(client, enterprise) == [404, 404]
    # Nor does a save of the archived record change what it was.
    enterprise.save()
    assert answers(client, enterprise) == [404, 404]


def test_a_record_archived_before_its_scheduled_time_stays_404_after_it(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    release = ReleaseFactory(published_at=now + datetime.timedelta(minutes=1))
    archive(release)
    time_machine.move_to(now + datetime.timedelta(days=1), tick=False)
    assert client.get(release.get_absolute_url()).status_code == 404


def test_a_record_archived_before_it_was_ever_public_answers_404(client):
    never = ZoneFactory(slug="never-public", status=Status.ARCHIVED, published_at=None)
    due = ZoneFactory(
        slug="not-yet-public",
        status=Status.ARCHIVED,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    for zone in (never, due):
        assert client.get(zone.get_absolute_url()).status_code == 404
        assert client.get(f"/api/v1/zones/{zone.slug}/").status_code == 404


def test_an_event_in_a_draft_zone_is_hidden_and_one_without_a_zone_is_shown(client, draft_zone):
    hidden = EventFactory(zone=draft_zone)
    shown = EventFactory(zone=None)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(shown.get_absolute_url()).status_code == 200
    assert list(Event.objects.published()) == [shown]
    assert (hidden.is_published(), shown.is_published()) == (False, True)


def test_a_figure_shows_only_with_its_release_and_its_zone_public(client, draft_zone):
    release = ReleaseFactory()
    in_draft_zone = IndicatorFactory(zone=draft_zone, release=release)
    shown = IndicatorFactory(release=release)
    IndicatorFactory(release=ReleaseFactory(status=Status.DRAFT))
    assert list(Indicator.objects.published()) == [shown]
    assert (in_draft_zone.is_published(), shown.is_published()) == (False, True)
    content = client.get(release.get_absolute_url()).content.decode()
    assert "Draft Zone" not in content
    assert str(shown.zone) in content


def test_cooperation_shows_only_without_a_zone_or_with_a_public_one(client, draft_zone):
    institution = InstitutionFactory()
    for zone, title in ((draft_zone, "Hidden work"), (None, "Open work"), (ZoneFactory(), "Work")):
        CooperationFactory(zone=zone, title_en=title).institutions.add(institution)
    assert sorted(str(c) for c in Cooperation.objects.published()) == ["Open work", "Work"]
    content = client.get(institution.get_absolute_url()).content.decode()
    assert "Hidden work" not in content
    assert "Draft Zone" not in content


def test_publishing_the_zone_brings_its_enterprises_to_search_and_the_directory(client, draft_zone):
    EnterpriseFactory(slug="waiting", name_en="Waiting Foundry", zone=draft_zone)
    assert not SearchEntry.objects.filter(kind="enterprise").exists()
    draft_zone.status = Status.PUBLISHED
    draft_zone.save()
    response = client.get("/en/enterprises/", {"q": "foundry"})
    assert [e.slug for e in response.context["page_obj"].object_list] == ["waiting"]
    assert client.get("/en/search/", {"q": "foundry"}).context["results"].total() == 1
    draft_zone.status = Status.DRAFT
    draft_zone.save()
    assert client.get("/en/enterprises/").context["paginator"].count == 0
    assert client.get("/en/search/", {"q": "foundry"}).context["results"].total() == 0


def test_an_enterprise_of_a_scheduled_zone_is_found_from_the_zones_time(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    zone = ZoneFactory(published_at=now + datetime.timedelta(hours=2))
    enterprise = EnterpriseFactory(name_en="Patient Foundry", zone=zone)
    entry = SearchEntry.objects.get(kind="enterprise", object_id=enterprise.pk)
    assert entry.published_at == zone.published_at
    assert client.get("/en/search/", {"q": "foundry"}).context["results"].total() == 0
    zone.published_at = now + datetime.timedelta(hours=1)
    zone.save()
    entry.refresh_from_db()
    assert entry.published_at == zone.published_at
    time_machine.move_to(now + datetime.timedelta(minutes=61), tick=False)
    assert client.get("/en/search/", {"q": "foundry"}).context["results"].total() == 1
    assert client.get("/en/enterprises/").context["paginator"].count == 1


def test_a_zone_save_tells_the_directory_to_rebuild(draft_zone):
    before = current_token()
    draft_zone.status = Status.PUBLISHED
    draft_zone.save()
    assert current_token() != before


def queries_to_publish(zone) -> int:
    zone.status = Status.PUBLISHED
    with CaptureQueriesContext(connection) as captured:
        zone.save()
    zone.status = Status.DRAFT
    zone.save()
    return len(captured)


def test_publishing_a_zone_runs_as_many_queries_for_40_enterprises_as_for_4(draft_zone):
    EnterpriseFactory.create_batch(4, zone=draft_zone)
    at_four = queries_to_publish(draft_zone)
    EnterpriseFactory.create_batch(36, zone=draft_zone)
    assert queries_to_publish(draft_zone) == at_four
    # Kept for the next publication, hidden.
    assert not SearchEntry.objects.filter(kind="enterprise", status=Status.PUBLISHED).exists()
