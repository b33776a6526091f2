"""What a visitor finds with the search box: each kind of query, ranking, and bad input."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from portal.publishing.models import Status
from portal.search import queries, text
from portal.search.backends import base, postgresql, sqlite
from portal.search.models import SearchEntry, SearchTerm
from portal.search.queries import filter_queryset, search, suggest
from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    ReleaseFactory,
    ZoneFactory,
)
from zones.models import Enterprise, Institution, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def titles(q: str, kind: str | None = None) -> list[str]:
    return [result.title for result in search(q, kind)[0:20]]


def first(q: str):
    results = search(q)[0:1]
    assert results, f"nothing found for {q!r}"
    return results[0]


def tune_backends(monkeypatch, **limits: int) -> None:
    """Set limits of the backends (base.RANK_WINDOW, ...) in every backend module using them."""
    for module in (base, sqlite, postgresql):
        for name, value in limits.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, value)


@pytest.fixture
def zones(demo):
    return {zone.slug: zone for zone in Zone.objects.all()}


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("沈阳", "shenyang-etdz"),
        ("大连", "dalian-puwan"),
        ("盘锦", "panjin-liaobin"),
        ("普湾", "dalian-puwan"),
        ("沈阳经开区", "shenyang-etdz"),
        ("辽滨经开区", "panjin-liaobin"),
    ],
)
def test_chinese_without_spaces_finds_the_zone(zones, q, slug):
    found = [result.entry.slug for result in search(q, "zone")[0:10]]
    assert found[0] == slug


def test_two_chinese_characters_also_find_the_institutions_in_that_city(demo):
    found = titles("大连", "institution")
    assert "Dalian University of Technology" in found
    assert (
        "Dalian Institute of Chemical Physics, Chinese Academy of Sciences" in found
        or len(found) == Institution.objects.filter(name_zh_hans__contains="大连").count()
    )


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("shenyang", "shenyang-etdz"),
        ("panjin", "panjin-liaobin"),
        ("dalian puwan", "dalian-puwan"),
        ("liaobin", "panjin-liaobin"),
    ],
)
def test_pinyin_finds_the_zone(zones, q, slug):
    assert first(q).entry.slug == slug


@pytest.mark.parametrize("q", ["hengtai", "heng tai", "HengTai", "héngtài", "heng2tai4"])
def test_pinyin_with_or_without_spaces_and_tones_finds_a_chinese_only_name(db, q):
    EnterpriseFactory(name_en="", name_zh_hans="恒泰装备制造有限公司")
    assert titles(q) == ["恒泰装备制造有限公司"]


def test_a_chinese_only_name_holding_a_place_is_found_by_the_places_pinyin(db):
    EnterpriseFactory(name_en="", name_zh_hans="朝阳恒泰装备制造有限公司")
    assert titles("chaoyang hengtai") == ["朝阳恒泰装备制造有限公司"]


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("瀋陽", "shenyang-etdz"),
        ("大連", "dalian-puwan"),
        ("盤錦", "panjin-liaobin"),
        ("遼濱經開區", "panjin-liaobin"),
    ],
)
def test_traditional_characters_find_the_zone_written_in_simplified_ones(zones, q, slug):
    assert [result.entry.slug for result in search(q, "zone")[0:10]][0] == slug


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("沈阳市", "shenyang-etdz"),
        ("大连市", "dalian-puwan"),
        ("辽宁省盘锦市", "panjin-liaobin"),
        ("辽宁省 盘锦市", "panjin-liaobin"),
    ],
)
def test_a_city_or_the_province_written_with_its_division_finds_the_zone(zones, q, slug):
    assert [result.entry.slug for result in search(q, "zone")[0:10]][0] == slug


def test_a_name_after_a_city_and_its_division_is_found_by_the_name_and_the_city(db):
    EnterpriseFactory(name_en="", name_zh_hans="沈阳恒泰装备制造有限公司")
    EnterpriseFactory(name_en="", name_zh_hans="大连恒泰装备制造有限公司")
    assert titles("沈阳市恒泰") == ["沈阳恒泰装备制造有限公司"]
    assert titles("辽宁省大连市恒泰装备") == ["大连恒泰装备制造有限公司"]


@pytest.mark.parametrize("q", ["沈阳恒泰", "瀋陽恆泰", "shenyang hengtai"])
def test_a_name_written_in_traditional_characters_is_found_in_either_script(db, q):
    EnterpriseFactory(name_en="", name_zh_hans="瀋陽恆泰裝備製造有限公司")
    assert titles(q) == ["瀋陽恆泰裝備製造有限公司"]


def test_a_traditional_character_without_a_simplified_form_here_stays_a_character(db):
    # OpenCC writes 鋐 as 𬭎, outside the blocks read as Chinese: it would become a space.
    EnterpriseFactory(name_en="", name_zh_hans="大連鋐泰科技")
    EnterpriseFactory(name_en="", name_zh_hans="瀋陽恆泰重工")
    assert titles("鋐泰") == ["大連鋐泰科技"]
    assert titles("dalian hongtai") == ["大連鋐泰科技"]


def test_pinyin_is_read_from_the_characters_as_written(db):
    # 乾 is also the traditional form of 干 (gān), but in 乾元 it is qián.
    EnterpriseFactory(name_en="", name_zh_hans="乾元精细化工")
    assert titles("qianyuan") == ["乾元精细化工"]
    assert titles("乾元") == ["乾元精细化工"]
    assert titles("ganyuan") == []


def test_the_extract_marks_the_query_however_the_text_writes_it(client, db):
    EnterpriseFactory(
        name_en="Hengtai", name_zh_hans="恒泰", summary_zh_hans="總部設在瀋陽，分廠在沈阳。"
    )
    response = client.get("/zh-hans/search/", {"q": "沈阳"})
    assert "總部設在<mark>瀋陽</mark>，分廠在<mark>沈阳</mark>。" in response.content.decode()


@pytest.mark.parametrize(
    "q, marked",
    [
        ("cafe", "a <mark>Café</mark> in"),
        ("café", "a <mark>Café</mark> in"),
        ("abc", "<mark>ＡＢＣ</mark> hall"),
        ("fire", "<mark>ﬁre</mark> safety"),
        ("strasse", "<mark>Straße</mark> 5"),
    ],
)
def test_the_extract_marks_a_latin_word_however_the_text_writes_it(client, db, q, marked):
    EnterpriseFactory(
        name_en="Tieling Works",
        summary_en=" ".join(["Founded in Tieling."] * 20)
        + " It runs a Café in the ＡＢＣ hall, teaches ﬁre safety and sits on Haupt Straße 5.",
    )
    page = client.get("/en/search/", {"q": q}).content.decode()
    assert marked in page


@pytest.mark.parametrize("q", ["strasse", "Straße", "STRASSE"])
def test_a_letter_such_as_eszett_is_spelt_out_not_a_word_break(db, q):
    EnterpriseFactory(name_en="Großmann Straße Logistics")
    EnterpriseFactory(name_en="Strand Electric")  # "stra" and "e" matched it before

    assert titles(q) == ["Großmann Straße Logistics"]
    assert titles("grossmann") == ["Großmann Straße Logistics"]


def test_a_query_of_spaces_alone_is_the_empty_search_page(client, db):
    empty = client.get("/en/search/", {"q": ""})
    for spaces in ("  ", "\u3000"):
        response = client.get("/en/search/", {"q": spaces})
        assert response.status_code == 200
        assert response.context["q"] == ""
        assert "Nothing matches" not in response.content.decode()
        assert response.context["results"].counts == empty.context["results"].counts


def test_suggestions_complete_a_name_begun_in_traditional_characters(demo):
    groups = {kind: results for kind, _, results in suggest("瀋陽經")}
    assert groups["zone"][0].title == "Shenyang Economic and Technological Development Zone"


def test_the_migration_reads_the_traditional_characters_of_earlier_entries(db):
    enterprise = EnterpriseFactory(name_en="", name_zh_hans="瀋陽恆泰有限公司")
    written = {
        "names": "瀋陽 陽恆 恆泰 泰有 有限 限公 公司 司",
        "name_keys": "\n瀋陽恆泰有限公司\n",
    }
    SearchEntry.objects.filter(object_id=enterprise.pk, kind="enterprise").update(**written)
    assert titles("沈阳恒泰") == []

    migration = importlib.import_module("portal.search.migrations.0008_simplified_characters")
    migration.simplify(apps, None)

    assert titles("沈阳恒泰") == ["瀋陽恆泰有限公司"]


def test_a_city_in_chinese_finds_a_record_named_in_english_only(db):
    EnterpriseFactory(name_en="Dalian Sanhuan Composite Material Co., Ltd.", name_zh_hans="")

    assert titles("大连") == ["Dalian Sanhuan Composite Material Co., Ltd."]
    assert titles("大連") == ["Dalian Sanhuan Composite Material Co., Ltd."]
    assert first("大连").matched_on == "name"
    # Its characters written apart, as a pinyin name can be ("shen yang").
    assert titles("大 连") == ["Dalian Sanhuan Composite Material Co., Ltd."]
    assert titles("大 连 sanhuan") == ["Dalian Sanhuan Composite Material Co., Ltd."]


def test_other_chinese_words_do_not_find_their_homophones_in_english(db):
    EnterpriseFactory(name_en="Dalian Zhongxin Port Logistics Co., Ltd.", name_zh_hans="")
    EnterpriseFactory(name_en="Jinzhou Hetong New Energy", name_zh_hans="锦州和通新能源")

    assert titles("中心") == []  # zhōngxīn, "centre"
    assert titles("金州") == []  # Jinzhou District of Dalian, not 锦州


def test_the_extract_marks_the_pinyin_a_chinese_query_found(client, db):
    EnterpriseFactory(name_en="Harbour Cranes", summary_en="A crane maker based in Dalian.")
    response = client.get("/zh-hans/search/", {"q": "大连"})
    assert "A crane maker based in <mark>Dalian</mark>." in response.content.decode()


def test_pinyin_match_is_named(db):
    EnterpriseFactory(name_en="", name_zh_hans="恒泰装备制造有限公司")
    assert first("hengtai").matched_on == "pinyin"


@pytest.mark.parametrize("q", ["equip", "EQUIPMENT", "Equipment Manufacturing"])
def test_english_any_case_with_prefix_matching(demo, q):
    assert any("Equipment Manufacturing" in title for title in titles(q))


def test_a_word_given_twice_counts_once(demo):
    query = text.parse("Shenyang shenyang SHENYANG 沈阳 沈阳 zone")
    assert [term.text for term in query.terms] == ["shenyang", "沈阳", "zone"]
    found = titles("shenyang zone")
    assert "Shenyang Economic and Technological Development Zone" in found
    assert titles("shenyang shenyang zone") == found
    # Repeats do not use up the words a query may have.
    assert len(text.parse("a " * 20 + "b c").terms) == 3


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("Shenyag", "Shenyang Economic and Technological Development Zone"),
        ("Allychen", "Allychem Co., Ltd."),
        ("allychem", "Allychem Co., Ltd."),
        ("Tianjn University", "Tianjin University"),
    ],
)
def test_misspelt_names_find_the_intended_record(demo, q, title):
    assert first(q).title == title


def test_a_misspelling_offers_the_corrected_query(demo):
    results = search("Tianjn University")
    # Written as the visitor wrote it, but for the corrected word.
    assert results.did_you_mean() == "Tianjin University"
    assert first("Tianjn University").matched_on == "corrected spelling"


@pytest.mark.parametrize(
    ("q", "meant", "found"),
    [
        ("Dalian Universty", "Dalian University", "Dalian University of Technology"),
        (
            "Shenyang Economic and Technological Develpment Zone",
            "Shenyang Economic and Technological Development Zone",
            "Shenyang Economic and Technological Development Zone",
        ),
    ],
)
def test_a_word_spelt_right_is_kept_when_another_is_corrected(demo, q, meant, found):
    # Words one letter from the place names, which a correction of them would find instead.
    EnterpriseFactory(name_en="Datian Pumps Co., Ltd.")
    EnterpriseFactory(name_en="Shengan Valves Co., Ltd.")

    results = search(q)

    assert results.did_you_mean() == meant
    assert found in [result.title for result in results[0:5]]
    assert "Datian Pumps Co., Ltd." not in [result.title for result in results[0:20]]


def test_a_misspelling_some_text_holds_is_still_corrected_beside_another_word(db):
    EnterpriseFactory(name_en="Dalian University of Technology")
    ReleaseFactory(body_en="<p>A universty and a port.</p>")

    results = search("dalian universty")

    assert results.did_you_mean() == "dalian university"
    assert "Dalian University of Technology" in [result.title for result in results[0:5]]


def test_a_word_spelt_right_beside_a_chinese_word_is_not_corrected(client, db):
    ReleaseFactory(
        title_en="Port agreement signed",
        summary_en="The ports of two cities work together.",
        body_en="<p>Dalian and Shenyang sign a port agreement.</p>",
        body_zh_hans="<p>大连与沈阳签署港口协议。</p>",
    )
    EnterpriseFactory(name_en="Dalian Shengyong Valves Co., Ltd.", name_zh_hans="大连盛永阀门")
    EnterpriseFactory(name_en="Dalian Shengan Pumps Co., Ltd.", name_zh_hans="大连盛安水泵")

    content = client.get(reverse("search"), {"q": "大连 shenyang"}).content.decode()

    assert "Port agreement signed" in content
    assert "Shengyong" not in content
    assert "Shengan" not in content
    assert "corrected spelling" not in content


@pytest.mark.parametrize("q", ["shen yang", "Shěn Yáng", "SHEN YANG"])
def test_pinyin_written_apart_finds_what_it_finds_written_together(db, q):
    EnterpriseFactory(name_en="Shenyang Tiexi Business Day in Germany")
    EnterpriseFactory(name_en="Shenyang Valves", name_zh_hans="沈阳阀门有限公司")
    EnterpriseFactory(
        name_en="Chaoyang Kaisheng New Energy Co., Ltd.", name_zh_hans="朝阳凯盛新能源有限公司"
    )

    assert sorted(titles(q)) == sorted(titles("shenyang"))
    assert "Shenyang Tiexi Business Day in Germany" in titles(q)
    assert "Chaoyang Kaisheng New Energy Co., Ltd." not in titles(q)


@pytest.mark.parametrize(
    ("q", "name"),
    [("xi an", "西安化工"), ("Xi'an", "西安化工"), ("qian an", "乾安精细化工")],
)
def test_syllables_written_apart_are_read_as_written(db, q, name):
    EnterpriseFactory(name_en="", name_zh_hans=name)
    EnterpriseFactory(name_en="", name_zh_hans="先锋化工")  # xiān: "xian" as one syllable
    EnterpriseFactory(name_en="", name_zh_hans="恰南化工")  # qià nán: "qianan" cut otherwise
    assert titles(q) == [name]


@pytest.mark.parametrize("names", [("Hengjin", "Hengxin"), ("Hengxin", "Hengjin")])
def test_of_two_words_as_close_to_a_misspelling_either_is_offered_the_same(db, names):
    for name in names:
        EnterpriseFactory(name_en=f"{name} Tools Co., Ltd.")
    assert search("hengnin").did_you_mean() == "hengjin"


def test_a_word_too_unlike_a_misspelling_by_trigrams_is_offered_by_neither_database(db):
    """Two edits from `abcdefgh`, but sharing few of its trigrams (0.2): PostgreSQL's trigram
    match does not offer it, and SQLite's, which would, does not either."""
    EnterpriseFactory(name_en="Abxdefxh Tools Co., Ltd.")
    assert search("abcdefgh").did_you_mean() == ""
    assert search("abxdefgh").did_you_mean() == "abxdefxh"


