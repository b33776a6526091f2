"""Link suggestions on the June 20 release: every record it names and does not link."""

import pytest
from django.urls import reverse

from news import demo, links
from news.links import suggest_links_for
from tests.factories import EnterpriseFactory, InstitutionFactory, ReleaseFactory, ZoneFactory

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
