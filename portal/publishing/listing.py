"""What every public list page shares: a FilterSet over GET parameters and forgiving pagination."""

import sys
from dataclasses import dataclass

from django import forms
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.http import push_url

GIVEN_MORE_THAN_ONCE = _("given more than once (%(values)s): choose one.")


class FilterForm(forms.Form):
    """The form of a list's FilterSet (its Meta.form): a filter that takes one value, given
    several (`year=2024&year=2025`), is named and ignored like a value it does not understand,
    rather than read as the last of them without a word."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField) or name in self.errors:
                continue
            values = [
                value.replace("\x00", "") for value in self.data.getlist(self.add_prefix(name))
            ]
            if len(values) > 1:
                self.add_error(
                    name,
                    forms.ValidationError(
                        GIVEN_MORE_THAN_ONCE, params={"values": ", ".join(values)}, code="repeated"
                    ),
                )
        return cleaned


@dataclass
class Chip:
    """An active filter, shown with a link to the same list without it."""

    label: str
    value: object
    remove_url: str
    name: str = ""


def query_without(params: QueryDict, name: str, value: str | None = None) -> str:
    """`?...` for `params` without `name` (or only without that one value of it), from page 1.

    Empty parameters, as a plain form submits them, are dropped to keep shared links short.
    """
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key == "page":
            continue
        kept.setlist(
            key, [v for v in values if v and not (key == name and (value is None or v == value))]
        )
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else "?"


def without_empty(params: QueryDict) -> str:
    """`params` as a query string without the empty values a submitted form carries."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        kept.setlist(key, [value for value in values if value])
    return kept.urlencode()


def unread_page(number: str | None) -> str:
    """`number` when it is given and is not a whole number from 1, to be named on the page as
    not understood (the first page is shown), without its NULs; empty otherwise."""
    number = (number or "").replace("\x00", "")
    if not number or whole_number(number) >= 1:
        return ""
    return number


def whole_number(text: str | None) -> int:
    """`text` read as a whole number (a page, a page size): written in ASCII digits alone, or
    0. `int()` would also take "２", "+2", " 2" and "2_0", which a page names as not understood;
    and it refuses more than 4,300 digits, a number past the end of any list. NULs are
    dropped, as from a search (zones/filters.py)."""
    text = (text or "").replace("\x00", "")
    if text and text.isascii() and text.isdigit():
        return int(text) if len(text) <= 18 else sys.maxsize
    return 0


def forgiving_page(paginator: Paginator, number: str | None) -> Page:
    """The page asked for; the first when `number` is not a whole number of at least 1, the
    last when it is past the end (Django's `get_page` gives the last for 0 and below too)."""
    return paginator.get_page(max(whole_number(number), 1))


class ForgivingPaginationMixin:
    """A ListView whose `page` that is not a number, or past the end, shows the first or last page.

    A link to page 7 of a list that has since shrunk still shows results instead of a 404.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = forgiving_page(paginator, self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class FilteredListMixin(ForgivingPaginationMixin):
    """A ListView filtered by `filterset_class` over the GET parameters.

    A parameter that does not parse is left out and reported by the filter form. htmx requests
    get `partial_template_name`: the filter form and results alone.
    """

    filterset_class = None
    partial_template_name: str | None = None

    def get_unfiltered_queryset(self):
        """What the list shows before any filter: the public records, with their relations."""
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.get_unfiltered_queryset(), request=self.request
        )
        return self.filtered(self.filterset)

    def filtered(self, filterset):
        """What the list pages through: the filtered queryset, unless a list knows better."""
        return filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["unread_page"] = unread_page(self.request.GET.get(self.page_kwarg))
        # Whether any filter is set: a page number alone is none, nor is an empty field.
        context["filtered"] = any(self.request.GET.get(name) for name in self.filterset.form.fields)
        return context

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if self.partial_template_name and htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ("HX-Request",))
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            # The address bar gets the short form of the filters, the one worth sharing.
            query = without_empty(self.request.GET)
            push_url(response, f"{self.request.path}?{query}" if query else self.request.path)
        return response
