"""Whatever an Editor changes in the admin, visitors see nothing of it until a Publisher
publishes it: for every model in the admin, with every field the Editor's form offers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from news.models import Indicator
from portal.publishing import editorial
from portal.publishing.models import PendingChange
from tests.adminforms import change_form_data, draft_action
from tests.factories import EventFactory, ReleaseFactory
from tests.publicsite import differences, public_site
from zones.models import Enterprise, Zone

pytestmark = pytest.mark.django_db

MARKER = "Zqxmarker"
CONTENT_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"zones", "news"} and admin.site.is_registered(model)
]


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def changed_value(field: forms.Field, value):
    """Another valid-looking value for a form field, carrying the marker where it is text."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:3]]
        current = [str(v) for v in value or []]
        return [pk for pk in pks if pk not in current][:1] or current[1:]
    if isinstance(field, forms.ModelChoiceField):
        return value
    if isinstance(field, forms.ChoiceField):
        choices = [str(key) for key, _label in field.choices if key not in ("", None)]
        others = [choice for choice in choices if choice != str(value)]
        return others[0] if others else value
    if isinstance(field, forms.BooleanField):
        return not value
    if isinstance(field, forms.SlugField):
        return f"{value}-{MARKER.lower()}"
    if isinstance(field, forms.URLField):
        return f"https://{MARKER.lower()}.example.org/"
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return 2001 if value in (None, "") else Decimal(str(value)) + 1
    if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
        return value
    if isinstance(field, forms.DateField):
        return datetime.date(2024, 6, 20)
    if isinstance(field, forms.CharField):
        text = f"{value or ''} {MARKER}".strip()
        return text[-field.max_length :] if field.max_length else text
    return value


def edit_every_field(form, data: dict) -> dict:
    for name, field in form.fields.items():
        if field.disabled or isinstance(field.widget, forms.HiddenInput | forms.FileInput):
            continue
        value = changed_value(field, form[name].value())
        key = form.add_prefix(name)
        if isinstance(value, bool):
            data.pop(key, None)
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data[key] = value
        elif value is not None:
            data[key] = str(value)
    return data


def post_every_change(client, url: str):
    """Post the form with every field changed; fields whose changed value the form refuses
    (a credit code's check digit, say) go back to what they were, so the rest is saved."""
    page = client.get(url)
    original = change_form_data(page)
    data = dict(original)
    edit_every_field(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            edit_every_field(form, data)
    for _attempt in range(3):
        response = client.post(url, data)
        if response.status_code != 200:
            return response
        refused = [response.context["adminform"].form]
        refused += [f for i in response.context["inline_admin_formsets"] for f in i.formset.forms]
        for form in refused:
            for name in form.errors:
                key = form.add_prefix(name)
                if key in original:
                    data[key] = original[key]
                else:
                    data.pop(key, None)
    return response


@pytest.fixture
def site(demo):
    """The demo content with one record of every model, all public."""
    EventFactory(title_en="Business day", zone=demo.zones.first())
    return public_site(queries=(MARKER,))


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_an_editors_save_changes_nothing_public_until_it_is_published(
    model, site, editor_client, publisher_client, visitor
):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"the demo has no {model._meta.verbose_name}")
    role = editorial.role_of(model)
    response = post_every_change(editor_client, admin_url(obj))

    assert differences(site, public_site(queries=(MARKER,))) == []
    if role != editorial.PUBLISHABLE:
        # Reference data and media are changed by Publishers; parts of a live record only in
        # their record's form.
        assert response.status_code == 403
        return
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert PendingChange.objects.for_record(obj) is not None

    draft_action(publisher_client, obj, "publish")
    obj.refresh_from_db()
    page = visitor.get(obj.get_absolute_url())
    assert page.status_code == 200
    assert MARKER in page.content.decode()


@pytest.mark.parametrize(
    "model",
    [m for m in CONTENT_MODELS if editorial.role_of(m) == editorial.PUBLISHABLE],
    ids=lambda m: m.__name__,
)
def test_an_editors_restore_of_a_live_record_changes_nothing_public(
    model, demo, editor_client, publisher_client
):
    EventFactory(title_en="Business day", zone=demo.zones.first())
    obj = model._default_manager.order_by("pk").first()
    page = publisher_client.get(admin_url(obj))
    name = next(n for n in ("title_en", "name_en") if n in page.context["adminform"].form.fields)
    data = change_form_data(page) | {name: f"{getattr(obj, name)} {MARKER}"}
    assert publisher_client.post(admin_url(obj), data).status_code == 302
    site = public_site(queries=(MARKER,))
    first = Version.objects.get_for_object(obj).last()
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revision", args=[obj.pk, first.pk]
    )

    response = editor_client.post(url, change_form_data(editor_client.get(url)))

    assert response.status_code == 302
    assert differences(site, public_site(queries=(MARKER,))) == []
    assert MARKER not in PendingChange.objects.for_record(obj).snapshot


