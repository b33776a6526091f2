"""What each kind of record puts in the search index, and keeping the index in step with saves.

Only published records (including scheduled ones, whose time has not come yet) have an entry;
the query checks the publication time, so a scheduled record appears at its time with no job.
An enterprise is public only in a public zone (zones.models.EnterpriseQuerySet), so its entry
carries the effective values: it has one only while its zone is published too, with the later of
the two publication times. A zone's change of status or time is carried over to its enterprises'
entries in bulk.

The spelling vocabulary (SearchTerm) takes the words of every entry written, scheduled ones
included, and loses those that no entry holds any more when a record's entry is replaced or
removed. It is a list of candidates only: a correction is offered only when an entry visible at
that moment holds it (portal.search.prepare), so no word of a record that is not public can be
confirmed through it.

The signal handlers below are connected in portal/apps.py: keeping the index in step is all
they do.
"""

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import DateTimeField, F, Model, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Greatest

from news.models import Release
from portal.models import SearchEntry, SearchTerm
from portal.publishing.models import Status
from portal.search import text
from portal.search.backends import PostgreSQLBackend, backend
from zones.models import Enterprise, Institution, Platform, Zone, ZoneAlias

Kind = SearchEntry.Kind

MODELS: dict[str, type[Model]] = {
    Kind.ZONE: Zone,
    Kind.ENTERPRISE: Enterprise,
    Kind.INSTITUTION: Institution,
    Kind.PLATFORM: Platform,
    Kind.RELEASE: Release,
}
KIND_OF_MODEL = {model: kind for kind, model in MODELS.items()}

# Words shorter than this are never corrected, so they need not be in the vocabulary.
MIN_TERM = 4
MAX_TERM = 60


def indexed_queryset(kind: str) -> QuerySet:
    """The records of a kind that have an entry: published ones, on time or scheduled; an
    enterprise only in a zone that is published too (on time or scheduled), with the zone's
    time as `zone_published_at`."""
    queryset = MODELS[kind].objects.filter(status=Status.PUBLISHED, published_at__isnull=False)
    if kind == Kind.ZONE:
        queryset = queryset.prefetch_related(
            Prefetch("aliases", queryset=ZoneAlias.objects.order_by("pk"))
        )
    elif kind == Kind.ENTERPRISE:
        queryset = queryset.filter(
            zone__status=Status.PUBLISHED, zone__published_at__isnull=False
        ).annotate(zone_published_at=F("zone__published_at"))
    return queryset


def publication_time(kind: str, record):
    """When a record's entry becomes visible: for an enterprise (from indexed_queryset), the
    later of its own time and its zone's, as EnterpriseQuerySet.public_q decides."""
    if kind == Kind.ENTERPRISE:
        return max(record.published_at, record.zone_published_at)
    return record.published_at


