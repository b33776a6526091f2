import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from news.models import Event, Indicator
from tests.factories import (
    CooperationFactory,
    EventFactory,
    IndicatorFactory,
    ParkFactory,
    ReleaseFactory,
    SeriesFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


def test_a_decline_below_minus_100_percent_is_refused():
    indicator = IndicatorFactory.build(
        zone=ZoneFactory(), metric=IndicatorFactory().metric, release=ReleaseFactory(),
        value=Decimal("-100.1"), unit=Indicator.Unit.PERCENT_CHANGE,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "A decline cannot be more than 100%." in str(error.value)


def test_a_decline_of_exactly_100_percent_is_allowed():
    IndicatorFactory(value=Decimal("-100"), unit=Indicator.Unit.PERCENT_CHANGE).full_clean()


def test_a_negative_count_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(value=Decimal("-1"), unit=Indicator.Unit.COUNT)


def test_figures_of_an_unpublished_release_are_not_public():
    public = IndicatorFactory()
    IndicatorFactory(release=ReleaseFactory(status="draft"))
    assert list(Indicator.objects.published()) == [public]


def test_upcoming_events_are_those_not_yet_over():
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    running = EventFactory(start_date=today - day, end_date=today + day)
    next_week = EventFactory(start_date=today + 7 * day)
    EventFactory(start_date=today - 7 * day, end_date=today - 6 * day)
    EventFactory(start_date=None, recurring=True)
    EventFactory(start_date=today + day, status="draft")
    assert set(Event.objects.upcoming()) == {running, next_week}


def test_an_event_cannot_end_before_it_starts():
    today = timezone.localdate()
    event = EventFactory.build(start_date=today, end_date=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["zone"])
    assert "An event cannot end before it starts." in str(error.value)


def test_a_figure_for_a_park_of_another_zone_is_refused():
    indicator = IndicatorFactory.build(
        zone=ZoneFactory(), park=ParkFactory(zone=ZoneFactory()), release=ReleaseFactory(),
        metric=IndicatorFactory().metric,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        indicator.clean()
    assert error.value.message_dict == {"park": ["This park belongs to another zone."]}


def test_a_number_in_the_series_past_what_postgresql_stores_is_refused_on_every_database():
    release = ReleaseFactory(series=SeriesFactory(), series_number=32767)
    release.full_clean()

    release.series_number = 40000
    with pytest.raises(ValidationError) as refused:
        release.full_clean()
    assert "series_number" in refused.value.message_dict


def test_events_and_cooperations_without_a_date_come_after_the_dated_ones(client):
    zone = ZoneFactory(slug="panjin")
    EventFactory(zone=zone, title_en="Held regularly", slug="regular")
    EventFactory(zone=zone, title_en="Dated", slug="dated", start_date=datetime.date(2024, 5, 10))
    CooperationFactory(zone=zone, title_en="Undated agreement")
    CooperationFactory(zone=zone, title_en="Dated agreement", signed_on=datetime.date(2024, 3, 1))

    events = client.get("/en/events/").text
    profile = client.get("/en/zones/panjin/").text

    assert events.index("/en/events/dated/") < events.index("/en/events/regular/")
    assert profile.index("Dated agreement") < profile.index("Undated agreement")
