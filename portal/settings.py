"""Settings for the portal, read from the environment (see the README for every variable).

Production behaviour is switched by variables, not by a second settings module. A local `.env`
file, created by `make run` and `make test`, is read when it exists.
"""

import builtins
import re
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
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
        # ASCII digits only: int() would also take -5, +5, 1_000 and full-width digits, and no
        # setting read here is negative.
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise ImproperlyConfigured(
                f"The {var} environment variable is “{value}”: set it to a whole number, "
                "in digits only (10485760, not 10MB, 1e7 or -1)."
            )
        return builtins.int(digits)

    # An address the parser does not know stops start-up naming the variable (django-environ
    # says "KeyError: 'ENGINE'" or "Invalid cache schema"). The value is not repeated: it may
    # hold a password.
    def db_url(self, var: str = "DATABASE_URL", default=environ.Env.NOTSET, engine=None) -> dict:
        try:
            # Its warning on an unknown scheme would print the address, password included.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                config = super().db_url(var, default, engine)
        except (ImproperlyConfigured, KeyError, ValueError):
            config = {}
        # A scheme it does not know (`postgress://`) comes back as its own name for an engine.
        if config.get("ENGINE") not in {*self.DB_SCHEMES.values(), engine} - {None}:
            raise ImproperlyConfigured(
                f"The {var} environment variable is not a database address: give one such as "
                "postgres://user:password@host:5432/name or sqlite:////srv/portal/db.sqlite3."
            )
        return config

    # The caches the portal runs on; another that django-environ knows (memcache://) would stop
    # start-up later, with Django's message about a missing module.
    CACHES_TAKEN = ("LocMemCache", "RedisCache", "DummyCache")

    def cache_url(self, var: str = "CACHE_URL", default=environ.Env.NOTSET, backend=None) -> dict:
        example = "give one such as redis://127.0.0.1:6379/1 (or locmemcache:// for one process)."
        try:
            config = super().cache_url(var, default, backend)
        except (ImproperlyConfigured, KeyError, ValueError) as error:
            raise ImproperlyConfigured(
                f"The {var} environment variable is not a cache address: {example}"
            ) from error
        if not config["BACKEND"].endswith(self.CACHES_TAKEN):
            raise ImproperlyConfigured(
                f"The {var} environment variable is a cache the portal does not run on: {example}"
            )
        return config

    def email_url(self, var: str = "EMAIL_URL", default=environ.Env.NOTSET, backend=None) -> dict:
        try:
            return super().email_url(var, default, backend)
        except (ImproperlyConfigured, KeyError, ValueError) as error:
            raise ImproperlyConfigured(
                f"The {var} environment variable is not a mail server address: give one such "
                "as smtp+tls://user:password@mail.example.org:587 (or consolemail://)."
            ) from error

    db = db_url
    cache = cache_url
    email = email_url


env = Env()
# Only if there is one: django-environ logs that a missing file was not found, which production,
# configured by its environment alone, would repeat at every start of every process.
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "The SECRET_KEY environment variable is not set. Set it to a long random string "
        "(`make run` writes one to .env for local use)."
    )
# Django's own measure of a weak key (check --deploy's security.W009), which only warns, and
# only where someone runs that check: a site with DEBUG off does not start with one.
if not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"The SECRET_KEY environment variable is too weak for a site with DEBUG off: give at "
        f"least {SECRET_KEY_MIN_LENGTH} random characters, not starting with "
        f"{SECRET_KEY_INSECURE_PREFIX!r} (for instance the output of "
        '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"`).'
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
    # Its widget templates, for the project's template engine (FORM_RENDERER below).
    "django.forms",
    "django_countries",
    "django_filters",
    "django_htmx",
    "reversion",
    "import_export",
    "django_prose_editor",
    # Before portal.publishing, whose post_migrate gives Publishers axes' permissions.
    "portal.apps.SignInProtectionConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "zones",
    "news",
    "portal",
    "portal.publishing",
    "portal.search",
]

