"""Test data. Published by default, since most tests look at what a visitor sees."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from news.models import Event, Indicator, Metric, Release, Series
from portal.publishing.models import Status
from zones.models import (
    City,
    Cooperation,
    Enterprise,
    EnterpriseQualification,
    Institution,
    Park,
    Platform,
    PlatformMembership,
    Qualification,
    Sector,
    Zone,
)


class PublishedFactory(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Meta:
        abstract = True


class SectorFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")

    class Meta:
        model = Sector


class ZoneFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Test Zone {n}")
    slug = factory.Sequence(lambda n: f"test-zone-{n}")
    kind = Zone.Kind.ETDZ
    level = Zone.Level.NATIONAL
    city = City.SHENYANG

    class Meta:
        model = Zone


class ParkFactory(factory.django.DjangoModelFactory):
    zone = factory.SubFactory(ZoneFactory)
    name_en = factory.Sequence(lambda n: f"Park {n}")
    slug = factory.Sequence(lambda n: f"park-{n}")

    class Meta:
        model = Park


class QualificationFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Qualification {n}")
    slug = factory.Sequence(lambda n: f"qualification-{n}")
    validity_years = 3

    class Meta:
        model = Qualification


class EnterpriseFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"test-enterprise-{n}")
    zone = factory.SubFactory(ZoneFactory)
    founded_year = 2010

    class Meta:
        model = Enterprise


class EnterpriseQualificationFactory(factory.django.DjangoModelFactory):
    enterprise = factory.SubFactory(EnterpriseFactory)
    qualification = factory.SubFactory(QualificationFactory)
    # This year's, so that a holding is valid unless a test says otherwise.
    year_granted = factory.LazyFunction(lambda: timezone.localdate().year)

    class Meta:
        model = EnterpriseQualification


class InstitutionFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    slug = factory.Sequence(lambda n: f"test-university-{n}")
    kind = Institution.Kind.UNIVERSITY

    class Meta:
        model = Institution


class CooperationFactory(factory.django.DjangoModelFactory):
    kind = Cooperation.Kind.TECHNOLOGY_CONTRACT
    title_en = factory.Sequence(lambda n: f"Technology contract {n}")
    zone = factory.SubFactory(ZoneFactory)

    class Meta:
        model = Cooperation


class PlatformFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Test Alliance {n}")
    slug = factory.Sequence(lambda n: f"test-alliance-{n}")
    kind = Platform.Kind.ALLIANCE

    class Meta:
        model = Platform


class PlatformMembershipFactory(factory.django.DjangoModelFactory):
    platform = factory.SubFactory(PlatformFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)

    class Meta:
        model = PlatformMembership


class SeriesFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Press conference series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")

    class Meta:
        model = Series


class ReleaseFactory(PublishedFactory):
    title_en = factory.Sequence(lambda n: f"Test release {n}")
    slug = factory.Sequence(lambda n: f"test-release-{n}")
    summary_en = "A release for the tests."
    body_en = "<p>The body of a test release.</p>"

    class Meta:
        model = Release


class MetricFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Metric {n}")
    slug = factory.Sequence(lambda n: f"metric-{n}")

    class Meta:
        model = Metric


class IndicatorFactory(factory.django.DjangoModelFactory):
    zone = factory.SubFactory(ZoneFactory)
    metric = factory.SubFactory(MetricFactory)
    release = factory.SubFactory(ReleaseFactory)
    year = 2023
    value = Decimal("12.5")
    unit = Indicator.Unit.PERCENT_CHANGE

    class Meta:
        model = Indicator


class EventFactory(PublishedFactory):
    title_en = factory.Sequence(lambda n: f"Test event {n}")
    slug = factory.Sequence(lambda n: f"test-event-{n}")
    kind = Event.Kind.TRADE_EXCHANGE
    zone = factory.SubFactory(ZoneFactory)

    class Meta:
        model = Event
