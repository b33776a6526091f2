"""The release and figure admin: figures show as they were entered (a count is 5, a share 3.5,
never 5.0000), and a release never takes the slug of a fixed address."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from news.models import Indicator, Release
from portal.publishing.models import Status
from tests.adminforms import add_form_data, change_form_data
from tests.factories import IndicatorFactory, ParkFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def test_the_list_of_figures_shows_them_as_entered(publisher_client):
    IndicatorFactory(value=Decimal("5"), unit=Indicator.Unit.COUNT)
    IndicatorFactory(value=Decimal("3.5"))
    IndicatorFactory(value=Decimal("110000000"), unit=Indicator.Unit.CNY)
    IndicatorFactory(
        value=Decimal("100"), unit=Indicator.Unit.COUNT, qualifier=Indicator.Qualifier.MORE_THAN
    )

    page = publisher_client.get(reverse("admin:news_indicator_changelist")).content.decode()

    assert '<td class="field-value_as_entered">5</td>' in page
    assert '<td class="field-value_as_entered">3.5</td>' in page
    assert '<td class="field-value_as_entered">110000000</td>' in page
    assert '<td class="field-value_as_entered">more than 100</td>' in page
    assert "5.0000" not in page and "E+" not in page


@pytest.mark.parametrize(
    "entered, shown", [("5", "5"), ("3.5", "3.5"), ("-0.25", "-0.25"), ("50", "50")]
)
def test_a_release_form_shows_its_figures_as_entered(publisher_client, entered, shown):
    figure = IndicatorFactory(value=Decimal(entered), release__status=Status.DRAFT)
    response = publisher_client.get(reverse("admin:news_release_change", args=[figure.release.pk]))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form["value"].value() == shown
    assert f'value="{shown}"' in str(form["value"])


def add_figures(release: Release, count: int) -> None:
    """Figures each of their own zone, park and metric."""
    for _ in range(count):
        park = ParkFactory()
        IndicatorFactory(release=release, zone=park.zone, park=park)


def release_form(client, release: Release) -> tuple[int, str]:
    """The number of queries the release's form takes, and the form.

    Asked for twice: the first form after records are added reads what later ones find kept
    (the names link suggestions look for, content types)."""
    client.get(reverse("admin:news_release_change", args=[release.pk]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:news_release_change", args=[release.pk]))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_release_form_takes_as_many_queries_with_20_figures_as_with_2(publisher_client):
    release = ReleaseFactory(status=Status.DRAFT)
    add_figures(release, 2)
    at_two, _form = release_form(publisher_client, release)
    add_figures(release, 18)
    at_twenty, form = release_form(publisher_client, release)
    assert at_twenty == at_two
    for figure in release.indicators.all():
        for record in (figure.zone, figure.park, figure.metric):
            assert f'<option value="{record.pk}" selected>{record.name}</option>' in form


def test_a_figure_named_in_the_admin_reads_as_entered():
    figure = IndicatorFactory(value=Decimal("5"), unit=Indicator.Unit.COUNT)
    assert str(Indicator.objects.get(pk=figure.pk)).startswith(f"{figure.metric}: 5 (")


@pytest.mark.parametrize("words", ["大连普湾经济区", "六月新闻发布会"], ids=["zone", "release"])
def test_the_list_of_figures_finds_them_by_their_zones_or_releases_chinese_name(
    publisher_client, words
):
    figure = IndicatorFactory(
        zone__name_zh_hans="大连普湾经济区", release__title_zh_hans="六月新闻发布会"
    )
    IndicatorFactory()

    response = publisher_client.get(reverse("admin:news_indicator_changelist"), {"q": words})

    assert list(response.context["cl"].result_list) == [figure]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "“feed” is the address of another page; choose another slug."),
        ("zh-hans", "“feed”已是本站另一个页面的网址，请另选网址标识。"),
    ],
)
def test_a_release_slugged_feed_is_refused_by_the_form_in_words(
    publisher_client, language, message
):
    add_url = reverse("admin:news_release_add")
    headers = {"Accept-Language": language}
    data = add_form_data(publisher_client.get(add_url, headers=headers)) | {
        "kind": "press_release",
        "title_en": "Feed",
        "slug": "feed",
        "status": "draft",
    }
    response = publisher_client.post(add_url, data, headers=headers)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [message]
    assert not Release.objects.filter(slug="feed").exists()


def test_the_release_forms_event_column_is_named_in_the_admins_language(publisher_client):
    release = ReleaseFactory()
    url = reverse("admin:news_release_change", args=[release.pk])

    page = publisher_client.get(url, headers={"accept-language": "zh-hans"})

    formset = next(
        f for f in page.context["inline_admin_formsets"] if "event" in f.formset.prefix.lower()
    )
    assert [str(field["label"]) for field in formset.fields() if field["name"] == "event"] == [
        "活动"
    ]


def test_each_input_of_a_figure_is_named_after_its_column_in_the_admins_language(
    publisher_client,
):
    figure = IndicatorFactory(release__status=Status.DRAFT)
    url = reverse("admin:news_release_change", args=[figure.release.pk])

    page = publisher_client.get(url, headers={"accept-language": "zh-hans"})

    formset = page.context["inline_admin_formsets"][0].formset
    names = {
        name: str(formset.forms[0][name]) for name in ("zone", "metric", "year", "unit", "DELETE")
    }
    assert 'aria-label="开发区"' in names["zone"]
    assert 'aria-label="指标"' in names["metric"]
    assert 'aria-label="年份"' in names["year"]
    assert 'aria-label="单位"' in names["unit"]
    assert 'aria-label="删除"' in names["DELETE"]
    # A row added in the browser is a copy of the empty form, named alike.
    assert 'aria-label="单位"' in str(formset.empty_form["unit"])


def post_a_second_figure(client, figure, **cells):
    """The release's form of `figure`, sent with a second figure of its zone, metric and year."""
    url = reverse("admin:news_release_change", args=[figure.release.pk])
    return client.post(
        url,
        change_form_data(client.get(url))
        | {
            "indicators-TOTAL_FORMS": "2",
            "indicators-1-zone": figure.zone_id,
            "indicators-1-metric": figure.metric_id,
            "indicators-1-year": str(figure.year),
            "indicators-1-qualifier": "exact",
            "indicators-1-value": "5",
            "indicators-1-unit": figure.unit,
        }
        | {f"indicators-1-{name}": value for name, value in cells.items()},
    )