MIDDLEWARE = [
    # First, so that every log line of a request, static files included, carries its id.
    "portal.middleware.RequestIdMiddleware",
    # Then the security headers, on every answer: a redirect to HTTPS or a refusal included.
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    # Static files answer here, before sessions, languages or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache, so that a cached answer gets the CORS headers of the request it
    # answers, not those of the request that stored it.
    "corsheaders.middleware.CorsMiddleware",
    # Right after the security headers and static files, so that a cached page costs two cache
    # reads (see the module).
    "portal.publishing.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a method a page does not take is 405, not a refused form.
    "portal.middleware.HttpMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last but one: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
    "portal.middleware.AdminInputMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Form widgets are rendered by the project's template engine, except the select, which
# portal/renderers.py writes in Python (Django's template includes a template per option).
FORM_RENDERER = "portal.renderers.PortalFormRenderer"

# The database `make run` serves the demo from when DATABASE_URL is not set.
DEMO_DATABASE = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DEMO_DATABASE}"),
}
# Connections are kept between requests (a new PostgreSQL connection costs more than most
# queries), and checked before a request reuses one that may have been dropped.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# Read whatever the database, so that an environment file checked on one machine holds on another.
PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters go to the server apart from the statement, so that a statement a kept
    # connection runs again is prepared once (after DATABASE_PREPARE_THRESHOLD runs) and planned
    # once: planning was half of what PostgreSQL spent on a page's small queries. Set it to 0
    # behind a pooler that hands a connection to each transaction and cannot follow prepared
    # statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=PREPARE_THRESHOLD or None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock as it begins rather than at its first write, so
    # that two saves at once take turns: the second waits for the first (up to the connection's
    # timeout, 5 s) and then reads what it wrote, where it failed with "database is locked"
    # after both had read the record.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
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
FORMAT_MODULE_PATH = ["portal.formats"]
# Country names (django-countries) that its Chinese catalogue gets wrong (a misspelling, a name
# cut short, Samoa named as American Samoa), and the ISO 3166 names of Taiwan, Hong Kong and Macao
# as Chinese official usage writes them; translated in locale/.
COUNTRIES_OVERRIDE = {
    "BA": _("Bosnia and Herzegovina"),
    "NP": _("Nepal"),
    "SJ": _("Svalbard and Jan Mayen"),
    "TJ": _("Tajikistan"),
    "WS": _("Samoa"),
    "TW": _("Taiwan, Province of China"),
    "HK": _("Hong Kong"),
    "MO": _("Macao"),
}
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
# `collectstatic` writes each file under a name with a hash of its content, gzip and Brotli
# copies beside it, and a manifest; WhiteNoise serves the hashed names with a cache of a year.
# With DEBUG on, {% static %} gives the plain names, so `make run` needs no collectstatic. The
# tests use the plain storage (tests/conftest.py), as collectstatic does not run for them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads in S3-compatible object storage instead of MEDIA_ROOT, for app servers without a
# shared folder: needs `pip install "django-storages[s3]"`, which the portal does not install
# itself. boto3 reads the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
if MEDIA_S3_BUCKET := env.str("MEDIA_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            # Public images under stable addresses; upload names are random and never reused.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
# Attachments are sent by the proxy after the app has checked that their release is public:
# behind nginx (deploy/nginx.conf.template), the internal location that maps to MEDIA_ROOT.
ATTACHMENT_ACCEL_REDIRECT = env.str("ATTACHMENT_ACCEL_REDIRECT", default="")

# E-mail to editors (drafts submitted, published, sent back): printed to the console unless
# EMAIL_URL names a server, e.g. smtp+tls://user:password@mail.example.org:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
# Seconds to wait on the mail server before giving up: mail is sent while a visitor waits (an
# enquiry), and a server that takes connections but never answers would hold every worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Days a closed investor enquiry keeps the sender's personal data (`manage.py purge_enquiries`).
ENQUIRY_RETENTION_DAYS = env.int("ENQUIRY_RETENTION_DAYS", default=365)

# Uploads: a file larger than this never reaches an image or PDF check.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS: switched on by variables behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it: the language is in every address
LANGUAGE_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Only the staff have sessions: one lasts a working day from sign-in, and ends with the browser.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the app servers over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# /.well-known/security.txt: where to report a vulnerability, a mailto: or https: URL. Without
# it the file answers 404, as it would say nothing.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="")
if SECURITY_CONTACT and not SECURITY_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(
        f"The SECURITY_CONTACT environment variable is “{SECURITY_CONTACT}”: set it to a "
        "mailto: or https: address, e.g. mailto:security@example.org."
    )

# Content-Security-Policy (django-csp), the same on public pages and in the admin. Nothing inline
# runs or styles a page: scripts and styles are files under static/. No nonces either: whole
# public pages are cached, which would freeze one. In the admin, the rich-text editor's import
# map and its own <style> are allowed by their hashes, computed by portal/security.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The admin's icons and the editor's are data: URLs in their stylesheets.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy: features no page of the portal uses, refused to every origin.
PERMISSIONS_POLICY = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

# The client's address: REMOTE_ADDR, or behind proxies that append to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for), the address the outermost of them saw. Trusting the header
# without a proxy in front would let anyone choose the address they are counted under.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Sign-in protection (django-axes): a username from one address is locked out after this many
# failures in a row, for the cool-off period, then may try again; never for good. The database
# handler, so that every app server sees the same failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1: a lockout never lasts "
        "for good, and a sign-in is always possible."
    )
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "portal.ratelimits.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
# A lockout ends when announced: more attempts during it do not push its end further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The log names the username and address of each failure: what an operator acts on.
AXES_SENSITIVE_PARAMETERS = []
# Its start-up banner would open every command's output.
AXES_VERBOSE = False

