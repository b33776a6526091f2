"""The Chinese interface catalogue is complete: no empty or fuzzy entries."""

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_interface_string_has_a_chinese_translation():
    with CATALOGUE.open("rb") as po_file:
        catalog = read_po(po_file, locale="zh_Hans")
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert untranslated == []
