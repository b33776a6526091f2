"""The delete confirmation pages, of one record and of "Delete selected", summarised.

Django lists every record a delete would take with it, or that refers to the record and stops
it (a protected reference): for a zone of 25,000 enterprises, every enterprise read and
linked, 5.7 s and a 3.1 MB page. Here each list shows the first SHOWN records of each kind, as
links, and says how many more there are. Whether the delete may go ahead is decided as before:
refused when anything refers to the record through a protected reference, or when the user may
not delete one of the records it would take with it.
"""

from collections import Counter

from django.contrib.admin.utils import NestedObjects, quote
from django.db import models, router
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

# Records of each kind listed; the rest are counted.
SHOWN = 10


class SampledProtection(NestedObjects):
    """Django's collector for the confirmation pages, reading only the first SHOWN of the
    records that refer to what would be deleted through a protected reference, and the ids of
    the others, to count them: two queries per such reference, however many records refer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.protected_ids: dict[type[models.Model], set] = {}
        self.samples: list[models.QuerySet] = []

    def related_objects(self, related_model, related_fields, objs):
        queryset = super().related_objects(related_model, related_fields, objs)
        if any(field.remote_field.on_delete is not models.PROTECT for field in related_fields):
            return queryset
        self.protected_ids.setdefault(related_model, set()).update(
            queryset.values_list("pk", flat=True)
        )
        # What the collector reads: any one of them refuses the delete.
        sample = queryset[:SHOWN]
        self.samples.append(sample)
        return sample

    def protected_by_kind(self) -> dict[type[models.Model], tuple[list[models.Model], int]]:
        """For each kind of record that refuses the delete, the first SHOWN of them (in the
        order read) and how many there are, each counted once (a figure refers to a zone and to
        its park)."""
        found: dict[type[models.Model], dict] = {}
        # The samples (read by the collector) in order, then anything else it found, such as
        # what a restricted reference would refuse.
        for obj in [*(obj for sample in self.samples for obj in sample), *self.protected]:
            found.setdefault(type(obj), {}).setdefault(obj.pk, obj)
        return {
            model: (
                list(objs.values())[:SHOWN],
                len(self.protected_ids.get(model, set()) | objs.keys()),
            )
            for model, objs in found.items()
        }


class SummarisedDeletionMixin:
    """The delete confirmation pages list at most SHOWN records of each kind."""

    def get_deleted_objects(self, objs, request: HttpRequest) -> tuple:
        """What Django's returns (what the delete takes with it as a nested list, the count of
        each kind, the kinds the user may not delete, what refers to it through a protected
        reference), with the lists summarised.

        The delete is refused for the same reasons: every record it would take with it is
        still read and its delete permission checked, as the delete itself reads them; of the
        records that refuse it through a protected reference, the listed ones.
        """
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = SampledProtection(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        protected_by_kind = collector.protected_by_kind()
        collected = [obj for objs_ in collector.model_objs.values() for obj in objs_]
        shown_protected = [obj for shown, _count in protected_by_kind.values() for obj in shown]
        perms_needed = set()
        for obj in [*collected, *shown_protected]:
            model = type(obj)
            if not self.admin_site.is_registered(model):
                continue
            if not self.admin_site.get_model_admin(model).has_delete_permission(request, obj):
                perms_needed.add(obj._meta.verbose_name)
        protected = []
        for model, (shown, count) in protected_by_kind.items():
            protected += [self.deleted_object_line(obj) for obj in shown]
            if count > len(shown):
                protected.append(more_line(model, count - len(shown)))
        model_count = {
            model._meta.verbose_name_plural: len(objs_)
            for model, objs_ in collector.model_objs.items()
        }
        return self.summarised(collector.nested()), model_count, perms_needed, protected

    def summarised(self, nested: list) -> list:
        """A list of records, each followed by the list of what it takes with it (as
        NestedObjects.nested gives it), as lines: at most SHOWN records of each kind, and how
        many more of each kind there are, counting what the unlisted take with them."""
        lines, shown, more = [], Counter(), Counter()
        listed = False
        for item in nested:
            if isinstance(item, list):
                if listed:
                    lines.append(self.summarised(item))
                else:
                    more.update(type(obj) for obj in flattened(item))
                continue
            model = type(item)
            listed = shown[model] < SHOWN
            if listed:
                shown[model] += 1
                lines.append(self.deleted_object_line(item))
            else:
                more[model] += 1
        lines += [more_line(model, count) for model, count in more.items()]
        return lines

    def deleted_object_line(self, obj: models.Model) -> str:
        """A record as Django's confirmation pages list it: its kind, and its name linked to its
        page when it has one."""
        opts = obj._meta
        kind = capfirst(opts.verbose_name)
        if self.admin_site.is_registered(type(obj)):
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                )
            except NoReverseMatch:
                pass
            else:
                return format_html('{}: <a href="{}">{}</a>', kind, url, obj)
        return f"{kind}: {obj}"


def flattened(nested: list):
    for item in nested:
        if isinstance(item, list):
            yield from flattened(item)
        else:
            yield item


def more_line(model: type[models.Model], count: int) -> str:
    return gettext("%(kind)s: %(count)s more, not listed") % {
        "kind": capfirst(model._meta.verbose_name_plural),
        "count": number_format(count, force_grouping=True),
    }
