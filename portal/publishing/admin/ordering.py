"""The admin's lists in one order on SQLite and PostgreSQL, which put NULL at opposite ends, and
by name as visitors see the names: a record without a Chinese name by its English one, and on
Chinese pages in pinyin order where the model keeps it (`sort_key_zh`)."""

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Expression, F, Model
from modeltranslation.translator import NotRegistered, translator

from portal.publishing.translations import by_name, translated


class SameOrderChangeList(ChangeList):
    def get_ordering(self, request, queryset) -> list:
        return [
            ordered(self.model, item) if isinstance(item, str) else item
            for item in super().get_ordering(request, queryset)
        ]


def ordered(model: type[Model], item: str) -> str | Expression:
    """A list's `ordering` entry ("name", "-founded_year") with empty values last, whichever
    the direction and the database."""
    name = item.removeprefix("-")
    expression = sort_expression(model, name)
    if expression is None:
        return item
    if item.startswith("-"):
        return expression.desc(nulls_last=True)
    return expression.asc(nulls_last=True)


def sort_expression(model: type[Model], name: str) -> Expression | None:
    fields = {field.name for field in model._meta.get_fields()}
    if name == "name" and "sort_key_zh" in fields:
        return by_name()
    if name in translated_fields(model) and "slug" in fields:
        return translated(name)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A relation sorts by its model's own ordering (a park by its zone and position), which
    # Django builds; where the relation is empty still differs between the databases.
    if field.is_relation or not field.null:
        return None
    return F(name)


def translated_fields(model: type[Model]) -> set[str]:
    try:
        return set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return set()
