"""The read-only API as a client sees it: what it lists, how it names things, pages, caching,
CORS and errors."""

import base64
import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from news.models import Indicator, Metric
from portal.publishing.models import Status
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    EventFactory,
    IndicatorFactory,
    InstitutionFactory,
    MetricFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    QualificationFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import Enterprise, LeadingIndustry

pytestmark = pytest.mark.django_db

API = "/api/v1"


def every_page(client, url: str, params: dict | None = None) -> list[dict]:
    """The results of every page, following `next`."""
    results = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results
        response = client.get(body["next"])


def test_dalian_puwans_figures_each_name_their_release_and_its_page(client, demo):
    zone = client.get(f"{API}/zones/dalian-puwan/").json()
    figures = zone["figures"]
    assert len(figures) == Indicator.objects.filter(zone__slug="dalian-puwan").count() > 0
    release_page = f"http://testserver{demo.get_absolute_url()}"
    for figure in figures:
        assert figure["source"]["page"]["en"] == release_page
        assert figure["source"]["page"]["zh-hans"] == release_page.replace("/en/", "/zh-hans/")
        assert figure["source"]["title"]["en"] == demo.title_en
        assert figure["source"]["date"] == "2024-06-20"
        assert set(figure) == {
            "zone",
            "park",
            "metric",
            "period",
            "unit",
            "qualifier",
            "value",
            "note",
            "source",
            "restated_in",
        }
    listed = every_page(client, f"{API}/figures/", {"zone": "dalian-puwan"})
    assert sorted(listed, key=str) == sorted(figures, key=str)


def test_a_figure_value_is_a_decimal_string_as_entered(client, db):
    IndicatorFactory(value="116.7000", year=2023)
    IndicatorFactory(value="0.1", year=None)
    figures = {f["value"]: f for f in client.get(f"{API}/figures/").json()["results"]}
    assert set(figures) == {"116.7", "0.1"}
    assert figures["116.7"]["period"] == {"year": 2023, "as_of": None}
    assert figures["0.1"]["period"]["year"] is None
    assert figures["0.1"]["period"]["as_of"] is not None


def test_a_zones_figures_come_in_the_profiles_order_whatever_the_language_asked(client, db):
    zone = ZoneFactory(slug="ordered")
    # In Chinese the profile goes by pinyin, 阿 (a) before 大 (da); a database by code point,
    # 大 (U+5927) before 阿 (U+963F).
    for name_en, name_zh in (("Beta output", "大产值"), ("Alpha exports", "阿出口")):
        metric = MetricFactory(name_en=name_en, name_zh_hans=name_zh)
        IndicatorFactory(zone=zone, metric=metric)
    profile = [
        figure.metric.name_en
        for figure in client.get("/zh-hans/zones/ordered/").context["indicators"]
    ]
    assert profile == ["Alpha exports", "Beta output"]
    for language in ("en", "zh-CN"):
        response = client.get(f"{API}/zones/ordered/", HTTP_ACCEPT_LANGUAGE=language)
        names = [figure["metric"]["name"]["en"] for figure in response.json()["figures"]]
        assert names == profile, language


def test_bilingual_values_are_null_where_a_language_is_missing_never_the_other(client, db):
    ZoneFactory(slug="only-english", name_en="Only English", name_zh_hans="")
    ZoneFactory(slug="only-chinese", name_en="", name_zh_hans="只有中文")
    names = {z["slug"]: z["name"] for z in client.get(f"{API}/zones/").json()["results"]}
    assert names["only-english"] == {"en": "Only English", "zh-hans": None}
    assert names["only-chinese"] == {"en": None, "zh-hans": "只有中文"}


def test_filtering_by_zone_and_qualification_gives_the_directory_pages_set(client, db):
    zones = [ZoneFactory() for _ in range(3)]
    qualifications = [QualificationFactory() for _ in range(3)]
    chance = random.Random(15)
    for _ in range(60):
        enterprise = EnterpriseFactory(zone=chance.choice(zones))
        for qualification in chance.sample(qualifications, chance.randint(0, 2)):
            EnterpriseQualificationFactory(enterprise=enterprise, qualification=qualification)
    EnterpriseFactory(zone=zones[0], status=Status.DRAFT)
    for params in (
        {"zone": zones[0].slug, "qualification": qualifications[0].slug},
        {"zone": [zones[0].slug, zones[1].slug], "qualification": qualifications[1].slug},
        {"qualification": [qualifications[0].slug, qualifications[2].slug]},
        {"q": Enterprise.objects.filter(zone=zones[2]).first().name_en, "zone": zones[2].slug},
    ):
        listing = client.get("/en/enterprises/", params).context["paginator"]
        on_page = {e.slug for number in listing.page_range for e in listing.page(number)}
        in_api = {e["slug"] for e in every_page(client, f"{API}/enterprises/", params)}
        assert in_api == on_page and on_page, params


