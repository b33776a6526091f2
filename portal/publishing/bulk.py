"""Many records saved in one go, and the work after each save that can as well be done once.

The admin's list actions save the selected records one by one, so that each keeps its history
and audit entry (admin/workflow.py), inside `many_saves()`. What follows a save in a higher
layer hands such work to `at_end()`: the search index prunes its spelling vocabulary of the
words no entry holds any more, one statement of 70–200 ms at 100,000 documents, once for a
hundred unpublished records instead of a hundred times.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The work put off until the end of the outermost many_saves(), with its items; None outside.
_pending: ContextVar[dict[Callable, set] | None] = ContextVar("many_saves", default=None)


@contextmanager
def many_saves() -> Iterator[None]:
    """Saves within are one job: the work handed to at_end() is done when it ends (inside the
    caller's transaction, when it is opened within one), not if it fails."""
    if _pending.get() is not None:  # within another: that one's end does the work
        yield
        return
    pending: dict[Callable, set] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for work, items in pending.items():
        work(items)


def at_end(work: Callable[[set], None], items: Iterable) -> None:
    """Do `work` on a set of `items`: now, or within many_saves() once at its end, on the
    items of every call."""
    pending = _pending.get()
    if pending is None:
        work(set(items))
    else:
        pending.setdefault(work, set()).update(items)
