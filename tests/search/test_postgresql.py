"""PostgreSQL's full-text tables follow the search entries: the document (every indexed column)
and the names (names, other names and pinyin alone), which name matches and suggestions read;
and so do the counts of the documents holding each word, which spare a broad search its
counting."""

import datetime
import io
import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.search import registry
from portal.search.backends import Backend, backend, postgresql
from portal.search.backends.base import Hit
from portal.search.models import SearchEntry
from portal.search.queries import prepare, suggest
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory
from tests.search.test_search import tune_backends

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


# The lexeme counts

ENTERPRISE, RELEASE = registry.get("enterprise").code, registry.get("release").code


def lexeme_counts() -> dict[tuple[str, int], int]:
    """(word, kind code): documents, as the counts' rows add up."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, kind, SUM(documents) FROM portal_search_lexeme "
            "GROUP BY lexeme, kind HAVING SUM(documents) <> 0"
        )
        return {(lexeme, kind): documents for lexeme, kind, documents in cursor.fetchall()}


def documents_holding_each_word() -> dict[tuple[str, int], int]:
    with connection.cursor() as cursor:
        cursor.execute(postgresql.COUNT_LEXEMES)
        return {(lexeme, kind): documents for lexeme, kind, documents in cursor.fetchall()}


def rows_per_word() -> int:
    """The most rows any word and kind has in the counts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(MAX(n), 0) FROM "
            "(SELECT COUNT(*) AS n FROM portal_search_lexeme GROUP BY lexeme, kind) AS rows"
        )
        return cursor.fetchone()[0]


def test_the_lexeme_counts_follow_records_added_edited_and_deleted():
    first = EnterpriseFactory(name_en="Quartzite Works", zone__name_en="Harbour Zone")
    second = EnterpriseFactory(name_en="Quartzite Mills", zone=first.zone)
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 2
    second.name_en = "Basalt Mills"
    second.save()
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 1
    assert lexeme_counts()[("basalt", ENTERPRISE)] == 1
    first.delete()
    assert ("quartzite", ENTERPRISE) not in lexeme_counts()
    assert lexeme_counts() == documents_holding_each_word()
    # Each write folds the rows of its words into one.
    assert rows_per_word() == 1


def test_a_rebuild_counts_every_document_once():
    EnterpriseFactory(name_en="Quartzite Works", zone__name_en="Harbour Zone")
    ReleaseFactory(title_en="Harbour report")
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert lexeme_counts() == documents_holding_each_word()
    assert lexeme_counts()[("report", RELEASE)] == 1
    assert rows_per_word() == 1


def test_entries_written_in_bulk_are_counted_at_the_end():
    EnterpriseFactory(name_en="Quartzite Works")
    with backend().writing_in_bulk():
        EnterpriseFactory(name_en="Quartzite Mills")
        # Meanwhile the counts hold too few, never too many.
        assert lexeme_counts().get(("quartzite", ENTERPRISE), 0) < 2
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 2
    assert lexeme_counts() == documents_holding_each_word()
    EnterpriseFactory(name_en="Quartzite Yards")  # the trigger counts again
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 3


@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_a_fold_in_progress_and_counts_each_document_once():
    zone = ZoneFactory(name_en="Harbour Zone")
    EnterpriseFactory(name_en="Quartzite Works", zone=zone)
    folded = threading.Event()

    def save_in_another_transaction():
        try:
            EnterpriseFactory(name_en="Quartzite Yards", zone=zone)  # counted as a row of its own
            with transaction.atomic():
                # Folds the word's rows, those of the enterprise above included, and keeps the
                # lock the trigger folds under until the transaction ends.
                EnterpriseFactory(name_en="Quartzite Mills", zone=zone)
                folded.set()
                time.sleep(1)
        finally:
            connection.close()

    with backend().writing_in_bulk():
        thread = threading.Thread(target=save_in_another_transaction)
        thread.start()
        assert folded.wait(10)
    thread.join()
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 3
    assert lexeme_counts() == documents_holding_each_word()


def shown_counts(client, q: str) -> dict[str, str]:
    """The search page's counts per kind, as a visitor reads them."""
    text = client.get(reverse("search"), {"q": q}).text
    return dict(re.findall(r"(All|Enterprises|News) \(([\d,+]+)\)", text))


@pytest.fixture
def quartzite(db, monkeypatch):
    """Five enterprises and a release named after quartzite; the count stops at 3."""
    zone = ZoneFactory(name_en="Harbour Zone")
    for n in range(5):
        EnterpriseFactory(name_en=f"Quartzite Works {n}", zone=zone)
    ReleaseFactory(title_en="Quartzite report")
    monkeypatch.setattr(postgresql, "COUNT_CAP", 3)
    monkeypatch.setattr("portal.search.backends.base.COUNT_CAP", 3)
    monkeypatch.setattr("portal.search.queries.COUNT_CAP", 3)
    return zone


