"""Bulk import: a dry run shows every row and every error; the import writes all rows or none."""

import csv
import io
import os
import tempfile
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from portal.publishing import drafts, notes
from portal.publishing.models import AuditEntry, PendingChange, Status
from tests.adminforms import draft_action
from tests.conftest import staff_member
from tests.factories import EnterpriseFactory, ZoneFactory
from zones.models import Enterprise, Zone
from zones.resources import EnterpriseResource
from zones.validators import credit_code_check_character

pytestmark = pytest.mark.django_db

COLUMNS = ["slug", "name_en", "name_zh_hans", "credit_code", "zone", "founded_year"]


def credit_code(n: int) -> str:
    first_17 = f"91210100{n:09d}"
    return first_17 + credit_code_check_character(first_17)


def rows(count: int, zone: str = "dalian-puwan") -> list[dict]:
    return [
        {
            "slug": "",
            "name_en": f"Puwan Enterprise {n} Co., Ltd.",
            "name_zh_hans": "",
            "credit_code": credit_code(n),
            "zone": zone,
            "founded_year": "2015",
        }
        for n in range(count)
    ]


def write_csv(path, data: list[dict]):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(data)
    return path


@pytest.fixture
def puwan():
    return ZoneFactory(slug="dalian-puwan", name_en="Dalian Puwan Economic Zone")


@pytest.fixture
def bad_rows(puwan) -> list[dict]:
    data = rows(5)
    data[1]["zone"] = "atlantis"
    data[2]["credit_code"] = "91210100000000002X"
    data[3]["credit_code"] = data[0]["credit_code"]
    return data


def test_the_command_imports_every_row_as_drafts(puwan, tmp_path, capsys):
    call_command("import_enterprises", write_csv(tmp_path / "e.csv", rows(20)))
    assert Enterprise.objects.filter(zone=puwan, status=Status.DRAFT).count() == 20
    assert "Imported: 20 new, 0 changed" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 20


def test_a_file_with_bad_rows_writes_nothing_and_names_each_error(bad_rows, tmp_path, capsys):
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_enterprises", write_csv(tmp_path / "e.csv", bad_rows))
    assert not Enterprise.objects.exists()
    errors = capsys.readouterr().err
    assert "Row 2: zone: Unknown zone “atlantis”: give the slug of an existing zone." in errors
    assert "Row 3: credit_code: The check character" in errors
    assert "Row 4: credit_code: Duplicate: row 1 has the same credit_code." in errors


def test_a_credit_code_already_in_the_database_is_a_row_error(puwan, tmp_path, capsys):
    EnterpriseFactory(credit_code=credit_code(0))
    with pytest.raises(CommandError):
        call_command("import_enterprises", write_csv(tmp_path / "e.csv", rows(2)))
    assert "already has this unified social credit code" in capsys.readouterr().err
    assert Enterprise.objects.count() == 1


def test_the_dry_run_writes_nothing(puwan, tmp_path, capsys):
    call_command("import_enterprises", write_csv(tmp_path / "e.csv", rows(3)), dry_run=True)
    assert not Enterprise.objects.exists()
    assert "Checked (nothing written): 3 new" in capsys.readouterr().out


def test_an_xlsx_file_is_imported(puwan, tmp_path):
    dataset = tablib.Dataset(headers=COLUMNS)
    for row in rows(3):
        dataset.append([row[c] for c in COLUMNS])
    path = tmp_path / "e.xlsx"
    path.write_bytes(dataset.export("xlsx"))
    call_command("import_enterprises", path)
    assert Enterprise.objects.count() == 3


def test_importing_the_same_file_twice_changes_nothing(puwan, tmp_path, capsys):
    path = write_csv(tmp_path / "e.csv", rows(3))
    call_command("import_enterprises", path)
    call_command("import_enterprises", path)
    assert Enterprise.objects.count() == 3
    assert "0 new, 0 changed, 3 unchanged" in capsys.readouterr().out


