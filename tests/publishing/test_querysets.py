"""The managers' querysets: one class per model, kept, and picklable."""

import pickle

import pytest

from news.models import Release
from tests.factories import ZoneFactory
from zones.models import Enterprise, Zone

pytestmark = pytest.mark.django_db


def test_a_model_with_its_own_queryset_gets_the_same_translated_class_on_every_query():
    assert type(Zone.objects.all()) is type(Zone.objects.published())
    assert type(Enterprise.objects.all()) is type(Enterprise.objects.published())
    assert type(Enterprise.objects.all()) is not type(Zone.objects.all())
    assert type(Release.objects.all()) is type(Zone.objects.all())  # both PublishableQuerySet
    # Still modeltranslation's: a filter on a translated field reads the language's column.
    assert "MultilingualQuerySet" in {cls.__name__ for cls in type(Zone.objects.all()).__mro__}


def test_a_pickled_queryset_comes_back_with_its_rows_and_its_class():
    zone = ZoneFactory()
    queryset = Zone.objects.published()
    list(queryset)

    copy = pickle.loads(pickle.dumps(queryset))

    assert list(copy) == [zone]
    assert type(copy) is type(queryset)