def test_a_correct_spelling_offers_no_correction(demo):
    assert search("Tianjin University").did_you_mean() == ""


def test_former_names_find_the_zone(demo):
    result = first("辽宁建平经济开发区")
    assert result.entry.slug == "chaoyang-jianping"
    assert result.matched_on == "former or other name"


def test_a_new_alias_finds_the_zone(db):
    zone = ZoneFactory(name_en="Hunnan Zone")
    zone.aliases.create(name="Shenyang High-tech Zone", kind="former")
    assert titles("high-tech") == ["Hunnan Zone"]


# Ranking


def test_an_exact_match_ranks_above_a_corrected_one(db):
    EnterpriseFactory(name_en="Shenyang Precision Tools")
    EnterpriseFactory(name_en="Northern Trading", summary_en="Sells to Shenyag Trading.")
    assert titles("shenyag") == ["Northern Trading", "Shenyang Precision Tools"]


def test_a_query_that_finds_a_name_as_typed_is_not_padded_with_corrected_spellings(db):
    ZoneFactory(name_en="Chaoyang Jianping Economic Development Zone")
    EnterpriseFactory(name_en="Dalian Jiaming New Energy")
    EnterpriseFactory(name_en="Panjin Tianming New Materials")
    results = search("jianping")
    assert [r.title for r in results[0:20]] == ["Chaoyang Jianping Economic Development Zone"]
    assert results.count() == 1
    assert titles("jianpnig") != []  # a misspelling still finds what it meant


