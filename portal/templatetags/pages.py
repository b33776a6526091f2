"""Template helpers of the public pages: translated content marked by language, choice labels,
image renditions."""

from django import template
from django.utils.html import format_html

from portal.publishing.renditions import srcset
from portal.publishing.translations import choice_label, fallback_tag, marked, shown

register = template.Library()


@register.filter
def fallback_lang(obj, field_name: str) -> str:
    """`lang` for an element holding `obj.<field_name>`: empty when in the page's language."""
    return fallback_tag(obj, field_name) or ""


@register.filter
def own(obj, field_name: str) -> str:
    """`obj.<field_name>` in the page's language, or empty where it has none: for what cannot
    mark another language, such as a meta description."""
    value, language = shown(obj, field_name)
    return "" if language else value


@register.filter
def tr(obj, field_name: str = "name"):
    """`obj.<field_name>`, marked with its language when it is a fallback."""
    return marked(obj, field_name)


@register.filter
def label(obj, field_name: str):
    """The label of `obj.<field_name>`'s choice, as `get_<field_name>_display` gives it."""
    return choice_label(obj, field_name)


@register.filter
def script_lang(text: str) -> str:
    """`lang` for a text in no particular language (a former name, say), from its script."""
    if any("\u3400" <= char <= "\u9fff" for char in str(text)):
        return "zh-Hans"
    return "en"


@register.simple_tag
def responsive_image(image, alt: str, widths: str = "480,960", sizes: str = "100vw", **attrs):
    """An <img> with Pillow-made renditions of an ImageField at the given widths."""
    if not image:
        return ""
    sources = srcset(image, [int(width) for width in widths.split(",")])
    if not sources:
        return ""
    largest = sources[-1]
    # The text alternative's own language, when it is shown for want of one in the page's.
    lang = format_html(' lang="{}"', attrs["lang"]) if attrs.get("lang") else ""
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}"{} width="{}" height="{}" loading="lazy"'
        ' decoding="async" class="{}">',
        largest.url,
        ", ".join(f"{source.url} {source.width}w" for source in sources),
        sizes,
        alt,
        lang,
        largest.width,
        largest.height,
        attrs.get("class", ""),
    )
