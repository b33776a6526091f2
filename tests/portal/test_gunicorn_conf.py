"""gunicorn's settings file: what a worker does with its long-lived objects."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

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
