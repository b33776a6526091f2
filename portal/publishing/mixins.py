"""View mixins shared by the apps' public pages."""

from typing import Any

from django.http import Http404
from django.shortcuts import render

from portal.publishing.kept import kept, kept_for_query, new_kept_id


class GoneWhenArchivedMixin:
    """For detail views of publishable records: an archived record that was public answers
    410 Gone, not 404 (PublishableQuerySet.gone).

    So search engines drop the address for good; anything else that is not public stays 404.
    Costs one query, only when the page is not found.
    """

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            model = self.get_queryset().model
            slug = kwargs.get(self.slug_url_kwarg)
            if slug and model._default_manager.gone().filter(slug=slug).exists():
                return render(request, "410.html", status=410)
            raise


class KeptRecordMixin:
    """For detail views of public records: the record, and what the page shows around it
    (`around()`, added to the context), read once per version of the content and kept in the
    process (portal/publishing/kept.py), rather than on every request.

    What `around()` gives is kept as it is: lists, not querysets a template would read again.
    The page's template keeps the HTML it renders from them under `kept_id`.
    """

    def get_object(self, queryset=None):
        slug = self.kwargs[self.slug_url_kwarg]
        key = (type(self).__module__, type(self).__qualname__, slug)
        record, self.shown_around = kept(key, self.read)
        return record

    def read(self) -> tuple[Any, dict[str, Any]]:
        record = super().get_object()
        return record, {"kept_id": new_kept_id(), **self.around(record)}

    def around(self, record) -> dict[str, Any]:
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.shown_around)
        return context


class KeptListMixin:
    """For list views of public records: what the page shows for a query (its GET parameters)
    read once per version of the content and kept in the process (portal/publishing/kept.py),
    with the records of its page, their count and the filter form as they were read.

    The page's template keeps the HTML it renders from them under `kept_id`.
    """

    def get(self, request, *args, **kwargs):
        key = (type(self).__module__, type(self).__qualname__)
        shown = kept_for_query(request, key, self.read_list)
        self.object_list = shown["object_list"]
        return self.render_to_response({**shown, "view": self})

    def read_list(self) -> dict[str, Any]:
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        del context["view"]
        page = context["page_obj"]
        # Read now, once: what is kept is not read again by the pages rendered from it.
        page.object_list = list(page.object_list)
        context["object_list"] = page.object_list
        page.paginator.num_pages  # noqa: B018  (counts the list)
        return {**context, "kept_id": new_kept_id()}
