"""A search that names a sector or a qualification offers the lists of the zones and enterprises
that have it, in either language, and never names one that only unpublished records have."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from portal.publishing.models import Status
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    QualificationFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import Enterprise, Zone
from zones.topics import named_by

pytestmark = pytest.mark.django_db


def offered(client, query: str, language: str = "en") -> str:
    """The lists the search page offers for the query, as read ("" when none)."""
    page = client.get(f"/{language}/search/", {"q": query}).content.decode()
    start = page.find('<ul class="search-topics"')
    if start < 0:
        return ""
    return " ".join(strip_tags(page[start : page.index("</ul>", start)]).split())


def links(client, query: str, language: str = "en") -> list[str]:
    page = client.get(f"/{language}/search/", {"q": query}).content.decode()
    start = page.find('<ul class="search-topics"')
    block = page[start : page.index("</ul>", start)]
    return [part.split('"')[0] for part in block.split('href="')[1:]]


@pytest.fixture
def new_energy():
    sector = SectorFactory(name_en="New energy", name_zh_hans="新能源", slug="new-energy")
    zone = ZoneFactory(slug="jianping")
    zone.sectors.add(sector)
    for _ in range(2):
        EnterpriseFactory(zone=zone).sectors.add(sector)
    return sector


@pytest.mark.parametrize("query", ["新能源", "New energy", "new  ENERGY", "new-energy"])
def test_a_sector_named_in_either_language_offers_its_zones_and_enterprises(
    client, new_energy, query
):
    assert offered(client, query) == "Sector: New energy · 1 zone · 2 enterprises"
    assert links(client, query) == [
        "/en/zones/?sector=new-energy",
        "/en/enterprises/?sector=new-energy",
    ]


def test_the_chinese_page_offers_them_in_chinese_and_the_lists_show_them(client, new_energy):
    assert offered(client, "新能源", "zh-hans") == "产业：新能源 · 1 个开发区 · 2 家企业"
    zones, enterprises = links(client, "新能源", "zh-hans")
    assert "jianping" in client.get(zones).content.decode()
    assert client.get(enterprises).context["paginator"].count == 2


def test_a_part_of_a_name_or_a_longer_query_offers_nothing(client, new_energy):
    assert offered(client, "energy") == ""
    assert offered(client, "new energy zones in Liaoning") == ""


def test_a_sector_only_unpublished_records_have_is_never_named(client):
    sector = SectorFactory(name_en="Hydrogen", name_zh_hans="氢能")
    ZoneFactory(status=Status.DRAFT, published_at=None).sectors.add(sector)
    scheduled = timezone.now() + datetime.timedelta(days=1)
    EnterpriseFactory(published_at=scheduled).sectors.add(sector)
    EnterpriseFactory(zone=ZoneFactory(status=Status.REVIEW, published_at=None)).sectors.add(sector)
    unused = SectorFactory(name_en="Shipbuilding")

    assert offered(client, "Hydrogen") == offered(client, "氢能") == ""
    assert offered(client, unused.name_en) == ""


def test_a_publish_changes_what_is_offered_at_once(client, new_energy, settings):
    settings.PAGE_CACHE_SECONDS = 300
    draft = ZoneFactory(status=Status.DRAFT, published_at=None)
    draft.sectors.add(new_energy)
    assert offered(client, "新能源") == "Sector: New energy · 1 zone · 2 enterprises"

    draft.status, draft.published_at = Status.PUBLISHED, timezone.now()
    draft.save()

    assert offered(client, "新能源") == "Sector: New energy · 2 zones · 2 enterprises"


def test_a_qualification_offers_the_enterprises_holding_it_today(client):
    gazelle = QualificationFactory(
        name_en="Gazelle enterprise", name_zh_hans="瞪羚企业", slug="gazelle"
    )
    EnterpriseQualificationFactory(qualification=gazelle)
    lapsed = EnterpriseQualificationFactory(qualification=gazelle, year_granted=2015)
    assert lapsed.valid_until < timezone.localdate()

    assert (
        offered(client, "gazelle enterprises") == "Qualification: Gazelle enterprise · 1 enterprise"
    )
    assert links(client, "瞪羚企业") == ["/en/enterprises/?qualification=gazelle"]


def test_a_change_made_by_another_process_shows_at_once(client, new_energy, monkeypatch):
    """Whose cache this process cannot see: the content version stays as it was here."""
    monkeypatch.setattr("portal.publishing.pagecache.new_version", lambda: None)
    assert offered(client, "新能源") == "Sector: New energy · 1 zone · 2 enterprises"
    for enterprise in Enterprise.objects.all():
        enterprise.status = Status.DRAFT
        enterprise.save()
    assert offered(client, "新能源") == "Sector: New energy · 1 zone"
    zone = Zone.objects.get()
    zone.status = Status.DRAFT
    zone.save()
    assert offered(client, "新能源") == ""


def test_with_a_shared_cache_a_query_naming_nothing_reads_no_names(
    client, new_energy, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 300
    assert [topic.slug for topic in named_by("新能源")] == ["new-energy"]
    with django_assert_num_queries(0):
        assert named_by("shenyang") == []
    SectorFactory(name_en="Shipbuilding", slug="shipbuilding").zones.add(ZoneFactory())
    assert [topic.slug for topic in named_by("shipbuilding")] == ["shipbuilding"]
