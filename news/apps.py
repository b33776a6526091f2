from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and figures")

    def ready(self):
        from news.models import hide_the_events_of_a_hidden_zone

        pre_delete.connect(
            hide_the_events_of_a_hidden_zone,
            sender="zones.Zone",
            dispatch_uid="news.events.hidden_zone_deleted",
        )