def test_enterprises_page_by_cursor_in_slug_order_without_repeats(client, db):
    zone = ZoneFactory()
    for _ in range(12):
        EnterpriseFactory(zone=zone)
    results = every_page(client, f"{API}/enterprises/", {"page_size": 5})
    slugs = [e["slug"] for e in results]
    assert slugs == sorted(slugs) and len(slugs) == 12


def test_a_search_pages_by_number_best_match_first(client, db):
    zone = ZoneFactory()
    EnterpriseFactory(zone=zone, slug="b-named", name_en="Harbour Cranes Co.")
    EnterpriseFactory(zone=zone, slug="a-mentioned", name_en="Other Co.", summary_en="cranes")
    body = client.get(f"{API}/enterprises/", {"q": "cranes"}).json()
    assert [e["slug"] for e in body["results"]] == ["b-named", "a-mentioned"]
    assert client.get(f"{API}/enterprises/", {"q": "cranes", "page": 2}).status_code == 404
    for page in ("21", "0", "-1", "abc", "1.0"):
        body = problem(client.get(f"{API}/enterprises/", {"q": "cranes", "page": page}), 400)
        assert set(body["errors"]) == {"page"}


def test_each_way_of_paging_refuses_the_other_ones_parameter(client, db):
    for path in ("enterprises", "zones", "releases"):
        body = problem(client.get(f"{API}/{path}/", {"page": 2}), 400)
        assert set(body["errors"]) == {"page"}
    body = problem(client.get(f"{API}/enterprises/", {"q": "cranes", "cursor": "abc"}), 400)
    assert set(body["errors"]) == {"cursor"}


def test_a_cursor_the_api_did_not_give_answers_400_naming_it(client, db):
    body = problem(client.get(f"{API}/enterprises/", {"cursor": "abc"}), 400)
    assert set(body["errors"]) == {"cursor"}


@pytest.mark.parametrize("value", ["x", "0", "-1", "1.5", "１０"])
@pytest.mark.parametrize("q", ["", "cranes"])
def test_a_page_size_that_is_not_a_whole_number_from_1_answers_400_naming_it(client, db, value, q):
    body = problem(client.get(f"{API}/enterprises/", {"page_size": value, "q": q}), 400)
    assert set(body["errors"]) == {"page_size"}


@pytest.mark.parametrize("size", ["100000", "9" * 5000])
@pytest.mark.parametrize("q", ["", "enterprise"])
def test_a_page_size_above_the_largest_gives_the_largest(client, db, size, q):
    EnterpriseFactory.create_batch(3, name_en="An enterprise")
    response = client.get(f"{API}/enterprises/", {"page_size": size, "q": q})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def hand_made_cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


# Releases go by publication time, figures by their key: neither column takes these.
@pytest.mark.parametrize("path", ["releases", "figures"])
@pytest.mark.parametrize("position", ["abc", "2024-99-99"])
def test_a_cursor_made_by_hand_with_a_position_no_record_can_have_answers_400(
    client, db, path, position
):
    response = client.get(f"{API}/{path}/", {"cursor": hand_made_cursor(position)})
    assert set(problem(response, 400)["errors"]) == {"cursor"}


@pytest.mark.parametrize("position", ["9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59-12:00"])
def test_a_cursor_at_a_time_past_the_last_date_answers_400(client, db, position):
    response = client.get(f"{API}/releases/", {"cursor": hand_made_cursor(position)})
    assert set(problem(response, 400)["errors"]) == {"cursor"}


@pytest.mark.parametrize("path", ["zones", "enterprises", "institutions", "platforms", "events"])
def test_a_cursor_holding_a_nul_character_answers_400(client, db, path):
    response = client.get(f"{API}/{path}/", {"cursor": hand_made_cursor("a\x00b")})
    assert set(problem(response, 400)["errors"]) == {"cursor"}


