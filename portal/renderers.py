"""The form renderer: Django's widget templates through the project's template engine, except
the select, which is written here.

A select went through a template of its own, and its attributes through another: the zone list's
five selects took 3.0 ms a request that way, 1.4–1.7 ms written here, most of which is now
Django's preparation of the options. The HTML is Django's, for any select, a multiple one
included (tests/portal/test_renderers.py), but that an option naming a record in another
language than the page's says so (`lang`), as the pages mark such a name.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from portal.publishing.translations import shown_language

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class PortalFormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def html_attrs(attrs: dict) -> str:
    """Django's attrs.html: a False attribute is left out, a True one written bare."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> str:
    """The <select> of Django's select.html, from the widget's context."""
    parts = [format_html('<select name="{}"', widget["name"]), html_attrs(widget["attrs"]), ">"]
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            attrs = option["attrs"]
            if lang := option_language(option["value"]):
                attrs = {**attrs, "lang": lang}
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    option["value"],
                    mark_safe(html_attrs(attrs)),
                    conditional_escape(localize(option["label"])),
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def option_language(value) -> str | None:
    """The language of a record's name in an option of a model's choices, where it is not
    the page's (an untranslated series on a Chinese page); None otherwise."""
    record = getattr(value, "instance", None)
    for field in ("name", "title"):
        if record is not None and hasattr(record, f"{field}_en"):
            return shown_language(record, field)
    return None