# Rate limits per client address (django-ratelimit, on the shared cache so that every app
# server counts together): "requests/period", period s, m, h or d. The defaults are far above
# what a person does and well within what a scraper does.
RATELIMIT_USE_CACHE = "default"
# When the cache cannot be reached, serve rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_DEFAULTS = {
    "search": "60/m",
    "suggest": "300/m",
    "directory": "120/m",
    "export": "10/m",
    "feed": "60/m",
    "api": "300/m",
    "enquiry": "10/h",
}
RATELIMITS = {}
for _name, _default in RATELIMIT_DEFAULTS.items():
    _variable = f"RATELIMIT_{_name.upper()}"
    RATELIMITS[_name] = env.str(_variable, default=_default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", RATELIMITS[_name]):
        raise ImproperlyConfigured(
            f"The {_variable} environment variable is “{RATELIMITS[_name]}”: set it to a number "
            f"of requests per period, such as {_default} (periods: s, m, h, d; 10/30s also works)."
        )

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

# The read-only API (/api/v1/, portal/api.py): anonymous, JSON only (the browsable API's pages
# carry inline scripts), errors as RFC 9457 problem details.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.publishing.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.publishing.api.problem_exception_handler",
    # Decimals as text: a figure's 12.5 is never a binary float.
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Liaoning development zones",
    "DESCRIPTION": (
        "The portal's public data, read-only: zones, enterprises, institutions, platforms, "
        "releases, figures and events. Translated values are objects with a key per language "
        '({"en": …, "zh-hans": …}), null where a language is missing. Every figure names its '
        "source release. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.publishing.api.document_problems",
    ],
    # Choice sets that share a field name get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ZoneKind": "zones.models.Zone.Kind",
        "ZoneLevel": "zones.models.Zone.Level",
        "AliasKind": "zones.models.ZoneAlias.Kind",
        "InstitutionKind": "zones.models.Institution.Kind",
        "PlatformKind": "zones.models.Platform.Kind",
        "PlatformLevel": "zones.models.Platform.Level",
        "ReleaseKind": "news.models.Release.Kind",
        "EventKind": "news.models.Event.Kind",
        "FigureUnit": "news.models.Indicator.Unit",
    },
}
# Anyone may read the API from a page on another site; nothing else is shared, and no cookies.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag"]
# A script on another site may ask again with the ETag it was given, and get a 304.
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since"]