def admin_import(client, data: list[dict]):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(data)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "enterprises.csv"
    return client.post(
        reverse("admin:zones_enterprise_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )


def test_the_admin_dry_run_shows_every_row_and_every_error(editor_client, bad_rows):
    response = admin_import(editor_client, bad_rows)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown zone “atlantis”: give the slug of an existing zone." in page
    assert "Duplicate: row 1 has the same credit_code." in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Enterprise.objects.exists()


def test_the_admin_import_is_confirmed_after_the_dry_run(editor_client, puwan):
    preview = admin_import(editor_client, rows(4))
    assert not Enterprise.objects.exists()
    assert "Puwan Enterprise 3 Co., Ltd." in preview.content.decode()
    confirm = preview.context["confirm_form"]
    response = editor_client.post(
        reverse("admin:zones_enterprise_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )
    assert response.status_code == 302
    assert Enterprise.objects.count() == 4
    audited = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert sorted(audited.values_list("object_repr", flat=True)) == sorted(
        Enterprise.objects.values_list("name_en", flat=True)
    )


@pytest.mark.parametrize(
    "content, file_format, message",
    [
        (
            "slug,name_en,name_zh_hans\nshenyang-co,Shenyang Co.,沈阳公司\n".encode("gbk"),
            "0",
            "This file is not in UTF-8, as a CSV file here must be.",
        ),
        (
            "slug,name_en,name_zh_hans\nshenyang-co,Shenyang Co.,沈阳公司\n".encode("utf-16"),
            "0",
            "This file is not in UTF-8, as a CSV file here must be.",
        ),
        (b"not a workbook", "1", "This file could not be read as the format chosen."),
    ],
    ids=["csv saved by a Chinese Excel", "csv saved as Unicode text", "not a workbook"],
)
def test_a_file_that_cannot_be_read_is_refused_in_words(
    editor_client, content, file_format, message
):
    upload = io.BytesIO(content)
    upload.name = "enterprises.csv" if file_format == "0" else "enterprises.xlsx"

    response = editor_client.post(
        reverse("admin:zones_enterprise_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "encountered while trying to read file" not in page
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"format": "9"},
        {"format": "abc"},
        {"format": "1"},
        {"resource": "3"},
        {"import_file_name": "x" * 300},
    ],
    ids=[
        "sent again",
        "unknown format",
        "not a format",
        "not the file's format",
        "unknown resource",
        "name too long",
    ],
)
def test_a_confirmation_sent_again_or_edited_imports_nothing_more_and_says_so(
    editor_client, puwan, changes
):
    preview = admin_import(editor_client, rows(2))
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    if not changes:
        assert (
            editor_client.post(reverse("admin:zones_enterprise_process_import"), data).status_code
            == 302
        )
    imported = Enterprise.objects.count()

    response = editor_client.post(
        reverse("admin:zones_enterprise_process_import"), data | changes, follow=True
    )

    assert response.redirect_chain == [(reverse("admin:zones_enterprise_import"), 302)]
    assert "This import was confirmed already, or its upload is no longer kept." in (
        response.content.decode()
    )
    assert Enterprise.objects.count() == imported


def test_an_upload_is_confirmed_only_by_whoever_uploaded_it(editor, editor_client, puwan):
    preview = admin_import(editor_client, rows(2))
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    other_editor = staff_member(type(editor), "second-editor", "Editors")
    other_client = Client()
    other_client.force_login(other_editor)

    response = other_client.post(
        reverse("admin:zones_enterprise_process_import"), data, follow=True
    )

    assert "This import was confirmed already, or its upload is no longer kept." in (
        response.content.decode()
    )
    assert not Enterprise.objects.exists()
    assert (
        editor_client.post(reverse("admin:zones_enterprise_process_import"), data).status_code
        == 302
    )
    assert Enterprise.objects.count() == 2


def test_a_confirmation_cannot_name_a_file_it_did_not_upload(editor_client, puwan):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as kept:
        writer = csv.DictWriter(kept, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(1))
    name = os.path.basename(kept.name)

    response = editor_client.post(
        reverse("admin:zones_enterprise_process_import"),
        {"import_file_name": name, "original_file_name": "x.csv", "format": "0", "resource": "0"},
        follow=True,
    )

    assert "This import was confirmed already, or its upload is no longer kept." in (
        response.content.decode()
    )
    assert not Enterprise.objects.exists()
    assert os.path.exists(kept.name)
    os.remove(kept.name)


@pytest.mark.parametrize("file_format, marker", [("0", b"Chosen Ltd."), ("1", b"PK")])
def test_the_selection_is_exported_to_csv_and_xlsx(editor_client, file_format, marker):
    chosen, other = EnterpriseFactory(name_en="Chosen Ltd."), EnterpriseFactory()
    form = editor_client.post(
        reverse("admin:zones_enterprise_changelist"),
        {"action": "export_admin_action", "_selected_action": [chosen.pk]},
    )
    assert form.status_code == 200
    response = editor_client.post(
        reverse("admin:zones_enterprise_export"),
        {
            "format": file_format,
            "resource": "0",
            "export_items": [chosen.pk],
            **{f"enterpriseresource_{name}": "on" for name in ("slug", "name_en", "zone")},
        },
    )
    assert response.status_code == 200
    assert response.content.startswith(marker) or marker in response.content
    if file_format == "0":
        assert other.name_en.encode() not in response.content


def post_import(client, url_name: str, header: list[str], data: list[list[str]]):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(data)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "import.csv"
    return client.post(reverse(url_name), {"import_file": upload, "format": "0", "resource": "0"})


def test_zones_are_imported_with_a_dry_run_first(editor_client):
    response = post_import(
        editor_client,
        "admin:zones_zone_import",
        ["slug", "name_en", "city", "established_year"],
        [["tieling-etdz", "Tieling Economic Development Zone", "tieling", "1992"],
         ["bad-year", "Bad Year Zone", "tieling", "3000"]],
    )  # fmt: skip
    page = response.content.decode()
    assert "less than or equal to 2100" in page
    assert not Zone.objects.exists()


def test_figures_name_their_zone_metric_and_release_by_slug(editor_client):
    from tests.factories import MetricFactory, ReleaseFactory

    zone, metric = ZoneFactory(), MetricFactory()
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    header = ["release", "zone", "metric", "year", "value", "unit"]
    response = post_import(
        editor_client,
        "admin:news_indicator_import",
        header,
        [[release.slug, zone.slug, metric.slug, "2023", "12.5", "percent_change"],
         [release.slug, zone.slug, "no-such-metric", "2023", "1", "count"]],
    )  # fmt: skip
    assert "Unknown metric “no-such-metric”: give the slug of an existing metric." in (
        response.content.decode()
    )
    preview = post_import(
        editor_client,
        "admin:news_indicator_import",
        header,
        [[release.slug, zone.slug, metric.slug, "2023", "12.5", "percent_change"]],
    )
    confirm = preview.context["confirm_form"]
    editor_client.post(
        reverse("admin:news_indicator_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )
    assert zone.indicators.get().value == 12.5


def bad_cells_row(puwan) -> dict:
    return {
        "slug": "bad-cells",
        "name_en": "Bad Cells Co., Ltd.",
        "name_zh_hans": "",
        "credit_code": "91210100000000002X",
        "zone": "atlantis",
        "founded_year": "nineteen-ninety",
        "country": "Narnia",
        "website": "not a website",
    }


def test_every_bad_cell_of_a_row_is_named_in_words_by_the_command(puwan, tmp_path, capsys):
    path = tmp_path / "e.csv"
    data = [bad_cells_row(puwan)]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_enterprises", path)

    errors = capsys.readouterr().err
    assert "Row 1: founded_year: Expected a whole number" in errors
    assert "“nineteen-ninety”" in errors
    assert "Row 1: zone: Unknown zone “atlantis”" in errors
    assert "Row 1: credit_code: The check character" in errors
    assert "Row 1: country: Expected a two-letter country code" in errors
    assert "Row 1: website: Enter a valid URL." in errors
    assert "decimal" not in errors and "<class" not in errors


def test_a_nul_character_in_a_cell_is_a_row_error_and_nothing_is_written(puwan, tmp_path, capsys):
    data = rows(2)
    data[1]["name_en"] = "Puwan\x00Enterprise Co., Ltd."
    path = write_csv(tmp_path / "e.csv", data)

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_enterprises", path)

    said = capsys.readouterr().err
    assert said.count("Row 2: name_en: Null characters are not allowed.") == 1
    assert not Enterprise.objects.exists()


def test_the_import_page_lists_row_errors_in_a_table(editor_client, puwan):
    row = bad_cells_row(puwan)
    response = post_import(
        editor_client, "admin:zones_enterprise_import", list(row), [list(row.values())]
    )
    page = response.content.decode()
    assert "ConversionSyntax" not in page and "Traceback" not in page
    table = response.context["cell_errors"]
    by_column = {error.column: error for error in table}
    assert set(by_column) == {"founded_year", "zone", "credit_code", "country", "website"}
    assert {error.row for error in table} == {1}
    assert by_column["founded_year"].value == "nineteen-ninety"
    assert "Expected a whole number" in by_column["founded_year"].message
    assert "<td>nineteen-ninety</td>" in page


def test_the_chinese_import_page_heads_its_error_table_by_the_files_rows(
    editor_client, puwan, settings
):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    row = bad_cells_row(puwan)
    response = post_import(
        editor_client, "admin:zones_enterprise_import", list(row), [list(row.values())]
    )

    page = response.content.decode()
    table = page[page.index('<table class="import-errors">') :]
    assert '<th scope="col">行</th>' in table[: table.index("</thead>")]


def test_a_bad_number_in_a_figure_is_a_row_error_in_words(editor_client):
    from tests.factories import MetricFactory, ReleaseFactory

    zone, metric, release = ZoneFactory(), MetricFactory(), ReleaseFactory()
    response = post_import(
        editor_client,
        "admin:news_indicator_import",
        ["release", "zone", "metric", "year", "value", "unit"],
        [[release.slug, zone.slug, metric.slug, "twenty", "12,5%", "percentage"]],
    )
    by_column = {error.column: error.message for error in response.context["cell_errors"]}
    assert set(by_column) == {"year", "value", "unit"}
    assert "Expected a whole number" in by_column["year"]
    assert "Expected a number" in by_column["value"]
    assert "Expected one of" in by_column["unit"] and "percent_change" in by_column["unit"]


def test_a_zone_with_a_bad_kind_and_area_gets_both_errors(editor_client):
    response = post_import(
        editor_client,
        "admin:zones_zone_import",
        ["slug", "name_en", "city", "kind", "area_km2"],
        [["a-zone", "A Zone", "atlantis", "theme-park", "large"]],
    )
    by_column = {error.column: error.message for error in response.context["cell_errors"]}
    assert set(by_column) == {"city", "kind", "area_km2"}
    assert "Expected a number" in by_column["area_km2"]


def test_a_name_left_blank_is_named_by_the_files_column(editor_client, puwan):
    response = post_import(
        editor_client,
        "admin:zones_enterprise_import",
        ["slug", "name_en", "zone"],
        [["no-name", "", puwan.slug]],
    )
    columns = {error.column for error in response.context["cell_errors"]}
    assert "name_en" in columns and "name" not in columns


@pytest.mark.parametrize(
    "url_name", ["admin:zones_enterprise_import", "admin:zones_zone_import",
                 "admin:news_indicator_import"]
)  # fmt: skip
def test_the_import_page_offers_a_template_to_fill_in(editor_client, url_name):
    page = editor_client.get(reverse(url_name)).content.decode()
    template_url = reverse(url_name.replace("_import", "_import_template"))
    assert f'href="{template_url}?format=csv"' in page
    assert f'href="{template_url}?format=xlsx"' in page


def test_the_template_holds_the_headers_and_one_row_marked_as_an_example(editor_client):
    url = reverse("admin:zones_enterprise_import_template")
    as_csv = editor_client.get(url, {"format": "csv"})
    assert as_csv["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["slug", "name_en", "name_zh_hans", "credit_code", "zone"]
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert "example" in example["name_en"].lower() and "示例" in example["name_zh_hans"]
    as_xlsx = editor_client.get(url, {"format": "xlsx"})
    dataset = tablib.Dataset().load(as_xlsx.content, format="xlsx")
    assert list(dataset.headers) == rows[0]
    assert [str(v or "") for v in dataset[0]] == rows[1]


def test_a_file_above_the_row_limit_is_refused_with_the_command_named(
    editor_client, puwan, settings
):
    settings.IMPORT_MAX_ROWS = 3
    response = admin_import(editor_client, rows(4))
    page = response.content.decode()
    assert "This file has 4 rows; an import here takes at most 3 rows" in page
    assert "python manage.py import_enterprises" in page
    assert response.context.get("result") is None
    assert not Enterprise.objects.exists()


def test_a_file_at_the_row_limit_is_checked_as_usual(editor_client, puwan, settings):
    settings.IMPORT_MAX_ROWS = 3
    response = admin_import(editor_client, rows(3))
    assert response.context["confirm_form"] is not None


def test_an_xlsx_file_above_the_row_limit_is_refused(editor_client, puwan, settings):
    settings.IMPORT_MAX_ROWS = 3
    dataset = tablib.Dataset(*[list(row.values()) for row in rows(5)], headers=COLUMNS)
    upload = io.BytesIO(dataset.export("xlsx"))
    upload.name = "enterprises.xlsx"
    response = editor_client.post(
        reverse("admin:zones_enterprise_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    assert "This file has 5 rows" in response.content.decode()


def test_zones_above_the_row_limit_are_refused_with_advice_to_split(editor_client, settings):
    settings.IMPORT_MAX_ROWS = 1
    response = post_import(
        editor_client,
        "admin:zones_zone_import",
        ["slug", "name_en", "city"],
        [["a", "A", "tieling"], ["b", "B", "tieling"]],
    )
    page = response.content.decode()
    assert "Split it into files of at most 1 row: zones have no command-line import." in page


def confirm_import(client, preview, url_name: str):
    confirm = preview.context["confirm_form"]
    return client.post(reverse(url_name), {name: confirm[name].value() for name in confirm.fields})


@pytest.fixture
def published_enterprise(puwan):
    return EnterpriseFactory(
        slug="allychem", name_en="Allychem Co., Ltd.", zone=puwan, credit_code=credit_code(7)
    )


def changed_row(enterprise) -> dict:
    return {
        "slug": enterprise.slug,
        "name_en": "Allychem Renamed Co., Ltd.",
        "name_zh_hans": "",
        "credit_code": enterprise.credit_code,
        "zone": enterprise.zone.slug,
        "founded_year": "2016",
    }


def test_an_editors_import_keeps_a_change_to_a_published_enterprise_as_its_pending_draft(
    editor_client, published_enterprise, visitor
):
    before = visitor.get(published_enterprise.get_absolute_url()).content
    preview = admin_import(editor_client, [changed_row(published_enterprise)])
    assert "Row 1: “Allychem Co., Ltd.”" in preview.content.decode()
    assert not PendingChange.objects.exists()

    response = confirm_import(editor_client, preview, "admin:zones_enterprise_process_import")

    assert response.status_code == 302
    assert visitor.get(published_enterprise.get_absolute_url()).content == before
    pending = PendingChange.objects.for_record(published_enterprise)
    assert "Allychem Renamed Co., Ltd." in pending.snapshot
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert notes.read(entry.detail) == "Imported from a file, kept as a pending draft"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "Import finished: 0 new, 0 changed, 0 unchanged, 0 with errors, 1 kept as a pending draft."
        in said
    )


def test_a_publishers_import_changes_a_published_enterprise(
    publisher_client, published_enterprise, visitor
):
    preview = admin_import(publisher_client, [changed_row(published_enterprise)])
    confirm_import(publisher_client, preview, "admin:zones_enterprise_process_import")
    assert (
        "Allychem Renamed" in visitor.get(published_enterprise.get_absolute_url()).content.decode()
    )
    assert not PendingChange.objects.exists()
    assert AuditEntry.objects.get(action=AuditEntry.Action.IMPORT).object_repr == (
        "Allychem Renamed Co., Ltd."
    )
    # The enterprise, never saved in the admin before, was recorded as it was: restorable.
    names = [v.field_dict["name_en"] for v in Version.objects.get_for_object(published_enterprise)]
    assert names == ["Allychem Renamed Co., Ltd.", "Allychem Co., Ltd."]


def test_an_editors_figure_for_a_live_release_goes_into_the_releases_pending_draft(
    editor_client, publisher_client, visitor
):
    from tests.factories import MetricFactory, ReleaseFactory

    zone, metric, release = ZoneFactory(), MetricFactory(), ReleaseFactory()
    preview = post_import(
        editor_client,
        "admin:news_indicator_import",
        ["release", "zone", "metric", "year", "value", "unit"],
        [[release.slug, zone.slug, metric.slug, "2023", "12.5", "percent_change"]],
    )
    confirm_import(editor_client, preview, "admin:news_indicator_process_import")
    assert not zone.indicators.exists()
    assert '"value": "12.5' in PendingChange.objects.for_record(release).snapshot

    # Published, the draft leaves the release as it was restorable in its history.
    draft_action(publisher_client, release, "publish")
    assert zone.indicators.get().value == Decimal("12.5")
    versions = Version.objects.get_for_object(release)
    assert [version.revision.comment for version in versions][-1] == notes.note(notes.FIRST_STATE)


def test_a_row_repeating_a_record_as_it_is_leaves_its_history_as_it_was(
    publisher_client, published_enterprise
):
    unchanged = EnterpriseFactory(
        slug="hengtai", name_en="Hengtai Co., Ltd.", zone=published_enterprise.zone
    )
    as_it_is = changed_row(unchanged) | {
        "name_en": unchanged.name_en,
        "founded_year": str(unchanged.founded_year or ""),
    }
    preview = admin_import(publisher_client, [changed_row(published_enterprise), as_it_is])
    confirm_import(publisher_client, preview, "admin:zones_enterprise_process_import")

    assert Version.objects.get_for_object(published_enterprise).count() == 2
    assert not Version.objects.get_for_object(unchanged).exists()


def test_the_command_run_as_an_editor_keeps_changes_to_published_records_as_drafts(
    published_enterprise, editor, tmp_path
):
    path = write_csv(tmp_path / "e.csv", [changed_row(published_enterprise)])
    call_command("import_enterprises", path, "--user", "editor", stdout=io.StringIO())
    published_enterprise.refresh_from_db()
    assert published_enterprise.name_en == "Allychem Co., Ltd."
    assert PendingChange.objects.for_record(published_enterprise).created_by == editor


def test_a_figure_repeated_in_one_file_is_a_row_error_not_an_overwrite(editor_client):
    from tests.factories import MetricFactory, ReleaseFactory

    zone, metric, release = ZoneFactory(), MetricFactory(), ReleaseFactory(status=Status.DRAFT)
    key = [release.slug, zone.slug, metric.slug, "2021"]
    response = post_import(
        editor_client,
        "admin:news_indicator_import",
        ["release", "zone", "metric", "year", "value", "unit"],
        [[*key, "12.5", "percent_change"], [*key, "13", "percent_change"]],
    )
    messages = [error.message for error in response.context["cell_errors"]]
    assert any("Duplicate: row 1 has the same release, zone, metric, year" in m for m in messages)


def test_an_enterprise_row_without_a_zone_says_the_zone_is_required(puwan, tmp_path, capsys):
    data = rows(1)
    data[0]["zone"] = ""
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(write_csv(tmp_path / "e.csv", data)))
    output = capsys.readouterr()
    said = output.out + output.err
    assert "zone" in said and "could not be written" not in said
    assert not Enterprise.objects.exists()


def test_a_file_without_a_credit_code_column_keeps_the_credit_codes(
    publisher_client, published_enterprise
):
    preview = post_import(
        publisher_client,
        "admin:zones_enterprise_import",
        ["slug", "name_en", "zone"],
        [["allychem", "Allychem Renamed Co., Ltd.", "dalian-puwan"]],
    )
    confirm_import(publisher_client, preview, "admin:zones_enterprise_process_import")

    published_enterprise.refresh_from_db()
    assert published_enterprise.name_en == "Allychem Renamed Co., Ltd."
    assert published_enterprise.credit_code == credit_code(7)


@pytest.mark.parametrize(
    ("header", "unknown"),
    [
        (["Slug", "Name_EN", "Zone"], "“Slug”, “Name_EN”, “Zone”"),
        (["slug;name_en;zone"], "“slug;name_en;zone”"),
        (["slug", "name_en", "zone", "notes"], "“notes”"),
    ],
)
def test_a_file_with_unknown_columns_is_refused_naming_them(editor_client, puwan, header, unknown):
    response = post_import(
        editor_client, "admin:zones_enterprise_import", header, [["x"] * len(header)]
    )

    page = response.content.decode()
    assert f"Unknown columns: {unknown}. The columns of this import are: slug, name_en," in page
    assert response.context.get("result") is None
    assert not Enterprise.objects.exists()


def test_the_command_refuses_a_file_with_unknown_columns(puwan, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Slug,Name_EN,Zone\nx,X Co.,dalian-puwan\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported. Unknown columns: “Slug”"):
        call_command("import_enterprises", path)
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("header", "row", "columns"),
    [
        (["", "name_en", "zone"], ["fuzz-co", "Fuzz Co.", "dalian-puwan"], "Column 1 holds"),
        (["slug", "name_en", "zone"], ["fuzz-co", "Fuzz Co.", "dalian-puwan", "x"], "Column 4"),
        (["", "name_en", ""], ["fuzz-co", "Fuzz Co.", "dalian-puwan"], "Columns 1, 3 hold"),
    ],
)
def test_a_column_with_values_but_no_heading_is_refused_rather_than_dropped(
    editor_client, puwan, header, row, columns
):
    response = post_import(editor_client, "admin:zones_enterprise_import", header, [row])

    assert f"{columns} " in response.text and "no heading" in response.text
    assert response.context.get("result") is None
    assert not Enterprise.objects.exists()


def test_an_empty_column_without_a_heading_is_left_out(editor_client, puwan):
    response = post_import(
        editor_client,
        "admin:zones_enterprise_import",
        ["slug", "name_en", "zone", ""],
        [["fuzz-co", "Fuzz Co.", "dalian-puwan", ""]],
    )
    assert "no heading" not in response.text
    assert response.context["result"] is not None


def test_an_xlsx_file_whose_column_lost_its_heading_is_refused(editor_client, puwan):
    dataset = tablib.Dataset(["fuzz-co", "Fuzz Co.", "dalian-puwan"], headers=COLUMNS[:3])
    book = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
    book.active["A1"] = None
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "enterprises.xlsx"
    response = editor_client.post(
        reverse("admin:zones_enterprise_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    assert "Column 1 holds values but has no heading" in response.text
    assert not Enterprise.objects.exists()


def test_the_command_refuses_a_column_with_values_but_no_heading(puwan, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(",name_en,zone\nx,X Co.,dalian-puwan\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported. Column 1 holds values"):
        call_command("import_enterprises", path)
    assert not Enterprise.objects.exists()


def test_an_import_reads_in_the_audit_log_in_the_readers_language(
    editor_client, publisher_client, published_enterprise, settings
):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    preview = admin_import(editor_client, [changed_row(published_enterprise)])
    confirm_import(editor_client, preview, "admin:zones_enterprise_process_import")

    log = publisher_client.get(reverse("admin:publishing_auditentry_changelist")).content
    assert "Imported from a file, kept as a pending draft" in log.decode()


def test_a_column_given_twice_is_refused_naming_it(editor_client, puwan, tmp_path):
    header = ["slug", "name_en", "name_en", "zone"]
    response = post_import(
        editor_client,
        "admin:zones_enterprise_import",
        header,
        [["dh-one", "First Name", "Second Name", puwan.slug]],
    )

    assert "These columns are given more than once: “name_en”." in response.content.decode()
    assert response.context.get("result") is None
    path = tmp_path / "e.csv"
    path.write_text(",".join(header) + "\nx,First,Second,dalian-puwan\n", encoding="utf-8")
    with pytest.raises(CommandError, match="given more than once: “name_en”"):
        call_command("import_enterprises", path)
    assert not Enterprise.objects.exists()


def test_rows_with_no_cell_filled_in_are_left_out(publisher_client, puwan, settings):
    # More blank rows than an import here takes rows: they count for nothing.
    blank = [["", "", ""], [" ", "", ""]] * (settings.IMPORT_MAX_ROWS // 2 + 1)
    preview = post_import(
        publisher_client,
        "admin:zones_enterprise_import",
        ["slug", "name_en", "zone"],
        [["blank-after", "Blank After Co.", puwan.slug], *blank],
    )
    assert preview.context["confirm_form"] is not None, preview.context["form"].errors

    response = confirm_import(publisher_client, preview, "admin:zones_enterprise_process_import")

    assert list(Enterprise.objects.values_list("slug", flat=True)) == ["blank-after"]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Import finished: 1 new, 0 changed, 0 unchanged, 0 with errors." in said


def test_a_zones_address_is_imported_in_each_language_whatever_the_admins_language(
    publisher_client, settings
):
    publisher_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    preview = post_import(
        publisher_client,
        "admin:zones_zone_import",
        ["slug", "name_en", "city", "address_en", "address_zh_hans"],
        [["tieling-etdz", "Tieling Economic Development Zone", "tieling", "1 Main Road", ""]],
    )
    confirm_import(publisher_client, preview, "admin:zones_zone_process_import")

    zone = Zone.objects.get(slug="tieling-etdz")
    assert (zone.address_en, zone.address_zh_hans or "") == ("1 Main Road", "")


@pytest.mark.parametrize("year", ["2015.9", "2015.5"])
def test_a_year_with_a_fraction_is_a_cell_error_not_cut_down(editor_client, puwan, year):
    data = rows(1)
    data[0]["founded_year"] = year
    response = admin_import(editor_client, data)

    by_column = {error.column: error for error in response.context["cell_errors"]}
    assert by_column["founded_year"].value == year
    assert "Expected a whole number" in by_column["founded_year"].message
    assert "confirm_form" not in response.context


def test_a_year_a_spreadsheet_writes_as_a_decimal_is_read_whole(editor_client, puwan):
    data = rows(1)
    data[0]["founded_year"] = "2015.0"
    response = admin_import(editor_client, data)
    assert not response.context["cell_errors"]
    assert "confirm_form" in response.context


def test_a_figure_row_changes_the_zones_figure_beside_its_parks(publisher_client):
    from tests.factories import IndicatorFactory, ParkFactory

    zone_figure = IndicatorFactory(year=2023, value=Decimal("10"))
    IndicatorFactory(
        release=zone_figure.release,
        zone=zone_figure.zone,
        park=ParkFactory(zone=zone_figure.zone),
        metric=zone_figure.metric,
        year=2023,
        value=Decimal("3"),
    )
    response = post_import(
        publisher_client,
        "admin:news_indicator_import",
        ["release", "zone", "metric", "year", "value", "unit"],
        [[zone_figure.release.slug, zone_figure.zone.slug, zone_figure.metric.slug, "2023",
          "12", zone_figure.unit]],
    )  # fmt: skip

    assert not response.context["cell_errors"]
    assert "could not be written" not in response.content.decode()
    assert "confirm_form" in response.context


def test_the_command_refuses_a_user_who_may_not_import(published_enterprise, tmp_path):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("visitor", password="x")
    path = write_csv(tmp_path / "e.csv", [changed_row(published_enterprise)])

    with pytest.raises(CommandError, match="'visitor' may not import enterprises"):
        call_command("import_enterprises", path, "--user", "visitor")
    assert not PendingChange.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("gbk.csv", "slug,name_en\nco,沈阳公司\n".encode("gbk"), "This file is not in UTF-8"),
        ("utf16.csv", "slug,name_en\nco,Co\n".encode("utf-16"), "This file is not in UTF-8"),
        ("bytes.csv", bytes(range(256)), "This file is not in UTF-8"),
        ("ragged.csv", b"slug,name_en\nallychem,Allychem Co., Ltd.\n", "could not be read"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "could not be read"),
        ("empty.csv", b"", "no rows under its headings"),
        ("headings.csv", b"slug,name_en\n", "no rows under its headings"),
    ],
)
def test_the_command_names_a_file_it_cannot_read_in_words(puwan, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_enterprises", path)
    assert not Enterprise.objects.exists()


def test_the_command_names_a_folder_as_no_file(tmp_path):
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_enterprises", tmp_path / "x.csv")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_exported_file_imported_again_changes_nothing(puwan, tmp_path, capsys, file_format):
    # Names a spreadsheet would read as formulas: the export writes them as text.
    for n, name in enumerate(["+86 Trading Co., Ltd.", "=Sum Ltd.", "@Home Co.", "-2+3 Co."]):
        EnterpriseFactory(name_en=name, summary_en=f"-{n} and more", zone=puwan)
    dataset = EnterpriseResource().export()
    path = tmp_path / f"enterprises.{file_format}"
    exported = dataset.export(file_format)
    path.write_bytes(exported.encode() if isinstance(exported, str) else exported)

    call_command("import_enterprises", path)

    assert "0 new, 0 changed, 4 unchanged" in capsys.readouterr().out
    assert sorted(Enterprise.objects.values_list("name_en", flat=True)) == [
        "+86 Trading Co., Ltd.",
        "-2+3 Co.",
        "=Sum Ltd.",
        "@Home Co.",
    ]


def exported_csv(**filters) -> bytes:
    """The enterprises as the admin's export writes them, as CSV."""
    dataset = EnterpriseResource().export(queryset=Enterprise.objects.filter(**filters))
    return dataset.export("csv").encode()


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def post_file(client, content: bytes, name: str = "enterprises.csv", file_format: str = "0"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        reverse("admin:zones_enterprise_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def test_an_editors_import_adds_to_their_pending_draft_and_keeps_its_other_edits(
    editor, editor_client, published_enterprise
):
    Enterprise.objects.filter(pk=published_enterprise.pk).update(summary_en="Live summary")

    def summary(current):
        current.summary_en = "Drafted in the form"
        current.save()

    drafts.stage(published_enterprise, editor, summary)
    content = exported_csv(pk=published_enterprise.pk).decode()
    edited = content.replace("Allychem Co., Ltd.", "Allychem Renamed Co., Ltd.")

    preview = post_file(editor_client, edited.encode())
    confirm_import(editor_client, preview, "admin:zones_enterprise_process_import")

    snapshot = PendingChange.objects.for_record(published_enterprise).snapshot
    assert "Allychem Renamed Co., Ltd." in snapshot
    assert "Drafted in the form" in snapshot


@pytest.mark.parametrize("stored", ["", "One\r\nTwo"])
def test_an_empty_text_or_line_breaks_as_the_form_keeps_them_come_back_unchanged(
    editor_client, published_enterprise, stored
):
    """The admin's form keeps an empty text as "" or none, and a text area's line breaks as a
    browser sends them, \\r\\n; a file gives back none, and \\n (as a spreadsheet saves a
    line break within a cell)."""
    Enterprise.objects.filter(pk=published_enterprise.pk).update(
        name_zh_hans=stored, summary_en=stored
    )
    content = exported_csv(pk=published_enterprise.pk).replace(b"One\r\nTwo", b"One\nTwo")

    preview = post_file(editor_client, content)
    response = confirm_import(editor_client, preview, "admin:zones_enterprise_process_import")

    said = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "0 new, 0 changed, 1 unchanged" in said
    assert not PendingChange.objects.exists()
    assert Enterprise.objects.get().summary_en == stored


def test_the_admin_csv_export_starts_with_a_bom_for_excel(editor_client, published_enterprise):
    response = editor_client.post(
        reverse("admin:zones_enterprise_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [published_enterprise.pk],
            **{f"enterpriseresource_{name}": "on" for name in ("slug", "name_en", "zone")},
        },
    )
    assert response.content.startswith("\ufeff".encode())
    assert csv_rows(response.content)[1][:2] == ["allychem", "Allychem Co., Ltd."]


def workbook_with_formulas() -> bytes:
    """A workbook as a program writes it: formulas without their values."""
    book = openpyxl.Workbook()
    book.active.append(["slug", "name_en", "name_zh_hans", "zone", "summary_en"])
    book.active.append(["allychem", "Allychem Co., Ltd.", '="测试"&"企业"', "dalian-puwan", "=C2"])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def test_an_xlsx_with_formulas_but_not_their_values_is_refused_in_words(
    publisher_client, published_enterprise
):
    before = Enterprise.objects.values().get()
    preview = post_file(publisher_client, workbook_with_formulas(), "e.xlsx", file_format="1")
    assert preview.context["form"].errors["import_file"] == [
        "2 cells (C2, E2) hold formulas without their values, which would be read as empty "
        "cells. Open the file in Excel, WPS or LibreOffice and save it again, or replace the "
        "formulas by their values."
    ]
    assert Enterprise.objects.values().get() == before


def test_the_command_refuses_formulas_without_their_values_too(published_enterprise, tmp_path):
    path = tmp_path / "e.xlsx"
    path.write_bytes(workbook_with_formulas())
    with pytest.raises(CommandError, match="2 cells .C2, E2. hold formulas"):
        call_command("import_enterprises", path)


def test_formulas_saved_with_their_values_are_read_as_the_values(puwan, tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["slug", "name_en", "zone"])
    book.active.append(["sum-co", "=A2", "dalian-puwan"])
    path = tmp_path / "e.xlsx"
    book.save(path)
    # As a spreadsheet saves it: the formula, and its value beside it.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b'<c r="B2"><f>A2</f><v /></c>', b'<c r="B2" t="str"><f>A2</f><v>Sum Co.</v></c>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    call_command("import_enterprises", path)
    assert Enterprise.objects.get().name_en == "Sum Co."


def test_a_formula_whose_value_is_empty_text_is_read_as_an_empty_cell(puwan, tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["slug", "name_en", "zone", "summary_en"])
    book.active.append(["sum-co", "Sum Co.", "dalian-puwan", '=IF(A2="x","y","")'])
    path = tmp_path / "e.xlsx"
    book.save(path)
    # As a spreadsheet saves a formula that gives "": its value, empty text, beside it.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    written = b'<c r="D2"><f>IF(A2="x","y","")</f><v /></c>'
    assert written in parts[sheet]
    parts[sheet] = parts[sheet].replace(
        written, b'<c r="D2" t="str"><f>IF(A2="x","y","")</f><v></v></c>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)

    call_command("import_enterprises", path)

    assert Enterprise.objects.get().summary_en in ("", None)