@pytest.mark.parametrize("q", ["shenyang", "沈阳"])
def test_a_zone_then_an_institution_named_after_a_place_rank_above_its_enterprises(db, q):
    for n in range(3):
        EnterpriseFactory(name_en=f"Shenyang {n} Co.", name_zh_hans=f"沈阳{n}公司")
    InstitutionFactory(
        name_en="Institute of Metal Research, Shenyang", name_zh_hans="沈阳金属研究所"
    )
    ZoneFactory(
        name_en="Shenyang Economic and Technological Development Zone",
        name_zh_hans="沈阳经济技术开发区",
    )
    found = titles(q)
    assert found[:2] == [
        "Shenyang Economic and Technological Development Zone",
        "Institute of Metal Research, Shenyang",
    ]
    assert len(found) == 5


@pytest.mark.parametrize("q", ["dalian", "dalia"])
def test_pinyin_whose_last_syllable_starts_a_longer_one_finds_both(db, q):
    EnterpriseFactory(name_en="Harbour Tools", name_zh_hans="大连港工具")
    EnterpriseFactory(name_en="Girder Tools", name_zh_hans="大梁工具")
    assert set(titles(q)) == {"Harbour Tools", "Girder Tools"}


def test_a_name_match_ranks_above_a_text_match(db):
    EnterpriseFactory(name_en="Northern Trading", summary_en="Sells boilers to Liaoning.")
    EnterpriseFactory(name_en="Liaoning Boilers")
    assert titles("boilers") == ["Liaoning Boilers", "Northern Trading"]


