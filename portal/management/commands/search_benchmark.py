"""Time the search page, the suggestions, the enterprise directory page and the API's enterprise
list (two filters, first page and a page deep by cursor) on this database.

Run on the synthetic scale data (`generate_scale_data`), never on the real content. Requests go
through Django's test client, so the numbers include URL routing, the view and the template.
"""

import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from portal.publishing import kept
from zones import directory
from zones.models import Enterprise, Sector, Zone

QUERIES = [
    ("English word", "equipment"),
    ("English prefix", "manufac"),
    ("Chinese, two characters", "沈阳"),
    ("Chinese, four characters", "装备制造"),
    ("pinyin", "hengtai"),
    ("pinyin, broad", "shenyang"),
    ("pinyin, broad (2)", "dalian"),
    ("Chinese, broad", "大连"),
    ("English, broad", "technology"),
    ("misspelling", "Shenyag"),
    ("no hit", "qxzvwk"),
]
TARGETS_MS = {"search": 20, "suggest": 10, "directory": 100, "api": 100}
# The API's enterprise list is timed this many pages deep, following its cursor.
API_DEPTH = 50


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark search, suggestions and the directory query (p50/p95), print and save JSON."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Runs of each query.")
        parser.add_argument("--rebuild", action="store_true", help="Also time a full rebuild.")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "var" / "bench"))
        parser.add_argument(
            "--only", choices=sorted(TARGETS_MS), action="append", help="Time only these."
        )

    def handle(self, *args, repeat, rebuild, output, only, **options):
        enterprises = Enterprise.objects.filter(is_synthetic=True).count()
        if not enterprises:
            raise CommandError("No synthetic data: run `manage.py generate_scale_data` first.")
        vendor = connection.vendor
        result = {
            "backend": vendor,
            "synthetic_enterprises": enterprises,
            "repeat": repeat,
            "targets_ms": TARGETS_MS,
            "endpoints": {},
        }
        if rebuild:
            started = time.perf_counter()
            call_command("rebuild_search_index", verbosity=0)
            result["rebuild_seconds"] = round(time.perf_counter() - started, 1)

        with override_settings(
            ALLOWED_HOSTS=["testserver"],
            DEBUG=False,
            PAGE_CACHE_SECONDS=0,
            # One client asks for hundreds of pages a minute: timed, never refused.
            RATELIMITS=dict.fromkeys(settings.RATELIMITS, "1000000/s"),
            # The pages name their static files as in development: no collectstatic ran.
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            client = Client()
            zone = Zone.objects.published().filter(enterprises__is_synthetic=True).first()
            sector = Sector.objects.filter(enterprises__zone=zone).first()
            timers = {
                "search": lambda q: client.get("/en/search/", {"q": q}),
                "suggest": lambda q: client.get("/en/search/suggest/", {"q": q}),
                "directory": lambda q: client.get(
                    "/en/enterprises/", {"q": q, "zone": zone.slug, "sector": sector.slug}
                ),
            }
            timers = {name: run for name, run in timers.items() if not only or name in only}
            for name, run in timers.items():
                run(QUERIES[0][1])  # warm up connections and caches
                per_query, everything = {}, []
                for label, q in QUERIES:
                    times = []
                    for _ in range(repeat):
                        # Timed as a query asked for the first time: what the search and the
                        # lists keep for a query asked again (portal/publishing/kept.py), and
                        # the directory's matches of its words, are dropped before each run.
                        kept.lists.forget()
                        directory.current().forget_searches()
                        started = time.perf_counter()
                        response = run(q)
                        times.append((time.perf_counter() - started) * 1000)
                        if hasattr(response, "status_code") and response.status_code != 200:
                            raise CommandError(f"{name} {q!r}: HTTP {response.status_code}")
                    everything += times
                    per_query[label] = {
                        "q": q,
                        "p50_ms": round(statistics.median(times), 1),
                        "p95_ms": round(percentile(times, 0.95), 1),
                    }
                result["endpoints"][name] = {
                    "p50_ms": round(statistics.median(everything), 1),
                    "p95_ms": round(percentile(everything, 0.95), 1),
                    "target_p95_ms": TARGETS_MS[name],
                    "queries": per_query,
                }
            if not only or "api" in only:
                result["api"] = self.time_api(client, zone, sector, repeat)
        self.report(result)
        path = Path(output)
        path.mkdir(parents=True, exist_ok=True)
        target = path / f"search-{vendor}.json"
        target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"Written to {target}")

    def time_api(self, client: Client, zone: Zone, sector: Sector, repeat: int) -> dict:
        """The API's enterprise list with two filters (a zone and a sector): its first page, the
        page API_DEPTH pages deep by cursor, and a search with the same filters."""
        filters = {"zone": zone.slug, "sector": sector.slug, "page_size": 50}
        url = "/api/v1/enterprises/"
        deep = client.get(url, filters).json()["next"]
        for _ in range(API_DEPTH - 1):
            deep = client.get(deep).json()["next"] if deep else None
        if deep is None:
            raise CommandError(f"Fewer than {API_DEPTH} pages for {filters}.")
        cases = {
            "first page": lambda: client.get(url, filters),
            f"page {API_DEPTH + 1} (cursor)": lambda: client.get(deep),
            "q=equipment, page 1": lambda: client.get(url, {**filters, "q": "equipment"}),
        }
        timed = {"filters": filters}
        for label, run in cases.items():
            run()
            times, cpu = [], []
            for _ in range(repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = run()
                times.append((time.perf_counter() - started) * 1000)
                # This process's own time: on a busy machine, wall time also counts the waits
                # for a core (the database's time is in wall time only, PostgreSQL's anyway).
                cpu.append((time.process_time() - started_cpu) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"api {label}: HTTP {response.status_code}")
            timed[label] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "cpu_p50_ms": round(statistics.median(cpu), 1),
            }
        return timed

    def report(self, result: dict) -> None:
        self.stdout.write(
            f"\nSearch benchmark on {result['backend']}, "
            f"{result['synthetic_enterprises']} synthetic enterprises"
        )
        if "rebuild_seconds" in result:
            self.stdout.write(f"Full index rebuild: {result['rebuild_seconds']} s (target 180 s)")
        header = f"{'':28}" + "".join(f"{name:>20}" for name in result["endpoints"])
        self.stdout.write(header)
        self.stdout.write(f"{'':28}" + f"{'p50 / p95 ms':>20}" * len(result["endpoints"]))
        for label, _ in QUERIES if result["endpoints"] else ():
            row = f"{label:28}"
            for data in result["endpoints"].values():
                q = data["queries"][label]
                row += f"{q['p50_ms']:>12.1f} / {q['p95_ms']:<5.1f}"
            self.stdout.write(row)
        row = f"{'all queries':28}"
        for data in result["endpoints"].values():
            row += f"{data['p50_ms']:>12.1f} / {data['p95_ms']:<5.1f}"
        self.stdout.write(row)
        row = f"{'target p95':28}"
        for data in result["endpoints"].values():
            row += f"{'≤ ' + str(data['target_p95_ms']):>20}"
        self.stdout.write(row)
        if "api" in result:
            self.stdout.write(f"\nAPI /api/v1/enterprises/ with {result['api']['filters']}")
            for label, data in result["api"].items():
                if label != "filters":
                    self.stdout.write(
                        f"{label:28}{data['p50_ms']:>12.1f} / {data['p95_ms']:<5.1f}"
                        f"  (process CPU p50 {data['cpu_p50_ms']}; target p95 ≤ "
                        f"{TARGETS_MS['api']})"
                    )
