"""The form renderer writes a select as Django's own templates do."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy, override

from portal.renderers import PortalFormRenderer


def rendered(form: forms.Form, name: str) -> str:
    """A field's HTML, without the blank line Django's option template leaves after each option."""
    return re.sub(r"\n+", "\n", str(form[name]))


CHOICES = [
    ("", "Any"),
    ("a&b", 'Fish & "chips" <b>'),
    (2024, 2024),
    ("Cities", [("dalian", "Dalian"), ("shenyang", gettext_lazy("Shenyang"))]),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    sort = forms.ChoiceField(
        choices=[("name", "Name"), ("-year", "Newest")],
        widget=forms.Select(attrs={"class": "sort", "disabled": True, "hidden": False}),
    )
    yes = forms.NullBooleanField()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"one": "a&b", "many": ["dalian", "2024"], "sort": "-year", "yes": "true"},
        {"one": "nowhere", "many": ["shenyang"]},
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_select_reads_as_djangos_own(data, language):
    with override(language):
        expected = {
            name: rendered(Sample(data, renderer=DjangoTemplates()), name)
            for name in Sample.base_fields
        }
        written = {
            name: rendered(Sample(data, renderer=PortalFormRenderer()), name)
            for name in Sample.base_fields
        }
    assert written == expected
    assert "&lt;b&gt;" in written["one"] and 'value="a&amp;b"' in written["one"]
    assert "<optgroup" in written["many"] and " multiple" in written["many"]


def test_other_widgets_are_rendered_by_their_templates():
    field = forms.CharField(widget=forms.TextInput(attrs={"class": "wide"}))
    form = forms.Form(renderer=PortalFormRenderer())
    form.fields["name"] = field
    assert str(form["name"]) == '<input type="text" name="name" class="wide" required id="id_name">'


def test_an_option_naming_a_record_in_another_language_says_so(client, demo):
    chinese = client.get("/zh-hans/news/").text
    series = chinese.split('name="series"', 1)[1].split("</select>", 1)[0]
    assert '<option value="promoting-high-quality-development-of-enterprises" lang="en">' in series
    zones = chinese.split('name="zone"', 1)[1].split("</select>", 1)[0]
    assert 'lang="' not in zones  # every zone has its Chinese name
    english = client.get("/en/news/").text
    assert 'lang="en"' not in english.split('name="series"', 1)[1].split("</select>", 1)[0]
