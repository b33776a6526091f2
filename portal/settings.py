"""Settings for the portal, read from the environment (see the README for every variable).

Production behaviour is switched by variables, not by a second settings module. A local `.env`
file, created by `make run` and `make test`, is read when it exists.
"""

import builtins
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """django-environ, strict about booleans and numbers.

    django-environ reads any unknown word as false, so `DEBUG=ture` would quietly switch
    development mode off, and `IMAGE_MAX_BYTES=10MB` stops with a ValueError that names no
    variable. Here either stops start-up with a message naming the variable and what it takes.
    """

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def bool(self, var: str, default=environ.Env.NOTSET) -> bool:
        value = self.get_value(var, cast=str, default=default)
        if isinstance(value, bool):  # the default: the variable is not set
            return value
        word = value.strip().lower()
        if word in self.TRUE | self.FALSE:
            return word in self.TRUE
        raise ImproperlyConfigured(
            f"The {var} environment variable is “{value}”: set it to true or false "
            "(1 or 0, yes or no, on or off are also understood)."
        )

    def int(self, var: str, default=environ.Env.NOTSET) -> int:
        value = self.get_value(var, cast=str, default=default)
        if isinstance(value, int):  # the default: the variable is not set
            return value
        try:
            return builtins.int(value.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"The {var} environment variable is “{value}”: set it to a whole number, "
                "in digits only (10485760, not 10MB or 1e7)."
            ) from None


env = Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "The SECRET_KEY environment variable is not set. Set it to a long random string "
        "(`make run` writes one to .env for local use)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "django_htmx",
    "reversion",
    "import_export",
    "django_prose_editor",
    "zones",
    "news",
    "portal",
    "portal.publishing",
    "portal.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before everything else, so that a cached page costs two cache reads (see the module).
    "portal.publishing.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connections are kept between requests (a new PostgreSQL connection costs more than most
# queries), and checked before a request reuses one that may have been dropped.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# E-mail to editors (drafts submitted, published, sent back): printed to the console unless
# EMAIL_URL names a server, e.g. smtp+tls://user:password@mail.example.org:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# Uploads: a file larger than this never reaches an image or PDF check.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS: switched on by variables behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Bulk import (django-import-export): importing needs the model's add permission, exporting its
# view permission; every import runs in one transaction.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The most rows an admin import takes, so that its dry run and its confirmation each answer
# well within 10 s (measured: see the README); larger files go through the command line.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200)
# A control character that XLSX cannot hold becomes U+FFFD instead of failing the export.
# Formulas are quoted by the resources themselves (portal/publishing/spreadsheets.py says why
# not with IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT).
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Whole public pages for anonymous visitors, at most this long (0: off); any change to content
# retires them at once (portal/publishing/pagecache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