def test_a_name_that_starts_with_the_query_ranks_above_one_that_contains_it(db):
    InstitutionFactory(name_en="Northeastern Tianjin Institute")
    InstitutionFactory(name_en="Tianjin University")
    assert titles("tianjin")[0] == "Tianjin University"


@pytest.fixture
def named_and_pinyin_matches(db):
    """Enterprises named with a brand, and shorter names that match the brand's pinyin only
    across their words (和佳新能源: he-jia-xin-neng-yuan) or by a longer last syllable."""
    EnterpriseFactory(name_en="Dalian Hejia New Energy Co., Ltd.", name_zh_hans="大连和佳新能源")
    EnterpriseFactory(
        name_en="Shenyang Jiaxin Equipment Manufacturing Co., Ltd.",
        name_zh_hans="沈阳嘉信装备制造有限公司",
    )
    EnterpriseFactory(name_en="Dalian Tianheng Co., Ltd.", name_zh_hans="大连天恒")
    EnterpriseFactory(
        name_en="Panjin Tianhe Fine Chemicals Co., Ltd.", name_zh_hans="盘锦天和精细化工有限公司"
    )


@pytest.mark.parametrize(
    ("q", "named"),
    [
        ("jiaxin", "Shenyang Jiaxin Equipment Manufacturing Co., Ltd."),
        ("tianhe", "Panjin Tianhe Fine Chemicals Co., Ltd."),
    ],
)
def test_a_name_holding_the_words_ranks_above_one_matching_their_pinyin_only(
    named_and_pinyin_matches, q, named
):
    found = titles(q, "enterprise")
    assert len(found) == 2
    assert found[0] == named


