from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "portal.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        from portal.publishing import pagecache
        from portal.publishing.models import remember_language_at_sign_in
        from portal.publishing.roles import sync_groups
        from portal.publishing.translations import keep_multilingual_queryset_classes

        pagecache.connect_signals()
        keep_multilingual_queryset_classes()
        # post_migrate is sent per app with models, after the auth app has made that app's
        # permissions; this app comes after the content apps (settings.INSTALLED_APPS), so
        # every permission exists by then.
        post_migrate.connect(sync_groups, sender=self, dispatch_uid="publishing.sync_groups")
        # A migration may change what pages show (and a release that migrates brings new
        # templates and static files): the pages stored before are retired.
        post_migrate.connect(
            pagecache.retire_after_migrate, sender=self, dispatch_uid="publishing.pagecache"
        )
        # Django's own hook for a sign-in (it records the last sign-in time through it too).
        user_logged_in.connect(
            remember_language_at_sign_in, dispatch_uid="publishing.remember_language"
        )
