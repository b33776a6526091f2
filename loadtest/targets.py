"""Print, as JSON, the public records the load test visits (zones, sectors, qualifications,
releases, the directory's number of pages) and the pages that warm the site up before it.
Reads the database the environment names (DATABASE_URL)."""

import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from news.models import Release  # noqa: E402
from zones.models import Enterprise, Qualification, Sector, Zone  # noqa: E402


def main() -> None:
    zones = list(
        Zone.objects.published()
        .annotate(size=Count("enterprises"))
        .order_by("-size", "slug")
        .values_list("slug", flat=True)
    )
    sectors = list(Sector.objects.order_by("slug").values_list("slug", flat=True))
    qualifications = list(Qualification.objects.order_by("slug").values_list("slug", flat=True))
    releases = list(
        Release.objects.published().order_by("-published_at").values_list("slug", flat=True)[:200]
    )
    if not (zones and sectors and qualifications and releases):
        sys.exit("The database has no public zones, sectors, qualifications or releases to visit.")
    published = Enterprise.objects.published().count()
    zone, sector, qualification = zones[0], sectors[0], qualifications[0]
    warm_up = [
        "/en/",
        "/en/zones/",
        *(f"/en/zones/{slug}/" for slug in zones),
        f"/en/enterprises/?zone={zone}&sector={sector}",
        f"/en/enterprises/?qualification={qualification}",
        "/en/search/?q=technology",
        "/en/search/suggest/?q=she",
        f"/en/news/{releases[0]}/",
    ]
    json.dump(
        {
            "zones": zones,
            "sectors": sectors,
            "qualifications": qualifications,
            "releases": releases,
            "directory_pages": max(1, published // 20),
            "warm_up": warm_up,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
