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


def test_a_worker_freezes_its_heap_once_loaded_and_once_warmed_up(conf):
    worker = SimpleNamespace(nr=0)
    conf["post_worker_init"](worker)
    loaded = gc.get_freeze_count()
    assert loaded > 0
    worker.nr = conf["WARM_UP_REQUESTS"] - 1
    conf["post_request"](worker, None, {}, None)
    assert gc.get_freeze_count() == loaded
    built_since = [[] for _ in range(100)]  # as the first requests build templates, say
    worker.nr = conf["WARM_UP_REQUESTS"]
    conf["post_request"](worker, None, {}, None)
    warmed = gc.get_freeze_count()
    assert warmed >= loaded + len(built_since)
    # Later requests leave the heap alone.
    worker.nr += 1
    conf["post_request"](worker, None, {}, None)
    assert gc.get_freeze_count() == warmed
