"""Link suggestions on the June 20 release: every record it names and does not link."""

import pytest
from django.urls import reverse

from news import demo, links
from news.links import suggest_links, suggest_links_for
from portal.search import registry
from tests.factories import EnterpriseFactory, InstitutionFactory, ReleaseFactory, ZoneFactory
from zones.models import ZoneAlias

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlinked_release(demo):
    """The June 20 text in a new release that links nothing yet."""
    return ReleaseFactory(body_en=demo.body_en)


def suggested(release) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for suggestion in suggest_links_for(release):
        found.setdefault(suggestion.field, set()).add(suggestion.record.slug)
    return found


def test_the_june_20_text_names_four_zones_two_enterprises_three_institutions_and_the_committee(
    unlinked_release,
):
    found = suggested(unlinked_release)
    assert found["zones"] == {z["slug"] for z in demo.ZONES}
    assert found["enterprises"] == {"allychem", "dalian-sanhuan-composite-material"}
    assert found["institutions"] == {i["slug"] for i in demo.INSTITUTIONS}
    assert "china-germany-shenyang-innovation-committee" in found["platforms"]


def test_linked_records_are_not_suggested(demo):
    assert suggest_links_for(demo) == []


def test_a_name_inside_a_longer_word_or_name_is_not_suggested(unlinked_release):
    zone = ZoneFactory()
    EnterpriseFactory(name_en="Allyche", slug="allyche", zone=zone)  # "Allychem" is longer
    EnterpriseFactory(name_en="Sanhuan", slug="sanhuan", zone=zone)  # inside "Dalian Sanhuan …"
    InstitutionFactory(name_en="Tianjin Uni", slug="tianjin-uni")
    found = suggested(unlinked_release)
    assert "allyche" not in found["enterprises"]
    assert "sanhuan" not in found["enterprises"]
    assert "tianjin-uni" not in found["institutions"]


def test_a_chinese_name_is_found_in_a_chinese_body(demo):
    release = ReleaseFactory(body_en="", body_zh_hans="<p>大连理工大学与企业签订了技术合同。</p>")
    assert suggested(release) == {"institutions": {"dalian-university-of-technology"}}


def test_the_release_form_offers_one_click_links(editor_client, unlinked_release):
    url = reverse("admin:news_release_change", args=[unlinked_release.pk])
    page = editor_client.get(url).content.decode()
    assert "Named in the body but not linked yet" in page
    assert 'data-link-field="institutions"' in page
    assert "portal/link_suggestions.js" in page


def test_a_suggestion_says_the_name_as_the_body_writes_it_whole(db, monkeypatch):
    EnterpriseFactory(name_en="Liaobin Marine Equipment Co., Ltd.", slug="liaobin-marine")
    release = ReleaseFactory(body_en="<p>Liaobin Marine Equipment Co., Ltd. delivered.</p>")
    every_form = links.names
    # The name's forms, its shortest first: a set gives them in no fixed order.
    monkeypatch.setattr(links, "names", lambda *args: sorted(every_form(*args), key=len))
    [suggestion] = suggest_links_for(release)
    assert suggestion.found == "Liaobin Marine Equipment Co., Ltd."


def test_a_name_written_in_traditional_characters_is_found(db):
    InstitutionFactory(name_en="", name_zh_hans="营口理工学院", slug="yingkou-institute")
    release = ReleaseFactory(body_en="", body_zh_hans="<p>與營口理工學院簽約。</p>")
    [suggestion] = suggest_links_for(release)
    assert (suggestion.record.slug, suggestion.found) == ("yingkou-institute", "營口理工學院")


def test_a_body_without_text_is_answered_without_reading_any_record(db, django_assert_num_queries):
    EnterpriseFactory.create_batch(3)
    with django_assert_num_queries(0):
        assert suggest_links(["<p> </p>", ""]) == []


def test_once_the_names_are_known_only_the_records_a_body_may_name_are_read(db, monkeypatch):
    zone = ZoneFactory(name_en="Dalian Jinpu New Area")
    EnterpriseFactory.create_batch(20, zone=zone)
    allychem = EnterpriseFactory(name_en="Allychem", slug="allychem", zone=zone)
    assert suggest_links(["<p>Nothing named.</p>"]) == []
    read = []
    every_name = links.names

    def names(record, declared):
        read.append(record)
        return every_name(record, declared)

    monkeypatch.setattr(links, "names", names)
    [suggestion] = suggest_links(["<p>Allychem signed.</p>"])
    assert suggestion.record == allychem
    assert read == [allychem]


def test_a_record_renamed_after_the_names_were_read_is_found_by_its_new_name(db):
    institution = InstitutionFactory(name_en="Yingkou Institute of Technology")
    body = ["<p>Liaoning Institute of Science and Technology signed.</p>"]
    assert suggest_links(body) == []
    institution.name_en = "Liaoning Institute of Science and Technology"
    institution.save()
    assert [s.record for s in suggest_links(body)] == [institution]


def test_a_record_added_after_the_names_were_read_is_found(db):
    body = ["<p>Shenyang Blower Works signed.</p>"]
    assert suggest_links(body) == []
    enterprise = EnterpriseFactory(name_en="Shenyang Blower Works")
    assert [s.record for s in suggest_links(body)] == [enterprise]


def test_a_zones_other_name_is_found_from_when_it_is_added_until_it_is_removed(db):
    zone = ZoneFactory(name_en="Yingkou Economic and Technological Development Zone")
    body = ["<p>Bayuquan signed.</p>"]
    assert suggest_links(body) == []
    ZoneAlias.objects.create(zone=zone, name="Bayuquan")
    assert [s.record for s in suggest_links(body)] == [zone]
    zone.aliases.all().delete()
    assert suggest_links(body) == []


def test_every_model_that_holds_the_names_looked_for_is_watched_for_changes():
    holding_names = set()
    for _field, model in links.LINK_FIELDS:
        holding_names |= {model, registry.for_model(model).other_names_model} - {None}
    assert set(links.NAME_SOURCES) == holding_names
