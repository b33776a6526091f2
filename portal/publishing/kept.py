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
public, upcoming or still valid moves with the clock. The records' shelf (`records`) holds
what 1,000 pages read at most, the least recently used going first.

Nothing is kept of a page that is not found: it raises Http404 from inside `make`, and is
asked again the next time.

A list page (the zones, the directory, the news, the events, the institutions, the search and
its suggestions) keeps what it shows for each query as it was asked (its GET parameters, in
their order): what a visitor asks for again (the list unfiltered, a popular filter, a common
search) is read once per version. Those are kept apart from the records (`lists`, smaller), so
that a crawler running through filters and queries pushes out other queries, not the detail
pages; a query string longer than QUERY_KEPT_CHARS is not kept at all.

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
from django.http import HttpRequest
from django.utils.translation import get_language

from portal.publishing import pagecache
from portal.publishing.models import ContentVersion

Kept = TypeVar("Kept")

# The longest query string a list keeps what it shows for.
QUERY_KEPT_CHARS = 1000


def current_token() -> str:
    """The content's version now; in SQL, as for the directory's index, to cost the least."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {ContentVersion._meta.db_table} ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else ""


class Shelf:
    """At most `size` things made for a version of the content, the least recently used going
    first."""

    def __init__(self, size: int):
        self.size = size
        self._kept: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def kept(self, key: tuple, make: Callable[[], Kept]) -> Kept:
        """What `make()` gives, made once for this version of the content, this language and
        `key` (which says what it is: the view and the record's slug, or the query)."""
        token = current_token()
        full_key = (token, get_language(), *key)
        with self._lock:
            found = self._kept.get(full_key)
            if found is not None and time.time() < found[0]:
                self._kept.move_to_end(full_key)
                return found[1]
        # Until the next publication as it stands before `make` reads: a record that goes
        # live while it reads is in what it made, or ends it.
        seconds = min(pagecache.seconds_to_next_publication(token), pagecache.seconds_to_next_day())
        valid_until = time.time() + seconds
        made = make()
        with self._lock:
            self._kept[full_key] = (valid_until, made)
            self._kept.move_to_end(full_key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


records = Shelf(1000)
lists = Shelf(200)
kept = records.kept


def kept_for_query(request: HttpRequest, key: tuple, make: Callable[[], Kept]) -> Kept:
    """What `make()` gives for the request's GET parameters as they were asked, kept on the
    lists' shelf for this version of the content; made afresh for a very long query string."""
    if len(request.META.get("QUERY_STRING", "")) > QUERY_KEPT_CHARS:
        return make()
    query = tuple((name, tuple(values)) for name, values in request.GET.lists())
    return lists.kept((*key, query), make)


def new_kept_id() -> str:
    """An id for something just read to be kept, for the fragments rendered from it."""
    return uuid.uuid4().hex


def forget() -> None:
    """Drop everything kept (for tests, which roll back what they change)."""
    records.forget()
    lists.forget()
