from django.apps import AppConfig
from django.db.models.signals import post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and figures")

    def ready(self):
        from news import links
        from news.models import hide_the_events_of_a_hidden_zone

        pre_delete.connect(
            hide_the_events_of_a_hidden_zone,
            sender="zones.Zone",
            dispatch_uid="news.events.hidden_zone_deleted",
        )
        for model in links.NAME_SOURCES:
            post_save.connect(
                links.names_changed,
                sender=model,
                dispatch_uid=f"news.links.{model._meta.model_name}.saved",
            )
