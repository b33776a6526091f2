"""After an upgrade (.ci/upgrade-check): every public page and search still answers, from the
data the earlier release wrote. Run as a script against the upgraded database."""

import sys

import django
from django.test.utils import override_settings

django.setup()

from django.conf import settings  # noqa: E402

from news.models import Release  # noqa: E402
from portal.publishing.models import AuditEntry, PendingChange  # noqa: E402
from tests.publicsite import public_site  # noqa: E402

QUERIES = ("Allychem", "沈阳", "dalian", "gazelle")


def readable(*models) -> bool:
    for model in models:
        list(model.objects.all()[:1])
    return True


def main() -> int:
    site = public_site(queries=QUERIES)
    failed = [address for address, body in site.items() if body.isdigit() and len(body) == 3]
    release = Release.objects.published().get()
    found = site["/en/search/?q=Allychem"].decode()
    checks = {
        "every public page answers 200": not failed,
        "the June 20 release is public": release.title_en in site["/en/news/"].decode(),
        "search finds an enterprise of the demo": "Allychem" in found,
        "Chinese search finds the zone": "沈阳" in site["/zh-hans/search/?q=沈阳"].decode(),
        # Their tables changed app, not name: reading them fails if the move lost them.
        "the audit log and pending drafts are readable": readable(AuditEntry, PendingChange),
    }
    for name, passed in checks.items():
        print(f"{'ok' if passed else 'FAILED'}: {name}")
    if failed:
        print("Pages that did not answer 200:", *failed, sep="\n  ")
    print(f"{len(site)} public pages checked")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    # The pages name their static files as in development: no collectstatic has run here.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES=settings.STORAGES | {"staticfiles": plain}):
        sys.exit(main())