def test_a_release_form_refuses_a_figure_it_already_has(editor_client):
    figure = IndicatorFactory(
        release=ReleaseFactory(status=Status.DRAFT, published_at=None), year=2023
    )

    response = post_a_second_figure(editor_client, figure)

    assert response.status_code == 200
    assert "This release already has a figure of" in response.content.decode()
    assert figure.release.indicators.count() == 1


@pytest.mark.parametrize("left_out", ["metric", "zone"])
def test_two_new_figures_that_leave_out_the_same_field_are_each_told_it_is_required(
    editor_client, left_out
):
    figure = IndicatorFactory(
        release=ReleaseFactory(status=Status.DRAFT, published_at=None), year=2023
    )
    url = reverse("admin:news_release_change", args=[figure.release.pk])
    row = {
        "zone": figure.zone_id,
        "metric": figure.metric_id,
        "year": "2024",
        "qualifier": "exact",
        "value": "5",
        "unit": figure.unit,
    } | {left_out: ""}
    data = change_form_data(editor_client.get(url)) | {"indicators-TOTAL_FORMS": "3"}
    for number in (1, 2):
        data |= {f"indicators-{number}-{name}": value for name, value in row.items()}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert figure.release.indicators.count() == 1


def test_a_park_and_its_zone_may_each_have_the_figure(editor_client):
    figure = IndicatorFactory(
        release=ReleaseFactory(status=Status.DRAFT, published_at=None), year=2023
    )
    park = ParkFactory(zone=figure.zone)

    assert post_a_second_figure(editor_client, figure, park=park.pk).status_code == 302
    assert figure.release.indicators.count() == 2


def test_the_figure_form_refuses_a_figure_its_release_already_has(publisher_client):
    figure = IndicatorFactory(year=2023)
    url = reverse("admin:news_indicator_add")
    data = add_form_data(publisher_client.get(url)) | {
        "release": figure.release_id,
        "zone": figure.zone_id,
        "metric": figure.metric_id,
        "year": "2023",
        "qualifier": "exact",
        "value": "5",
        "unit": figure.unit,
    }

    response = publisher_client.post(url, data)

    assert response.status_code == 200
    assert "This release already has a figure of" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_deleting_a_live_releases_figures_from_the_list_says_where_it_is_done(editor_client):
    live = IndicatorFactory(release=ReleaseFactory(title_en="June figures"))
    draft = IndicatorFactory(release=ReleaseFactory(status=Status.DRAFT, published_at=None))
    changelist = reverse("admin:news_indicator_changelist")

    response = editor_client.post(
        changelist,
        {"action": "delete_selected", "post": "yes", "_selected_action": [live.pk, draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        "Nothing was deleted. “June figures” is live: make this change in its own form, where "
        "it is kept as a pending draft for a Publisher to review."
    ]
    assert Indicator.objects.count() == 2

    confirm = editor_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [draft.pk]}
    )
    assert confirm.status_code == 200 and "Delete multiple objects" in confirm.content.decode()


def test_recovering_a_live_releases_deleted_figure_says_where_it_is_done(
    editor_client, publisher_client
):
    figure = IndicatorFactory(release=ReleaseFactory(title_en="June figures"))
    publisher_client.post(reverse("admin:news_indicator_delete", args=[figure.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Indicator).get()
    recover = reverse("admin:news_indicator_recover", args=[deleted.pk])

    response = editor_client.get(recover, follow=True)

    assert response.redirect_chain == [(reverse("admin:news_indicator_recoverlist"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Nothing was recovered. “June figures” is live: make this change in its own form, "
        "where it is kept as a pending draft for a Publisher to review."
    ]
    assert editor_client.post(recover, {}).status_code == 302
    assert not Indicator.objects.exists()

    # The release's Publisher recovers it where it was.
    form = publisher_client.get(recover)
    assert publisher_client.post(recover, change_form_data(form)).status_code == 302
    assert Indicator.objects.get().release.title_en == "June figures"
