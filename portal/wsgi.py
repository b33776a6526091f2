import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

if not settings.DEBUG and not settings.ALLOWED_HOSTS:
    # Served so, every request (health probes included) would be refused with a 400.
    raise ImproperlyConfigured(
        "The ALLOWED_HOSTS environment variable is empty: with DEBUG off, set it to the host "
        "names the portal answers to, comma-separated (portal.example.org,www.portal.example.org)."
    )
