from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.roles import sync_groups

        # post_migrate is sent per app with models, after the auth app has made that app's
        # permissions; portal comes after the content apps, so every permission exists by then.
        post_migrate.connect(sync_groups, sender=self, dispatch_uid="portal.sync_groups")
