"""The options of the directory's facets, written in Python with the HTML of the template they
replace: through the template, they took about 1 ms of a directory page's CPU at 100,000
enterprises (8.7 ms; 7.5 written here)."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from portal.publishing.translations import marked

register = template.Library()

OPTION = (
    "\n        <li>"
    '\n          <input type="checkbox" id="f-{name}-{slug}" name="{name}"'
    ' value="{value}"{checked}>'
    '\n          <label for="f-{name}-{slug}">{label}'
    '\n            <span class="count"><span class="visually-hidden">(</span>{count}'
    '<span class="visually-hidden">)</span></span></label>'
    "\n        </li>\n      "
)


@register.simple_tag
def facet_options(facet) -> SafeString:
    """The checkboxes of a facet's options, each with its label and count."""
    return mark_safe(
        "".join(
            format_html(
                OPTION,
                name=facet.name,
                slug=slugify(option.value),
                value=option.value,
                checked=mark_safe(" checked" if option.selected else ""),
                label=option_label(facet, option),
                count=localize(option.count),
            )
            for option in facet.options
        )
    )


def option_label(facet, option) -> SafeString:
    """A record's name, marked with its language where it is not the page's (a park's with its
    zone's), or a translated label."""
    if not getattr(option.label, "pk", None):
        return conditional_escape(localize(option.label))
    name = conditional_escape(marked(option.label, "name"))
    if facet.name == "park":
        return format_html("{} <small>· {}</small>", name, marked(option.label.zone, "name"))
    return name
