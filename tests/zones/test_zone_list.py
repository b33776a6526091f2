"""The zone list's filters: each choice with the number of zones it gives, and chips."""

import re

import pytest

from portal.publishing.models import Status
from tests.factories import EnterpriseFactory, SectorFactory, ZoneFactory
from zones.models import City, Zone

pytestmark = pytest.mark.django_db

ZONES = "/en/zones/"


@pytest.fixture
def zones():
    chips = SectorFactory(slug="chips", name_en="Chips")
    ships = SectorFactory(slug="ships", name_en="Ships")
    ZoneFactory(slug="a", city=City.SHENYANG, level=Zone.Level.NATIONAL).sectors.add(chips)
    ZoneFactory(slug="b", city=City.SHENYANG, level=Zone.Level.PROVINCIAL).sectors.add(ships)
    ZoneFactory(slug="c", city=City.DALIAN, level=Zone.Level.NATIONAL).sectors.add(chips, ships)
    ZoneFactory(slug="hidden", city=City.ANSHAN, status=Status.DRAFT).sectors.add(chips)


def options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_each_city_is_offered_with_its_number_of_zones(client, zones):
    cities = options(client.get(ZONES).content.decode(), "city")
    assert cities == {"": "Any", "shenyang": "Shenyang (2)", "dalian": "Dalian (1)"}


def test_each_filter_offers_any_once(client, zones):
    html = client.get(ZONES).content.decode()
    for name in ("city", "level", "kind", "sector"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
        assert re.findall(r"<option[^>]*>([^<]*)</option>", select).count("Any") == 1, name


def test_a_city_with_no_public_zone_is_not_offered(client, zones):
    assert "anshan" not in options(client.get(ZONES).content.decode(), "city")


def test_counts_follow_the_other_filters(client, zones):
    html = client.get(ZONES, {"sector": "ships"}).content.decode()
    assert options(html, "city") == {"": "Any", "shenyang": "Shenyang (1)", "dalian": "Dalian (1)"}
    assert options(html, "level") == {
        "": "Any",
        "national": "national (1)",
        "provincial": "provincial (1)",
    }
    # A facet does not count under its own choice: the other sectors stay offered.
    assert options(html, "sector") == {"": "Any", "chips": "Chips (2)", "ships": "Ships (2)"}


def test_the_chosen_value_stays_offered_even_when_it_gives_nothing(client, zones):
    html = client.get(ZONES, {"city": "dalian", "level": "provincial"}).content.decode()
    assert options(html, "city")["dalian"] == "Dalian (0)"
    assert "No zones match these filters." in html


def test_active_filters_show_as_chips_that_remove_them(client, zones):
    html = client.get(
        ZONES, {"city": "shenyang", "sector": "chips", "sort": "name"}
    ).content.decode()
    assert '<a class="chip" href="?sector=chips&amp;sort=name"><span>City: Shenyang</span>' in html
    assert '<a class="chip" href="?city=shenyang&amp;sort=name"><span>Sector: Chips</span>' in html


def test_chips_are_in_the_pages_language(client, zones):
    html = client.get("/zh-hans/zones/", {"city": "shenyang"}).content.decode()
    assert "<span>城市：沈阳</span>" in html  # with the Chinese colon


@pytest.mark.parametrize(
    "chosen",
    [{}, {"city": "shenyang"}, {"sector": "chips"}, {"level": "national", "sector": "ships"}],
)
def test_every_count_is_the_number_of_zones_its_choice_lists(client, zones, chosen):
    html = client.get(ZONES, chosen).content.decode()
    for name in ("city", "level", "kind", "sector"):
        for value, label in options(html, name).items():
            if not value:
                continue
            listed = client.get(ZONES, {**chosen, name: value}).content.decode()
            shown = len(re.findall(r'<li class="card">', listed))
            assert label.endswith(f"({shown})"), (name, value, label, shown)


@pytest.mark.parametrize("sort", ["", "name", "enterprises"])
def test_each_zone_shows_its_number_of_public_enterprises_however_sorted(client, sort):
    big, small = ZoneFactory(name_en="Big Zone"), ZoneFactory(name_en="Small Zone")
    EnterpriseFactory.create_batch(3, zone=big)
    EnterpriseFactory(zone=small)
    EnterpriseFactory(zone=small, status=Status.DRAFT)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(ZONES, {"sort": sort}).text))
    assert re.search(r"Big Zone .*? 3 enterprises", text)
    assert re.search(r"Small Zone .*? 1 enterprise\b", text)


def test_the_compare_button_comes_after_the_boxes_it_sends(client, zones):
    html = client.get(ZONES).text
    last_box = html.rindex('<input type="checkbox" name="zones"')
    button = html.index("Compare selected zones")
    assert html.index("Tick two to four zones") < last_box < button < html.index("</form>", button)
