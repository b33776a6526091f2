import html
from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.publishing.structured_data import ld_json_script

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str) -> str:
    """This page's URL (with its query string) in another language.

    Worked out once per language and request: a page asks for both languages in its head and
    for the other one again in its language switcher.
    """
    request = context["request"]
    urls = request.__dict__.setdefault("translated_urls", {})
    if language_code not in urls:
        urls[language_code] = url_in_language(request, language_code)
    return urls[language_code]


@register.simple_tag(takes_context=True)
def canonical_page(context) -> str:
    """The page of a list, for its canonical address: "?page=3" on the third page of a list
    without filters, so that search engines keep every page rather than the first alone. A
    filtered list is canonical as the unfiltered list."""
    page = context.get("page_obj")
    query = context["request"].GET
    if page is None or page.number == 1 or list(query) != ["page"]:
        return ""
    return f"?page={page.number}"


@register.simple_tag(takes_context=True)
def canonical_url_in_language(context, language_code: str) -> str:
    """This page's canonical address (its path, and a later page's number) in another language,
    for its hreflang links: search engines ignore a language version that is not canonical, as
    one with a filter or a campaign's parameters would be."""
    path = translated_url(context, language_code).split("?", 1)[0]
    return path + canonical_page(context)


def url_in_language(request: HttpRequest, language_code: str) -> str:
    """Reversed from the request's own match, where translate_url() would resolve the path
    once more; a page without a match (a 404) goes through translate_url()."""
    match = request.resolver_match
    if match is None or not match.url_name:
        full_path = request.get_full_path()
        translated = translate_url(full_path, language_code)
        # An address that resolves to no page (a 404) cannot be reversed in the other
        # language: it takes the other language's prefix, so the switch still switches. One
        # without a language's prefix (shown in the browser's language) is given one.
        if translated != full_path:
            return translated
        current = f"/{translation.get_language()}/"
        if full_path.startswith(current):
            return f"/{language_code}/{full_path.removeprefix(current)}"
        if not any(full_path.startswith(f"/{code}/") for code, _name in settings.LANGUAGES):
            return f"/{language_code}{full_path}"
        return translated
    with translation.override(language_code):
        try:
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.get_full_path()
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{iri_to_uri(query)}" if query else path


@register.filter
def figure(indicator) -> str:
    """An indicator's value written for a reader: +23.7%, 5, 110,000,000, more than 100 (an
    amount's currency is its unit, which every table shows beside it or in the row's label).

    Digits are grouped by threes with commas in both languages, as Chinese statistical releases
    do; Django's Chinese number format would not group them at all. A Chinese page writes an
    amount of yuan in 亿 or 万 where that takes no rounding (1.1亿, not 110,000,000).
    """
    value = whole_if_whole(indicator.value.normalize())
    if indicator.unit == "percent_change":
        sign = "+" if value > 0 else ""
        written = f"{sign}{value}%"
    elif indicator.unit == "percent":
        written = f"{value}%"
    elif indicator.unit == "cny" and translation.get_language() == "zh-hans":
        written = chinese_amount(value) or intcomma(value, use_l10n=False)
    else:
        written = intcomma(value, use_l10n=False)
    return indicator.stated(written)


@register.filter
def yuan(amount: Decimal) -> str:
    """An amount of yuan written for a reader: 110,000,000 yuan, or 1,234.50 yuan with its fen; a
    Chinese page writes 1.1亿元 where that takes no rounding, as `figure` does."""
    value = whole_if_whole(amount)
    written = intcomma(value, use_l10n=False)
    if translation.get_language() == "zh-hans":
        written = chinese_amount(value.normalize()) or written
    return _("%(amount)s yuan") % {"amount": written}


def whole_if_whole(value: Decimal) -> Decimal:
    """A whole number without decimals (110000000.00 as 110000000); any other as it is."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


# 亿 (10⁸) and 万 (10⁴), as Chinese writes large amounts; to at most this many decimals.
CHINESE_AMOUNT_STEPS = ((Decimal(10**8), "亿"), (Decimal(10**4), "万"))
CHINESE_AMOUNT_DECIMALS = 4


def chinese_amount(value: Decimal) -> str | None:
    """`value` in 亿 or 万 (110000000 → 1.1亿), or None where that would round it."""
    for step, name in CHINESE_AMOUNT_STEPS:
        if abs(value) >= step:
            scaled = (value / step).normalize()
            if -scaled.as_tuple().exponent > CHINESE_AMOUNT_DECIMALS:
                return None
            return f"{scaled:f}{name}"
    return None


@register.filter
def meta_text(rendered: str, length: int) -> str:
    """Rendered HTML as a <meta> tag's text: its tags dropped, cut to `length` characters as a
    reader counts them, escaped again. Cut while escaped, an apostrophe counted as the six
    characters of "&#x27;" and a snippet could end inside one, as "&#x…"."""
    return escape(Truncator(html.unescape(strip_tags(rendered))).chars(length))


@register.filter
def ld_json(data: dict) -> str:
    """A page's structured data as a `<script type="application/ld+json">` data block."""
    return ld_json_script(data) if data else ""
