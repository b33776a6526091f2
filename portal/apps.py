from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registers the check that the rich-text editor's style hash can be computed.
        from portal import security  # noqa: F401
