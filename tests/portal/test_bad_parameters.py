"""A bad link never breaks a page: what is not understood is shown or ignored, with status 200."""

import pytest
from django.urls import reverse

from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory, ReleaseFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "zones:zone_list",
    "zones:enterprise_list",
    "zones:enterprise_export",
    "zones:enterprise_export_xlsx",
    "zones:enterprise_export_json",
    "news:figure_export_csv",
    "news:figure_export_json",
    "zones:institution_list",
    "news:release_list",
    "news:event_list",
]

# Every parameter any list page takes, so that each page meets the bad values of its own.
PARAMETERS = [
    "q", "zone", "park", "sector", "qualification", "platform", "city", "country", "level",
    "kind", "series", "year", "when", "founded_min", "founded_max", "sort", "page",
]  # fmt: skip

BAD_VALUES = {
    "unknown slug": "no-such-thing",
    "not a number": "abcd",
    "negative": "-5",
    "huge number": "9" * 40,
    "10,000 characters": "x" * 10_000,
    "NUL byte": "a\x00b",
    "only a NUL byte": "\x00",
    "SQL": "1' OR '1'='1",
    "markup": "<script>alert(1)</script>",
    "Chinese": "大连",
    "park without its zone": ".the-park",
}

# Percent-encoded query strings a browser or a crawler may send as they are.
RAW_QUERIES = {
    "broken UTF-8": "q=%ff%fe&zone=%c3%28",
    "NUL in every parameter": "&".join(f"{name}=%00" for name in PARAMETERS),
    "page past the last": "page=99999",
    "page zero": "page=0",
    "page as text": "page=abc",
    "page as last": "page=last",
    "repeated parameters": "zone=a&zone=b&sort=name&sort=zzz&page=1&page=2",
    "empty values": "&".join(f"{name}=" for name in PARAMETERS),
    "founded range reversed": "founded_min=2020&founded_max=2000",
    "sort unknown": "sort=-pk",
}


def fetch(client, url: str, params: dict | None = None):
    """The response, with a download read to its end: a streamed one fails while it is sent."""
    response = client.get(url, params or {})
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_bad_value_in_any_parameter_gives_the_page_not_an_error(client, page, value):
    for name in PARAMETERS:
        response = fetch(client, reverse(page), {name: value})
        assert response.status_code == 200, (name, value)


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("query", RAW_QUERIES.values(), ids=RAW_QUERIES.keys())
def test_a_malformed_query_string_gives_the_page_not_an_error(client, page, query):
    response = fetch(client, f"{reverse(page)}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("page", LIST_PAGES)
def test_a_bad_value_works_in_chinese_too(client, page):
    response = client.get(reverse(page).replace("/en/", "/zh-hans/", 1), {"zone": "\x00"})
    assert response.status_code == 200


def test_an_unknown_slug_is_reported_and_the_other_filters_still_apply(client, demo):
    response = client.get(
        reverse("zones:enterprise_list"), {"zone": "dalian-puwan", "qualification": "nonsense"}
    )
    assert response.status_code == 200
    assert "was not understood" in response.text
    assert response.context["paginator"].count == 2


@pytest.mark.parametrize(
    "name",
    [
        "zones:zone_detail",
        "zones:enterprise_detail",
        "zones:institution_detail",
        "zones:platform_detail",
        "news:release_detail",
        "news:event_detail",
    ],
)
def test_a_missing_detail_page_is_not_found(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404


def test_an_unknown_value_is_dropped_and_the_known_ones_of_the_same_filter_kept(client, demo):
    response = client.get("/en/enterprises/?zone=dalian-puwan&zone=no-such-zone")
    assert response.context["paginator"].count == 2
    assert "“no-such-zone” is not known." in response.text


@pytest.mark.parametrize("text", ["%", "_", "\\", "??", "。", "한국"])
def test_a_name_to_search_for_without_a_word_is_dropped_and_said_so(client, demo, text):
    response = client.get("/en/enterprises/", {"q": text, "zone": "dalian-puwan"})

    assert response.status_code == 200
    assert response.context["paginator"].count == 2
    assert f"“{text}” holds nothing the search can look for." in response.text
    assert [chip.name for chip in response.context["chips"]] == ["zone"]
    chinese = client.get("/zh-hans/enterprises/", {"q": text})
    assert f"“{text}”中没有可供搜索的内容。" in chinese.text
    api = client.get("/api/v1/enterprises/", {"q": text})
    assert api.status_code == 400
    assert "holds nothing the search can look for" in api.text


LISTS = [("/en/enterprises/", {}), ("/en/news/", {}), ("/en/search/", {"q": "enterprise"})]


@pytest.fixture
def pages_of_enterprises_and_news(db):
    for n in range(25):
        EnterpriseFactory(name_en=f"Enterprise {n}")
        ReleaseFactory(title_en=f"Enterprise news {n}")


@pytest.mark.usefixtures("pages_of_enterprises_and_news")
@pytest.mark.parametrize("number", ["0", "-1", "abc", "1.5", "２", "+2", " 2", "2_0"])
@pytest.mark.parametrize("url, query", LISTS)
def test_a_page_number_below_one_or_not_a_number_shows_the_first_page(client, url, query, number):
    response = client.get(url, {**query, "page": number})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["page_obj"].paginator.num_pages > 1
    # Named on the page, as any value not understood is.
    assert f"“{number}” is not a page number; the first page is shown." in response.text
    second = client.get(url, {**query, "page": "2"})
    assert "is not a page number" not in second.text


@pytest.mark.usefixtures("pages_of_enterprises_and_news")
@pytest.mark.parametrize("number", ["99999999999999999999", "9" * 5000])
@pytest.mark.parametrize("url, query", LISTS)
def test_a_page_number_past_the_end_however_long_shows_the_last_page(client, url, query, number):
    response = client.get(url, {**query, "page": number})

    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.number == page.paginator.num_pages > 1


@pytest.mark.parametrize("selected", ["abc", "1.5", "%00", "99999999999999999999", ""])
@pytest.mark.parametrize(
    "changelist", ["admin:news_release_changelist", "admin:auth_user_changelist"]
)
def test_a_list_action_on_a_selection_that_names_no_record_is_a_bad_request(
    admin_client, selected, changelist
):
    response = admin_client.post(
        reverse(changelist), {"action": "delete_selected", "_selected_action": ["1", selected]}
    )
    assert response.status_code == 400
    assert "could not be understood" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=0",
        "published_at__year=-1",
        "published_at__year=99999999999999999999",
        "published_at__year=1&published_at__year=2",
        "pk__in=99999999999999999999",
    ],
)
@pytest.mark.parametrize(
    "changelist",
    [
        "admin:zones_zone_changelist",
        "admin:publishing_auditentry_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_a_lookup_typed_into_a_list_address_that_no_query_takes_goes_back_to_the_list(
    admin_client, query, changelist
):
    if changelist.endswith("auditentry_changelist"):
        query = query.replace("published_at", "created_at")
    if changelist.endswith("user_changelist"):
        query = query.replace("published_at", "date_joined")
    response = admin_client.get(f"{reverse(changelist)}?{query}")
    # The admin's own answer to a bad lookup: the whole list, with "?e=1".
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")
        assert admin_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/admin/zones/zone/?status=%00",
        "/admin/zones/enterprise/?q=a%00b",
        "/admin/publishing/auditentry/?action__exact=%00",
        "/admin/autocomplete/?app_label=zones&model_name=zone&field_name=sectors&term=%00",
    ],
)
def test_an_admin_parameter_holding_a_nul_character_is_a_bad_request(admin_client, address):
    assert admin_client.get(address).status_code == 400


