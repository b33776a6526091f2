"""The directory's index in memory: the same answers as the FilterSet's SQL, and in step with
every change to what it is built from."""

import datetime
import random
import re
from array import array

import pytest
import time_machine
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from portal.publishing.models import Status
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    ParkFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    QualificationFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.directory import index as directory_index
from zones.filters import EnterpriseFilter
from zones.models import City, Enterprise

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/enterprises/"


def listed(client, params=None) -> list[str]:
    """Every enterprise the directory lists for the parameters, page after page, in order."""
    slugs, page = [], 1
    while True:
        response = client.get(DIRECTORY, {**(params or {}), "page": page})
        slugs += [enterprise.slug for enterprise in response.context["page_obj"].object_list]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def counts(response) -> dict[str, dict[str, int]]:
    return {
        facet.name: {option.value: option.count for option in facet.options}
        for facet in response.context["facets"]
    }


def sql_slugs(params: dict) -> set[str]:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    filterset = EnterpriseFilter(query, queryset=Enterprise.objects.published())
    return set(filterset.qs.values_list("slug", flat=True))


@pytest.fixture
def varied():
    """Thirty enterprises spread at random over two zones, parks, sectors, qualifications, a
    platform, countries and years; a few of them not published."""
    rng = random.Random(7)
    zones = [
        ZoneFactory(slug="north", city=City.SHENYANG),
        ZoneFactory(slug="south", city=City.DALIAN),
    ]
    parks = [ParkFactory(zone=zones[0], slug="east"), ParkFactory(zone=zones[1], slug="east")]
    sectors = [SectorFactory(slug=slug) for slug in ("chips", "drugs", "ships")]
    qualifications = [
        QualificationFactory(slug="gazelle", validity_years=3),
        QualificationFactory(slug="unicorn", validity_years=None),
    ]
    this_year = timezone.localdate().year
    platform = PlatformFactory(slug="alliance")
    for number in range(30):
        zone = rng.choice(zones)
        enterprise = EnterpriseFactory(
            slug=f"firm-{number}",
            name_en=f"{rng.choice(['Alpha', 'Beta', 'Gamma'])} Works {number}",
            zone=zone,
            park=rng.choice([None, *[park for park in parks if park.zone == zone]]),
            country=rng.choice(["", "", "DE", "JP"]),
            founded_year=rng.choice([None, 1999, 2005, 2015]),
            status=Status.PUBLISHED if number % 7 else Status.DRAFT,
        )
        enterprise.sectors.set(rng.sample(sectors, rng.randint(0, 2)))
        if rng.random() < 0.5:
            EnterpriseQualificationFactory(
                enterprise=enterprise,
                qualification=rng.choice(qualifications),
                # Some gazelles long expired, some still valid.
                year_granted=this_year - rng.choice([0, 1, 5, 9]),
            )
        if rng.random() < 0.3:
            PlatformMembershipFactory(platform=platform, enterprise=enterprise)


