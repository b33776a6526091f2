from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# What the directory's index and its facet choices are built from (zones/directory/index.py).
DIRECTORY_SOURCES = [
    "Enterprise",
    "EnterpriseQualification",
    "Park",
    "Platform",
    "PlatformMembership",
    "Qualification",
    "Sector",
    "Zone",
]


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = _("Zones and enterprises")

    def ready(self):
        from zones import directory
        from zones.models import Enterprise

        for model_name in DIRECTORY_SOURCES:
            sender = f"zones.{model_name}"
            uid = f"zones.directory.{model_name.lower()}"
            post_save.connect(directory.content_changed, sender=sender, dispatch_uid=f"{uid}.saved")
            post_delete.connect(
                directory.content_changed, sender=sender, dispatch_uid=f"{uid}.deleted"
            )
        m2m_changed.connect(
            directory.links_changed,
            sender=Enterprise.sectors.through,
            dispatch_uid="zones.directory.sectors",
        )