@pytest.mark.parametrize("page", ["history/", "change/", "delete/"])
def test_an_admin_address_whose_id_holds_a_nul_character_is_not_found(admin_client, page):
    assert admin_client.get(f"/admin/zones/zone/%00/{page}").status_code in (302, 404)


def test_an_autocomplete_box_given_a_value_that_is_no_id_says_it_is_not_valid(editor_client, demo):
    assert editor_client.get("/admin/zones/zone/add/?sectors=1,x").status_code == 200
    zone = Zone.objects.get(slug="shenyang-etdz")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    for value in ("abc", "99999999999999999999"):
        data = change_form_data(editor_client.get(url)) | {"sectors": [value]}
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert f"“{value}” is not a valid value." in response.text
    # Nothing was saved.
    assert Zone.objects.get(pk=zone.pk).version == zone.version


@pytest.mark.parametrize("field", ["zone", "park"])
@pytest.mark.parametrize("value", ["abc", "99999999999999999999"])
def test_a_record_chosen_by_a_value_that_is_no_id_is_not_a_valid_choice(
    editor_client, field, value
):
    enterprise = EnterpriseFactory()
    url = reverse("admin:zones_enterprise_change", args=[enterprise.pk])
    data = change_form_data(editor_client.get(url)) | {field: value}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def project_admins() -> list:
    from django.contrib import admin

    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("zones", "news", "publishing", "auth")
    ]


@pytest.mark.parametrize("query", ["pk__in=99999999999999999999", "pk__in=abc", "id__gte=1e999"])
def test_no_list_of_the_admin_fails_on_a_crafted_lookup(admin_client, query):
    for model, _model_admin in project_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(f"{url}?{query}").status_code in (200, 302), model


def test_no_add_form_of_the_admin_fails_on_a_crafted_choice_in_its_address(admin_client):
    for model, model_admin in project_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        for name in model_admin.autocomplete_fields:
            assert admin_client.get(f"{url}?{name}=1,x").status_code in (200, 403), (model, name)


@pytest.mark.parametrize("query", ["q=a%00b", "q=ab&page=%00", "q=ab&page=2%00"])
@pytest.mark.parametrize("page", ["search", "zones:enterprise_list"])
def test_a_nul_character_in_a_search_is_dropped_not_shown(client, page, query):
    EnterpriseFactory(name_en="Abacus Tools")
    content = client.get(f"{reverse(page)}?{query}").content.decode()
    assert "\x00" not in content
    assert 'value="ab"' in content


def test_a_page_number_with_a_nul_character_is_read_without_it(client):
    for n in range(25):
        ReleaseFactory(title_en=f"Harbour report {n}")
    response = client.get(reverse("search") + "?q=harbour&page=2%00")
    assert response.context["page_obj"].number == 2


@pytest.mark.parametrize(
    ("url", "query", "said"),
    [
        (
            "/en/news/",
            "year=2024&year=2025",
            "Year: given more than once (2024, 2025): choose one.",
        ),
        (
            "/en/zones/",
            "city=dalian&city=shenyang",
            "City: given more than once (dalian, shenyang)",
        ),
        ("/en/enterprises/", "founded_min=2010&founded_min=2015", "Founded in or after: given"),
        ("/en/events/", "zone=shenyang-etdz&zone=dalian-puwan", "Zone: given more than once"),
        (
            "/zh-hans/news/",
            "year=2024&year=2025",
            "年份：给出了不止一次（2024, 2025）：请只选一个。",
        ),
    ],
)
def test_a_filter_taking_one_value_given_several_is_named_and_ignored(
    client, demo, url, query, said
):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert said in response.text
    unfiltered = client.get(url)
    assert response.context["paginator"].count == unfiltered.context["paginator"].count
