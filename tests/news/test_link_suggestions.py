"""Link suggestions as the body is edited: the admin's JSON endpoint behind the release form."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from news.forms import MAX_BODY_LENGTH
from portal.publishing.models import Status
from tests.factories import InstitutionFactory, ZoneFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:news_release_link_suggestions")
BODY = "<p>Tianjin University and Dalian University of Technology signed contracts.</p>"


@pytest.fixture
def universities(db):
    return {
        "tianjin": InstitutionFactory(name_en="Tianjin University", slug="tianjin-university"),
        "dalian": InstitutionFactory(
            name_en="Dalian University of Technology",
            slug="dalian-university-of-technology",
            status=Status.DRAFT,
            published_at=None,
        ),
    }


def suggested(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(s["field"], s["name"]) for s in response.json()["suggestions"]]


def test_an_editor_gets_the_records_an_unsaved_body_names(editor_client, universities):
    response = editor_client.post(URL, {"body_en": BODY})
    assert suggested(response) == [
        ("institutions", "Tianjin University"),
        ("institutions", "Dalian University of Technology"),
    ]
    assert 'data-link-field="institutions"' in response.json()["html"]


def test_a_record_visitors_do_not_see_yet_is_suggested_as_such(editor_client, universities):
    answer = editor_client.post(URL, {"body_en": BODY}).json()
    assert [(s["name"], s["public"]) for s in answer["suggestions"]] == [
        ("Tianjin University", True),
        ("Dalian University of Technology", False),
    ]
    items = answer["html"].split("<li>")[1:]
    marker = "not public yet: the release links it once visitors see it"
    assert marker not in items[0] and marker in items[1]


def test_records_already_linked_in_the_form_are_not_suggested(editor_client, universities):
    response = editor_client.post(
        URL, {"body_en": BODY, "institutions": [universities["tianjin"].pk]}
    )
    assert suggested(response) == [("institutions", "Dalian University of Technology")]


def test_a_chinese_body_is_read_too(editor_client, universities):
    universities["dalian"].name_zh_hans = "大连理工大学"
    universities["dalian"].save()
    response = editor_client.post(URL, {"body_en": "", "body_zh_hans": "<p>大连理工大学签约。</p>"})
    assert suggested(response) == [("institutions", "Dalian University of Technology")]


def test_a_body_that_names_nothing_gets_an_empty_list(editor_client, universities):
    response = editor_client.post(URL, {"body_en": "<p>Nothing to link here.</p>"})
    assert suggested(response) == []
    assert response.json()["html"].strip() == ""


def test_a_visitor_is_sent_to_the_login_page(visitor, universities):
    response = visitor.post(URL, {"body_en": BODY})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_login_page(
    django_user_model, universities
):
    client = Client()
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 20))
    response = client.post(URL, {"body_en": BODY})
    assert response.status_code == 302
    assert "Tianjin" not in response.content.decode()


def test_staff_who_may_not_edit_releases_are_refused(django_user_model, universities):
    client = Client()
    client.force_login(
        django_user_model.objects.create_user("clerk", password="x" * 20, is_staff=True)
    )
    response = client.post(URL, {"body_en": BODY})
    assert response.status_code == 403
    assert "Tianjin" not in response.content.decode()


def test_names_of_records_the_user_may_not_see_are_never_suggested(django_user_model, universities):
    user = django_user_model.objects.create_user("writer", password="x" * 20, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="news", codename__in=["add_release", "change_release"]
        )
    )
    client = Client()
    client.force_login(user)
    ZoneFactory(name_en="Tianjin Free Zone", slug="tianjin-free-zone")
    response = client.post(URL, {"body_en": BODY + "<p>Tianjin Free Zone</p>"})
    assert suggested(response) == []


def test_the_endpoint_answers_posts_only(editor_client):
    assert editor_client.get(URL, {"body_en": BODY}).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(editor, universities):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(URL, {"body_en": BODY}).status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"body_en": BODY, "institutions": ["not-a-number"]},
        {"body_en": BODY, "zones": ["-1"]},
        {"body_en": BODY, "zones": ["1" * 40]},
        {"body_en": "x" * (MAX_BODY_LENGTH + 1)},
    ],
    ids=["word", "negative", "huge", "body too long"],
)
def test_bad_input_is_a_400_not_a_500(editor_client, data):
    response = editor_client.post(URL, data)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_the_form_of_a_new_release_asks_for_suggestions_as_the_body_is_edited(editor_client):
    page = editor_client.get(reverse("admin:news_release_add")).content.decode()
    assert f'data-link-suggestions-url="{URL}"' in page
    assert "portal/link_suggestions.js" in page
