import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from news.models import Event, Indicator, Metric, Release
from zones.models import Cooperation, Enterprise, Institution, Park, Platform, Sector, Zone

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (Zone, Park, Enterprise, Institution, Cooperation, Platform, Release, Indicator, Event)
    return {model.__name__: model.objects.count() for model in models}


def test_loading_twice_creates_no_duplicates(demo):
    before = counts()
    call_command("load_demo", stdout=None)
    assert counts() == before
    assert before == {
        "Zone": 4, "Park": 4, "Enterprise": 2, "Institution": 3, "Cooperation": 1,
        "Platform": 2, "Release": 1, "Indicator": 8, "Event": 2,
    }  # fmt: skip


def test_the_release_is_public_with_its_full_text(demo):
    assert demo.is_published()
    assert demo.series_number == 5
    assert "Five technology contracts have been signed" in demo.body_en
    assert "Copyright" not in demo.body_en


def test_every_figure_names_the_release_as_its_source(demo):
    puwan = Zone.objects.get(slug="dalian-puwan")
    growth = {
        indicator.metric.slug: indicator.value
        for indicator in Indicator.objects.filter(zone=puwan, year=2023)
    }
    assert growth == {
        "high-tech-enterprises-growth": Decimal("23.7"),
        "gazelle-enterprises-growth": Decimal("116.7"),
        "young-eagle-enterprises-growth": Decimal("27.3"),
        "technology-based-smes-growth": Decimal("35"),
    }
    assert set(Indicator.objects.values_list("release", flat=True)) == {demo.pk}
    liaobin = Indicator.objects.filter(zone__slug="panjin-liaobin")
    assert {(i.metric.slug, i.value) for i in liaobin} == {
        ("technology-contracts-signed", Decimal("5")),
        ("rd-investment", Decimal("110000000")),
    }
    members = Indicator.objects.get(metric__slug="provincial-alliance-members")
    assert (members.zone, members.year, members.value) == (puwan, None, Decimal("4"))


def test_the_release_links_what_it_names(demo):
    assert demo.zones.count() == 4
    assert set(demo.enterprises.values_list("slug", flat=True)) == {
        "allychem",
        "dalian-sanhuan-composite-material",
    }
    assert demo.institutions.count() == 3
    alliance = Platform.objects.get(kind=Platform.Kind.ALLIANCE)
    assert set(alliance.members.all()) == set(demo.enterprises.all())


def test_chinese_names_only_where_the_glossary_gives_them(demo):
    assert Zone.objects.get(slug="dalian-puwan").name_zh_hans == "大连普湾经济区"
    assert Enterprise.objects.get(slug="allychem").name_zh_hans in (None, "")
    assert Event.objects.get(slug="shenyang-tiexi-business-day-in-germany").title_zh_hans in (
        None,
        "",
    )
    assert demo.issuing_body_zh_hans in (None, "")


def test_sectors_and_metrics_have_the_glossarys_chinese_and_no_other(demo):
    assert Sector.objects.get(slug="new-materials").name_zh_hans == "新材料"
    assert Metric.objects.get(slug="rd-investment").name_zh_hans == "研发投入"
    # No glossary term for this growth: an editor fills it in from an official source.
    assert Metric.objects.get(slug="gazelle-enterprises-growth").name_zh_hans in (None, "")


def test_loading_the_demo_once_leaves_an_editors_change_alone(demo):
    demo.title_en = "Changed by an editor"
    demo.save()
    out = io.StringIO()
    call_command("load_demo", "--once", stdout=out)
    demo.refresh_from_db()
    assert demo.title_en == "Changed by an editor"
    assert "not loaded again" in out.getvalue()


def test_loading_again_leaves_what_a_publisher_withdrew_unpublished(demo, client):
    """The demo's values come back; visibility stays a Publisher's decision."""
    allychem = Enterprise.objects.get(slug="allychem")
    Enterprise.objects.filter(pk=allychem.pk).update(status="draft", name_en="Renamed")
    Zone.objects.filter(slug="panjin-liaobin").update(status="archived")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    allychem.refresh_from_db()
    assert allychem.name_en == "Allychem Co., Ltd."
    assert not allychem.is_published()
    assert Zone.objects.get(slug="panjin-liaobin").status == "archived"
    assert client.get(allychem.get_absolute_url()).status_code == 404
    assert "Left unpublished, as a Publisher left them" in out.getvalue()
    assert "“Allychem Co., Ltd.”" in out.getvalue()
    assert Zone.objects.get(slug="dalian-puwan").is_published()


def test_loading_again_leaves_out_what_was_deleted_since(demo, client):
    """A deletion is a Publisher's decision too: the command does not undo it, and says so."""
    Enterprise.objects.get(slug="dalian-sanhuan-composite-material").delete()
    Indicator.objects.get(metric__slug="gazelle-enterprises-growth").delete()
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert not Enterprise.objects.filter(slug="dalian-sanhuan-composite-material").exists()
    assert not Indicator.objects.filter(metric__slug="gazelle-enterprises-growth").exists()
    assert list(demo.enterprises.values_list("slug", flat=True)) == ["allychem"]
    assert client.get(demo.get_absolute_url()).status_code == 200
    output = out.getvalue()
    assert "Left out, as they are no longer in the database" in output
    assert "enterprise “Dalian Sanhuan Composite Material Technology Development" in output
    assert "figure “Growth in gazelle enterprises: 116.7 (Dalian Puwan Economic Zone)”" in output


def test_a_deleted_demo_release_is_not_loaded_again(demo):
    demo.delete()
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert not Release.objects.exists()
    assert not Indicator.objects.exists()
    assert f"release “{demo.title}”" in out.getvalue()


def test_a_demo_record_whose_slug_changed_is_not_loaded_again_under_the_old_one(demo):
    before = counts()
    Enterprise.objects.filter(slug="dalian-sanhuan-composite-material").update(slug="sanhuan")
    Release.objects.filter(pk=demo.pk).update(slug="june-20-release")
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert counts() == before
    assert set(demo.enterprises.values_list("slug", flat=True)) == {"allychem", "sanhuan"}
    assert "(deleted, or their slug changed)" in out.getvalue()
