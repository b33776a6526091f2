"""The Chinese interface catalogue is complete: no empty or fuzzy entries."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal import compilemessages
from portal.apps import check_compiled_messages

# A key a site with DEBUG off accepts (see portal/settings.py).
A_STRONG_KEY = "a-long-random-production-secret-with-variety-0123456789"

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


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_every_interface_string_in_the_code_is_in_the_catalogue(tmp_path):
    """A string marked for translation but missing from the catalogue shows in English on the
    Chinese pages; the test above cannot see it. Extracted as makemessages does, in a copy."""
    root = CATALOGUE.parents[3]
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "var", "media", "staticfiles", "*.sqlite3", "vendor"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v0"],
        cwd=copy,
        check=True,
        env=os.environ | {"SECRET_KEY": A_STRONG_KEY, "DJANGO_READ_DOT_ENV": "0"},
    )
    extracted = messages(copy / CATALOGUE.relative_to(root))
    assert extracted - messages(CATALOGUE) == set()


def messages(path: Path) -> set[tuple]:
    with path.open("rb") as po_file:
        return {(message.context, message.id) for message in read_po(po_file) if message.id}
