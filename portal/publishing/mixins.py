"""View mixins shared by the apps' public pages."""

from django.http import Http404
from django.shortcuts import render


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
