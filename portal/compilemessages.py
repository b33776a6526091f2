"""Compile the committed .po catalogues to .mo without GNU gettext, which a fresh machine lacks."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def stale() -> list[Path]:
    """The catalogues whose .mo is missing or older than their .po."""
    return [
        po_path
        for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
        if not (mo_path := po_path.with_suffix(".mo")).exists()
        or mo_path.stat().st_mtime < po_path.stat().st_mtime
    ]


def main() -> None:
    for po_path in stale():
        mo_path = po_path.with_suffix(".mo")
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        print(f"compiled {mo_path.relative_to(LOCALE_DIR.parent)}")


if __name__ == "__main__":
    main()