def entry_for(kind: str, record) -> SearchEntry:
    """The index entry of one record (not saved). For a zone, its aliases must be prefetched
    or it runs one query."""
    aliases: list[str] = []
    if kind == Kind.ZONE:
        names = [
            record.name_en,
            record.name_zh_hans,
            record.short_name_en,
            record.short_name_zh_hans,
        ]
        aliases = [alias.name for alias in record.aliases.all()]
        texts = {
            "en": [record.summary_en, text.plain_text(record.description_en)],
            "zh_hans": [record.summary_zh_hans, text.plain_text(record.description_zh_hans)],
        }
        title = {"en": record.name_en, "zh_hans": record.name_zh_hans}
    elif kind == Kind.ENTERPRISE:
        names = [record.name_en, record.name_zh_hans]
        texts = {
            "en": [record.summary_en, text.plain_text(record.description_en)],
            "zh_hans": [record.summary_zh_hans, text.plain_text(record.description_zh_hans)],
        }
        title = {"en": record.name_en, "zh_hans": record.name_zh_hans}
    elif kind == Kind.INSTITUTION:
        names = [
            record.name_en,
            record.name_zh_hans,
            record.short_name_en,
            record.short_name_zh_hans,
        ]
        texts = {
            "en": [record.summary_en, record.city_en],
            "zh_hans": [record.summary_zh_hans, record.city_zh_hans],
        }
        title = {"en": record.name_en, "zh_hans": record.name_zh_hans}
    elif kind == Kind.PLATFORM:
        names = [
            record.name_en,
            record.name_zh_hans,
            record.short_name_en,
            record.short_name_zh_hans,
        ]
        texts = {"en": [record.summary_en], "zh_hans": [record.summary_zh_hans]}
        title = {"en": record.name_en, "zh_hans": record.name_zh_hans}
    else:
        names = [record.title_en, record.title_zh_hans]
        texts = {
            "en": [record.summary_en, text.plain_text(record.body_en)],
            "zh_hans": [record.summary_zh_hans, text.plain_text(record.body_zh_hans)],
        }
        title = {"en": record.title_en, "zh_hans": record.title_zh_hans}
    text_en = " ".join(v for v in texts["en"] if v)
    text_zh = " ".join(v for v in texts["zh_hans"] if v)
    return SearchEntry(
        id=SearchEntry.id_for(kind, record.pk),
        kind=kind,
        object_id=record.pk,
        slug=record.slug,
        status=record.status,
        published_at=publication_time(kind, record),
        title_en=title["en"] or "",
        title_zh_hans=title["zh_hans"] or "",
        text_en=text_en,
        text_zh_hans=text_zh,
        name_keys=text.name_keys(*names, *aliases),
        names=text.index_text(*(n or "" for n in names)),
        aliases=text.index_text(*aliases),
        pinyin=text.pinyin_text(*(n or "" for n in names), *aliases),
        body=text.index_text(text_en, text_zh),
    )


def words_of(*columns: str) -> set[str]:
    """The words (not Chinese) of an entry's indexed columns, for spelling correction."""
    return {
        word
        for column in columns
        for word in column.split()
        if MIN_TERM <= len(word) <= MAX_TERM and word.isascii() and word.isalpha()
    }


def vocabulary(entries: Iterable[SearchEntry]) -> set[str]:
    """The words (not Chinese) of entries, for spelling correction."""
    words = set()
    for entry in entries:
        words |= words_of(entry.names, entry.aliases, entry.body)
    return words


def add_terms(words: set[str]) -> None:
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=word, length=len(word)) for word in sorted(words)],
            ignore_conflicts=True,
            batch_size=500,
        )


def update(record) -> None:
    """Bring one record's entry up to date: written when published (on time or scheduled),
    removed otherwise. Three to five queries, and for a zone whose status or time changed, the
    bulk update of its enterprises' entries (zone_changed)."""
    kind = KIND_OF_MODEL[type(record)]
    indexed = None
    if record.status == Status.PUBLISHED and record.published_at is not None:
        if kind in (Kind.ZONE, Kind.ENTERPRISE):
            # Read again: a zone's aliases, or an enterprise's zone, may have changed since the
            # record was loaded.
            indexed = indexed_queryset(kind).filter(pk=record.pk).first()
        else:
            indexed = record
    replace(kind, record.pk, entry_for(kind, indexed) if indexed is not None else None)


def remove(kind: str, object_id: int) -> None:
    replace(kind, object_id, None)


def replace(kind: str, object_id: int, entry: SearchEntry | None) -> None:
    """Put `entry` (None: nothing) in the place of a record's entry; prune the words that only
    the old entry held from the vocabulary."""
    with transaction.atomic():
        entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
        old = entries.values_list("published_at", "names", "aliases", "body").first()
        if old is not None:
            entries.delete()
        new_words = set()
        if entry is not None:
            entry.save()
            new_words = vocabulary([entry])
            add_terms(new_words)
        if old is not None:
            backend().prune_terms(sorted(words_of(*old[1:]) - new_words))
        if kind == Kind.ZONE:
            was = old[0] if old is not None else None
            now = entry.published_at if entry is not None else None
            if was != now:
                zone_changed(object_id, now)


