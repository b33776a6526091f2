"""Requests per second of the public pages under concurrent load, against a floor.

The floor is the smallest Django project there is (no middleware, one view returning plain text,
TechEmpower's "plaintext" test), written to a temporary folder and served by the same gunicorn
settings as the portal (gunicorn.conf.py, with 2 sync workers), DEBUG off. wrk (Debian's
package) loads the floor and then each page in turn, `-c16 -t2`, for LOADBENCH_ROUNDS
alternating rounds of LOADBENCH_SECONDS each; the table shows each page's median and its share
of the floor's median, so a busy machine moves both and the share stays comparable.

Demo pages run on a database holding the demo content only; the 100,000-enterprise pages on the
database `make bench` fills (`var/bench/bench.sqlite3`, or DATABASE_URL), skipped when it has
no synthetic data. Every page is measured with the page cache off, then the same pages with it
on. Run with `make loadbench`; not part of `make test`.

Variables: LOADBENCH_SECONDS (10), LOADBENCH_ROUNDS (3), LOADBENCH_CONNECTIONS (16),
LOADBENCH_DEMO_SQLITE, LOADBENCH_SCALE_SQLITE (paths), LOADBENCH_CACHED (true: also the cached
run), LOADBENCH_SQLITE (true: measure on SQLite), LOADBENCH_ONLY (comma-separated words: run
only the pages whose label holds one), DATABASE_URL (also run on PostgreSQL; the demo then goes
into a database of its own named after it with "_loadbench_demo").
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SECONDS = int(os.environ.get("LOADBENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("LOADBENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("LOADBENCH_CONNECTIONS", "16"))
CACHED = os.environ.get("LOADBENCH_CACHED", "true").lower() in {"1", "true", "yes", "on"}
SQLITE = os.environ.get("LOADBENCH_SQLITE", "true").lower() in {"1", "true", "yes", "on"}
ONLY = [word for word in os.environ.get("LOADBENCH_ONLY", "").split(",") if word]
OUTPUT = BASE_DIR / "var" / "bench"
# The portal's gunicorn settings for both the floor and the portal, with 2 sync workers.
GUNICORN_SETTINGS = ["-c", str(BASE_DIR / "gunicorn.conf.py"), "--workers", "2", "--threads", "1"]
# The rate limits of the pages measured (portal.ratelimits).
RATE_LIMITED = ("SEARCH", "SUGGEST", "DIRECTORY")
# The label of the rows that ask a new query with each request (NEW_QUERY_SCRIPT).
NEW_QUERY = "a new query each request"

FLOOR_PROJECT = textwrap.dedent(
    '''
    """TechEmpower's plaintext test as a Django project: no middleware, one view."""
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="floor",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )

    from django.core.wsgi import get_wsgi_application  # noqa: E402
    from django.http import HttpResponse  # noqa: E402
    from django.urls import path  # noqa: E402


    def plaintext(request):
        return HttpResponse(b"Hello, World!", content_type="text/plain")


    urlpatterns = [path("plaintext", plaintext)]
    application = get_wsgi_application()
    '''
)

DEMO_PAGES = [
    ("demo: home", "/en/"),
    ("demo: zone list", "/en/zones/"),
    ("demo: Dalian Puwan profile", "/en/zones/dalian-puwan/"),
    ("demo: enterprise directory", "/en/enterprises/"),
    ("demo: the June 20 release", "/en/news/shenyang-etdz-internationalized-industrial-ecosystem/"),
    ("demo: search 沈阳", "/en/search/?q=沈阳"),
    (f"demo: zone list, {NEW_QUERY}", "/en/zones/"),
    (f"demo: enterprise directory, {NEW_QUERY}", "/en/enterprises/"),
    (f"demo: search 沈阳, {NEW_QUERY}", "/en/search/?q=沈阳"),
]
SCALE_PAGES = [
    ("100k: directory", "/en/enterprises/"),
    (
        "100k: directory, q + zone + sector",
        "/en/enterprises/?q=technology&zone=dalian-puwan&sector=new-materials",
    ),
    ("100k: search shenyang", "/en/search/?q=shenyang"),
    ("100k: search 沈阳", "/en/search/?q=沈阳"),
    ("100k: search technology", "/en/search/?q=technology"),
    ("100k: suggestions dal", "/en/search/suggest/?q=dal"),
    (f"100k: directory, {NEW_QUERY}", "/en/enterprises/"),
    (
        f"100k: directory, q + zone + sector, {NEW_QUERY}",
        "/en/enterprises/?q=technology&zone=dalian-puwan&sector=new-materials",
    ),
    (f"100k: search shenyang, {NEW_QUERY}", "/en/search/?q=shenyang"),
    (f"100k: suggestions dal, {NEW_QUERY}", "/en/search/suggest/?q=dal"),
]
# A list or a search asked with the same parameters again is answered from what its process
# kept for them (portal/publishing/kept.py). These rows add a parameter the page ignores, new
# for each request, so that every request reads and renders its list afresh: what a query
# never asked before costs. They run with the page cache off only, which they would miss too.
NEW_QUERY_SCRIPT = textwrap.dedent(
    """
    local counter = 0
    local thread_id = math.random(1000000000)
    request = function()
        counter = counter + 1
        local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
        local path = wrk.path .. separator .. "new=" .. thread_id .. "-" .. counter
        return wrk.format(nil, path)
    end
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master with 2 sync workers, started and stopped by this script."""

    def __init__(self, app: str, env: dict, chdir: Path):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                app,
                *GUNICORN_SETTINGS,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(chdir),
            ],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: nobody reads a pipe during the run, and once one access log
            # line too many fills it, every worker waits to write.
            stderr=self.log,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    error = self.log.read().decode()
                    raise SystemExit(f"gunicorn stopped: {error}") from None
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start on port {self.port}")

    def check(self, path: str) -> None:
        url = self.url + urllib.parse.quote(path, safe="/?=&")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{path}: HTTP {error.code}") from None

    def worker_rss_mb(self) -> list[float]:
        children = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout.split()
        return [round(int(kb) / 1024, 1) for kb in children]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wrk(url: str, script: Path | None = None) -> float:
    options = ["-s", str(script)] if script else []
    output = subprocess.run(
        ["wrk", f"-c{CONNECTIONS}", "-t2", f"-d{SECONDS}s", *options, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"{url}: {match.group(1)} responses were errors")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def manage(*args: str, database_url: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def has_synthetic_data(database_url: str) -> bool:
    code = (
        "from zones.models import Enterprise; "
        "print(Enterprise.objects.filter(is_synthetic=True).count())"
    )
    try:
        return int(manage("shell", "-c", code, database_url=database_url).split()[-1]) > 0
    except (subprocess.CalledProcessError, ValueError, IndexError):
        return False


def prepare_demo(database_url: str) -> None:
    """A database with the demo content only (made once; `load_demo --once` leaves it alone)."""
    manage("migrate", "--noinput", "-v0", database_url=database_url)
    manage("load_demo", "--once", database_url=database_url)
    manage("rebuild_search_index", "--no-progress", database_url=database_url)


def postgres_demo_url(database_url: str) -> str:
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/") + "_loadbench_demo"
    demo = parts._replace(path="/" + name).geturl()
    import psycopg  # only with PostgreSQL

    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(query, [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return demo


def selected(pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [page for page in pages if not ONLY or any(word in page[0] for word in ONLY)]


def run(databases: list[tuple[str, str, str | None]]) -> dict:
    """Alternate the floor and every page, round after round; return medians and memory."""
    folder = Path(tempfile.mkdtemp(prefix="loadbench-"))
    (folder / "floor.py").write_text(FLOOR_PROJECT)
    new_query_script = folder / "new_query.lua"
    new_query_script.write_text(NEW_QUERY_SCRIPT)
    # Static files as production serves them: hashed and compressed by collectstatic.
    static_root = folder / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(static_root)},
        check=True,
    )
    floor = Server("floor:application", {}, folder)
    servers = {}
    targets = []  # (label, server key, path)
    modes = ["uncached", "cached"] if CACHED else ["uncached"]
    try:
        for vendor, demo_url, scale_url in databases:
            for mode in modes:
                env = {
                    "DEBUG": "false",
                    "ALLOWED_HOSTS": "127.0.0.1",
                    "PAGE_CACHE_SECONDS": "0" if mode == "uncached" else "300",
                    "DJANGO_READ_DOT_ENV": "true",
                    "STATIC_ROOT": str(static_root),
                    # Every request comes from one address: limits high enough never to refuse
                    # one, while each request still pays for being counted.
                    **{f"RATELIMIT_{name}": "1000000/s" for name in RATE_LIMITED},
                }
                sets = (("demo", demo_url, DEMO_PAGES), ("100k", scale_url, SCALE_PAGES))
                for data, url, pages in sets:
                    if not url or not selected(pages):
                        continue
                    key = (vendor, mode, data)
                    env["DATABASE_URL"] = url
                    servers[key] = Server("portal.wsgi:application", env, BASE_DIR)
                    for label, path in selected(pages):
                        if NEW_QUERY in label and mode == "cached":
                            continue
                        servers[key].check(path)  # warm up, and fail early on an error
                        targets.append((f"{vendor}, {mode}: {label}", key, path))
        floor.check("/plaintext")
        results = {"floor": [], **{label: [] for label, _, _ in targets}}
        for number in range(1, ROUNDS + 1):
            print(f"Round {number} of {ROUNDS}", file=sys.stderr)
            results["floor"].append(wrk(floor.url + "/plaintext"))
            for label, key, path in targets:
                url = servers[key].url + urllib.parse.quote(path, safe="/?=&")
                script = new_query_script if NEW_QUERY in label else None
                results[label].append(wrk(url, script))
        memory = {f"{v}, {m}: {d}": server.worker_rss_mb() for (v, m, d), server in servers.items()}
        memory["floor"] = floor.worker_rss_mb()
    finally:
        floor.stop()
        for server in servers.values():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"runs": results, "worker_rss_mb": memory}


def report(result: dict) -> None:
    runs = result["runs"]
    floor = statistics.median(runs["floor"])
    print(f"\n{ROUNDS} rounds of {SECONDS} s, wrk -c{CONNECTIONS} -t2, gunicorn -w 2, DEBUG off")
    width = max(len(label) for label in runs)
    print(f"{'Page':{width}} {'req/s':>8} {'of floor':>9}   rounds")
    for label, values in runs.items():
        median = statistics.median(values)
        share = f"{100 * median / floor:.1f} %"
        spread = " ".join(f"{value:.0f}" for value in values)
        print(f"{label:{width}} {median:8.0f} {share:>9}   {spread}")
    print("\nWorker memory (RSS, MB, after the run):")
    for label, sizes in result["worker_rss_mb"].items():
        print(f"  {label:40} {sizes}")


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    demo_sqlite = Path(os.environ.get("LOADBENCH_DEMO_SQLITE", OUTPUT / "loadbench-demo.sqlite3"))
    scale_sqlite = Path(os.environ.get("LOADBENCH_SCALE_SQLITE", OUTPUT / "bench.sqlite3"))
    demo_url = f"sqlite:///{demo_sqlite.resolve()}"
    prepare_demo(demo_url)
    scale_url = f"sqlite:///{scale_sqlite.resolve()}"
    if not (scale_sqlite.exists() and has_synthetic_data(scale_url)):
        print(f"No synthetic data in {scale_sqlite} (`make bench` makes it): demo pages only.")
        scale_url = None
    databases = [("SQLite", demo_url, scale_url)] if SQLITE else []
    if database_url := os.environ.get("DATABASE_URL"):
        pg_demo = postgres_demo_url(database_url)
        prepare_demo(pg_demo)
        databases.append(
            ("PostgreSQL", pg_demo, database_url if has_synthetic_data(database_url) else None)
        )
    result = run(databases)
    report(result)
    target = OUTPUT / "loadbench.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"Written to {target}")


if __name__ == "__main__":
    main()
