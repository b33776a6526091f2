"""A qualification held counts only while it is valid, and an expired one says so everywhere."""

import csv
import datetime
import io

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    QualificationFactory,
)
from zones.models import EnterpriseQualification

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/enterprises/"


@pytest.fixture
def high_tech():
    """Three enterprises granted a three-year qualification: one still valid, two expired."""
    qualification = QualificationFactory(
        slug="high-tech", name_en="High-tech enterprise", validity_years=3
    )
    this_year = timezone.localdate().year
    for slug, granted in (("valid", this_year - 1), ("lapsed", 2021), ("older", 2015)):
        EnterpriseQualificationFactory(
            enterprise=EnterpriseFactory(slug=slug, name_en=slug.title()),
            qualification=qualification,
            year_granted=granted,
        )
    return qualification


def listed(response) -> set[str]:
    return {enterprise.slug for enterprise in response.context["page_obj"].object_list}


def qualification_count(response) -> int:
    facets = {facet.name: facet for facet in response.context["facets"]}
    return {option.value: option.count for option in facets["qualification"].options}["high-tech"]


def test_the_qualification_filter_counts_and_lists_only_valid_holdings(client, high_tech):
    response = client.get(DIRECTORY, {"qualification": "high-tech"})
    assert listed(response) == {"valid"}
    assert qualification_count(response) == 1
    assert qualification_count(client.get(DIRECTORY)) == 1


def test_expired_holdings_are_included_when_asked_for(client, high_tech):
    response = client.get(DIRECTORY, {"qualification": "high-tech", "expired": "include"})
    assert listed(response) == {"valid", "lapsed", "older"}
    assert qualification_count(response) == 3
    html = response.content.decode()
    assert 'name="expired" value="include" checked' in html
    assert "including expired" in html  # its chip


def test_the_directory_says_when_a_holding_expired(client, high_tech):
    html = client.get(DIRECTORY).content.decode()
    assert "High-tech enterprise · expired 2023" in html
    assert "High-tech enterprise · expired 2017" in html


def test_the_profile_says_expired_with_the_year(client, high_tech):
    html = client.get("/en/enterprises/lapsed/").content.decode()
    assert "expired 2023" in html
    assert "expired 2017" not in html


def test_the_csv_says_expired_with_the_year_and_follows_the_same_filter(client, high_tech):
    def rows(params):
        response = client.get("/en/enterprises/export.csv", params)
        return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))[1:]

    assert [row[0] for row in rows({"qualification": "high-tech"})] == ["Valid"]
    cells = {row[0]: row[7] for row in rows({"qualification": "high-tech", "expired": "include"})}
    assert cells["Lapsed"] == "High-tech enterprise (2021, expired 2023)"
    assert "expired" not in cells["Valid"]


def test_the_chinese_directory_says_expired_in_chinese(client, high_tech):
    html = client.get("/zh-hans/enterprises/").content.decode()
    assert "2023年已过期" in html


def test_a_holding_leaves_the_count_the_day_after_its_last_valid_day(client, high_tech):
    last_day = EnterpriseQualification.objects.get(enterprise__slug="valid").valid_until
    evening = datetime.datetime.combine(
        last_day, datetime.time(23, 0), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(evening, tick=False):
        assert qualification_count(client.get(DIRECTORY)) == 1
    with time_machine.travel(evening + datetime.timedelta(hours=2), tick=False):
        facets = {facet.name: facet for facet in client.get(DIRECTORY).context["facets"]}
        assert [option.value for option in facets["qualification"].options] == []


def test_an_editor_may_give_the_certificates_own_end_date():
    holding = EnterpriseQualificationFactory(
        qualification=QualificationFactory(validity_years=3),
        year_granted=2022,
        valid_until=datetime.date(2025, 6, 30),
    )
    holding.refresh_from_db()
    assert holding.valid_until == datetime.date(2025, 6, 30)
    assert holding.is_expired(on=datetime.date(2025, 7, 1))
    assert not holding.is_expired(on=datetime.date(2025, 6, 30))


def test_an_unknown_expired_value_is_named_not_an_error(client, high_tech):
    response = client.get(DIRECTORY, {"expired": "sometimes"})
    assert response.status_code == 200
    assert listed(response) == {"valid", "lapsed", "older"}
    assert "sometimes" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_directory_and_the_profile_list_qualifications_in_the_same_order(client, language):
    enterprise = EnterpriseFactory(slug="ordered", name_en="Ordered Works")
    # Alpha before Zeta in English; 啊 (a) before 中 (zhong) by pinyin: the two orders differ.
    for name_en, name_zh in (("Alpha Certification", "中认证"), ("Zeta Certification", "啊认证")):
        qualification = QualificationFactory(name_en=name_en, name_zh_hans=name_zh)
        EnterpriseQualificationFactory(enterprise=enterprise, qualification=qualification)
    expected = {"en": ["Alpha", "Zeta"], "zh-hans": ["啊认证", "中认证"]}[language]

    def order(text: str) -> list[str]:
        return sorted(expected, key=text.index)

    assert order(client.get(f"/{language}/enterprises/").text) == expected
    assert order(client.get(f"/{language}/enterprises/ordered/").text) == expected
