"""What the public pages read of the content, kept in each process for one version of it.

A detail page's record and what it shows around it (a release with the records and figures it
names, a zone's profile) are the same for every visitor until the content changes or a
scheduled record goes live. Read through the ORM they cost most of such a page: building the
statements more than running them. So those pages read them once per version of the content
and language in each process, and keep them, as the directory keeps its index.

The version is ContentVersion's token, read from the database by each request that uses what is
kept (one row). Every save and delete of content replaces it in its own transaction
(pagecache.content_changed, which a change made with SQL outside the ORM must call too): a
change made anywhere (another process, a command, an import) is seen as soon as it is
committed, and a change rolled back takes its token with it. What is kept also expires
at the next scheduled publication and at midnight, as the page cache's pages do: what is
public, upcoming or still valid moves with the clock. At most SIZE things are kept, the least
recently used going first.

Nothing is kept of a page that is not found: it raises Http404 from inside `make`, and is
asked again the next time.

A page also keeps the HTML it renders from what is kept, as a template fragment in the process's
memory (`{% cache None name kept_id using="fragments" %}`): `kept_id` is new whenever what is
kept is read again, so the fragment is never older than what it shows. Only what is the same for
every visitor goes in it: nothing of the request (its host, a CSRF token, a nonce).
"""

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.utils.translation import get_language

from portal.publishing import pagecache
from portal.publishing.models import ContentVersion

SIZE = 1000
Kept = TypeVar("Kept")

_kept: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()


def current_token() -> str:
    """The content's version now; in SQL, as for the directory's index, to cost the least."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {ContentVersion._meta.db_table} ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def kept(key: tuple, make: Callable[[], Kept]) -> Kept:
    """What `make()` gives, made once for this version of the content, this language and `key`
    (which says what it is: the view and the record's slug)."""
    token = current_token()
    full_key = (token, get_language(), *key)
    with _lock:
        found = _kept.get(full_key)
        if found is not None and time.time() < found[0]:
            _kept.move_to_end(full_key)
            return found[1]
    # Until the next publication as it stands before `make` reads: a record that goes live
    # while it reads is in what it made, or ends it.
    seconds = min(pagecache.seconds_to_next_publication(token), pagecache.seconds_to_next_day())
    valid_until = time.time() + seconds
    made = make()
    with _lock:
        _kept[full_key] = (valid_until, made)
        _kept.move_to_end(full_key)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return made


def new_kept_id() -> str:
    """An id for something just read to be kept, for the fragments rendered from it."""
    return uuid.uuid4().hex


def forget() -> None:
    """Drop everything kept (for tests, which roll back what they change)."""
    with _lock:
        _kept.clear()
