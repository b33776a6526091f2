from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.roles import sync_groups
        from portal.search import index

        # post_migrate is sent per app with models, after the auth app has made that app's
        # permissions; portal comes after the content apps, so every permission exists by then.
        post_migrate.connect(sync_groups, sender=self, dispatch_uid="portal.sync_groups")

        # The search index follows every save and delete of what it indexes. That is all these
        # handlers do; the rules of what is indexed are in portal/search/index.py.
        for model in index.MODELS.values():
            uid = f"portal.search.{model._meta.label_lower}"
            post_save.connect(index.record_saved, sender=model, dispatch_uid=f"{uid}.saved")
            post_delete.connect(index.record_deleted, sender=model, dispatch_uid=f"{uid}.deleted")
        post_save.connect(
            index.alias_changed, sender="zones.ZoneAlias", dispatch_uid="portal.search.alias.saved"
        )
        post_delete.connect(
            index.alias_changed,
            sender="zones.ZoneAlias",
            dispatch_uid="portal.search.alias.deleted",
        )
