"""Health endpoints for load balancers and orchestrators: /healthz and /readyz.

Both answer outside the language prefix, are never cached, and say nothing a visitor could use:
a failed check is named with the kind of error only.
"""

import tempfile
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers: no database, no cache (liveness)."""
    return JsonResponse({"status": "ok"})


def database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_round_trip() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise LookupError("the value written was not read back")
    finally:
        cache.delete(key)


migrations_applied = False


def migrations() -> None:
    """Fails while a migration in the code is not applied to the database.

    Reading the migration files costs some 100 ms, so once all are applied this process does
    not look again: a running process's code does not gain migrations.
    """
    global migrations_applied
    if migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise LookupError(f"{len(plan)} migrations not applied")
    migrations_applied = True


def media_writable() -> None:
    """A file can be made in MEDIA_ROOT; object storage (MEDIA_S3_BUCKET) answers at all."""
    if isinstance(default_storage, FileSystemStorage):
        with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".readyz-"):
            pass
    else:  # one request, not a write: probes come every few seconds
        default_storage.exists("readyz")


CHECKS: dict[str, Callable[[], None]] = {
    "database": database,
    "cache": cache_round_trip,
    "migrations": migrations,
    "media": media_writable,
}


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database, cache, migrations, media folder (readiness). 503 if not."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure makes the app server not ready
            checks[name] = {"ok": False, "error": type(error).__name__}
        else:
            checks[name] = {"ok": True}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )
