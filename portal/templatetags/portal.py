from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import translate_url
from django.utils.translation import gettext as _

from portal.publishing.structured_data import ld_json_script

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str) -> str:
    """This page's URL (with its query string) in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.filter
def figure(indicator) -> str:
    """An indicator's value written for a reader: +23.7%, 5, ¥110,000,000.

    Digits are grouped by threes with commas in both languages, as Chinese statistical releases
    do; Django's Chinese number format would not group them at all.
    """
    value: Decimal = indicator.value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    if indicator.unit == "percent_change":
        sign = "+" if value > 0 else ""
        return f"{sign}{value}%"
    if indicator.unit == "percent":
        return f"{value}%"
    if indicator.unit == "cny":
        return _("¥%(amount)s") % {"amount": intcomma(value, use_l10n=False)}
    return intcomma(value, use_l10n=False)


@register.filter
def ld_json(data: dict) -> str:
    """A page's structured data as a `<script type="application/ld+json">` data block."""
    return ld_json_script(data) if data else ""
