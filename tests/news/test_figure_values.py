"""A figure's value is taken as typed: a comma, which may separate thousands (1,200) or decimals
(62,5), is refused in words rather than dropped by the browser (62,5 saved as 625)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.publishing.models import Status
from tests.adminforms import change_form_data
from tests.factories import IndicatorFactory
from tests.zones.test_import import post_import

pytestmark = pytest.mark.django_db

COMMA_REFUSED = {
    "en": "Write the number without commas, such as 1200 or 62.5: a comma may separate "
    "thousands or decimals.",
    "zh-hans": "请写不带逗号的数字，例如 1200 或 62.5：逗号既可能是千位分隔符，也可能是小数点。",
}


@pytest.fixture
def figure():
    return IndicatorFactory(value=Decimal("12.5"), release__status=Status.DRAFT)


def value_input(page: str, name: str) -> str:
    (found,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return found


@pytest.mark.parametrize(
    ("url_name", "name"),
    [("admin:news_release_change", "indicators-0-value"), ("admin:news_indicator_change", "value")],
)
def test_a_figures_value_is_typed_as_text_with_a_keyboard_for_decimals(
    publisher_client, figure, url_name, name
):
    record = figure.release if url_name == "admin:news_release_change" else figure
    page = publisher_client.get(reverse(url_name, args=[record.pk])).content.decode()

    entry = value_input(page, name)
    assert 'type="text"' in entry and 'inputmode="decimal"' in entry
    assert 'value="12.5"' in entry and "step=" not in entry


@pytest.mark.parametrize("typed", ["62,5", "1,200", "62，5"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_value_with_a_comma_is_refused_in_the_release_form(
    editor_client, figure, typed, language
):
    url = reverse("admin:news_release_change", args=[figure.release.pk])
    data = change_form_data(editor_client.get(url)) | {"indicators-0-value": typed}

    response = editor_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    (form,) = response.context["inline_admin_formsets"][0].formset.forms
    assert form.errors == {"value": [COMMA_REFUSED[language]]}
    assert f'value="{typed}"' in value_input(response.content.decode(), "indicators-0-value")
    figure.refresh_from_db()
    assert figure.value == Decimal("12.5")


def test_a_value_with_a_comma_is_refused_in_the_figures_own_form(publisher_client, figure):
    url = reverse("admin:news_indicator_change", args=[figure.pk])
    data = change_form_data(publisher_client.get(url)) | {"value": "62,5"}

    response = publisher_client.post(url, data)

    assert response.context["adminform"].form.errors == {"value": [COMMA_REFUSED["en"]]}
    figure.refresh_from_db()
    assert figure.value == Decimal("12.5")


def test_a_value_with_a_point_is_saved_as_typed(editor_client, figure):
    url = reverse("admin:news_release_change", args=[figure.release.pk])
    data = change_form_data(editor_client.get(url)) | {"indicators-0-value": "62.5"}

    assert editor_client.post(url, data).status_code == 302

    figure.refresh_from_db()
    assert figure.value == Decimal("62.5")


@pytest.mark.parametrize("typed", ["62,5", "1,200"])
def test_the_figures_import_refuses_a_comma_as_the_form_does(editor_client, figure, typed):
    response = post_import(
        editor_client,
        "admin:news_indicator_import",
        ["release", "zone", "metric", "year", "value", "unit"],
        [[figure.release.slug, figure.zone.slug, figure.metric.slug, "2024", typed, "percent"]],
    )

    (error,) = response.context["cell_errors"]
    assert error.column == "value"
    assert "no thousands separators" in error.message
