"""PostgreSQL's full-text tables follow the search entries: the document (every indexed column)
and the names (names, other names and pinyin alone), which name matches and suggestions read."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from portal.search.models import SearchEntry
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own full-text tables"
    ),
]


def matching(table: str, column: str, tsquery: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE {column} @@ to_tsquery('simple', %s)", [tsquery]
        )
        return {row[0] for row in cursor.fetchall()}


def names_matching(tsquery: str) -> set[int]:
    return matching("portal_search_name", "names", tsquery)


def rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def entry_id(record) -> int:
    return SearchEntry.objects.get(object_id=record.pk, kind=record._meta.model_name).id


def test_a_new_record_has_its_names_in_the_names_table():
    enterprise = EnterpriseFactory(name_en="Quartzite Works", name_zh_hans="石英岩公司")
    assert names_matching("quartzite") == {entry_id(enterprise)}
    assert names_matching("石英 <-> 英岩") == {entry_id(enterprise)}
    assert names_matching("shi <-> ying <-> yan") == {entry_id(enterprise)}


def test_the_names_table_holds_other_names_but_no_text():
    zone = ZoneFactory(name_en="Hunnan Zone", description_en="<p>Quartzite quarries</p>")
    zone.aliases.create(name="浑南新区", kind="former")
    assert names_matching("浑南 <-> 南新") == {entry_id(zone)}
    assert names_matching("quartzite") == set()
    assert matching("portal_search_document", "document", "quartzite") == {entry_id(zone)}


def test_an_edited_name_replaces_the_old_one():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    enterprise.name_en = "Basalt Works"
    enterprise.save()
    assert names_matching("quartzite") == set()
    assert names_matching("basalt") == {entry_id(enterprise)}


def test_an_entry_updated_in_place_updates_its_names():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    SearchEntry.objects.filter(id=entry_id(enterprise)).update(names="basalt works")
    assert names_matching("quartzite") == set()
    assert names_matching("basalt") == {entry_id(enterprise)}


def test_a_deleted_record_leaves_no_names_behind():
    enterprise = EnterpriseFactory(name_en="Quartzite Works")
    deleted = entry_id(enterprise)
    enterprise.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_search_name WHERE id = %s", [deleted])
        assert cursor.fetchone()[0] == 0


def test_emptying_the_entries_empties_both_tables_and_a_rebuild_fills_them():
    EnterpriseFactory(name_en="Quartzite Works", zone__name_en="Harbour Zone")
    ReleaseFactory(title_en="Harbour report")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_searchentry")
    assert rows("portal_search_name") == rows("portal_search_document") == 0
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert rows("portal_search_name") == rows("portal_search_document") == 3
    entries = set(SearchEntry.objects.values_list("id", flat=True))
    assert names_matching("quartzite | harbour") == entries


@pytest.mark.parametrize(
    ("names", "weighted"),
    [
        ("沈阳 <-> 阳经", "沈阳:ABC <-> 阳经:ABC"),
        ("经济 <-> 济技 <-> 技术", "经济:ABC <-> 济技:ABC <-> 技术:ABC"),
        ("建平 <-> 平经", "建平:ABC <-> 平经:ABC"),
        ("区 <-> 沈阳", "区:ABC <-> 沈阳:ABC"),
        ("shen <-> yang", "shen:ABC <-> yang:ABC"),
        ("tianjin:*", "tianjin:*ABC"),
        ("dalian & development", "dalian:ABC & development:ABC"),
    ],
)
def test_names_match_where_the_names_part_of_the_document_matched(demo, names, weighted):
    # In the document, names, other names and pinyin are weights A, B and C. The names table
    # keeps their words in the same positions, so a phrase matches in the same places, even
    # one that runs from a name into an other name (区 <-> 沈阳).
    document = matching("portal_search_document", "document", weighted)
    assert document
    assert names_matching(names) == document
