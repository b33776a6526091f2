import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.publishing.models import Status
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    ParkFactory,
    QualificationFactory,
    ZoneFactory,
)
from zones.models import Enterprise, Zone

pytestmark = pytest.mark.django_db


def test_only_published_records_with_a_past_time_are_public():
    now = timezone.now()
    visible = ZoneFactory(status=Status.PUBLISHED, published_at=now - datetime.timedelta(hours=1))
    ZoneFactory(status=Status.PUBLISHED, published_at=now + datetime.timedelta(hours=1))
    ZoneFactory(status=Status.DRAFT)
    ZoneFactory(status=Status.ARCHIVED)
    assert list(Zone.objects.published()) == [visible]


def test_publishing_without_a_time_publishes_now():
    zone = ZoneFactory(status=Status.PUBLISHED, published_at=None)
    assert zone.published_at is not None
    assert zone.is_published()


def test_duplicate_slugs_are_refused_by_the_database():
    ZoneFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneFactory(slug="same")


def test_a_negative_area_is_refused():
    zone = ZoneFactory.build(area_km2=-1)
    with pytest.raises(ValidationError) as error:
        zone.full_clean()
    assert "area_km2" in error.value.message_dict


def test_a_five_digit_year_founded_is_refused():
    enterprise = EnterpriseFactory.build(zone=ZoneFactory(), founded_year=20245)
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "founded_year" in error.value.message_dict


def test_two_enterprises_cannot_share_a_credit_code_but_may_both_have_none():
    EnterpriseFactory(credit_code="")
    EnterpriseFactory(credit_code="")
    EnterpriseFactory(credit_code="9144030071526726XG")
    duplicate = EnterpriseFactory.build(zone=ZoneFactory(), credit_code="9144030071526726xg")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Another enterprise already has this unified social credit code." in str(error.value)


def test_a_credit_code_is_stored_in_upper_case():
    enterprise = EnterpriseFactory(credit_code="9144030071526726xg")
    assert Enterprise.objects.get(pk=enterprise.pk).credit_code == "9144030071526726XG"


def test_a_park_of_another_zone_is_refused():
    enterprise = EnterpriseFactory.build(zone=ZoneFactory(), park=ParkFactory())
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "park" in error.value.message_dict


def test_a_cover_image_needs_a_text_alternative():
    zone = ZoneFactory.build(cover_image="zones/covers/2024/x.jpg", cover_image_alt_en="")
    with pytest.raises(ValidationError) as error:
        zone.full_clean()
    assert "cover_image_alt_en" in error.value.message_dict


def test_a_qualification_expires_after_its_validity():
    three_years = QualificationFactory(validity_years=3)
    this_year = timezone.localdate().year
    current = EnterpriseQualificationFactory(qualification=three_years, year_granted=this_year - 2)
    expired = EnterpriseQualificationFactory(qualification=three_years, year_granted=this_year - 3)
    assert current.valid_until == datetime.date(this_year, 12, 31)
    assert not current.is_expired()
    assert expired.is_expired()


def test_a_qualification_without_a_term_never_expires():
    holding = EnterpriseQualificationFactory(
        qualification=QualificationFactory(validity_years=None), year_granted=1990
    )
    assert not holding.is_expired()


def test_editor_html_is_sanitised_on_save():
    zone = ZoneFactory(
        description_en='<p onclick="x()">Hi<script>alert(1)</script> '
        '<a href="javascript:x">l</a></p>'
    )
    zone.refresh_from_db()
    assert zone.description_en == '<p>Hi <a rel="noopener noreferrer">l</a></p>'


def test_an_enterprise_in_a_park_of_another_zone_is_refused():
    zone = ZoneFactory()
    enterprise = EnterpriseFactory.build(zone=zone, park=ParkFactory(zone=ZoneFactory()))
    with pytest.raises(ValidationError) as error:
        enterprise.clean()
    assert error.value.message_dict == {"park": ["This park belongs to another zone."]}


def test_an_enterprise_in_a_park_of_its_zone_is_accepted():
    zone = ZoneFactory()
    EnterpriseFactory.build(zone=zone, park=ParkFactory(zone=zone)).clean()
