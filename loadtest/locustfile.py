"""The load test `make loadtest` runs: visitors on a weighted mix of public pages, and a few
people downloading the full directory as CSV now and then.

Run by loadtest/run, which starts the site, writes the records to visit to LOADTEST_TARGETS
(loadtest/targets.py) and passes the host. At the end it prints one row per kind of request
(requests per second, p50/p95/p99 in ms) and every answer that was not 2xx, with its count, and
exits nonzero on any 5xx or connection error.
"""

import json
import os
import random
from collections import Counter

from locust import HttpUser, between, constant_pacing, events, task

TARGETS = json.loads(open(os.environ["LOADTEST_TARGETS"]).read())  # noqa: SIM115
EXPORTERS = int(os.environ.get("LOADTEST_EXPORTERS", "1"))
EXPORT_EVERY = float(os.environ.get("LOADTEST_EXPORT_EVERY", "20"))

SEARCHES = {
    "search: broad, English": ["technology", "manufacturing", "materials", "logistics"],
    "search: narrow, English": ["shenyang equipment manufacturing", "dalian port logistics"],
    "search: pinyin": ["shenyang", "dalian", "panjin", "zhuangbei"],
    "search: Chinese": ["沈阳", "大连 新材料", "装备制造", "开发区"],
}
SUGGESTIONS = ["she", "dal", "tech", "沈", "大连", "zhu", "equip", "新材"]

not_2xx: Counter = Counter()
exports = Counter()


class Visitor(HttpUser):
    """Someone browsing: mostly pages, some searching, a little deep paging."""

    wait_time = between(0.5, 2)
    weight = 100

    def get(self, url: str, name: str) -> None:
        self.client.get(url, name=name)

    @task(10)
    def home(self):
        self.get("/en/", "home")

    @task(5)
    def zone_list(self):
        self.get("/en/zones/", "zone list")

    @task(6)
    def zone_profile(self):
        self.get(f"/en/zones/{random.choice(TARGETS['zones'])}/", "zone profile")

    @task(6)
    def directory_zone_sector(self):
        zone, sector = random.choice(TARGETS["zones"]), random.choice(TARGETS["sectors"])
        self.get(f"/en/enterprises/?zone={zone}&sector={sector}", "directory: zone + sector")

    @task(4)
    def directory_qualification(self):
        qualification = random.choice(TARGETS["qualifications"])
        self.get(f"/en/enterprises/?qualification={qualification}", "directory: qualification")

    @task(2)
    def directory_deep_page(self):
        page = random.randint(TARGETS["directory_pages"] // 2, TARGETS["directory_pages"])
        self.get(f"/en/enterprises/?page={page}", "directory: deep page")

    @task(12)
    def search(self):
        kind = random.choice(list(SEARCHES))
        lang = "zh-hans" if kind == "search: Chinese" else "en"
        self.get(f"/{lang}/search/?q={random.choice(SEARCHES[kind])}", kind)

    @task(10)
    def suggest(self):
        self.get(f"/en/search/suggest/?q={random.choice(SUGGESTIONS)}", "suggestions")

    @task(5)
    def release(self):
        self.get(f"/en/news/{random.choice(TARGETS['releases'])}/", "release")


class Exporter(HttpUser):
    """Someone downloading the whole directory as CSV, every EXPORT_EVERY seconds at most."""

    abstract = EXPORTERS == 0  # none at all: a fixed_count of 0 would mean "by weight"
    fixed_count = EXPORTERS
    wait_time = constant_pacing(EXPORT_EVERY)

    @task
    def export(self):
        exports["started"] += 1
        self.client.get("/en/enterprises/export.csv", name="full CSV export")
        exports["finished"] += 1


@events.request.add_listener
def count_not_2xx(request_type, name, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    if exception is not None and not status:
        not_2xx[(name, f"error: {type(exception).__name__}")] += 1
    elif not 200 <= status < 300:
        not_2xx[(name, str(status))] += 1


@events.quitting.add_listener
def report(environment, **kwargs):
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda entry: entry.name)
    width = max([len(entry.name) for entry in rows] + [len("Total")])
    header = f"{'Request':<{width}} {'count':>7} {'rps':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
    print("\n" + header)
    print("-" * len(header))
    for entry in [*rows, stats.total]:
        name = "Total" if entry is stats.total else entry.name
        print(
            f"{name:<{width}} {entry.num_requests:>7} {entry.total_rps:>7.1f} "
            + " ".join(f"{entry.get_response_time_percentile(p):>7.0f}" for p in (0.5, 0.95, 0.99))
        )
    print("(times in ms)")
    if exports["started"] > exports["finished"]:
        print(
            f"Full CSV exports: {exports['started']} started, {exports['finished']} finished "
            "before the end (an unfinished one is in no row above)."
        )
    if not_2xx:
        print("\nNot 2xx:")
        for (name, status), count in sorted(not_2xx.items()):
            print(f"  {name:<{width}} {status:>22} {count:>6}")
    else:
        print("\nEvery answer was 2xx.")
    failed = any(status.startswith(("5", "error")) for _, status in not_2xx)
    environment.process_exit_code = 1 if failed else 0