@pytest.mark.parametrize("path", ["events", "zones"])
def test_a_list_in_slug_order_takes_any_text_as_a_position(client, db, path):
    assert client.get(f"{API}/{path}/", {"cursor": hand_made_cursor("abc")}).status_code == 200


def test_unpublished_records_and_what_sits_in_them_are_not_in_the_api(client, db):
    hidden_zone = ZoneFactory(slug="hidden-zone", status=Status.DRAFT)
    EnterpriseFactory(slug="in-hidden-zone", zone=hidden_zone)
    hidden_release = ReleaseFactory(slug="hidden-release", status=Status.REVIEW)
    IndicatorFactory(release=hidden_release, note_en="hidden figure")
    IndicatorFactory(zone=hidden_zone, note_en="figure of hidden zone")
    for path in ("zones", "enterprises", "releases", "figures"):
        content = client.get(f"{API}/{path}/").content.decode()
        assert "hidden" not in content, path
    assert client.get(f"{API}/zones/hidden-zone/").status_code == 404
    assert client.get(f"{API}/enterprises/in-hidden-zone/").status_code == 404


def test_an_archived_record_answers_410_like_its_page(client, db):
    release = ReleaseFactory(slug="old-news")
    release.status = Status.ARCHIVED
    release.save()
    response = client.get(f"{API}/releases/old-news/")
    assert response.status_code == 410
    assert response.json()["status"] == 410


def test_no_internal_ids_in_answers(client, demo):
    for path in ("zones", "enterprises", "institutions", "platforms", "releases", "events"):
        for record in client.get(f"{API}/{path}/").json()["results"]:
            assert "id" not in record and "pk" not in record, path
            detail = client.get(f"{API}/{path}/{record['slug']}/").json()
            assert "id" not in detail, path


