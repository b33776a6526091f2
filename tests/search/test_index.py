"""The search index follows the content: creating, editing, publishing, unpublishing, deleting."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.publishing.models import Status, published_q
from portal.search import index
from portal.search.backends import base
from portal.search.models import SearchEntry, SearchTerm
from portal.search.queries import search, suggest
from tests.factories import (
    EnterpriseFactory,
    EventFactory,
    InstitutionFactory,
    ParkFactory,
    PlatformFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return [result.title for result in search(q)[0:20]]


@pytest.mark.parametrize(
    "factory", [ZoneFactory, EnterpriseFactory, InstitutionFactory, PlatformFactory]
)
def test_a_new_record_is_found_by_the_next_search(factory):
    factory(name_en="Quartzite Works")
    assert titles("quartzite") == ["Quartzite Works"]


def test_a_new_release_is_found_by_its_title_and_body():
    ReleaseFactory(title_en="Harbour report", body_en="<p>Cranes and <b>quartzite</b></p>")
    assert titles("harbour") == ["Harbour report"]
    assert titles("quartzite") == ["Harbour report"]


def test_an_edit_is_reflected_in_the_next_search():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    enterprise.name_en = "Basalt Works"
    enterprise.name_zh_hans = "玄武岩公司"
    enterprise.save()
    assert titles("quartzite") == []
    assert titles("basalt") == ["Basalt Works"]
    assert titles("玄武") == ["Basalt Works"]


def test_publishing_a_draft_makes_it_findable():
    enterprise = EnterpriseFactory(name_en="Quartzite Works", status=Status.DRAFT)
    assert titles("quartzite") == []
    enterprise.status = Status.PUBLISHED
    enterprise.save()
    assert titles("quartzite") == ["Quartzite Works"]


def test_unpublishing_removes_it_from_the_index():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    enterprise.status = Status.ARCHIVED
    enterprise.save()
    assert titles("quartzite") == []
    assert not SearchEntry.objects.filter(object_id=enterprise.pk, kind="enterprise").exists()


ENTERPRISES = reverse("admin:zones_enterprise_changelist")
LIST_ACTIONS = ["unpublish", "archive", "delete_selected"]


def run_list_action(client, action: str, records) -> None:
    selected = {"action": action, "_selected_action": [record.pk for record in records]}
    # "post" confirms a delete; the other actions need no confirmation.
    assert client.post(ENTERPRISES, selected | {"post": "yes"}).status_code == 302


def vocabulary() -> set[str]:
    return set(SearchTerm.objects.values_list("term", flat=True))


@pytest.mark.parametrize("action", LIST_ACTIONS)
def test_a_list_action_takes_its_records_words_out_of_search_and_leaves_the_others(
    publisher_client, action
):
    withdrawn = [
        EnterpriseFactory(name_en="Quillbrook Tannery"),
        EnterpriseFactory(name_en="Zarkoveen Tannery"),
    ]
    EnterpriseFactory(name_en="Marblehead Tannery")

    run_list_action(publisher_client, action, withdrawn)

    assert titles("quillbrook") == titles("zarkoveen") == []
    assert titles("tannery") == ["Marblehead Tannery"]
    assert suggest("quillbrook") == suggest("zarkov") == []
    assert search("quilbrook").did_you_mean() == ""
    assert not {"quillbrook", "zarkoveen"} & vocabulary()
    assert {"marblehead", "tannery"} <= vocabulary()


@pytest.mark.parametrize("action", LIST_ACTIONS)
def test_a_list_action_on_many_records_prunes_the_spelling_vocabulary_once(
    publisher_client, action
):
    records = [EnterpriseFactory() for _ in range(3)]

    with CaptureQueriesContext(connection) as captured:
        run_list_action(publisher_client, action, records)

    prunes = [
        query["sql"]
        for query in captured
        if query["sql"].lstrip().startswith(f"DELETE FROM {SearchTerm._meta.db_table}")
    ]
    assert len(prunes) == 1


@pytest.fixture(params=["listed", "joined"])
def hidden_entries(request, monkeypatch):
    """Hidden entries listed by id, and (past the listing's limit) checked by a join."""
    if request.param == "joined":
        monkeypatch.setattr(base, "MAX_HIDDEN_LISTED", 0)


def test_the_entries_kept_from_searches_are_those_the_publication_rule_hides():
    now = timezone.now()
    states = [
        (Status.PUBLISHED, now - timedelta(days=1)),
        (Status.PUBLISHED, now + timedelta(hours=1)),
        (Status.PUBLISHED, None),
        (Status.DRAFT, now - timedelta(days=1)),
        (Status.ARCHIVED, now + timedelta(hours=1)),
    ]
    SearchEntry.objects.bulk_create(
        SearchEntry(
            id=SearchEntry.id_for("enterprise", number),
            kind="enterprise",
            object_id=number,
            slug=f"entry-{number}",
            status=status,
            published_at=published_at,
        )
        for number, (status, published_at) in enumerate(states, 1)
    )
    rule = SearchEntry.objects.exclude(published_q()).values_list("id", flat=True)
    assert sorted(base.hidden_entry_ids()) == sorted(rule)
    assert len(rule) == 4


def test_a_withdrawn_zone_takes_its_enterprises_out_of_search_until_published_again(
    hidden_entries,
):
    zone = ZoneFactory(name_en="Quiet Zone")
    EnterpriseFactory(zone=zone, name_en="Quartzite Works")
    zone.status = Status.DRAFT
    zone.save()
    assert titles("quartzite") == []
    assert suggest("quartz") == []
    zone.status = Status.PUBLISHED
    zone.save()
    assert titles("quartzite") == ["Quartzite Works"]


def test_an_enterprise_edited_while_its_zone_is_withdrawn_is_found_as_edited():
    zone = ZoneFactory()
    enterprise = EnterpriseFactory(zone=zone, name_en="Quartzite Works")
    zone.status = Status.ARCHIVED
    zone.save()
    enterprise.name_en = "Basalt Works"
    enterprise.save()
    zone.status = Status.PUBLISHED
    zone.save()
    assert titles("quartzite") == []
    assert titles("basalt") == ["Basalt Works"]


def test_an_enterprise_unpublished_while_its_zone_is_withdrawn_stays_out_of_search():
    zone = ZoneFactory()
    enterprise = EnterpriseFactory(zone=zone, name_en="Quartzite Works")
    zone.status = Status.DRAFT
    zone.save()
    enterprise.status = Status.DRAFT
    enterprise.save()
    zone.status = Status.PUBLISHED
    zone.save()
    assert titles("quartzite") == []


def test_an_event_is_found_by_its_title_and_description_with_or_without_a_zone():
    EventFactory(title_en="Quartzite fair", zone=None)
    EventFactory(title_en="Basalt days", description_en="Stands of quartzite makers.")
    assert titles("quartzite") == ["Quartzite fair", "Basalt days"]
    assert [group[0] for group in suggest("quartz")] == ["event"]


def test_an_event_in_a_withdrawn_zone_is_found_again_when_the_zone_is_published():
    zone = ZoneFactory(name_en="Quiet Zone")
    EventFactory(zone=zone, title_en="Quartzite fair")
    zone.status = Status.DRAFT
    zone.save()
    assert titles("quartzite") == []
    assert suggest("quartz") == []
    zone.status = Status.PUBLISHED
    zone.save()
    assert titles("quartzite") == ["Quartzite fair"]


def test_an_event_moved_out_of_a_withdrawn_zone_is_found_on_its_own():
    zone = ZoneFactory(status=Status.DRAFT)
    event = EventFactory(zone=zone, title_en="Quartzite fair")
    assert titles("quartzite") == []
    event.zone = None
    event.save()
    assert titles("quartzite") == ["Quartzite fair"]


def test_an_event_left_without_its_deleted_zone_is_found_on_its_own():
    zone = ZoneFactory()
    EventFactory(zone=zone, title_en="Quartzite fair")
    zone.delete()  # the event stays, without a zone, and so public
    assert titles("quartzite") == ["Quartzite fair"]


def test_the_event_of_a_hidden_zone_deleted_is_not_found():
    zone = ZoneFactory(status=Status.DRAFT)
    EventFactory(zone=zone, title_en="Quartzite fair")
    zone.delete()  # the event goes back to draft: the zone kept it hidden
    assert titles("quartzite") == []


def test_a_kind_saved_before_it_was_indexed_is_indexed_by_the_next_migrate():
    EventFactory(title_en="Quartzite fair", zone=None)
    SearchEntry.objects.filter(kind="event").delete()
    assert titles("quartzite") == []
    call_command("migrate", verbosity=0)
    assert titles("quartzite") == ["Quartzite fair"]


def test_a_deleted_record_is_gone_from_the_index():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    enterprise.delete()
    assert titles("quartzite") == []
    assert not SearchEntry.objects.filter(kind="enterprise").exists()


def test_a_zone_alias_added_or_removed_is_reflected():
    # An English name without "Hunnan", which 浑南 finds too (text.spelled).
    zone = ZoneFactory(name_en="Southern New Zone")
    alias = zone.aliases.create(name="浑南新区", kind="former")
    assert titles("浑南") == ["Southern New Zone"]
    alias.delete()
    assert titles("浑南") == []


def test_a_deleted_zone_takes_its_aliases_out_of_the_index():
    zone = ZoneFactory(name_en="Hunnan Zone")
    zone.aliases.create(name="浑南新区", kind="former")
    zone.delete()
    assert titles("浑南") == []
    assert not SearchEntry.objects.filter(kind="zone").exists()


def test_a_zone_is_found_by_its_sectors_names_as_they_change():
    zone = ZoneFactory(name_en="Southern New Zone")
    materials = SectorFactory(name_en="Advanced ceramics", name_zh_hans="先进陶瓷")
    energy = SectorFactory(name_en="Tidal power", name_zh_hans="潮汐能")
    ZoneFactory(name_en="Draft Zone", status=Status.DRAFT).sectors.add(materials)

    zone.sectors.add(materials, energy)
    assert titles("先进陶瓷") == titles("ceramics") == ["Southern New Zone"]
    # Found by them, but not shown them as its text.
    [result] = search("ceramics")[0:1]
    assert "eramics" not in result.snippet
    zone.sectors.remove(materials)
    assert titles("先进陶瓷") == []
    assert titles("潮汐能") == ["Southern New Zone"]
    energy.name_zh_hans = "海洋能"
    energy.save()
    assert (titles("潮汐能"), titles("海洋能")) == ([], ["Southern New Zone"])
    energy.zones.clear()
    assert titles("海洋能") == []
    energy.zones.add(zone)
    assert titles("海洋能") == ["Southern New Zone"]
    energy.delete()
    assert titles("海洋能") == []


def test_a_zone_is_found_by_its_parks_names_and_focus_as_they_change():
    zone = ZoneFactory(name_en="Southern New Zone")
    park = ParkFactory(zone=zone, name_en="Valve Equipment Park", focus_en="Fluid control")
    assert titles("valve") == titles("fluid control") == ["Southern New Zone"]
    # Found by them, but not shown them as its text.
    [result] = search("valve")[0:1]
    assert "alve" not in result.snippet
    park.name_en, park.name_zh_hans = "Pump Park", "水泵园"
    park.save()
    assert (titles("valve"), titles("pump"), titles("水泵园")) == (
        [],
        ["Southern New Zone"],
        ["Southern New Zone"],
    )
    # A park moved to another zone is found with that zone only.
    park.zone = ZoneFactory(name_en="Northern New Zone")
    park.save()
    assert titles("pump") == ["Northern New Zone"]
    park.delete()
    assert titles("pump") == titles("fluid control") == []
    # A draft zone's parks find nothing.
    ParkFactory(zone=ZoneFactory(name_en="Draft Zone", status=Status.DRAFT), name_en="Quiet Park")
    assert titles("quiet") == []


def test_only_published_content_is_indexed():
    EnterpriseFactory(status=Status.DRAFT)
    EnterpriseFactory(status=Status.REVIEW)
    published = EnterpriseFactory()
    indexed = SearchEntry.objects.filter(kind="enterprise").values_list("object_id", flat=True)
    assert list(indexed) == [published.pk]


def test_rebuild_indexes_everything_published_again(demo):
    before = sorted(SearchEntry.objects.values_list("kind", "object_id", "names", "pinyin"))
    SearchEntry.objects.all().delete()
    assert titles("沈阳") == []
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    after = sorted(SearchEntry.objects.values_list("kind", "object_id", "names", "pinyin"))
    assert after == before
    assert titles("沈阳")[0] == "Shenyang Economic and Technological Development Zone"


def test_rebuild_in_small_batches_indexes_every_record():
    for n in range(7):
        EnterpriseFactory(name_en=f"Quartzite Works {n}")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", "--no-progress", "--batch-size", "3", stdout=io.StringIO())
    assert len(titles("quartzite")) == 7


@pytest.mark.parametrize("size", ["0", "-1", "many"])
def test_a_batch_size_below_one_is_refused_and_the_index_left_as_it_was(size):
    EnterpriseFactory(name_en="Quartzite Works")
    with pytest.raises(CommandError, match="a whole number of at least 1"):
        call_command("rebuild_search_index", "--no-progress", "--batch-size", size)
    assert titles("quartzite") == ["Quartzite Works"]


def test_a_rebuild_that_fails_part_way_leaves_the_old_entries(monkeypatch):
    EnterpriseFactory(name_en="Quartzite Works")
    ZoneFactory(name_en="Quartzite Zone")

    def fail(*args, **kwargs):
        raise RuntimeError("stopped")

    monkeypatch.setattr(index, "entry_for", fail)
    with pytest.raises(RuntimeError):
        call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert sorted(titles("quartzite")) == ["Quartzite Works", "Quartzite Zone"]
