"""Figures show as they were entered: a count is 5, a share 3.5, never 5.0000."""

from decimal import Decimal

import pytest
from django.urls import reverse

from news.models import Indicator
from portal.publishing.models import Status
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def test_the_list_of_figures_shows_them_as_entered(publisher_client):
    IndicatorFactory(value=Decimal("5"), unit=Indicator.Unit.COUNT)
    IndicatorFactory(value=Decimal("3.5"))
    IndicatorFactory(value=Decimal("110000000"), unit=Indicator.Unit.CNY)

    page = publisher_client.get(reverse("admin:news_indicator_changelist")).content.decode()

    assert '<td class="field-value_as_entered">5</td>' in page
    assert '<td class="field-value_as_entered">3.5</td>' in page
    assert '<td class="field-value_as_entered">110000000</td>' in page
    assert "5.0000" not in page and "E+" not in page


@pytest.mark.parametrize(
    "entered, shown", [("5", "5"), ("3.5", "3.5"), ("-0.25", "-0.25"), ("50", "50")]
)
def test_a_release_form_shows_its_figures_as_entered(publisher_client, entered, shown):
    figure = IndicatorFactory(value=Decimal(entered), release__status=Status.DRAFT)
    response = publisher_client.get(reverse("admin:news_release_change", args=[figure.release.pk]))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form["value"].value() == shown
    assert f'value="{shown}"' in str(form["value"])


def test_a_figure_named_in_the_admin_reads_as_entered():
    figure = IndicatorFactory(value=Decimal("5"), unit=Indicator.Unit.COUNT)
    assert str(Indicator.objects.get(pk=figure.pk)).startswith(f"{figure.metric}: 5 (")
