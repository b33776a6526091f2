"""Exports that a spreadsheet opens (the admin's CSV and XLSX, the directory's CSV) hold text,
never formulas.

The threat is formula injection: a record's name such as `=HYPERLINK("https://…?"&A1)` or
`=cmd|' /C calc'!A0`, typed by anyone who can get a name into the portal, runs when an
export is opened in Excel, LibreOffice or WPS, and can leak the sheet or start a program. A
spreadsheet reads a cell as a formula when it starts with `=`, `+`, `-` or `@`, also after
leading spaces or control characters, and some read the full-width forms (＝ ＋ － ＠) that a
Chinese input method types. Every such text gets a leading apostrophe, the quote spreadsheets
themselves use for "this is text", so it shows as typed and never runs; so does text that
starts with a tab, a carriage return or a line feed. A plain number ("-3.5", "+86") is data,
not a formula, and is left alone.

django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: in 4.4 it
removes one leading `=` only (so `==1+1` still runs, and `+`, `-`, `@` pass) and turns every
cell into text, numbers included.
"""

import re

import tablib

FORMULA_SIGNS = "=+-@＝＋－＠"
# Spaces and control characters a spreadsheet skips before it looks for a formula sign.
LEADING_BLANKS = " \u00a0\u3000\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_safe(value):
    """`value` as a spreadsheet will show it and never run it; anything but text is kept."""
    if not isinstance(value, str) or not value:
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    first = value.lstrip(LEADING_BLANKS)[:1]
    if value[0] in "\t\r\n" or (first and first in FORMULA_SIGNS):
        return "'" + value
    return value


def formula_safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of `dataset` with every cell passed through `formula_safe`."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([formula_safe(cell) for cell in row])
    return safe
