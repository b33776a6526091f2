from django import template

from portal.publishing import dashboard

register = template.Library()


@register.inclusion_tag("admin/portal/includes/editors_day.html", takes_context=True)
def editors_day(context) -> dict:
    """The admin home page's sections on the signed-in user's work (dashboard.py)."""
    return dashboard.sections(context["request"])