@pytest.mark.parametrize(
    ("q", "named"),
    [
        ("jiaxin", "Shenyang Jiaxin Equipment Manufacturing Co., Ltd."),
        ("tianhe", "Panjin Tianhe Fine Chemicals Co., Ltd."),
    ],
)
def test_suggestions_put_a_name_holding_the_words_first(named_and_pinyin_matches, q, named):
    groups = {kind: results for kind, _, results in suggest(q)}
    assert groups["enterprise"][0].title == named


@pytest.mark.parametrize("probe_factor", [1, 20])
@pytest.mark.parametrize(
    ("q", "named", "newer"),
    [
        ("panjin new energy", "Panjin New Energy Co., Ltd.", "Panjin Hejia New Energy Co. {n}"),
        ("jiaxin", "Jiaxin Co., Ltd.", "Hejia New Energy {n}"),
    ],
)
def test_suggestions_keep_an_older_name_holding_the_query_among_many_newer_matches(
    db, monkeypatch, probe_factor, q, named, newer
):
    # PostgreSQL reads the newest names first, then every match when they hold too few.
    tune_backends(monkeypatch, SUGGESTION_CANDIDATES=3, PROBE_FACTOR=probe_factor)
    EnterpriseFactory(name_en=named)
    for n in range(6):
        EnterpriseFactory(name_en=newer.format(n=n), name_zh_hans=f"和佳新能源{n}")
    groups = {kind: results for kind, _, results in suggest(q)}
    assert groups["enterprise"][0].title == named
    assert titles(q, "enterprise")[0] == named


def test_newer_releases_rank_above_older_ones_at_equal_relevance(db):
    now = timezone.now()
    for days, slug in ((30, "older"), (1, "newer"), (10, "middle")):
        ReleaseFactory(
            title_en="Port logistics report",
            slug=slug,
            published_at=now - datetime.timedelta(days=days),
        )
    assert [r.entry.slug for r in search("logistics")[0:3]] == ["newer", "middle", "older"]


# The page


