"""The portal's URLs and two pages that fail, for the error page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler400, handler500, urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = urlpatterns + i18n_patterns(
    path("forbidden/", forbidden), path("broken/", broken), prefix_default_language=True
)
