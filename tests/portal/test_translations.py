"""The Chinese interface catalogue is complete: no empty or fuzzy entries."""

from pathlib import Path

from babel.messages.pofile import read_po

from portal import compilemessages
from portal.apps import check_compiled_messages

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


def test_a_catalogue_not_compiled_is_named_by_the_system_checks(tmp_path, monkeypatch):
    catalogue = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(compilemessages, "LOCALE_DIR", tmp_path / "locale")
    assert [warning.id for warning in check_compiled_messages(None)] == ["portal.W001"]
    compilemessages.main()
    assert check_compiled_messages(None) == []
