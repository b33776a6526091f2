"""The directory's downloads: CSV, Excel and JSON, filtered like the page, with sources."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from portal.publishing.models import Status
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db

PUWAN_ENTERPRISES = {"allychem", "dalian-sanhuan-composite-material"}


def downloaded(response) -> bytes:
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.getvalue()  # streamed or not


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))


def test_the_csv_names_each_enterprises_sources(client, demo):
    rows = csv_rows(client.get(reverse("zones:enterprise_export"), {"zone": "dalian-puwan"}))
    release_page = f"http://testserver{demo.get_absolute_url()}"
    assert len(rows) == 2
    assert all(row["Sources"] == release_page for row in rows)


def test_an_unpublished_release_is_no_source(client, db):
    enterprise = EnterpriseFactory()
    ReleaseFactory(slug="draft-release", status=Status.DRAFT).enterprises.add(enterprise)
    ReleaseFactory(slug="public-release").enterprises.add(enterprise)
    (row,) = csv_rows(client.get(reverse("zones:enterprise_export")))
    assert row["Sources"].endswith("/en/news/public-release/")


def test_the_csv_is_streamed(client, demo):
    assert client.get(reverse("zones:enterprise_export")).streaming


def test_the_xlsx_has_the_same_rows_as_the_csv(client, demo):
    params = {"zone": "dalian-puwan"}
    rows = csv_rows(client.get(reverse("zones:enterprise_export"), params))
    content = downloaded(client.get(reverse("zones:enterprise_export_xlsx"), params))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(rows[0])
    assert [[str(v) if v is not None else "" for v in row] for row in cells] == [
        list(row.values()) for row in rows
    ]


def test_the_xlsx_sheet_is_named_in_the_pages_language(client, demo):
    for language, title in (("en", "Enterprises"), ("zh-hans", "企业")):
        content = downloaded(client.get(f"/{language}/enterprises/export.xlsx"))
        assert openpyxl.load_workbook(io.BytesIO(content)).active.title == title


def test_the_json_lists_the_filtered_enterprises_as_the_api_does(client, demo):
    response = client.get(reverse("zones:enterprise_export_json"), {"zone": "dalian-puwan"})
    assert response.streaming and response["Content-Type"].startswith("application/json")
    enterprises = json.loads(downloaded(response))
    assert {e["slug"] for e in enterprises} == PUWAN_ENTERPRISES
    api = client.get(f"/api/v1/enterprises/{enterprises[0]['slug']}/").json()
    assert enterprises[0] == api


@pytest.mark.parametrize("name", ["zones:enterprise_export", "zones:enterprise_export_xlsx"])
def test_cells_a_spreadsheet_would_run_are_quoted(client, db, name):
    EnterpriseFactory(name_en="=1+1", zone=ZoneFactory(name_en="@SUM(A1)"))
    content = downloaded(client.get(reverse(name)))
    if name.endswith("xlsx"):
        # Cells of text marked as such (the quote prefix), which show no apostrophe.
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
        for text in ("=1+1", "@SUM(A1)"):
            assert (cells[text].data_type, cells[text].quotePrefix) == ("s", True)
        return
    values = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    assert "'=1+1" in values and "'@SUM(A1)" in values
    assert "=1+1" not in values


def test_an_empty_list_offers_nothing_to_download(client, db):
    EnterpriseFactory(name_en="Harbour Cranes Co.")
    listed = client.get("/en/enterprises/").content.decode()
    assert "Download as CSV" in listed
    empty = client.get("/en/enterprises/", {"q": "zzzzqx"}).content.decode()
    assert "Download as CSV" not in empty
