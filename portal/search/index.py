"""Writing the search index, and keeping it in step with saves.

What each kind of record puts in its entry is declared by its app (registry.py); this module
writes the entries. Only published records (including scheduled ones, whose time has not come
yet) have an entry; the query checks the publication time, so a scheduled record appears at its
time with no job. A record public only with another (an enterprise with its zone: `public_with`)
carries the effective values: it has an entry only while the other is published too, with the
later of the two publication times. A change of the other record's status or time is carried
over to these entries in bulk.

The spelling vocabulary (SearchTerm) takes the words of every entry written, scheduled ones
included, and loses those that no entry holds any more when a record's entry is replaced or
removed (for an admin action on many records, once at its end: portal/publishing/bulk.py).
It is a list of candidates only: a correction is offered only when an entry visible at that
moment holds it (queries.prepare), so no word of a record that is not public can be confirmed
through it.

The signal handlers below are connected in apps.py: keeping the index in step is all they do.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import DateTimeField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Greatest

from portal.publishing import bulk, pagecache
from portal.publishing.models import Status
from portal.search import registry, text
from portal.search.backends import PostgreSQLBackend, backend
from portal.search.models import SearchEntry, SearchTerm
from portal.search.registry import LANGUAGES, SearchIndex

# Words shorter than this are never corrected, so they need not be in the vocabulary.
MIN_TERM = 4
MAX_TERM = 60


def entry_for(declared: SearchIndex, record: Model) -> SearchEntry:
    """The index entry of one record (not saved), from its declaration. A record with other
    names or `public_with` comes from the declaration's index_queryset (or the other names
    cost one query)."""
    names = declared.own_names(record)
    aliases = declared.other_names_of(record)
    texts = {}
    topics = []
    for language in LANGUAGES:
        values = []
        for field in declared.text:
            value = getattr(record, f"{field}_{language}")
            values.append(text.plain_text(value) if field in declared.rich_text else value)
        texts[language] = " ".join(value for value in values if value)
        topics += declared.topics_of(record, language) + declared.parts_text_of(record, language)
    title = declared.title_of(record)
    return SearchEntry(
        id=SearchEntry.id_for(declared.kind, record.pk),
        kind=declared.kind,
        object_id=record.pk,
        slug=record.slug,
        status=record.status,
        published_at=declared.publication_time(record),
        title_en=title["en"],
        title_zh_hans=title["zh_hans"],
        text_en=texts["en"],
        text_zh_hans=texts["zh_hans"],
        name_keys=text.name_keys(*names, *aliases),
        names=text.index_text(*names),
        aliases=text.index_text(*aliases),
        pinyin=text.pinyin_text(*names, *aliases),
        # The topics and parts are searched with the text, not shown in its extract.
        body=text.index_text(texts["en"], texts["zh_hans"], *topics),
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


def update(record: Model) -> None:
    """Bring one record's entry up to date: written when published (on time or scheduled),
    removed otherwise. Three to five queries, and for a record others are public with (a zone)
    whose status or time changed, the bulk update of their entries (public_with_changed)."""
    declared = registry.for_model(type(record))
    indexed = None
    if record.status == Status.PUBLISHED and record.published_at is not None:
        if declared.other_names or declared.public_with or declared.topics or declared.parts:
            # Read again: a zone's other names, sectors or parks, or an enterprise's zone, may
            # have changed since the record was loaded.
            indexed = declared.index_queryset().filter(pk=record.pk).first()
        else:
            indexed = record
    entry = entry_for(declared, indexed) if indexed is not None else None
    replace(declared.kind, record.pk, entry)


def remove(kind: str, object_id: int) -> None:
    replace(kind, object_id, None)


# Words pruned at a time: each is a parameter of one statement.
PRUNED_AT_ONCE = 1000


def prune_terms(words: Iterable[str]) -> None:
    """Remove those of `words` that no entry holds any more from the spelling vocabulary."""
    words = sorted(words)
    for start in range(0, len(words), PRUNED_AT_ONCE):
        backend().prune_terms(words[start : start + PRUNED_AT_ONCE])


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
            # Once for a list action on many records (portal/publishing/bulk.py).
            bulk.at_end(prune_terms, words_of(*old[1:]) - new_words)
        was = old[0] if old is not None else None
        now = entry.published_at if entry is not None else None
        if was != now:
            for dependent in public_with(registry.get(kind).model):
                public_with_changed(dependent, object_id, now)


def public_with(model: type[Model]) -> list[SearchIndex]:
    """The declarations of records public only with a record of `model` (enterprises, with a
    zone)."""
    return [
        declared
        for declared in registry.indexes()
        if declared.public_with
        and declared.model._meta.get_field(declared.public_with).related_model is model
    ]


def public_with_changed(declared: SearchIndex, other_id: int, published_at) -> None:
    """Carry the new publication time of the record that `declared`'s records are public with
    (None: it is not published) over to their entries, in bulk: a few statements, and the
    entries of records that had none written as `add` writes them (about half a millisecond
    each). For a zone, its enterprises.

    When the other record is withdrawn, its records' entries are kept, hidden (as drafts, which
    the backends never show), so that publishing it again is one UPDATE rather than writing
    them all again (about ten seconds for a zone of 25,000 enterprises). A kept entry stays
    right: any save of its record while hidden rewrites or removes it (`update`).

    The words of hidden entries stay in the vocabulary; they are never offered while no
    visible entry holds them.
    """
    model = declared.model
    records = model._default_manager.filter(**{declared.public_with: other_id})
    entries = SearchEntry.objects.filter(kind=declared.kind, object_id__in=records.values("pk"))
    if published_at is None:
        entries.exclude(status=Status.DRAFT).update(status=Status.DRAFT)
        return
    own_time = model._default_manager.filter(pk=OuterRef("object_id")).values("published_at")
    effective = Greatest(Subquery(own_time), Value(published_at, output_field=DateTimeField()))
    entries.exclude(status=Status.PUBLISHED, published_at=effective).update(
        status=Status.PUBLISHED, published_at=effective
    )
    add(records.exclude(pk__in=entries.values("object_id")))


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


def add(queryset: QuerySet, batch_size: int = 2000, progress=None) -> int:
    """Write entries for records that have none yet (bulk-created ones, say); only those the
    declaration of their model indexes get one. Returns how many were written; `progress(n)`
    is called after each batch with the number of records it held."""
    declared = registry.for_model(queryset.model)
    written = 0
    published = declared.index_queryset().filter(pk__in=queryset.values("pk"))
    for batch in batches(published, batch_size):
        entries = [entry_for(declared, record) for record in batch]
        with transaction.atomic():
            SearchEntry.objects.bulk_create(entries, batch_size=500)
            add_terms(vocabulary(entries))
        written += len(entries)
        if progress:
            progress(len(entries))
    return written


def entries_of(queryset: QuerySet) -> QuerySet:
    """The entries of the records in a queryset."""
    kind = registry.for_model(queryset.model).kind
    return SearchEntry.objects.filter(kind=kind, object_id__in=queryset.values("pk"))


def writing_in_bulk() -> AbstractContextManager:
    """Wraps writing many entries at once (see Backend.writing_in_bulk)."""
    return backend().writing_in_bulk()


def rebuild(kinds: Iterable[str] | None = None, batch_size: int = 2000, progress=None) -> int:
    """Rewrite the entries of the given kinds (all by default); returns how many were written."""
    kinds = list(kinds or registry.kinds())
    everything = set(kinds) == set(registry.kinds())
    # One transaction: searches read the old entries until the new ones are all written, and a
    # rebuild that fails part way (or is stopped) leaves the old ones rather than none. So the
    # entries are deleted, not truncated: on PostgreSQL, TRUNCATE would keep every search
    # waiting until the end.
    with writing_in_bulk(), transaction.atomic():
        SearchEntry.objects.filter(kind__in=kinds).delete()
        if everything:
            SearchTerm.objects.all().delete()
        written = sum(
            add(registry.get(kind).model._default_manager.all(), batch_size, progress)
            for kind in kinds
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = [
                PostgreSQLBackend.table,
                PostgreSQLBackend.names_table,
                SearchTerm._meta.db_table,
            ]
            if not connection.in_atomic_block:  # a VACUUM runs outside any transaction
                # The deleted rows' dead copies, which searches would read past until autovacuum
                # came by.
                for table in [SearchEntry._meta.db_table, *tables]:
                    cursor.execute(f"VACUUM {table}")
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
        elif connection.vendor == "sqlite":
            # Written in batches, the full-text index is a stack of segments that every search
            # reads one by one; merge them into one.
            table = backend().table
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        # Fresh statistics for the query planner, now that the tables have been rewritten.
        cursor.execute("ANALYZE")
    # The search pages stored before show the entries as they were.
    pagecache.content_changed()
    return written


def index_new_kinds(apps=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Write the entries of every kind that has records to index and not one entry: a kind an
    app has just declared, whose records were saved before it was. A post_migrate handler
    (apps.py), so that the upgrade that brings a new kind also indexes it; two queries per kind.
    `apps` is the migrations' state (none after a flush)."""
    if using != DEFAULT_DB_ALIAS:
        return
    if apps is not None:
        try:
            apps.get_model("search", "SearchEntry")
        except LookupError:  # migrated back to before the search app
            return
    for declared in registry.indexes():
        unindexed = not SearchEntry.objects.filter(kind=declared.kind).exists()
        if unindexed and declared.index_queryset().exists():
            add(declared.model._default_manager.all())
            pagecache.content_changed()