def test_a_repeated_request_with_the_etag_answers_304(client, demo):
    first = client.get(f"{API}/zones/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get(f"{API}/zones/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    ZoneFactory(slug="a-new-zone")
    changed = client.get(f"{API}/zones/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_any_origin_may_read_but_not_with_credentials(client, db):
    response = client.get(f"{API}/zones/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    page = client.get("/en/zones/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_a_script_on_another_site_may_ask_again_with_the_etag_it_was_given(client, db):
    preflight = client.options(
        f"{API}/zones/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    allowed = preflight["Access-Control-Allow-Headers"].split(", ")
    assert {"if-none-match", "if-modified-since"} <= set(allowed)


def problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_errors_are_problem_details(client, db):
    problem(client.get(f"{API}/zones/no-such-zone/"), 404)
    problem(client.get(f"{API}/no-such-thing/"), 404)
    problem(client.post(f"{API}/zones/"), 405)
    problem(client.delete(f"{API}/zones/x/"), 405)
    problem(client.get(f"{API}/zones/", HTTP_ACCEPT="text/html"), 406)
    assert "JSON only" in problem(client.get(f"{API}/zones/", {"format": "xml"}), 406)["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_the_api_does_not_take_is_told_so_whatever_the_address_or_parameters(method, db):
    client = Client(enforce_csrf_checks=True)  # as a client outside the test meets it
    send = getattr(client, method)

    problem(send(f"{API}/no-such-thing/"), 404)
    for query in ("?q=steel", "?page_size=10", "?cursor=x"):
        detail = problem(send(f"{API}/enterprises/{query}"), 405)["detail"]
        assert "Not a parameter" not in detail


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=0",
        "*/*;q=0",
        "text/html, application/problem+json;q=0",
        "application/json;q=0, */*",
        "text/html;q=0.9, application/*;q=0",
    ],
)
def test_an_accept_header_that_refuses_json_answers_406(client, db, accept):
    problem(client.get(f"{API}/zones/", HTTP_ACCEPT=accept), 406)


@pytest.mark.parametrize(
    "accept",
    ["application/json;q=0.1, text/html", "text/html, */*;q=0.8", "application/*", ""],
)
def test_an_accept_header_that_takes_json_among_others_gets_json(client, db, accept):
    response = client.get(f"{API}/zones/", HTTP_ACCEPT=accept)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")


def test_a_format_other_than_json_answers_406_whatever_the_accept_header(client, db):
    asks = {"HTTP_ACCEPT": "application/problem+json"}
    problem(client.get(f"{API}/zones/", {"format": "xml"}, **asks), 406)


@pytest.mark.parametrize(
    ("path", "params", "status", "said"),
    [
        ("zones/no-such-zone/", {}, 404, "没有使用此标识的开发区。"),
        ("zones/", {"page_size": "x"}, 400, "应为 1 至 200 的整数。"),
        ("zones/", {"format": "xml"}, 406, "不提供“xml”格式"),
        ("figures/", {"zone": "x"}, 400, "无法识别“x”。"),
    ],
)
def test_errors_are_in_the_language_the_answer_says(client, db, path, params, status, said):
    response = client.get(f"{API}/{path}", params, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "zh-hans"
    assert said in problem(response, status)["detail"]


@pytest.mark.parametrize(
    ("path", "params", "unknown"),
    [
        ("zones/", {"city": "dalian"}, {"city"}),
        ("enterprises/", {"sort": "name", "zone": "dalian-puwan"}, {"sort"}),
        ("figures/", {"foo": "bar"}, {"foo"}),
        ("zones/dalian-puwan/", {"cursor": "abc"}, {"cursor"}),
        ("zones/dalian-puwan/", {"page": "1"}, {"page"}),
    ],
)
def test_a_parameter_an_address_does_not_take_answers_400_naming_it(
    client, db, path, params, unknown
):
    ZoneFactory(slug="dalian-puwan")
    body = problem(client.get(f"{API}/{path}", params), 400)
    assert set(body["errors"]) == unknown
    if "city" in unknown:
        # Not `page`: the zones' pages go by cursor.
        assert "which takes: cursor, format, page_size." in body["errors"]["city"][0]


def test_the_parameters_a_searchable_list_takes_include_its_numbered_pages(client, db):
    body = problem(client.get(f"{API}/enterprises/", {"foo": "bar"}), 400)
    assert "format, founded_max, founded_min, page, page_size, park" in body["errors"]["foo"][0]


def test_a_client_that_asks_for_problem_details_gets_them_and_json(client, db):
    asks = {"HTTP_ACCEPT": "application/problem+json"}
    problem(client.get(f"{API}/zones/no-such-zone/", **asks), 404)
    listed = client.get(f"{API}/zones/", **asks)
    assert (listed.status_code, listed["Content-Type"]) == (200, "application/json")


def test_a_bad_filter_value_answers_400_naming_the_parameter(client, db):
    body = problem(
        client.get(f"{API}/enterprises/", {"zone": "no-such-zone", "founded_min": "soon"}), 400
    )
    assert set(body["errors"]) == {"zone", "founded_min"}
    assert "no-such-zone" in body["detail"]


def test_the_schema_documents_not_modified_and_too_many_requests_on_every_operation(client, db):
    paths = client.get(f"{API}/schema/").json()["paths"]
    operations = [operation for path in paths.values() for operation in path.values()]
    assert len(operations) == 13
    for operation in operations:
        assert "content" not in operation["responses"]["304"]
        too_many = operation["responses"]["429"]
        assert "Retry-After" in too_many["headers"]
        assert "application/problem+json" in too_many["content"]


def test_the_schema_and_the_docs_page_come_from_this_host(client, db):
    schema = client.get(f"{API}/schema/")
    assert schema.status_code == 200
    assert "BilingualText" in schema.json()["components"]["schemas"]
    docs = client.get(f"{API}/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "http" not in docs.replace('"/static', "")
    assert "<script>" not in docs and "<style" not in docs


def populate(rows: int) -> None:
    zone = ZoneFactory()
    release = ReleaseFactory()
    platform = PlatformFactory()
    platform.zones.add(zone)
    sector = SectorFactory()
    qualification = QualificationFactory()
    for _ in range(rows):
        enterprise = EnterpriseFactory(zone=zone)
        enterprise.sectors.add(sector)
        EnterpriseQualificationFactory(enterprise=enterprise, qualification=qualification)
        PlatformMembershipFactory(platform=platform, enterprise=enterprise)
        release.enterprises.add(enterprise)
        release.zones.add(zone)
        IndicatorFactory(zone=zone, release=release)
        InstitutionFactory()
        release.institutions.add(InstitutionFactory())
        EventFactory(zone=zone).releases.add(release)


@pytest.mark.parametrize(
    "path, queries",
    [
        ("zones/", 5),
        ("enterprises/", 6),
        ("enterprises/?zone={zone}&qualification={qualification}", 7),
        ("institutions/", 1),
        ("platforms/", 3),
        ("releases/", 8),
        ("figures/", 1),
        ("events/", 2),
    ],
)
def test_a_list_takes_the_same_queries_at_2_rows_and_at_40(client, db, path, queries):
    counts = []
    for rows in (2, 40):
        populate(rows)
        zone = ZoneFactory._meta.model.objects.latest("pk")
        qualification = QualificationFactory._meta.model.objects.latest("pk")
        url = f"{API}/" + path.format(zone=zone.slug, qualification=qualification.slug)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [queries, queries]


def test_search_pages_follow_next_to_every_match_once(client, db):
    zone = ZoneFactory()
    for number in range(12):
        EnterpriseFactory(zone=zone, name_en=f"Cranes {number} Co.")
    EnterpriseFactory(zone=zone, name_en="Unrelated Co.")
    results = every_page(client, f"{API}/enterprises/", {"q": "cranes", "page_size": 5})
    slugs = [e["slug"] for e in results]
    assert len(slugs) == len(set(slugs)) == 12


def test_the_enterprise_list_keeps_its_own_order_and_takes_no_sort(client, db):
    zone = ZoneFactory()
    EnterpriseFactory(zone=zone, slug="b-older", founded_year=1990)
    EnterpriseFactory(zone=zone, slug="a-newer", founded_year=2020)
    body = client.get(f"{API}/enterprises/").json()
    assert [e["slug"] for e in body["results"]] == ["a-newer", "b-older"]
    assert set(problem(client.get(f"{API}/enterprises/", {"sort": "founded"}), 400)["errors"]) == {
        "sort"
    }
    parameters = client.get(f"{API}/schema/").json()["paths"]["/api/v1/enterprises/"]["get"]
    assert "sort" not in {parameter["name"] for parameter in parameters["parameters"]}


def test_a_zone_names_its_leading_industries_in_order_and_its_investment_office(client, db):
    zone = ZoneFactory(investment_office_en="Investment office", investment_email="io@zone.example")
    for position, name in enumerate(["Robots", "Chemicals"]):
        LeadingIndustry.objects.create(
            zone=zone, sector=SectorFactory(name_en=name), position=position
        )
    body = client.get(f"/api/v1/zones/{zone.slug}/").json()
    assert [industry["name"]["en"] for industry in body["leading_industries"]] == [
        "Robots",
        "Chemicals",
    ]
    assert body["investment_office"] == {"en": "Investment office", "zh-hans": None}
    assert body["investment_email"] == "io@zone.example"


def test_an_expired_qualification_says_so_with_its_last_valid_day(client, db):
    held = EnterpriseQualificationFactory(
        qualification=QualificationFactory(validity_years=3), year_granted=2015
    )
    body = client.get(f"/api/v1/enterprises/{held.enterprise.slug}/").json()
    (qualification,) = body["qualifications"]
    assert qualification["expired"] is True
    assert qualification["valid_until"] == "2017-12-31"


def test_conditions_the_api_cannot_judge_are_ignored_and_a_failed_one_is_a_problem(client, demo):
    """No answer carries a modification date, so If-Unmodified-Since is ignored (RFC 9110); an
    If-Match that fails is 412, said as the other errors are."""
    ignored = client.get(f"{API}/zones/", HTTP_IF_UNMODIFIED_SINCE="Sun, 06 Nov 1994 08:49:37 GMT")
    assert ignored.status_code == 200

    failed = client.get(f"{API}/zones/", HTTP_IF_MATCH='"not-this-one"')
    assert failed.status_code == 412
    assert failed["Content-Type"] == "application/problem+json"
    assert failed.json()["status"] == 412
    assert "If-Match" in failed.json()["detail"]


def test_following_next_gives_every_figure_of_a_large_release_once_and_then_ends(client, db):
    # More figures of one release than DRF's cursor can tell apart by an offset (1,000).
    release = ReleaseFactory()
    zones = [ZoneFactory() for _ in range(3)]
    metrics = Metric.objects.bulk_create(
        Metric(name_en=f"Metric {n}", slug=f"metric-{n}") for n in range(370)
    )
    Indicator.objects.bulk_create(
        Indicator(release=release, zone=zone, metric=metric, year=2023, value=1, unit="count")
        for zone in zones
        for metric in metrics
    )
    seen, url = [], "/api/v1/figures/"
    while url:
        page = client.get(url).json()
        seen += [(figure["zone"]["slug"], figure["metric"]["slug"]) for figure in page["results"]]
        url = page["next"]
        assert len(seen) <= 1110
    assert len(seen) == len(set(seen)) == 1110
