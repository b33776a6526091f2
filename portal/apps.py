from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    # What `portal` in INSTALLED_APPS stands for: this module also holds the sign-in
    # protection's configuration, and with two Django would pick neither.
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registers the check that the rich-text editor's style hash can be computed.
        from portal import security  # noqa: F401

        checks.register(check_compiled_messages)
        checks.register(check_mail_server, checks.Tags.security, deploy=True)
        post_migrate.connect(refresh_sqlite_statistics)


class SignInProtectionConfig(AxesConfig):
    """django-axes, whose records the admin index would list under its bare label, "Axes"."""

    verbose_name = _("Sign-in protection")


def refresh_sqlite_statistics(sender, using: str, plan=None, **kwargs) -> None:
    """After migrations ran on SQLite, gather the query planner's statistics again.

    SQLite's schema editor remakes a table for most changes to it, and the copy has none: the
    planner then guessed, and the directory at 100,000 enterprises served half as many pages
    until someone ran ANALYZE. PostgreSQL's autovacuum gathers them by itself.

    post_migrate is sent once for each app with models (this one has none): the statistics are
    gathered once, for the last of them.
    """
    if sender is not [config for config in apps.get_app_configs() if config.models_module][-1]:
        return
    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def check_compiled_messages(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The translations are read from compiled catalogues (.mo), which are not committed: a
    checkout that has not compiled them serves the Chinese pages in English, saying nothing."""
    from portal import compilemessages

    return [
        checks.Warning(
            f"{path.relative_to(compilemessages.LOCALE_DIR.parent)} is not compiled, or has "
            "changed since: pages in its language show the English text.",
            hint="Run `python -m portal.compilemessages` (make run, serve and test do).",
            id="portal.W001",
        )
        for path in compilemessages.stale()
    ]


def check_mail_server(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Without EMAIL_URL, e-mail is printed to standard output: in production that is the log,
    where an enquirer's address and message do not belong, and nobody receives them."""
    if settings.DEBUG or settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend":
        return []
    return [
        checks.Warning(
            "E-mail is printed to standard output: enquiries' acknowledgements and the staff's "
            "messages go to the log, with the enquirers' addresses, and reach nobody.",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@host:587.",
            id="portal.W002",
        )
    ]