FILTERS = [
    {},
    {"zone": "north"},
    {"zone": ["north", "south"], "sector": "chips"},
    {"park": "south.east", "qualification": "gazelle"},
    {"sector": ["drugs", "ships"], "country": "DE"},
    {"platform": "alliance", "city": "shenyang"},
    {"founded_min": "2000", "founded_max": "2010"},
    {"founded_min": "2010", "qualification": ["gazelle", "unicorn"], "zone": "south"},
    {"q": "alpha"},
    {"q": "beta", "sector": "chips", "sort": "-founded"},
    {"qualification": "gazelle", "expired": "include"},
    {"expired": "include", "zone": "north"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_the_directory_lists_what_the_filters_sql_selects(client, varied, params):
    assert set(listed(client, params)) == sql_slugs(params)


@pytest.mark.parametrize("params", FILTERS)
def test_each_count_is_what_choosing_that_value_would_list(client, varied, params):
    response = client.get(DIRECTORY, params)
    assert response.context["paginator"].count == len(sql_slugs(params))
    for facet, options in counts(response).items():
        for value, count in options.items():
            chosen = {**params, facet: value}
            assert count == len(sql_slugs(chosen)), (facet, value)


def test_sorts_list_every_result_once_in_order(client, varied):
    by_year = listed(client, {"sort": "-founded"})
    years = {e.slug: e.founded_year for e in Enterprise.objects.published()}
    dated = [years[slug] for slug in by_year if years[slug] is not None]
    assert dated == sorted(dated, reverse=True)
    assert all(years[slug] is None for slug in by_year[len(dated) :])
    by_name = listed(client, {"sort": "name"})
    names = {e.slug: e.name_en for e in Enterprise.objects.published()}
    assert [names[slug] for slug in by_name] == sorted(names[slug] for slug in by_name)
    assert sorted(by_name) == sorted(by_year) == sorted(names)


# ORDER_BLOCK with an order cut into blocks of one place, a few, or one block for it all.
BLOCKS = [1, 3, 2048]


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("sort", ["name", "-founded", "founded", "newest"])
@pytest.mark.parametrize("params", [{"zone": "north"}, {"zone": "north", "sector": "chips"}])
def test_a_filtered_list_keeps_the_whole_directorys_order(
    client, varied, monkeypatch, block, sort, params
):
    # The whole directory is its order itself; a part of it is read from the blocks of that
    # order that hold its members: both agree.
    monkeypatch.setattr(directory_index, "ORDER_BLOCK", block)
    whole = listed(client, {"sort": sort})
    members = sql_slugs(params)
    assert listed(client, {**params, "sort": sort}) == [slug for slug in whole if slug in members]


@pytest.mark.parametrize("block", [*BLOCKS, 100])
def test_a_set_of_any_size_or_spread_is_paged_in_the_orders_sequence(monkeypatch, block):
    monkeypatch.setattr(directory_index, "ORDER_BLOCK", block)
    rng = random.Random(11)
    size = 4000
    order = list(range(size))
    rng.shuffle(order)
    index = directory_index.DirectoryIndex(
        token="",
        built_at=timezone.now(),
        valid_until=None,
        ids=array("q", range(size)),
        position_of={},
        everyone=(1 << size) - 1,
        values={},
        published=Enterprise.objects.none(),
        year_of=array("H"),
        sector_start=array("q"),
        sector_ids=array("q"),
        orders={"name:en": array("l", order)},
        blocks={},
    )
    spread = [{p for p in range(size) if rng.random() < share} for share in (0.002, 0.03, 0.5)]
    bunched = [set(order[-40:]), set(order[:10] + order[-300:])]
    for members in [*spread, *bunched, set(), set(order) - {order[5]}]:
        bits = sum(1 << position for position in members)
        in_order = [position for position in order if position in members]
        for start, stop in ((0, 20), (20, 40), (280, 300), (0, 2000)):
            assert index.ordered(bits, "name:en", start, stop) == in_order[start:stop]


# SPARSE_MATCHES that has the index set bits one match at a time, or read them off a byte per
# enterprise, whatever the number of matches.
READ_FEW, READ_MANY = 1, 10_000


@pytest.mark.parametrize("sparse", [READ_FEW, READ_MANY])
def test_a_query_lists_name_matches_before_text_matches(client, db, monkeypatch, sparse):
    monkeypatch.setattr(directory_index, "SPARSE_MATCHES", sparse)
    EnterpriseFactory(slug="in-text", name_en="Aardvark Works", summary="Makes turbines.")
    EnterpriseFactory(slug="in-name", name_en="Zephyr Turbines")
    EnterpriseFactory(slug="elsewhere", name_en="Quiet Mills")
    assert listed(client, {"q": "turbines"}) == ["in-name", "in-text"]
    assert sorted(listed(client, {"q": "turbinez"})) == ["in-name", "in-text"]  # corrected


@pytest.mark.parametrize("sparse", [READ_FEW, READ_MANY])
@pytest.mark.parametrize("params", [params for params in FILTERS if "q" in params])
def test_few_and_many_matches_list_the_same(client, varied, monkeypatch, sparse, params):
    monkeypatch.setattr(directory_index, "SPARSE_MATCHES", sparse)
    assert set(listed(client, params)) == sql_slugs(params)


def test_the_same_words_under_other_filters_list_what_those_filters_keep(client, db):
    north, south = ZoneFactory(slug="north"), ZoneFactory(slug="south")
    EnterpriseFactory(slug="north-turbines", name_en="North Turbines", zone=north)
    EnterpriseFactory(slug="south-turbines", name_en="South Turbines", zone=south)
    EnterpriseFactory(slug="south-mills", name_en="South Mills", zone=south)
    assert listed(client, {"q": "turbines", "zone": "north"}) == ["north-turbines"]
    response = client.get(DIRECTORY, {"q": "turbines", "zone": "south"})
    assert [enterprise.slug for enterprise in response.context["page_obj"]] == ["south-turbines"]
    assert counts(response)["zone"] == {"north": 1, "south": 1}
    assert listed(client, {"q": "mills", "zone": "south"}) == ["south-mills"]


def test_the_words_asked_again_find_what_was_renamed_or_published_since(client, db):
    renamed = EnterpriseFactory(slug="renamed", name_en="Quiet Mills")
    drafted = EnterpriseFactory(slug="drafted", name_en="Bright Turbines", status=Status.DRAFT)
    assert listed(client, {"q": "turbines"}) == []
    renamed.name_en = "Quiet Turbines"
    renamed.save()
    assert listed(client, {"q": "turbines"}) == ["renamed"]
    drafted.status = Status.PUBLISHED
    drafted.save()
    assert listed(client, {"q": "turbines"}) == ["drafted", "renamed"]
    renamed.delete()
    assert listed(client, {"q": "turbines"}) == ["drafted"]


def test_the_page_knows_the_slugs_the_sql_filters_know(client, db):
    public = ZoneFactory(slug="public")
    draft = ZoneFactory(slug="draft", status=Status.DRAFT)
    soon = timezone.now() + datetime.timedelta(hours=1)
    ZoneFactory(slug="later", published_at=soon)
    ParkFactory(zone=public, slug="east")
    ParkFactory(zone=draft, slug="west")
    PlatformFactory(slug="alliance")
    PlatformFactory(slug="hidden", status=Status.DRAFT)
    SectorFactory(slug="chips")
    QualificationFactory(slug="gazelle")
    EnterpriseFactory(zone=public)
    params = {
        "zone": ["public", "draft", "later", "nope", "public.east", "大连"],
        "park": ["public.east", "draft.west", "public.nope", "east"],
        "platform": ["alliance", "hidden"],
        "sector": ["chips", "nope"],
        "qualification": ["gazelle", "gazelle "],
    }

    def unknown_to_the_page_and_to_sql() -> tuple[dict, dict]:
        page = client.get(DIRECTORY, params).context["filter"].form
        query = QueryDict(mutable=True)
        for name, values in params.items():
            query.setlist(name, values)
        sql = EnterpriseFilter(query, queryset=Enterprise.objects.published()).form
        sql.is_valid()
        return (
            {name: list(errors) for name, errors in page.errors.items()},
            {name: list(errors) for name, errors in sql.errors.items()},
        )

    on_the_page, in_sql = unknown_to_the_page_and_to_sql()
    assert on_the_page == in_sql
    assert "“draft, later, nope, public.east, 大连” is not known." in on_the_page["zone"]
    with time_machine.travel(soon + datetime.timedelta(minutes=1)):
        on_the_page, in_sql = unknown_to_the_page_and_to_sql()
        assert on_the_page == in_sql
        assert "“draft, nope, public.east, 大连” is not known." in on_the_page["zone"]


def test_a_rows_sector_tags_follow_its_links_and_the_sectors_names(client, db):
    enterprise = EnterpriseFactory()
    chips = SectorFactory(name_en="Chips")

    def tags() -> list[str]:
        html = client.get("/en/enterprises/").content.decode()
        found = re.search(r'<ul class="tags">(.*?)</ul>', html)
        return re.findall(r"<li>([^<]*)</li>", found[1]) if found else []

    assert tags() == []
    enterprise.sectors.add(chips, SectorFactory(name_en="Batteries"))
    assert tags() == ["Batteries", "Chips"]
    chips.name_en = "Semiconductors"
    chips.save()
    assert tags() == ["Batteries", "Semiconductors"]
    enterprise.sectors.remove(chips)
    assert tags() == ["Batteries"]


def test_the_index_follows_creation_edits_links_and_deletion(client, db):
    zone = ZoneFactory(slug="north")
    chips = SectorFactory(slug="chips")
    assert listed(client) == []
    enterprise = EnterpriseFactory(slug="new", zone=zone)
    assert listed(client) == ["new"]
    enterprise.sectors.add(chips)
    assert listed(client, {"sector": "chips"}) == ["new"]
    enterprise.sectors.remove(chips)
    assert listed(client, {"sector": "chips"}) == []
    enterprise.founded_year = 2001
    enterprise.save()
    assert listed(client, {"founded_min": "2000"}) == ["new"]
    enterprise.status = Status.DRAFT
    enterprise.save()
    assert listed(client) == []
    enterprise.status = Status.PUBLISHED
    enterprise.save()
    platform = PlatformFactory(slug="alliance")
    membership = PlatformMembershipFactory(platform=platform, enterprise=enterprise)
    assert listed(client, {"platform": "alliance"}) == ["new"]
    membership.delete()
    assert listed(client, {"platform": "alliance"}) == []
    enterprise.delete()
    assert listed(client) == []


def test_a_deleted_park_leaves_its_enterprises_listed_without_it(client, db):
    park = ParkFactory(slug="east")
    EnterpriseFactory(slug="firm", zone=park.zone, park=park)
    assert counts(client.get(DIRECTORY))["park"] == {f"{park.zone.slug}.east": 1}
    park.delete()
    response = client.get(DIRECTORY)
    assert counts(response)["park"] == {}
    assert listed(client) == ["firm"]


def test_a_scheduled_enterprise_appears_at_its_time(client, db):
    soon = timezone.now() + datetime.timedelta(hours=1)
    EnterpriseFactory(slug="now")
    EnterpriseFactory(slug="later", published_at=soon)
    assert listed(client) == ["now"]
    with time_machine.travel(soon + datetime.timedelta(minutes=1)):
        assert sorted(listed(client)) == ["later", "now"]


def test_a_change_rolled_back_leaves_no_trace(client, db):
    EnterpriseFactory(slug="kept")
    assert listed(client) == ["kept"]
    with pytest.raises(RuntimeError), transaction.atomic():
        EnterpriseFactory(slug="rolled-back")
        assert sorted(listed(client)) == ["kept", "rolled-back"]
        raise RuntimeError
    assert listed(client) == ["kept"]