def map_tiles_origin(url: str) -> str:
    """The origin the map's tiles come from, for the Content-Security-Policy's img-src: e.g.
    `https://*.tianditu.gov.cn` for `https://t{s}.tianditu.gov.cn/img_w/wmts?…&TILEMATRIX={z}…`,
    since Leaflet fills `{s}` with a subdomain. Empty without a tile service.

    Stops start-up when the URL is not an http(s) address with {z}, {x} and {y} in it.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"The MAP_TILES_URL environment variable is “{url}”: set it to an http(s) address."
        )
    if not all(placeholder in url for placeholder in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(
            f"The MAP_TILES_URL environment variable is “{url}”: it needs {{z}}, {{x}} and {{y}} "
            "where a tile's zoom and position go."
        )
    host = re.sub(r"^[^.]*\{s\}[^.]*\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}"


# The map of the zone list and profiles: drawn only when a tile service is configured (in China a
# published map must use an approved base map, e.g. Tianditu's with a key; the portal ships none).
# Without one, no map is drawn and nothing is requested from another host.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="")
MAP_TILES_MAX_ZOOM = env.int("MAP_TILES_MAX_ZOOM", default=18)
# For the Content-Security-Policy: images from this origin must be allowed (img-src).
MAP_TILES_ORIGIN = map_tiles_origin(MAP_TILES_URL)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Template fragments that are the same on every page in a language (the header, the
    # footer): rendered once per language and process, kept in its memory, where a shared
    # cache would cost a round trip per fragment. Not kept in development, where templates
    # change under a running server.
    "fragments": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        if DEBUG
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
    },
}
if CACHES["default"]["LOCATION"].startswith(("redis://", "rediss://", "unix://")):
    # django-environ picks django-redis for redis:// when that package is installed; Django's
    # own backend is the one the portal is tested with, here answering as an empty cache while
    # Redis is down (portal/cache.py), and giving up on a Redis that does not answer within a
    # second rather than holding the request.
    CACHES["default"]["BACKEND"] = "portal.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)
# Whole public pages for anonymous visitors, at most this long (0: off); any change to content
# retires them at once (portal/publishing/pagecache.py), through a token in the cache. A cache in
# one process's memory cannot tell the others of a change: a page stored by one app server (or
# gunicorn worker) would outlive an edit saved through another, or from a command. So the page
# cache is on by default with a shared cache only.
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS",
    default=0 if CACHES["default"]["BACKEND"].endswith("LocMemCache") else 300,
)
# Sessions (the staff's only) live in the database alone, so a session ended anywhere is ended
# everywhere at once. A copy in a cache would outlive a sign-out made while the cache could not
# be reached, and sign the old cookie in again when it answers; and one in a process's memory
# would live on in that process.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# One line per event on standard output: JSON with LOG_FORMAT=json, for a log collector; else
# readable. Every line of a request carries its id (portal.middleware), and the app writes one
# access line per request (logger `portal.access`).
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
if LOG_FORMAT not in {"console", "json"}:
    raise ImproperlyConfigured(
        f"The LOG_FORMAT environment variable is “{LOG_FORMAT}”: set it to console or json."
    )
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"The LOG_LEVEL environment variable is “{LOG_LEVEL}”: set it to DEBUG, INFO, WARNING, "
        "ERROR or CRITICAL."
    )
# Local time (TIME_ZONE) with its offset, so that lines from machines in other zones compare.
LOG_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.logs.RequestIdFilter"},
        "not_found_is_info": {"()": "portal.logs.NotFoundIsInfo"},
    },
    "formatters": {
        "console": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": LOG_TIME_FORMAT,
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": LOG_TIME_FORMAT,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (e-mail to ADMINS, the console with DEBUG) give way to the one
        # above; the records still reach it. A 404 is a visitor's typo or a bot, not a warning.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["not_found_is_info"]},
    },
}