PUBLISHABLE_MODELS = [m for m in CONTENT_MODELS if editorial.role_of(m) == editorial.PUBLISHABLE]


def text_field(page) -> str:
    return next(n for n in ("title_en", "name_en") if n in page.context["adminform"].form.fields)


@pytest.mark.parametrize("model", PUBLISHABLE_MODELS, ids=lambda m: m.__name__)
def test_an_editors_restore_of_a_version_saved_while_public_keeps_an_unpublished_record_hidden(
    model, demo, editor_client, publisher_client
):
    EventFactory(title_en="Business day", zone=demo.zones.first())
    # Another public release: a feed without items would be dated at the time it is read.
    ReleaseFactory(title_en="Harbour report")
    obj = model._default_manager.order_by("pk").first()
    page = publisher_client.get(admin_url(obj))
    name = text_field(page)
    data = change_form_data(page) | {name: f"{getattr(obj, name)} {MARKER}"}
    assert publisher_client.post(admin_url(obj), data).status_code == 302
    page = publisher_client.get(admin_url(obj))
    unpublish = change_form_data(page) | {"status": "draft"}
    assert publisher_client.post(admin_url(obj), unpublish).status_code == 302
    site = public_site(queries=(MARKER,))
    public_version = next(
        version
        for version in Version.objects.get_for_object(obj)
        if version.field_dict["status"] == "published" and MARKER in version.field_dict[name]
    )
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revision",
        args=[obj.pk, public_version.pk],
    )

    response = editor_client.post(url, change_form_data(editor_client.get(url)))

    assert response.status_code == 302
    obj.refresh_from_db()
    assert MARKER in getattr(obj, name)
    assert obj.status == "draft"
    assert differences(site, public_site(queries=(MARKER,))) == []


@pytest.mark.parametrize("model", PUBLISHABLE_MODELS, ids=lambda m: m.__name__)
def test_a_record_an_editor_recovers_comes_back_as_a_draft(
    model, demo, editor_client, publisher_client
):
    EventFactory(title_en="Business day", zone=demo.zones.first())
    obj = model._default_manager.order_by("-pk").first()
    # Another public release: a feed without items would be dated at the time it is read.
    ReleaseFactory(title_en="Harbour report")
    name = text_field(publisher_client.get(admin_url(obj)))
    word = getattr(obj, name).split()[0]
    response = publisher_client.post(admin_url(obj, "delete"), {"post": "yes"})
    if response.status_code != 302:
        pytest.skip("Deleting it is refused while other records depend on it.")
    site = public_site(queries=(word,))
    deleted = Version.objects.get_deleted(model).first()
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_recover", args=[deleted.pk])

    response = editor_client.post(url, change_form_data(editor_client.get(url)))

    assert response.status_code == 302
    recovered = model._base_manager.get(pk=obj.pk)
    assert recovered.status == "draft"
    assert differences(site, public_site(queries=(word,))) == []


def import_file(client, url_name: str, header: list[str], rows: list[list[str]]):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "import.csv"
    preview = client.post(
        reverse(f"admin:{url_name}_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.context.get("cell_errors")
    data = {name: confirm[name].value() for name in confirm.fields}
    return client.post(reverse(f"admin:{url_name}_process_import"), data)


def test_an_editors_import_changes_nothing_public(site, editor_client, demo):
    zones = Zone.objects.order_by("pk")
    import_file(
        editor_client,
        "zones_zone",
        ["slug", "name_en", "city"],
        [[zone.slug, f"{zone.name_en} {MARKER}", zone.city] for zone in zones],
    )
    enterprises = Enterprise.objects.select_related("zone").order_by("pk")
    import_file(
        editor_client,
        "zones_enterprise",
        ["slug", "name_en", "zone", "credit_code"],
        [[e.slug, f"{e.name_en} {MARKER}", e.zone.slug, e.credit_code] for e in enterprises],
    )
    figure = Indicator.objects.select_related("zone", "metric").first()
    import_file(
        editor_client,
        "news_indicator",
        ["release", "zone", "metric", "year", "value", "unit", "note_en"],
        [[demo.slug, figure.zone.slug, figure.metric.slug, "2024", "1", "count", MARKER]],
    )

    assert differences(site, public_site(queries=(MARKER,))) == []
    staged = {pending.record for pending in PendingChange.objects.all()}
    assert staged >= {*zones, *enterprises, demo}