@pytest.mark.parametrize("q", ["quartzite", "quartz", "quartzit"])
def test_a_kind_the_counts_say_is_crowded_is_shown_past_the_cap_unread(client, quartzite, q):
    engine = backend()
    query = prepare(q, engine=engine)
    assert engine.crowded_kinds(query, ["enterprise", "release"]) == ["enterprise"]
    # As when every match is read, up to the cap and one more.
    assert Backend.counts(engine, query)["enterprise"] == engine.counts(query)["enterprise"]
    assert shown_counts(client, q) == {"All": "4+", "Enterprises": "3+", "News": "1"}


def test_a_corrected_word_is_crowded_by_its_corrections_and_counted_as_typed(client, quartzite):
    engine = backend()
    query = prepare("quartzitr", engine=engine)
    assert query.corrected
    assert engine.crowded_kinds(query, ["enterprise"]) == ["enterprise"]
    assert engine.counts(query)["enterprise"] == (4, 0)
    shown = {"All": "4+", "Enterprises": "3+", "News": "1"}
    assert shown_counts(client, "quartzitr") == shown


def test_a_corrected_word_that_matches_nothing_as_typed_is_not_read_again_as_typed(
    client, quartzite
):
    engine = backend()
    query = prepare("quartzitr", engine=engine)
    with CaptureQueriesContext(connection) as captured:
        counts, window = engine.matches(query, None)
    as_typed_only = [
        statement["sql"]
        for statement in captured
        if "quartzitr" in statement["sql"] and "quartzite" not in statement["sql"]
    ]
    # Counted as typed in the crowded kind, and no tier is read as typed: none can hold a match.
    assert len(as_typed_only) == 1
    assert len(window) == 6
    assert not any(hit.exact for hit in window)
    assert shown_counts(client, "quartzitr") == {"All": "4+", "Enterprises": "3+", "News": "1"}


def test_a_match_as_typed_leads_where_the_count_stopped_before_reading_it(
    client, quartzite, monkeypatch
):
    # The last enterprise holds the word as typed in its text. Counted without the lexeme
    # counts, the enterprises' count stops at the cap before it reaches that row, so the
    # count says nothing of the matches as typed, which are then read.
    monkeypatch.setattr(postgresql.PostgreSQLBackend, "crowded_kinds", lambda *args: [])
    survey = EnterpriseFactory(
        name_en="Harbour Stoneworks", summary_en="Quartzitr, as the old survey spells it."
    )
    engine = backend()
    query = prepare("quartzitr", engine=engine)
    counts, window = engine.matches(query, None)
    assert counts["enterprise"] == (4, 0)
    assert window[0] == Hit(entry_id(survey), True, False)


def test_scheduled_records_never_make_a_count_pass_the_cap(client, quartzite):
    # Five documents hold the word, two of them scheduled: three visible, which is the cap.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    for enterprise in quartzite.enterprises.all()[:2]:
        enterprise.published_at = tomorrow
        enterprise.save()
    assert lexeme_counts()[("quartzite", ENTERPRISE)] == 5
    shown = {"All": "4", "Enterprises": "3", "News": "1"}
    assert shown_counts(client, "quartzite") == shown


def test_a_word_is_read_as_pinyin_being_typed_only_where_an_entry_holds_its_syllables(client):
    EnterpriseFactory(name_en="Harbour Machine Tools", name_zh_hans="沈阳机床")
    EnterpriseFactory(name_en="Shenyang Harbour Works")
    assert prepare("shenyangj").terms[0].pinyin == ["shen", "yang", "j"]
    assert "Harbour Machine Tools" in client.get(reverse("search"), {"q": "shenyangj"}).text
    # No entry holds `shen ya`: `shenyag` is a word, corrected, and no statement gathers every
    # word starting with `g`.
    assert prepare("shenyag").terms[0].pinyin is None
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("search"), {"q": "shenyag"}).text
    assert not [statement for statement in captured if "'g':*" in statement["sql"]]
    assert "Did you mean" in page
    assert "Shenyang Harbour Works" in page


def test_suggestions_that_read_the_index_read_no_pinyin_that_no_entry_holds(db, monkeypatch):
    # More enterprises than the newest names read first, so that the index is read.
    tune_backends(monkeypatch, SUGGESTION_CANDIDATES=2, PROBE_FACTOR=1)
    for n in range(3):
        EnterpriseFactory(name_en=f"Shenyang Harbour Works {n}")
    with CaptureQueriesContext(connection) as captured:
        groups = {kind: results for kind, _, results in suggest("shenyag")}
    # No statement reading every match from the index gathers every word starting with `g`
    # (written into the statement, the lexeme's quotes are doubled).
    from_index = [statement["sql"] for statement in captured if "WITH matches" in statement["sql"]]
    assert from_index
    assert not [sql for sql in from_index if "''g'':*" in sql]
    # Corrected to `shenyang`, with the newest first among names as good.
    titles = [result.title for result in groups["enterprise"]]
    assert titles == ["Shenyang Harbour Works 2", "Shenyang Harbour Works 1"]
