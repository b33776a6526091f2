"""Which language a translated field of a record is read in.

modeltranslation falls back to another language where a translation is empty, so a Chinese page,
feed or calendar may show an English title; a screen reader, a feed reader and a calendar
program each need to know.
"""

from django.conf import settings
from django.utils.translation import get_language


def shown_language(obj, field_name: str) -> str | None:
    """The language `obj.<field_name>` is shown in when it is not the current language, else
    None."""
    current = get_language() or settings.LANGUAGE_CODE
    if getattr(obj, f"{field_name}_{current.replace('-', '_')}", None):
        return None
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(obj, f"{field_name}_{code.replace('-', '_')}", None):
            return code
    return None


def content_language(obj, field_name: str) -> str:
    """The language `obj.<field_name>` is shown in, the current one unless it is a fallback."""
    return shown_language(obj, field_name) or get_language() or settings.LANGUAGE_CODE