def test_search_page_counts_results_per_type_and_filters_by_type(client, demo):
    response = client.get(reverse("search"), {"q": "大连"})
    assert response.status_code == 200
    counts = {kind: count for kind, _, count in response.context["results"].count_by_kind()}
    assert counts["zone"] == 1
    assert counts["institution"] == 2
    response = client.get(reverse("search"), {"q": "大连", "type": "institution"})
    assert [r.kind for r in response.context["page_obj"]] == ["institution", "institution"]


def test_an_unknown_kind_is_named_on_the_page_and_every_kind_is_shown(client, demo):
    response = client.get(reverse("search"), {"q": "大连", "type": "policy<b>"})
    assert response.status_code == 200
    assert "“policy&lt;b&gt;” is not a kind of result; every kind is shown." in response.text
    counts = {kind: count for kind, _, count in response.context["results"].count_by_kind()}
    assert counts["zone"] == 1 and counts["institution"] == 2


def test_search_page_paginates(client, db):
    for n in range(25):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}")
    response = client.get(reverse("search"), {"q": "harbour", "page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 5


def test_the_page_links_keep_the_query_and_the_kind_and_nothing_else(client, db):
    for n in range(45):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}")
    response = client.get(
        reverse("search"), {"q": "harbour crane", "type": "enterprise", "page": 2, "utm": "x"}
    )
    text = response.text
    assert 'rel="prev" href="?q=harbour+crane&amp;type=enterprise&amp;page=1"' in text
    assert 'rel="next" href="?q=harbour+crane&amp;type=enterprise&amp;page=3"' in text


def test_an_extract_starts_and_ends_between_words():
    words = " ".join(f"word{n:03d}" for n in range(200))
    pattern = re.compile(r"\bword100", re.IGNORECASE)

    extract = str(queries.snippet(words, pattern))

    assert extract.startswith("… word") and extract.endswith(" …")
    inner = extract.removeprefix("… ").removesuffix(" …")
    assert all(re.fullmatch(r"(<mark>)?word\d{3}(</mark>)?", word) for word in inner.split())


def test_snippets_are_escaped_except_the_highlight(client, db):
    EnterpriseFactory(name_en="Bolt Works", summary_en="<script>alert(1)</script> bolts & nuts")
    response = client.get(reverse("search"), {"q": "bolts"})
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>bolts</mark> &amp; nuts" in content


def test_search_page_offers_did_you_mean_with_a_link(client, demo):
    response = client.get(reverse("search"), {"q": "Tianjn University"})
    content = response.content.decode()
    assert (
        'Did you mean <a href="?q=Tianjin+University&amp;type=">Tianjin University</a>?' in content
    )


def test_results_link_to_the_page_in_the_current_language(client, demo):
    response = client.get("/zh-hans/search/", {"q": "盘锦"})
    result = response.context["page_obj"][0]
    assert result.url == "/zh-hans/zones/panjin-liaobin/"
    assert result.title == "盘锦辽滨沿海经济技术开发区"
    assert '<p class="search-result-kind">开发区</p>' in response.content.decode()


def test_suggestions_are_json_grouped_by_type(client, demo):
    response = client.get(reverse("search_suggestions"), {"q": "dalian"})
    data = response.json()
    groups = {group["type"]: group for group in data["groups"]}
    assert groups["zone"]["items"][0]["title"] == "Dalian Puwan Economic Zone"
    assert {item["title"] for item in groups["institution"]["items"]} >= {
        "Dalian University of Technology"
    }


def test_suggestions_say_how_many_there_are_in_the_page_language(client, demo):
    data = client.get("/en/search/suggest/", {"q": "dalian"}).json()
    count = sum(len(group["items"]) for group in data["groups"])
    assert count > 1
    assert data["status"] == f"{count} suggestions"
    assert client.get("/zh-hans/search/suggest/", {"q": "dalian"}).json()["status"] == (
        f"{count} 条建议"
    )
    assert client.get("/en/search/suggest/", {"q": "qqqqzzzz"}).json()["status"] == "No suggestions"


def test_suggestions_complete_a_partly_typed_word(demo):
    groups = {kind: results for kind, _, results in suggest("shenya")}
    assert groups["zone"][0].title == "Shenyang Economic and Technological Development Zone"


def test_suggestions_correct_spelling_when_nothing_matches(demo):
    groups = {kind: results for kind, _, results in suggest("allychen")}
    assert groups["enterprise"][0].title == "Allychem Co., Ltd."


def test_header_has_a_search_box_that_works_without_javascript(client, demo):
    content = client.get("/en/").content.decode()
    assert 'action="/en/search/"' in content
    assert 'name="q"' in content


# Visibility


def test_unpublished_and_scheduled_records_are_not_found(db):
    EnterpriseFactory(name_en="Draft Widgets", status="draft")
    EnterpriseFactory(
        name_en="Scheduled Widgets", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    EnterpriseFactory(name_en="Public Widgets")
    assert titles("widgets") == ["Public Widgets"]


def test_a_scheduled_record_appears_at_its_time_without_reindexing(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    EnterpriseFactory(
        name_en="Scheduled Widgets", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert titles("widgets") == []
    time_machine.shift(datetime.timedelta(hours=2))
    assert titles("widgets") == ["Scheduled Widgets"]


# Bad queries

BAD_QUERIES = [
    "",
    "   ",
    "!!!",
    "。，、",
    '"',
    '"unbalanced',
    "*",
    "equip*",
    "NEAR(a b)",
    "NEAR(",
    "-shenyang",
    "^shenyang",
    "names: shenyang",
    "{names}: x",
    "a OR b AND NOT c",
    "'; DROP TABLE zones_zone; --",
    "1' OR '1'='1",
    "x" * 10_000,
    "沈" * 10_000,
    "shen\x00yang",
    "\x00",
    "\ufffd",
    "%ff%fe",
    "\\",
    "():&|!<->",
    "'a':*",
]


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_give_a_normal_page(client, demo, q):
    response = client.get(reverse("search"), {"q": q, "page": "x"})
    assert response.status_code == 200
    response = client.get(reverse("search_suggestions"), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_never_raise_in_the_directory_filter(demo, q):
    list(filter_queryset(Enterprise.objects.published(), q))


def test_broken_utf8_in_the_query_string_gives_a_normal_page(client, demo):
    response = client.get("/en/search/?q=%ff%fe%c3%28&type=%00&page=%ff")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("沈阳", "Shenyang Economic and Technological Development Zone"),
        ("盘锦", "Liaobin Coastal Economic and Technological Development Zone of Panjin"),
        ("panjin", "Liaobin Coastal Economic and Technological Development Zone of Panjin"),
        ("Shenyag", "Shenyang Economic and Technological Development Zone"),
        ("allychem", "Allychem Co., Ltd."),
    ],
)
def test_the_demo_queries_put_the_right_record_first(client, demo, q, title):
    response = client.get(reverse("search"), {"q": q})
    assert response.context["page_obj"][0].title == title


def test_suggestions_follow_pinyin_as_it_is_typed(db):
    EnterpriseFactory(name_en="", name_zh_hans="恒泰装备制造有限公司")
    groups = {kind: results for kind, _, results in suggest("hengta")}
    assert [result.title for result in groups["enterprise"]] == ["恒泰装备制造有限公司"]


@pytest.mark.parametrize("typed", ["dalian puwan", "dalianpuwan", "shenyang jingkaiqu"])
def test_suggestions_follow_pinyin_as_it_is_typed_letter_by_letter(demo, typed):
    """Each letter typed, from the second syllable on: the start of the next syllable (`jingk`,
    `dalianpuw`) kept the list from going empty at every other keystroke."""
    start = len(typed.split()[0]) + 2 if " " in typed else len("dalianp")
    for end in range(start, len(typed) + 1):
        found = {result.url for _, _, results in suggest(typed[:end]) for result in results}
        assert any("/zones/" in url for url in found), typed[:end]


def test_the_start_of_a_syllable_is_not_read_as_pinyin_in_an_english_word():
    assert [term.pinyin for term in text.parse("tech shenyang").terms] == [
        None,
        ["shen", "yang"],
    ]
    assert text.parse("tech").terms[0].pinyin is None


def test_search_page_runs_the_same_number_of_queries_for_2_or_30_results(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("search"), {"q": "harbour"}).status_code == 200
        return len(captured)

    for n in range(2):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}")
    few = queries()
    for n in range(2, 30):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}")
    assert queries() == few


def test_pages_past_the_ranked_window_continue_without_repeats(client, db, monkeypatch):
    monkeypatch.setattr(queries, "RANK_WINDOW", 20)
    tune_backends(monkeypatch, RANK_WINDOW=20)
    for n in range(45):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}")
    seen = []
    for page in (1, 2, 3):
        response = client.get(reverse("search"), {"q": "harbour", "page": page})
        seen += [result.entry.id for result in response.context["page_obj"]]
    assert len(seen) == len(set(seen)) == 45