def zone_changed(zone_id: int, published_at) -> None:
    """Carry a zone's new publication time (None: the zone is not published) over to the entries
    of its enterprises, in bulk: three statements, and the entries of enterprises that had none
    written as `add` writes them (about a millisecond each).

    The words of entries removed here stay in the vocabulary until the next rebuild; they are
    never offered while no visible entry holds them.
    """
    enterprises = Enterprise.objects.filter(zone_id=zone_id)
    entries = SearchEntry.objects.filter(
        kind=Kind.ENTERPRISE, object_id__in=enterprises.values("pk")
    )
    if published_at is None:
        entries.delete()
        return
    own_time = Enterprise.objects.filter(pk=OuterRef("object_id")).values("published_at")
    effective = Greatest(Subquery(own_time), Value(published_at, output_field=DateTimeField()))
    entries.exclude(published_at=effective).update(published_at=effective)
    add(Kind.ENTERPRISE, enterprises.exclude(pk__in=entries.values("object_id")))


def batches(queryset: QuerySet, size: int) -> Iterator[list]:
    """Records in batches by primary key, so a big table is never held in memory."""
    last = 0
    queryset = queryset.order_by("pk")
    while True:
        batch = list(queryset.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def add(kind: str, queryset: QuerySet, batch_size: int = 2000, progress=None) -> int:
    """Write entries for records of a kind that have none yet (bulk-created ones, say); only
    the published ones are indexed. Returns how many were written; `progress(n)` is called
    after each batch with the number of records it held."""
    written = 0
    published = indexed_queryset(kind).filter(pk__in=queryset.values("pk"))
    for batch in batches(published, batch_size):
        entries = [entry_for(kind, record) for record in batch]
        with transaction.atomic():
            SearchEntry.objects.bulk_create(entries, batch_size=500)
            add_terms(vocabulary(entries))
        written += len(entries)
        if progress:
            progress(len(entries))
    return written


def rebuild(kinds: Iterable[str] | None = None, batch_size: int = 2000, progress=None) -> int:
    """Rewrite the entries of the given kinds (all by default); returns how many were written."""
    kinds = list(kinds or MODELS)
    everything = set(kinds) == set(MODELS)
    if everything and connection.vendor == "postgresql":
        # Deleting every row would leave a dead copy of each in the tables and their indexes
        # until a vacuum comes by, and searches would read past them. TRUNCATE empties them
        # outright; the triggers made by portal/migrations empty the full-text tables with it.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {SearchEntry._meta.db_table}, {SearchTerm._meta.db_table}")
    else:
        SearchEntry.objects.filter(kind__in=kinds).delete()
        if everything:
            SearchTerm.objects.all().delete()
    written = sum(
        add(kind, MODELS[kind].objects.all(), batch_size=batch_size, progress=progress)
        for kind in kinds
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = [
                PostgreSQLBackend.table,
                PostgreSQLBackend.names_table,
                SearchTerm._meta.db_table,
            ]
            # A GIN index takes new entries into a pending list (up to 4 MB) that every search
            # reads in full until a vacuum merges it into the index proper. Every entry has
            # just been written: merge them now.
            cursor.execute(
                """
                SELECT gin_clean_pending_list(class.oid)
                FROM pg_index AS index
                JOIN pg_class AS class ON class.oid = index.indexrelid AND class.relkind = 'i'
                JOIN pg_am AS method ON method.oid = class.relam AND method.amname = 'gin'
                WHERE index.indrelid = ANY(%s::regclass[]) OR index.indrelid IN (
                    SELECT relid FROM unnest(%s::regclass[]) AS root, pg_partition_tree(root)
                )
                """,
                [tables, tables],
            )
        # Fresh statistics for the query planner, now that the tables have been rewritten.
        cursor.execute("ANALYZE")
    return written


def count_indexable(kinds: Iterable[str] | None = None) -> int:
    return sum(indexed_queryset(kind).count() for kind in kinds or MODELS)


# Signal handlers, connected in portal/apps.py.


def record_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the rebuild command indexes fixtures afterwards
        return
    update(instance)


def record_deleted(sender, instance, **kwargs) -> None:
    remove(KIND_OF_MODEL[sender], instance.pk)


def alias_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    zone = Zone.objects.filter(pk=instance.zone_id).first()
    if zone is not None:
        update(zone)
