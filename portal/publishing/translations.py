"""Which language a translated field of a record is read in, the order of records by one, and
the label of a choice in the current language.

modeltranslation falls back to another language where a translation is empty, so a Chinese page,
feed or calendar may show an English title; a screen reader, a feed reader and a calendar
program each need to know.
"""

import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import CharField, CheckConstraint, F, Func, Q
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext

NAME_MISSING = gettext_lazy("Give the name in English, in Chinese or in both.")
TITLE_MISSING = gettext_lazy("Give the title in English, in Chinese or in both.")


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


def language_tag(code: str | None = None) -> str:
    """A BCP 47 tag for a language code of the portal (zh-hans → zh-Hans), as `lang` and
    schema.org's `inLanguage` spell it; the current language's without a code."""
    code = code or get_language() or "en"
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if script else language


def fallback_tag(obj, field_name: str) -> str | None:
    """The BCP 47 tag of the language `obj.<field_name>` is shown in when it is not the current
    language (a `lang` attribute's value), else None."""
    language = shown_language(obj, field_name)
    return language_tag(language) if language else None


def marked_untranslated(value: Any, language: str) -> SafeString:
    """`value`, shown in `language` for want of a translation, as HTML marked with its language
    (its BCP 47 tag, which screen readers choose a voice by) and a note saying so. The note is
    in the page's language: it sits on an element of the page's, outside the one that declares
    the value's."""
    return format_html(
        '<span class="untranslated" title="{}"><span lang="{}">{}</span></span>',
        gettext("Not yet translated"),
        language_tag(language),
        value,
    )


def marked(obj, field_name: str) -> Any:
    """`obj.<field_name>`, marked with its language when it is shown for want of a translation
    (marked_untranslated)."""
    value, language = shown(obj, field_name)
    return marked_untranslated(value, language) if language else value


def choice_label(obj, field_name: str) -> Any:
    """The label of `obj.<field_name>`'s choice, as `get_<field_name>_display` gives it.

    Django rebuilds the choices' dict on each `get_..._display` call, translating every label
    to hash it; a list of results asks for one label per row.
    """
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    return choice_labels(field).get(value, value)


@functools.cache
def choice_labels(field) -> dict:
    return dict(field.flatchoices)


def given_in_either_language(field: str, name: str, message: Promise) -> CheckConstraint:
    """A constraint, named `name`, that a translated field is given in English, in Chinese or in
    both (NULL counts as empty).

    Releases often name a local enterprise, a park or an event in Chinese alone, and a Chinese
    release has a Chinese title: no English is made up for them. Their pages show the Chinese,
    marked as not translated, wherever the English would be.
    """
    english, chinese = f"{field}_en", f"{field}_zh_hans"
    return CheckConstraint(
        condition=(Q(**{f"{english}__isnull": False}) & ~Q(**{english: ""}))
        | (Q(**{f"{chinese}__isnull": False}) & ~Q(**{chinese: ""})),
        name=name,
        violation_error_message=message,
    )


def require_either_language(record, field: str, message: Promise) -> None:
    """Raise ValidationError, on the English field, when `record.<field>` is given in neither
    language: a form says so beside the field rather than above the form
    (given_in_either_language)."""
    english, chinese = f"{field}_en", f"{field}_zh_hans"
    if not any((getattr(record, name) or "").strip() for name in (english, chinese)):
        raise ValidationError({english: ValidationError(message, code="missing")})


def content_language(obj, field_name: str) -> str:
    """The language `obj.<field_name>` is shown in, the current one unless it is a fallback."""
    return shown_language(obj, field_name) or get_language() or settings.LANGUAGE_CODE


def keep_multilingual_queryset_classes() -> None:
    """Make modeltranslation's queryset class for a custom QuerySet once, not per query.

    Each `Model.objects` call of a model with a QuerySet of its own (`PublishableQuerySet` and
    the others) made a new class mixing it with modeltranslation's: about 30 µs, a dozen times a
    page, and classes left for the garbage collector, which holds them in reference cycles.
    """
    from modeltranslation import manager

    factory = manager.multilingual_queryset_factory
    if not hasattr(factory, "cache_info"):
        make_class = functools.cache(factory)

        # Under the same name, for pickle: a pickled queryset names the factory.
        @functools.wraps(factory)
        def multilingual_queryset_factory(old_cls, instantiate=True):
            new_class = make_class(old_cls, instantiate=False)
            return new_class() if instantiate else new_class

        multilingual_queryset_factory.cache_info = make_class.cache_info
        manager.multilingual_queryset_factory = multilingual_queryset_factory


class NullIfEmpty(Func):
    """NULLIF(text, ''), with the empty text written in the SQL rather than passed as a
    parameter. PostgreSQL gets the parameters apart from the statement (settings.py): a SELECT
    DISTINCT sorted by this repeats it in its select list with parameters of their own, and
    PostgreSQL could not tell that the two are the same expression."""

    template = "NULLIF(%(expressions)s, '')"
    output_field = CharField()


def translated(field_name: str, prefix: str = "", then_slug: bool = True) -> Coalesce:
    """A translated field in the current language, else in the other one, else the slug
    (`prefix`: of the record across a relation, as "qualification__"; `then_slug=False`: NULL
    where both languages are empty).

    Sorting on `name_zh_hans` alone would put every record without a Chinese name first.
    """
    language = (get_language() or "en").replace("-", "_")
    other = "en" if language != "en" else "zh_hans"
    return Coalesce(
        NullIfEmpty(f"{prefix}{field_name}_{language}"),
        NullIfEmpty(f"{prefix}{field_name}_{other}"),
        *([f"{prefix}slug"] if then_slug else []),
        output_field=CharField(),
    )


def by_name(prefix: str = "") -> F:
    """What a list of named records (zones/collation.py's `PinyinSorted`) is ordered by in the
    current language: its sort key there, made on save (in Chinese the pinyin of the name, not
    the code points a database sorts Chinese by; in English the name without case or accents,
    which databases' collations sort each their own way). `prefix` orders by a related
    record's name."""
    if (get_language() or "en") == "zh-hans":
        return F(f"{prefix}sort_key_zh")
    return F(f"{prefix}sort_key_en")
