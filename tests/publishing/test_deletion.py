"""The delete confirmation pages list a few records of each kind and count the rest."""

import re

import pytest
from django.urls import reverse

from news.models import Indicator, Release
from portal.publishing.admin import deletion
from portal.publishing.models import Status
from tests.factories import EnterpriseFactory, IndicatorFactory, ReleaseFactory, ZoneFactory
from zones.models import Enterprise, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_shown(monkeypatch):
    monkeypatch.setattr(deletion, "SHOWN", 2)


def links_to_enterprises(page: str) -> int:
    return len(re.findall(r'href="/admin/zones/enterprise/\d+/change/"', page))


def listed(page: str) -> list[str]:
    """The lines of the page's list of records, nested ones included, tags removed."""
    start = page.index('<ul id="deleted-objects">')
    end = re.compile(r"<form|</div>").search(page, start).start()
    text = re.sub(r"</?(ul|li)[^>]*>", "\n", page[start:end])
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_zone_that_many_enterprises_are_in_lists_two_of_them_and_counts_the_rest(
    publisher_client,
):
    zone = ZoneFactory(name_en="Harbour Zone")
    for n in range(5):
        EnterpriseFactory(zone=zone, name_en=f"Harbour Works {n}")
    IndicatorFactory(zone=zone, release=ReleaseFactory(title_en="June figures"))
    delete_url = reverse("admin:zones_zone_delete", args=[zone.pk])

    page = publisher_client.get(delete_url).content.decode()

    assert "would require deleting the following protected related objects" in page
    lines = listed(page)
    assert [line for line in lines if line.startswith("Enterprise:")] == [
        "Enterprise: Harbour Works 0",
        "Enterprise: Harbour Works 1",
    ]
    assert "Enterprises: 3 more, not listed" in lines
    assert len([line for line in lines if line.startswith("Figure:")]) == 1
    assert links_to_enterprises(page) == 2
    publisher_client.post(delete_url, {"post": "yes"})
    assert Zone.objects.filter(pk=zone.pk).exists()


def test_deleting_a_release_lists_two_of_its_figures_and_deletes_them_all(publisher_client):
    release = ReleaseFactory(title_en="June figures")
    for _ in range(5):
        IndicatorFactory(release=release)
    delete_url = reverse("admin:news_release_delete", args=[release.pk])

    page = publisher_client.get(delete_url).content.decode()

    lines = listed(page)
    assert len([line for line in lines if line.startswith("Figure:")]) == 2
    assert "Figures: 3 more, not listed" in lines
    assert "Figures: 5" in re.sub(r"<[^>]+>", "", page)  # the summary counts them all
    assert publisher_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Release.objects.filter(pk=release.pk).exists()
    assert not Indicator.objects.exists()


def test_delete_selected_lists_two_of_the_selected_and_deletes_them_all(publisher_client):
    enterprises = [EnterpriseFactory(status=Status.DRAFT) for _ in range(5)]
    changelist = reverse("admin:zones_enterprise_changelist")
    selected = {"action": "delete_selected", "_selected_action": [e.pk for e in enterprises]}

    page = publisher_client.post(changelist, selected).content.decode()

    assert links_to_enterprises(page) == 2
    assert "<li>Enterprises: 3 more, not listed</li>" in page
    publisher_client.post(changelist, selected | {"post": "yes"})
    assert not Enterprise.objects.exists()


def test_delete_selected_of_zones_with_enterprises_is_refused_naming_two_of_each_kind(
    publisher_client,
):
    zones = [ZoneFactory(), ZoneFactory()]
    for zone in zones:
        for _ in range(2):
            EnterpriseFactory(zone=zone)
    changelist = reverse("admin:zones_zone_changelist")
    selected = {"action": "delete_selected", "_selected_action": [zone.pk for zone in zones]}

    page = publisher_client.post(changelist, selected).content.decode()

    assert "would require deleting the following protected related objects" in page
    assert links_to_enterprises(page) == 2
    assert "<li>Enterprises: 2 more, not listed</li>" in page
    publisher_client.post(changelist, selected | {"post": "yes"})
    assert Zone.objects.count() == 2
