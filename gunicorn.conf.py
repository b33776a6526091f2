"""gunicorn's settings, from the environment: `gunicorn` in this folder reads this file.

    GUNICORN_BIND=127.0.0.1:8000 WEB_CONCURRENCY=4 gunicorn

Every variable is optional; the README's "Running in production" lists them.
"""

import gc
import multiprocessing
import os


def number(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SystemExit(
            f"The {variable} environment variable is “{value}”: set it to a whole number."
        )
    return int(value)


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Processes: two per core and one more, gunicorn's advice for a mostly-waiting app.
workers = number("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# Threads per process: more requests at once in the same memory (the directory's index is built
# once per process, some 15 MB at 100,000 enterprises).
threads = number("GUNICORN_THREADS", 2)
# A worker silent for this many seconds is killed and replaced. With threads, a worker whose
# thread waits on one slow request still answers: this ends a stuck worker, not a slow request
# (nginx gives up on one after its proxy_read_timeout).
timeout = number("GUNICORN_TIMEOUT", 30)
graceful_timeout = number("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than nginx's keepalive to its upstream would cut connections it still counts on.
keepalive = number("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then, which bounds any slow growth of memory. Not often: a new
# worker costs about a second of CPU to import the portal, and starts with empty per-process
# caches (templates, the directory's index). Every 2,000 requests, it cost a busy worker more
# than half its throughput.
max_requests = number("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = number("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
# Python's full garbage collection walks every object the process holds: some 180,000 once a
# worker has served each kind of page, 100 ms on a 2-core machine, paid by whichever request
# sets it off. What a worker loads at start and builds on its first requests (modules, compiled
# templates, URL patterns, the directory's index) lives as long as the worker, so it is put out
# of the collector's way (gc.freeze): once the app is loaded, and again after the worker's
# first requests. A frozen object is still freed when nothing refers to it any more.
WARM_UP_REQUESTS = 500


def post_worker_init(worker):
    freeze_heap()


def post_request(worker, req, environ, resp):
    if worker.nr >= WARM_UP_REQUESTS and not getattr(worker, "warmed_up", False):
        worker.warmed_up = True
        freeze_heap()


def freeze_heap():
    gc.collect()
    gc.freeze()


# The app writes one access line per request, with its request id and the staff member
# (logger portal.access, JSON with LOG_FORMAT=json). gunicorn's own would be a second line for
# the same request: "-" sends it to standard output as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}i)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines (workers started, timed out) as JSON too, like the app's.
    json_handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stdout",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {"json": json_handler, "none": {"class": "logging.NullHandler"}},
        "root": {"handlers": ["json"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "level": loglevel.upper(), "propagate": False},
            # With a logging config, gunicorn writes access lines whatever GUNICORN_ACCESS_LOG
            # says: they go where it says, and nowhere without it.
            "gunicorn.access": {
                "handlers": ["json" if accesslog else "none"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }
# The proxy's X-Forwarded-* headers are believed only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal")
# gunicorn 25.1's control socket sits at one path per user: a second instance on the machine
# would take it over. Signals (HUP to reload, TERM to stop) do what the portal needs.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall (as in containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
