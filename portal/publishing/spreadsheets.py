"""Exports that a spreadsheet opens (the admin's CSV and XLSX, the public downloads) hold text,
never formulas; and the public downloads themselves (CSV and JSON streamed, XLSX).

The threat is formula injection: a record's name such as `=HYPERLINK("https://…?"&A1)` or
`=cmd|' /C calc'!A0`, typed by anyone who can get a name into the portal, runs when an
export is opened in Excel, LibreOffice or WPS, and can leak the sheet or start a program. A
spreadsheet reads a cell as a formula when it starts with `=`, `+`, `-` or `@`, also after
leading spaces or control characters, and some read the full-width forms (＝ ＋ － ＠) that a
Chinese input method types. Every such text gets a leading apostrophe, the quote spreadsheets
themselves use for "this is text", so it shows as typed and never runs; so does text that
starts with a tab, a carriage return or a line feed. A plain number ("-3.5", "+86") is data,
not a formula, and is left alone. The public XLSX download marks such a cell as text instead,
which shows no apostrophe; a file exported here and imported again loses the apostrophe that
the export added (`as_typed`).

django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: in 4.4 it
removes one leading `=` only (so `==1+1` still runs, and `+`, `-`, `@` pass) and turns every
cell into text, numbers included.
"""

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

import tablib
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_SIGNS = "=+-@＝＋－＠"
# Spaces and control characters a spreadsheet skips before it looks for a formula sign.
LEADING_BLANKS = " \u00a0\u3000\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)


def formula_safe(value):
    """`value` as a spreadsheet will show it and never run it; anything but text is kept."""
    if isinstance(value, str) and needs_quote(value):
        return "'" + value
    return value


def as_typed(value):
    """`value` without the apostrophe `formula_safe` put before it, if it has one: what was
    typed, for a file exported here and imported again. Any other apostrophe (`'90s Fashion`)
    is part of the text and stays."""
    if isinstance(value, str) and value.startswith("'") and needs_quote(value[1:]):
        return value[1:]
    return value


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula. So is text that starts with the
    quote itself before such text (`'=1+1` as typed), so that `as_typed` gives it back whole."""
    if not text or PLAIN_NUMBER.fullmatch(text):
        return False
    first = text.lstrip(LEADING_BLANKS)[:1]
    if text[0] in "\t\r\n" or (first and first in FORMULA_SIGNS):
        return True
    return text[0] == "'" and needs_quote(text[1:])


def formula_safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of `dataset` with every cell passed through `formula_safe`."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([formula_safe(cell) for cell in row])
    return safe


def cell_text(value) -> str:
    """A value for a CSV cell, as text that a spreadsheet shows and never runs."""
    return formula_safe("" if value is None else str(value))


def in_chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """`items` in lists of `size`, the last one shorter (itertools.batched, from Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def grouped(pairs: Iterable[tuple[Key, Item]]) -> dict[Key, list[Item]]:
    """The values of `(key, value)` pairs listed by key, each list in the order they came."""
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


class _Line:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


# Lines of a streamed download sent per write: few enough writes to cost little, small enough
# to hold in memory.
LINES_PER_WRITE = 500


def in_this_language(chunks: Iterator[str]) -> Iterator[str]:
    """`chunks`, produced in the language active now.

    A streamed body is produced after the view has returned, when the thread may be serving
    another request in the other language: names, cities and countries must not change
    language halfway through a file.
    """
    language = translation.get_language()

    def produced() -> Iterator[str]:
        with translation.override(language):
            yield from chunks

    return produced()


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """A CSV file, LINES_PER_WRITE lines at a time, with a BOM so that Excel reads the Chinese
    right."""
    writer = csv.writer(_Line())
    lines = ["\ufeff" + writer.writerow(header)]
    for row in rows:
        lines.append(writer.writerow([cell_text(value) for value in row]))
        if len(lines) == LINES_PER_WRITE:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable]):
    """A streamed CSV download: rows are written as the database hands them over, so a long
    export neither waits for its last row nor holds them all in memory."""
    response = StreamingHttpResponse(
        in_this_language(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(
    filename: str, title: str, header: list[str], rows: Iterable[Iterable]
) -> HttpResponse:
    """An XLSX download, its one sheet named `title` (at most 31 characters). openpyxl's
    write-only mode keeps one row in memory at a time, but a ZIP file is complete only at its
    end, so this one is sent when written, not streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_cell(sheet, text: str):
    """`text` for an XLSX sheet: as it is, or where a spreadsheet could read it as a formula, a
    cell of text marked with the quote prefix, the spreadsheet's own "this is text", so that it
    shows as typed (without the apostrophe a CSV file needs) and stays text when edited."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if not needs_quote(text):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl took it for a formula
    cell.quotePrefix = True
    return cell


def json_download(filename: str, items: Iterable) -> StreamingHttpResponse:
    """A streamed JSON array of `items` (each JSON-serialisable), written as they come."""

    def chunks() -> Iterator[str]:
        yield "["
        for number, item in enumerate(items):
            yield ("," if number else "") + json.dumps(
                item, cls=DjangoJSONEncoder, ensure_ascii=False
            )
        yield "]"

    response = StreamingHttpResponse(
        in_this_language(chunks()), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
