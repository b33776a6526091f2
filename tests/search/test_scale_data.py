"""Synthetic scale data: marked, searchable, never mixed with the real content, removable."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from news.models import Release
from portal.search.models import SearchEntry, SearchTerm
from portal.search.queries import search
from tests.factories import ReleaseFactory
from zones.models import Enterprise, EnterpriseQualification

pytestmark = pytest.mark.django_db


def generate(*args: str) -> None:
    call_command("generate_scale_data", *args, verbosity=0, stdout=io.StringIO())


def test_generated_records_are_marked_synthetic_and_indexed(demo):
    real = Enterprise.objects.count()
    generate("--enterprises", "30", "--releases", "5")
    assert Enterprise.objects.filter(is_synthetic=True).count() == 30
    assert Release.objects.filter(is_synthetic=True).count() == 5
    assert (
        not Enterprise.objects.filter(is_synthetic=True)
        .exclude(slug__startswith="synthetic-")
        .exists()
    )
    assert SearchEntry.objects.filter(kind="enterprise").count() == real + 30
    assert search("有限公司").count() >= 30


def test_remove_deletes_only_the_synthetic_rows(demo):
    real = set(Enterprise.objects.values_list("pk", flat=True))
    vocabulary = set(SearchTerm.objects.values_list("term", flat=True))
    generate("--enterprises", "30", "--releases", "5")
    assert set(SearchTerm.objects.values_list("term", flat=True)) > vocabulary
    generate("--remove")
    assert set(Enterprise.objects.values_list("pk", flat=True)) == real
    assert set(SearchTerm.objects.values_list("term", flat=True)) == vocabulary
    assert Release.objects.count() == 1
    assert SearchEntry.objects.filter(kind="enterprise").count() == len(real)
    assert search("allychem")[0:1][0].title == "Allychem Co., Ltd."


def test_generated_qualifications_are_some_valid_and_some_expired(demo):
    generate("--enterprises", "200", "--releases", "0")
    held = EnterpriseQualification.objects.filter(enterprise__is_synthetic=True)
    assert held.valid().exists()
    assert held.exclude(pk__in=held.valid()).exists()
    # Ended as save() would end them, from the year granted and the qualification's term.
    for holding in held.select_related("qualification")[:20]:
        assert holding.valid_until == holding.end_of_term()
    # Never granted before the enterprise was founded.
    assert not held.filter(year_granted__lt=F("enterprise__founded_year")).exists()


def test_the_demos_database_is_refused(demo, settings):
    settings.DEMO_DATABASE = connection.settings_dict["NAME"]

    with pytest.raises(CommandError, match="This is the demo's database"):
        generate("--enterprises", "3")

    assert not Enterprise.objects.filter(is_synthetic=True).exists()


@pytest.mark.parametrize("with_demo", [True, False])
def test_a_database_with_editors_releases_is_refused(request, with_demo, db):
    if with_demo:
        request.getfixturevalue("demo")
    ReleaseFactory(title_en="An editor's release")

    with pytest.raises(CommandError, match="releases editors entered"):
        generate("--enterprises", "3")

    assert not Enterprise.objects.filter(is_synthetic=True).exists()
