"""Figures as downloads: every zone's and the whole table, CSV and JSON, each row with its period
and source."""

import csv
import io
import json

import pytest
from django.urls import reverse

from news.models import Indicator
from portal.publishing.models import Status
from tests.factories import IndicatorFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def downloaded(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_a_zones_figures_download_as_csv_with_period_and_source(client, demo):
    response = client.get(reverse("news:zone_figures_csv", args=["dalian-puwan"]))
    rows = list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    assert len(rows) == Indicator.objects.filter(zone__slug="dalian-puwan").count() > 0
    for row in rows:
        assert row["Zone"] == "Dalian Puwan Economic Zone"
        assert row["Source URL"] == f"http://testserver{demo.get_absolute_url()}"
        assert row["Source date"] == "2024-06-20"
    periods = {row["Metric"]: (row["Year"], row["As of"]) for row in rows}
    assert periods == {
        "Growth in high-tech enterprises": ("2023", ""),
        "Growth in gazelle enterprises": ("2023", ""),
        "Growth in young eagle enterprises": ("2023", ""),
        "Growth in technology-oriented SMEs": ("2023", ""),
        # A total without a year: as of the release's date.
        "Enterprises in provincial-level industry-university-research alliances": (
            "",
            "2024-06-20",
        ),
    }


def test_a_total_without_a_year_downloads_with_the_date_it_is_as_of(client, demo):
    response = client.get(reverse("news:zone_figures_csv", args=["panjin-liaobin"]))
    rows = list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    undated = [row for row in rows if row["Year"] == ""]
    assert undated
    assert {row["As of"] for row in undated} == {"2024-06-20"}


def test_the_whole_figures_table_downloads_as_json_as_the_api_writes_it(client, demo):
    figures = json.loads(downloaded(client.get(reverse("news:figure_export_json"))))
    assert len(figures) == Indicator.objects.count()
    api = client.get("/api/v1/figures/", {"page_size": 200}).json()["results"]
    assert sorted(figures, key=str) == sorted(api, key=str)


def test_a_figure_of_an_unpublished_release_or_zone_is_not_downloaded(client, db):
    IndicatorFactory(note_en="public figure")
    IndicatorFactory(release=ReleaseFactory(status=Status.DRAFT), note_en="hidden one")
    IndicatorFactory(zone=ZoneFactory(status=Status.ARCHIVED), note_en="hidden two")
    for name in ("news:figure_export_csv", "news:figure_export_json"):
        content = downloaded(client.get(reverse(name))).decode("utf-8-sig")
        assert "public figure" in content and "hidden" not in content, name


def test_an_unpublished_zones_figures_answer_404(client, db):
    ZoneFactory(slug="draft-zone", status=Status.DRAFT)
    assert client.get(reverse("news:zone_figures_csv", args=["draft-zone"])).status_code == 404


def test_the_zone_profile_and_the_release_link_the_downloads(client, demo):
    profile = client.get("/en/zones/dalian-puwan/").content.decode()
    assert reverse("news:zone_figures_csv", args=["dalian-puwan"]) in profile
    assert reverse("news:zone_figures_json", args=["dalian-puwan"]) in profile
    release = client.get(demo.get_absolute_url()).content.decode()
    assert reverse("news:figure_export_csv") in release


def test_a_figure_the_release_states_as_over_100_reads_as_a_lower_bound(client, demo):
    english = client.get("/en/zones/shenyang-etdz/").text
    chinese = client.get("/zh-hans/zones/shenyang-etdz/").text
    assert "more than 100" in english
    assert "超过100" in chinese

    response = client.get("/en/zones/shenyang-etdz/figures.csv")
    rows = list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    assert [(row["Stated as"], row["Value"]) for row in rows] == [("more than", "100")]
    api = client.get("/api/v1/figures/", {"zone": "shenyang-etdz"}).json()["results"]
    assert [(figure["qualifier"], figure["value"]) for figure in api] == [("more_than", "100")]