@pytest.fixture
def harbours(db):
    """Records named after harbours, and releases that only mention one, in mixed order."""
    for n in range(6):
        EnterpriseFactory(name_en=f"Harbour Crane Works {n}", zone__name_en=f"Harbour Zone {n}")
        ReleaseFactory(title_en=f"Port news {n}", body_en="<p>The harbour cranes</p>")
        ReleaseFactory(title_en=f"Harbour report {n}")


def test_results_keep_their_order_when_the_matches_pass_the_count_cap(harbours, monkeypatch):
    def pages(q: str) -> list[list[int]]:
        results = search(q)
        return [[result.entry.id for result in results[n : n + 4]] for n in range(0, 24, 4)]

    monkeypatch.setattr(queries, "RANK_WINDOW", 8)
    tune_backends(monkeypatch, RANK_WINDOW=8)
    expected = {q: pages(q) for q in ("harbour", "harbor cranes", "hrbour")}
    # Past the cap, PostgreSQL reads the newest records first, and here only a few of them.
    tune_backends(monkeypatch, COUNT_CAP=3, PROBE_FACTOR=1)
    assert {q: pages(q) for q in expected} == expected


def test_suggestions_are_the_same_however_few_names_are_read_first(harbours, monkeypatch):
    def suggested(q: str) -> list[tuple[str, list[int]]]:
        return [(kind, [result.entry.id for result in items]) for kind, _, items in suggest(q)]

    tune_backends(monkeypatch, SUGGESTION_CANDIDATES=3)
    expected = {q: suggested(q) for q in ("harbour", "harb", "hrbour")}
    tune_backends(monkeypatch, PROBE_FACTOR=1)
    assert {q: suggested(q) for q in expected} == expected


