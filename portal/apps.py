from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.search import index

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
