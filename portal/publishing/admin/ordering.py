"""The admin's lists in one order on SQLite and PostgreSQL, which put NULL at opposite ends:
empty values last, whichever the direction; a record without a name or title in the page's
language by its other one. Names and titles sort by the keys the model keeps (`sort_key_zh`,
`sort_key_en`): in pinyin order on Chinese pages, without case or accents on English ones, and
a record with neither by its slug. Other Chinese text sorts by its characters' code points, as
the database does. And a lookup typed into a list's address that its SQL cannot take is a bad
lookup."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db.models import BooleanField, CharField, Expression, ExpressionWrapper, F, Model, Q
from modeltranslation.translator import NotRegistered, translator

from portal.publishing.translations import NullIfEmpty, by_name, translated


class SameOrderChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        """A lookup typed into the address that no query can take (`?published_at__year=0`, a
        year past what a date holds) fails as the list's filters read it or as its SQL is
        written, which is done here once. It then goes back to the whole list with the admin's
        "?e=1", as other bad lookups do, not a 500."""
        try:
            queryset = super().get_queryset(request, exclude_parameters)
            written(queryset)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset

    def get_results(self, request) -> None:
        # SQLite refuses a number past 64 bits (`?pk__in=99999999999999999999`) only when the
        # query runs; PostgreSQL finds no row.
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_ordering(self, request, queryset) -> list:
        return same_order(self.model, super().get_ordering(request, queryset))


class SameOrderAdminMixin:
    def get_changelist(self, request, **kwargs) -> type[SameOrderChangeList]:
        return SameOrderChangeList

    def get_queryset(self, request):
        """The records in the list's order where they are listed outside the list: the choices
        of a relation's autocomplete (a release's enterprises), which would otherwise put every
        record without a name in the page's language first."""
        queryset = super().get_queryset(request)
        ordering = self.get_ordering(request) or self.model._meta.ordering
        return queryset.order_by(*same_order(self.model, ordering))


def written(queryset) -> None:
    """Write a queryset's SQL, which is where a lookup's value is turned into the database's."""
    try:
        queryset.query.get_compiler(queryset.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        pass  # a lookup that matches nothing or everything, which the query does without SQL


def same_order(model: type[Model], ordering) -> list[str | Expression]:
    """A list's ordering with each field's entry made `ordered()`."""
    return [
        part
        for item in ordering
        for part in (ordered(model, item) if isinstance(item, str) else [item])
    ]


def ordered(model: type[Model], item: str) -> list[str | Expression]:
    """A list's `ordering` entry ("name", "-founded_year", "zone") as `order_by()` arguments
    that put empty values last."""
    name = item.removeprefix("-")
    field = model_field(model, name)
    if field is not None and field.is_relation:
        # Sorted by the related model's own ordering (a park by its zone and position), which
        # Django builds from the name; the empty ones after the rest.
        empty = ExpressionWrapper(Q(**{f"{name}__isnull": True}), output_field=BooleanField())
        return [empty.asc(), item] if field.null else [item]
    expression = sort_expression(model, name, field)
    if expression is None:
        return [item]
    if item.startswith("-"):
        return [expression.desc(nulls_last=True)]
    return [expression.asc(nulls_last=True)]


def sort_expression(model: type[Model], name: str, field) -> Expression | None:
    if name == getattr(model, "sorted_by", None) and model_field(model, "sort_key_zh"):
        return by_name()
    if name in translated_fields(model):
        return translated(name, then_slug=False)
    if field is None:
        return None
    if isinstance(field, CharField) and field.blank:
        return NullIfEmpty(name)  # an empty text is stored as "", not NULL
    return F(name) if field.null else None


def model_field(model: type[Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def translated_fields(model: type[Model]) -> set[str]:
    try:
        return set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return set()
