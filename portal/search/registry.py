"""What the search index holds, as each app declares it.

An app that wants its records found declares, in its own `search_indexes` module, one
`SearchIndex` per model and registers it; the search app imports every such module when it
starts (apps.py), as the admin does with `admin` modules:

    from portal.search.registry import SearchIndex, register

    @register
    class PolicyIndex(SearchIndex):
        model = Policy
        kind = "policy"
        code = 6
        label = _("Policies")
        url_name = "policies:policy_detail"
        names = ("title",)
        text = ("summary", "body")
        rich_text = ("body",)

The kinds are listed (on the search page's tabs, in suggestions) in the order they were
registered: the apps' order in INSTALLED_APPS, then each module's from the top.
"""

from django.db.models import F, Model, Prefetch, Q, QuerySet
from django.utils.functional import Promise

from portal.publishing.models import published_or_scheduled_q
from portal.publishing.urls import page_url

# The languages of an entry's title and text columns (SearchEntry.title_en, title_zh_hans, ...).
LANGUAGES = ("en", "zh_hans")


class SearchIndex:
    """What one model puts in the search index, and which saves keep its entries in step.

    Fields are named without their language: "name" stands for name_en and name_zh_hans.
    """

    model: type[Model]
    # Stored in every entry (SearchEntry.kind) and in the search page's `type` parameter.
    kind: str
    # The kind's number: an entry's id is code * 10**12 + the record's id, and where two matches
    # are otherwise equal, the higher code comes first. Stored in every entry id and in the
    # PostgreSQL partitions (portal/migrations/0003_search_names.py): never change it.
    code: int
    label: str | Promise
    # Reversed with the record's slug: a result's link needs nothing but its entry.
    url_name: str
    title: str = "name"
    # The names a record goes by, each in both languages; a name match ranks first.
    names: tuple[str, ...] = ("name",)
    # The text searched after the names, in this order; rich text is indexed as plain text.
    text: tuple[str, ...] = ()
    rich_text: tuple[str, ...] = ()
    # Other names held by related rows, as "relation__field" (a zone's former names): a save or
    # delete of such a row re-indexes the record.
    other_names: str = ""
    # A many-to-many relation to records whose names say what this one is about (a zone's
    # sectors): their names, in each language, are searched with its text. A change of the
    # relation, or a save or delete of such a record, re-indexes the records it names.
    topics: str = ""
    # A reverse relation to the parts of a record (a zone's parks), and their fields whose text,
    # in each language, is searched with the record's. A save or delete of a part re-indexes
    # the record it belongs to.
    parts: str = ""
    part_text: tuple[str, ...] = ()
    # A relation to a record the model is public only with (an enterprise with its zone): the
    # entry exists only while both are published and takes the later publication time, and a
    # change of that record's entry carries over to these entries. Where the relation may be
    # empty (an event need not name a zone), a record without it is public on its own.
    public_with: str = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}>"

    def localised(self, field: str) -> list[str]:
        return [f"{field}_{language}" for language in LANGUAGES]

    @property
    def name_fields(self) -> list[str]:
        """The name fields in every language: name_en, name_zh_hans, short_name_en, ..."""
        return [localised for field in self.names for localised in self.localised(field)]

    @property
    def other_names_relation(self) -> str:
        return self.other_names.partition("__")[0]

    @property
    def other_names_model(self) -> type[Model] | None:
        """The model of the rows holding other names (ZoneAlias for zones)."""
        if not self.other_names:
            return None
        return self.model._meta.get_field(self.other_names_relation).related_model

    @property
    def parts_model(self) -> type[Model] | None:
        """The model of the parts (Park for zones)."""
        return self.model._meta.get_field(self.parts).related_model if self.parts else None

    def owner_field(self, rows: type[Model]) -> str | None:
        """The column naming the record that rows of this model (its other names or its parts)
        belong to, as "zone_id"; None for another model."""
        for relation, model in (
            (self.other_names_relation, self.other_names_model),
            (self.parts, self.parts_model),
        ):
            if model is rows:
                return self.model._meta.get_field(relation).field.attname
        return None

    def with_names(self, queryset: QuerySet) -> QuerySet:
        """The queryset with the other names prefetched (in the order they were added), for
        `names_of` and `other_names_of`: one more query, however many records."""
        if not self.other_names:
            return queryset
        related = self.other_names_model._default_manager.order_by("pk")
        return queryset.prefetch_related(Prefetch(self.other_names_relation, queryset=related))

    @property
    def topics_model(self) -> type[Model] | None:
        """The model of the topics (Sector for zones)."""
        return self.model._meta.get_field(self.topics).related_model if self.topics else None

    @property
    def topics_through(self) -> type[Model] | None:
        """The model of the relation's rows, which m2m_changed is sent for."""
        if not self.topics:
            return None
        return self.model._meta.get_field(self.topics).remote_field.through

    def topics_of(self, record: Model, language: str) -> list[str]:
        """The names of the record's topics in `language` (as stored, "zh_hans"); prefetched
        by `index_queryset`, or one query."""
        if not self.topics:
            return []
        topics = getattr(record, self.topics).all()
        return [getattr(topic, f"name_{language}") or "" for topic in topics]

    def parts_text_of(self, record: Model, language: str) -> list[str]:
        """The text of the record's parts in `language`; prefetched by `index_queryset`, or
        one query."""
        if not self.parts:
            return []
        return [
            getattr(part, f"{field}_{language}") or ""
            for part in getattr(record, self.parts).all()
            for field in self.part_text
        ]

    @property
    def public_alone(self) -> bool:
        """True when a record without the `public_with` record is public on its own."""
        return bool(self.public_with) and self.model._meta.get_field(self.public_with).null

    def index_queryset(self) -> QuerySet:
        """The records that have an entry, their other names, topics and parts prefetched:
        published ones, on time or scheduled (the query applies the visibility rule, so a
        scheduled record appears at its time); with `public_with`, only those whose other record
        has one too (or that have none, where that may be), its time as
        `public_with_published_at`."""
        queryset = self.model._default_manager.published_or_scheduled()
        if self.public_with:
            with_other = published_or_scheduled_q(f"{self.public_with}__")
            if self.public_alone:
                with_other |= Q(**{f"{self.public_with}__isnull": True})
            queryset = queryset.filter(with_other).annotate(
                public_with_published_at=F(f"{self.public_with}__published_at")
            )
        related = [relation for relation in (self.topics, self.parts) if relation]
        return self.with_names(queryset.prefetch_related(*related))

    def publication_time(self, record: Model):
        """When a record's entry becomes visible: with `public_with` (a record from
        index_queryset), the later of its own time and the other record's, if it has one."""
        if self.public_with and record.public_with_published_at is not None:
            return max(record.published_at, record.public_with_published_at)
        return record.published_at

    def own_names(self, record: Model) -> list[str]:
        """The record's names, as `name_fields` lists them (empty ones included)."""
        return [getattr(record, field) or "" for field in self.name_fields]

    def other_names_of(self, record: Model) -> list[str]:
        """The record's other names; prefetched by `with_names`, or one query."""
        if not self.other_names:
            return []
        relation, _, field = self.other_names.partition("__")
        return [getattr(row, field) for row in getattr(record, relation).all()]

    def names_of(self, record: Model) -> list[str]:
        """Every name a record goes by, in both languages, other names last (empty ones left
        out): what search ranks first and what link suggestions look for."""
        return [name for name in self.own_names(record) + self.other_names_of(record) if name]

    def title_of(self, record: Model) -> dict[str, str]:
        return {
            language: getattr(record, field) or ""
            for language, field in zip(LANGUAGES, self.localised(self.title), strict=True)
        }

    def url(self, slug: str) -> str:
        return page_url(self.url_name, slug)


_registry: dict[str, SearchIndex] = {}
_by_model: dict[type[Model], SearchIndex] = {}


def register(declaration: type[SearchIndex]) -> type[SearchIndex]:
    """Add a model's declaration to the index (a class decorator)."""
    index = declaration()
    for other in _registry.values():
        if index.kind == other.kind or index.code == other.code or index.model is other.model:
            raise ValueError(f"{index!r} repeats the kind, code or model of {other!r}.")
    _registry[index.kind] = index
    _by_model[index.model] = index
    return declaration


def indexes() -> list[SearchIndex]:
    """Every declaration, in the order they were registered."""
    return list(_registry.values())


def kinds() -> list[str]:
    return list(_registry)


def get(kind: str) -> SearchIndex:
    return _registry[kind]


def for_model(model: type[Model]) -> SearchIndex:
    """The declaration of a model (KeyError for a model that is not indexed)."""
    return _by_model[model]


def kind_choices() -> list[tuple[str, str]]:
    """(kind, label) of every kind, for SearchEntry.kind: the registry decides, not the
    model, so that a new kind needs no migration."""
    return [(index.kind, index.label) for index in _registry.values()]
