"""Which language a translated field of a record is read in.

modeltranslation falls back to another language where a translation is empty, so a Chinese page,
feed or calendar may show an English title; a screen reader, a feed reader and a calendar
program each need to know.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, pgettext


def listed(items: Iterable[Any]) -> str:
    """Items written as a list in the current language: "a, b" in English, "a、b" in Chinese."""
    return pgettext("between the items of a list", ", ").join(str(item) for item in items)


def shown(obj, field_name: str) -> tuple[Any, str | None]:
    """`obj.<field_name>` as modeltranslation shows it, and the language it is shown in when that
    is not the current language (else None).

    Read from the languages' own fields: through modeltranslation's descriptor, then again for
    the language, a list of records paid for each name twice.
    """
    current = get_language() or settings.LANGUAGE_CODE
    value = getattr(obj, f"{field_name}_{current.replace('-', '_')}", None)
    if value:
        return value, None
    for code, _name in settings.LANGUAGES:
        if code != current:
            value = getattr(obj, f"{field_name}_{code.replace('-', '_')}", None)
            if value:
                return value, code
    # Untranslated everywhere, or not a translated field.
    return getattr(obj, field_name, ""), None


def shown_language(obj, field_name: str) -> str | None:
    """The language `obj.<field_name>` is shown in when it is not the current language, else
    None."""
    return shown(obj, field_name)[1]


def content_language(obj, field_name: str) -> str:
    """The language `obj.<field_name>` is shown in, the current one unless it is a fallback."""
    return shown_language(obj, field_name) or get_language() or settings.LANGUAGE_CODE
