"""gunicorn's settings file: what a worker does with its long-lived objects."""

import gc
import logging.config
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.utils.log import configure_logging

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def conf():
    settings = runpy.run_path(str(CONF))
    yield settings
    gc.unfreeze()


@pytest.fixture
def freezes(monkeypatch):
    """Each call of gc.freeze, which still does its work."""
    calls = []
    freeze = gc.freeze

    def counted():
        calls.append(gc.get_freeze_count())
        freeze()

    monkeypatch.setattr(gc, "freeze", counted)
    return calls


def test_a_worker_freezes_its_heap_once_loaded_and_once_warmed_up(conf, freezes):
    worker = SimpleNamespace(nr=0)
    conf["post_worker_init"](worker)
    assert len(freezes) == 1
    loaded = gc.get_freeze_count()
    assert loaded > 0
    worker.nr = conf["WARM_UP_REQUESTS"] - 1
    conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 1
    built_since = [[] for _ in range(1000)]  # as the first requests build templates, say
    worker.nr = conf["WARM_UP_REQUESTS"]
    conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 2
    # A frozen object is still freed when nothing refers to it: the count may drop by a few.
    assert gc.get_freeze_count() > loaded + len(built_since) // 2
    # Later requests leave the heap alone.
    for _ in range(10):
        worker.nr += 1
        conf["post_request"](worker, None, {}, None)
    assert len(freezes) == 2


@pytest.mark.parametrize("access_log, lines", [("", 0), ("-", 1)])
def test_json_logs_hold_gunicorns_access_line_only_when_asked(
    monkeypatch, capsys, access_log, lines
):
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", access_log)
    settings = runpy.run_path(str(CONF))
    try:
        logging.config.dictConfig(settings["logconfig_dict"])
        logging.getLogger("gunicorn.access").info('127.0.0.1 "GET /en/search/?q=private" 200')
        out = capsys.readouterr().out
    finally:
        configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    assert out.count("/en/search/?q=private") == lines