def test_many_scheduled_records_are_still_hidden(db, monkeypatch):
    tune_backends(monkeypatch, MAX_HIDDEN_LISTED=1)
    for n in range(3):
        EnterpriseFactory(
            name_en=f"Scheduled Widgets {n}",
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
    EnterpriseFactory(name_en="Public Widgets")
    assert titles("widgets") == ["Public Widgets"]


# Only what is public now is offered


def test_a_misspelling_is_corrected_only_to_a_word_of_a_public_record(client, db, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    # One edit away from the query, in a scheduled release; two edits away, in a public one.
    ReleaseFactory(title_en="Zarkovien report", published_at=now + datetime.timedelta(days=1))
    EnterpriseFactory(name_en="Zarkoveen Works")
    content = client.get(reverse("search"), {"q": "zarkovian"}).content.decode()
    assert "zarkovien" not in content.lower()
    assert 'Did you mean <a href="?q=zarkoveen' in content
    time_machine.move_to(now + datetime.timedelta(days=2), tick=False)
    content = client.get(reverse("search"), {"q": "zarkovian"}).content.decode()
    assert 'Did you mean <a href="?q=zarkovien' in content


@pytest.mark.parametrize("gone", ["unpublished", "archived", "deleted"])
def test_a_record_that_goes_takes_its_words_out_of_did_you_mean_at_once(client, db, gone):
    release = ReleaseFactory(title_en="Quillbrook report")
    content = client.get(reverse("search"), {"q": "quilbrook"}).content.decode()
    assert 'Did you mean <a href="?q=quillbrook' in content
    if gone == "deleted":
        release.delete()
    else:
        release.status = Status.DRAFT if gone == "unpublished" else Status.ARCHIVED
        release.save()
    response = client.get(reverse("search"), {"q": "quilbrook"})
    assert response.context["did_you_mean"] == ""
    assert "quillbrook" not in response.content.decode().lower()
    assert not SearchTerm.objects.filter(term="quillbrook").exists()


def test_the_pinyin_syllables_are_those_of_pypinyin():
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {
        to_normal(reading).replace("ü", "v")
        for value in pinyin_dict.values()
        for reading in value.split(",")
    }
    assert text.syllables() == {s for s in readings if s.isascii() and s.isalpha()}


def test_a_result_without_a_chinese_title_is_marked_as_english_on_a_chinese_page(client, db):
    ReleaseFactory(title_en="Harbour report", title_zh_hans="", body_en="<p>Cranes.</p>")
    ZoneFactory(name_en="Harbour Zone", name_zh_hans="海港开发区")

    page = client.get("/zh-hans/search/", {"q": "harbour"}).content.decode()
    assert re.search(r'<span class="untranslated"[^>]*><span lang="en">Harbour report</span>', page)
    assert ">海港开发区</a>" in page
    assert '<p class="search-snippet" lang="en">' in page

    groups = client.get("/zh-hans/search/suggest/", {"q": "harbour"}).json()["groups"]
    items = {item["title"]: item["lang"] for group in groups for item in group["items"]}
    assert items == {"Harbour report": "en", "海港开发区": None}
