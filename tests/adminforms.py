"""Build the POST an admin change form would send, from the page the browser got."""

from django import forms
from django.urls import reverse


def _field_data(bound_field, name: str) -> dict:
    field, value = bound_field.field, bound_field.value()
    widget = field.widget
    if isinstance(field, forms.FileField) or value is None:
        return {}
    if isinstance(widget, forms.MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        return {f"{name}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)}
    if isinstance(field, forms.BooleanField):
        return {name: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {name: [str(v) for v in value]}
    return {name: str(value)}


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        data |= _field_data(form[name], form.add_prefix(name))
    return data


def change_form_data(response) -> dict:
    """Every field of the main form and its inlines, as the page shows them."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _form_data(formset.management_form)
        for form in formset.forms:
            data |= _form_data(form)
    return data


def add_form_data(response) -> dict:
    """The management forms of an add page's inlines, each with no rows."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        data |= _form_data(inline.formset.management_form) | {
            inline.formset.management_form.add_prefix("TOTAL_FORMS"): "0"
        }
    return data


def draft_action(client, record, action: str, **data):
    """What a pending draft's page sends for `action`: with the draft's saves as it shows them."""
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_draft", args=[record.pk])
    pending = client.get(url).context["pending"]
    return client.post(
        url, {"action": action, "draft": pending.pk, "number": pending.number, **data}
    )