def count_indexable(kinds: Iterable[str] | None = None) -> int:
    return sum(registry.get(kind).index_queryset().count() for kind in kinds or registry.kinds())


# Signal handlers, connected in apps.py.


def record_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the rebuild command indexes fixtures afterwards
        return
    update(instance)


def record_deleted(sender, instance, **kwargs) -> None:
    remove(registry.for_model(sender).kind, instance.pk)


def public_alone_before_delete(sender, instance, **kwargs) -> None:
    """A record others may be public without (an event's zone) is about to be deleted: note the
    records that will be left without it. The delete clears their relation in bulk, with no
    save to re-index them, and they may then be public on their own."""
    instance._search_left_alone = [
        (
            declared,
            list(
                declared.model._default_manager.filter(
                    **{declared.public_with: instance}
                ).values_list("pk", flat=True)
            ),
        )
        for declared in public_with(sender)
        if declared.public_alone
    ]


def public_alone_after_delete(sender, instance, **kwargs) -> None:
    """Re-index the records noted by public_alone_before_delete, now without the record."""
    for declared, ids in getattr(instance, "_search_left_alone", ()):
        for record in declared.model._default_manager.filter(pk__in=ids):
            update(record)


def topics_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A record's topics were changed (m2m_changed of the relation's rows): re-index the
    records whose topics these are. From the topic's side (a sector's zones), a clear names
    no records: they are noted before it."""
    for declared in registry.indexes():
        if declared.topics_through is not sender:
            continue
        if not reverse:
            if action in ("post_add", "post_remove", "post_clear"):
                update(instance)
        elif action == "pre_clear":
            instance._search_cleared_from = records_about(declared, instance)
        elif action in ("post_add", "post_remove", "post_clear"):
            ids = pk_set if action != "post_clear" else instance._search_cleared_from
            for record in declared.model._default_manager.filter(pk__in=ids):
                update(record)


def records_about(declared: SearchIndex, topic: Model) -> list[int]:
    return list(
        declared.model._default_manager.filter(**{declared.topics: topic}).values_list(
            "pk", flat=True
        )
    )


def topic_saved(sender, instance, raw=False, **kwargs) -> None:
    """A topic (a sector) was saved, perhaps renamed: re-index the records about it."""
    if raw:
        return
    for declared in registry.indexes():
        if declared.topics_model is sender:
            for record in declared.model._default_manager.filter(**{declared.topics: instance}):
                update(record)


def topic_before_delete(sender, instance, **kwargs) -> None:
    """A topic is about to be deleted, its rows of the relation with it: note its records."""
    instance._search_topic_of = [
        (declared, records_about(declared, instance))
        for declared in registry.indexes()
        if declared.topics_model is sender
    ]


def topic_after_delete(sender, instance, **kwargs) -> None:
    for declared, ids in getattr(instance, "_search_topic_of", ()):
        for record in declared.model._default_manager.filter(pk__in=ids):
            update(record)


def row_of_record_saving(sender, instance, raw=False, **kwargs) -> None:
    """A row holding a record's other names or one of its parts is about to be saved: note the
    record it belongs to now, which loses it if the row moves to another (a park to another
    zone)."""
    if raw or instance.pk is None:
        return
    for declared in registry.indexes():
        if column := declared.owner_field(sender):
            stored = sender._default_manager.filter(pk=instance.pk)
            instance._indexed_owner_id = stored.values_list(column, flat=True).first()


def row_of_record_changed(sender, instance, raw=False, **kwargs) -> None:
    """A row holding a record's other names (a zone's alias) or one of its parts (a park) was
    saved or deleted: re-index its record, and the one it belonged to before, if another."""
    if raw:
        return
    for declared in registry.indexes():
        if column := declared.owner_field(sender):
            owners = {getattr(instance, column), getattr(instance, "_indexed_owner_id", None)}
            for record in declared.model._default_manager.filter(pk__in=owners - {None}):
                update(record)
