from django import template

from portal.publishing import dashboard, notes

register = template.Library()


@register.inclusion_tag("admin/portal/includes/editors_day.html", takes_context=True)
def editors_day(context) -> dict:
    """The admin home page's sections on the signed-in user's work (dashboard.py)."""
    return dashboard.sections(context["request"])


@register.filter
def history_comment(revision) -> str:
    """What a history entry says of its save, in the reader's language (notes.py)."""
    return notes.read_comment(revision.comment)
