"""The directory's index in memory: enterprises as bit positions, facet values as sets of them.

The directory shows, for every choice of seven facets, how many enterprises it would give under
the other filters, and the exact number of results. In SQL that is a COUNT over the filtered
enterprises per facet: at 100,000 enterprises, tens of milliseconds each, and more on PostgreSQL.
Here every published enterprise has a position, and every facet value (a zone, a park, a sector,
a qualification valid today or held at all, a platform, a city, a country, a founding year) the
set of positions that have it, as the bits of a Python int. A filter is an OR of its values'
sets, the enterprises under several filters an AND, a count a popcount: microseconds each,
whatever the table's size. The orders a page can be sorted by are kept as lists of positions.

The filters mean what the FilterSet's SQL means (zones/filters.py), which the CSV export still
runs; tests compare the two. What the page shows from it (facets, counts, a page of results) is
made in zones/directory/facets.py.

The index is built from a few queries (about a second at 100,000 enterprises), at most once per
process for each state of the content: every change to what it is built from replaces a random
token in `IndexStamp` within the same transaction, and a request rebuilds when the token or the
time of a scheduled publication has passed. A change made with bulk SQL, outside the ORM,
must call `content_changed()` (the scale-data command does).
"""

import threading
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation

from portal.publishing import pagecache
from portal.search.queries import AS_TYPED, ON_NAME, record_matches
from portal.search.text import Query
from zones.directory.orderings import ENTERPRISE_ORDERINGS
from zones.models import (
    Enterprise,
    EnterpriseQualification,
    IndexStamp,
    Platform,
    PlatformMembership,
    Zone,
)

STAMP = "directory"
LANGUAGES = [code for code, _ in settings.LANGUAGES]
# An order is cut into blocks of this many places, each kept as the set of its positions (see
# DirectoryIndex.ordered()).
ORDER_BLOCK = 2048


def links_changed(sender, action: str, **kwargs) -> None:
    """content_changed, for a change of an enterprise's sectors (sent before and after)."""
    if action.startswith("post_"):
        content_changed()


def content_changed(*args, **kwargs) -> None:
    """Mark the index out of date (a signal handler, connected in zones/apps.py).

    The new token is written in the caller's transaction, so a change that is rolled back takes
    its token with it, and the token left is that of the content left. One UPDATE of one row:
    cheap enough to run for every row an import writes.
    """
    pagecache.content_changed()
    token = uuid.uuid4().hex
    if not IndexStamp.objects.filter(name=STAMP).update(token=token):
        IndexStamp.objects.update_or_create(name=STAMP, defaults={"token": token})


def raw_rows(queryset, *fields: str) -> list[tuple]:
    """The values of the fields, row by row, as the database driver returns them.

    Without Django's conversions per row and field, which at 100,000 rows cost more than the
    query; the index keeps ids, numbers and codes only, which need none. The columns are
    picked by name: modeltranslation may reorder a values_list's SELECT.
    """
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        names = [column[0] for column in cursor.description]
    picked = [names.index(field) for field in fields]
    if picked == list(range(len(names))):
        return rows
    return list(map(itemgetter(*picked), rows))


# A match's mark in Matches: FOUND with its flags (ON_NAME, AS_TYPED). For each of the three,
# a table that turns a mark into the digit 1 when it holds that bit, and into 0 otherwise, so
# that bytes of marks become a number in base 2 in one pass at C speed.
FOUND = 4
MARK_DIGITS = {
    bit: bytes.maketrans(bytes(range(8)), bytes(b"01"[(mark & bit) != 0] for mark in range(8)))
    for bit in (FOUND, ON_NAME, AS_TYPED)
}
# Fewer matches than one enterprise in this many are set bit by bit instead (see matches()).
SPARSE_MATCHES = 32
# The searches whose matches an index keeps (see search()): about 40 KB each at 100,000
# enterprises.
SEARCHES_KEPT = 64


def current_token() -> str:
    """The token of the content now, asked on every request that uses the index: in SQL, as
    the ORM took ten times as long to build the statement as the database to run it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {IndexStamp._meta.db_table} WHERE name = %s", [STAMP])
        row = cursor.fetchone()
    return row[0] if row else ""


def bit_set(positions, size: int) -> int:
    """The set of positions (each below size) as an int.

    Set in a bytearray first: OR-ing bits into a growing int copies it at every step.
    """
    data = bytearray((size + 7) // 8)
    for position in positions:
        data[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(data, "little")


def by_position(positions_of: dict[int, list[int]], size: int) -> tuple[array, array]:
    """{value: positions} turned around, as two arrays: the values of the position p are
    values[start[p]:start[p + 1]]. Eight bytes a link and eight an enterprise (ids are 64-bit),
    where a tuple per enterprise would cost about a hundred."""
    start = array("q", bytes(8 * (size + 1)))
    for positions in positions_of.values():
        for position in positions:
            start[position + 1] += 1
    for position in range(size):
        start[position + 1] += start[position]
    values = array("q", bytes(8 * start[size]))
    free = array("q", start)
    for value, positions in positions_of.items():
        for position in positions:
            values[free[position]] = value
            free[position] += 1
    return start, values


@dataclass
class DirectoryIndex:
    token: str
    built_at: datetime
    # The earliest publication still to come, when the index must show one more enterprise,
    # or the first midnight at which a qualification held expires.
    valid_until: datetime | None
    ids: array  # position → enterprise id
    position_of: dict[int, int]
    everyone: int
    # facet → value (a zone id, a city, a year, …) → the set of enterprises with it
    values: dict[str, dict[object, int]]
    # What the orders are made from, when first asked for (see order()).
    published: QuerySet
    year_of: array  # position → founding year, 0 if unknown
    # The sectors of the enterprise at each position: sector_ids[sector_start[p]:sector_start[p+1]]
    sector_start: array
    sector_ids: array
    # order name → positions in that order, and the sets of its blocks of places (ORDER_BLOCK)
    orders: dict[str, array]
    blocks: dict[str, list[int]]
    # Whatever else is derived from the content once per state (see memo()).
    memos: dict = field(default_factory=dict)
    # The matches of the last searches, the least recently used first (see search()).
    searches: OrderedDict = field(default_factory=OrderedDict)
    searches_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, token: str) -> "DirectoryIndex":
        now = timezone.now()
        published = Enterprise.objects.published()
        rows = raw_rows(
            published.order_by("pk"),
            *("pk", "zone_id", "park_id", "zone__city", "country", "founded_year"),
        )
        ids = array("q", (row[0] for row in rows))
        position_of = {enterprise_id: position for position, enterprise_id in enumerate(ids)}
        members: dict[str, dict[object, list[int]]] = {
            facet: {}
            for facet in ("zone", "park", "city", "country", "founded", "sector")
            + ("qualification", "qualification_any", "platform")
        }
        for position, (_, zone, park, city, country, founded) in enumerate(rows):
            members["zone"].setdefault(zone, []).append(position)
            members["city"].setdefault(city, []).append(position)
            if park is not None:
                members["park"].setdefault(park, []).append(position)
            if country:
                members["country"].setdefault(country, []).append(position)
            if founded is not None:
                members["founded"].setdefault(founded, []).append(position)
        today = timezone.localdate()
        links = {
            "sector": (Enterprise.sectors.through.objects, "sector_id"),
            # Valid today by default; `expired=include` asks for every holding.
            "qualification": (EnterpriseQualification.objects.valid(today), "qualification_id"),
            "qualification_any": (EnterpriseQualification.objects, "qualification_id"),
            "platform": (PlatformMembership.objects, "platform_id"),
        }
        for facet, (manager, column) in links.items():
            for enterprise_id, value in raw_rows(manager.all(), "enterprise_id", column):
                position = position_of.get(enterprise_id)
                if position is not None:
                    members[facet].setdefault(value, []).append(position)
        sector_start, sector_ids = by_position(members["sector"], len(ids))
        values = {
            facet: {value: bit_set(positions, len(ids)) for value, positions in by_value.items()}
            for facet, by_value in members.items()
        }
        # Zones and platforms too: the facets list the published ones.
        scheduled = [
            model.objects.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
            for model in (Enterprise, Zone, Platform)
        ]
        # And the first midnight at which a holding valid today expires.
        last_day = (
            EnterpriseQualification.objects.filter(valid_until__gte=today)
            .order_by("valid_until")
            .values_list("valid_until", flat=True)
            .first()
        )
        if last_day is not None:
            scheduled.append(
                datetime.combine(
                    last_day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
                )
            )
        next_change = min((when for when in scheduled if when), default=None)
        return cls(
            token=token,
            built_at=now,
            valid_until=next_change,
            ids=ids,
            position_of=position_of,
            everyone=(1 << len(ids)) - 1,
            values=values,
            published=published,
            year_of=array("H", (row[5] or 0 for row in rows)),
            sector_start=sector_start,
            sector_ids=sector_ids,
            orders={},
            blocks={},
        )

    def order(self, name: str) -> array:
        """Positions in one of the directory's sort orders (ENTERPRISE_ORDERINGS):
        `newest`, or `name`, `founded` or `-founded` and a language, as in "name:en".

        Each is made on first use, since most processes see few of the seven: the database
        orders by name (in its collation, as on every other list) and by time, in one query of
        ids; the orders by founding year are the name order regrouped by year, which keeps
        names in order within a year as the SQL orders do.
        """
        if name in self.orders:
            return self.orders[name]
        sort, _, language = name.partition(":")
        if sort in ("newest", "name"):
            with translation.override(language or None):
                ordered = self.published.order_by(*ENTERPRISE_ORDERINGS[sort]())
                rows = raw_rows(ordered, "pk")
            position_of = self.position_of
            order = array("l", (position_of[row[0]] for row in rows if row[0] in position_of))
        else:
            by_year: dict[int, list[int]] = {}
            undated = []
            for position in self.order(f"name:{language}"):
                year = self.year_of[position]
                if year:
                    by_year.setdefault(year, []).append(position)
                else:
                    undated.append(position)
            order = array("l")
            for year in sorted(by_year, reverse=sort.startswith("-")):
                order.extend(by_year[year])
            order.extend(undated)
        self.orders[name] = order
        return order

    def sectors_of(self, enterprise_id: int) -> array:
        """The ids of a published enterprise's sectors."""
        position = self.position_of[enterprise_id]
        return self.sector_ids[self.sector_start[position] : self.sector_start[position + 1]]

    def memo(self, key, make):
        """make(), computed once for this state of the content."""
        if key not in self.memos:
            self.memos[key] = make()
        return self.memos[key]

    def zone_counts(self) -> dict[int, int]:
        """Zone id → its number of public enterprises (zones without any are left out)."""
        by_zone = self.values["zone"]
        return self.memo(
            "zone_counts", lambda: {zone: bits.bit_count() for zone, bits in by_zone.items()}
        )

    def counts_in_zones(self, facet: str, zone_ids: list[int]) -> dict[tuple[int, object], int]:
        """(zone id, value) → how many of the zone's public enterprises have the facet's value;
        pairs with none are left out."""
        counted = {}
        for zone_id in zone_ids:
            counts = self.counts(facet, self.values["zone"].get(zone_id, 0))
            counted.update({(zone_id, value): count for value, count in counts.items()})
        return counted

    def is_current(self, token: str, now: datetime) -> bool:
        return (
            token == self.token
            and self.built_at <= now
            and (self.valid_until is None or now < self.valid_until)
        )

    def any_of(self, facet: str, values) -> int:
        """The enterprises with any of the values."""
        by_value = self.values[facet]
        bits = 0
        for value in values:
            bits |= by_value.get(value, 0)
        return bits

    def founded_between(self, low: int | None, high: int | None) -> int:
        return self.any_of(
            "founded",
            [
                year
                for year in self.values["founded"]
                if (low is None or year >= low) and (high is None or year <= high)
            ],
        )

    def search(self, query: Query) -> "Matches":
        """The enterprises a prepared query matches, kept for the last SEARCHES_KEPT queries.

        A visitor who searches and then ticks a facet, or turns a page, asks the same words
        again, and at 100,000 enterprises a broad word's matches take 15 to 70 ms to read. They
        change only with the enterprises' entries in the search index, which change only with
        what this index is built from (an enterprise, or its zone's publication), and so
        replace it. The key is the query as prepared: its words with their corrections.
        """
        if query.is_empty:
            return Matches(0, 0, 0)
        key = repr(query.terms)
        with self.searches_lock:
            found = self.searches.get(key)
            if found is not None:
                self.searches.move_to_end(key)
                return found
        found = self.matches(record_matches(Enterprise, query))
        with self.searches_lock:
            self.searches[key] = found
            while len(self.searches) > SEARCHES_KEPT:
                self.searches.popitem(last=False)
        return found

    def forget_searches(self) -> None:
        """Drop the kept matches (for a benchmark timing searches asked for the first time)."""
        with self.searches_lock:
            self.searches.clear()

    def matches(self, matches: list[int]) -> "Matches":
        """search.record_matches() as sets; enterprises not in the index (not published) are
        left out.

        Many matches mark their enterprises' bytes, and each set is read off the bytes at once
        (see MARK_DIGITS): setting bits one match at a time took twice as long at 16,000 to
        25,000 matches. That reading costs a millisecond or so at 100,000 enterprises, more
        than setting the bits of a few hundred matches, so few are set one by one.
        """
        size = len(self.ids)
        position_of = self.position_of.get
        if len(matches) * SPARSE_MATCHES < size or not size:
            found, on_name, as_typed = (bytearray((size + 7) // 8) for _ in range(3))
            for match in matches:
                position = position_of(match >> 2)
                if position is None:
                    continue
                byte, bit = position >> 3, 1 << (position & 7)
                found[byte] |= bit
                if match & ON_NAME:
                    on_name[byte] |= bit
                if match & AS_TYPED:
                    as_typed[byte] |= bit
            return Matches(*(int.from_bytes(bits, "little") for bits in (found, on_name, as_typed)))
        marks = bytearray(size)
        for match in matches:
            position = position_of(match >> 2)
            if position is not None:
                marks[position] = FOUND | (match & (ON_NAME | AS_TYPED))
        # The last position first: int(…, 2) reads the most significant digit first.
        marks.reverse()
        return Matches(
            *(int(marks.translate(MARK_DIGITS[flag]), 2) for flag in (FOUND, ON_NAME, AS_TYPED))
        )

    def counts(self, facet: str, within: int) -> dict[object, int]:
        """How many of `within` have each value of the facet; values none has are left out."""
        counted = {}
        for value, bits in self.values[facet].items():
            count = (bits & within).bit_count()
            if count:
                counted[value] = count
        return counted

    def page(self, tiers: list[int], order: str, start: int, stop: int) -> list[int]:
        """The ids at [start:stop] of the enterprises in `tiers` (disjoint sets, shown one
        after the other), each tier in the named order."""
        found: list[int] = []
        for bits in tiers:
            size = bits.bit_count()
            if start >= size:
                start, stop = start - size, stop - size
                continue
            found += self.ordered(bits, order, start, min(stop, size))
            if stop <= size:
                break
            start, stop = 0, stop - size
        return [self.ids[position] for position in found]

    def ordered(self, bits: int, order: str, start: int, stop: int) -> list[int]:
        """Positions [start:stop] of the set in the named order.

        The whole directory is the order itself. Otherwise the order is read a block of places
        at a time: a block that holds none of the set, or only members before `start`, is passed
        over on an AND and a popcount, and the order is walked within the block that holds the
        page. Some 50 blocks at 100,000 enterprises, whatever the size of the set, the depth of
        the page or where in the order the set lies: a zone's enterprises are bunched together
        in the order by name, since their names start with the city's.
        """
        positions = self.order(order)
        if bits == self.everyone and len(positions) == len(self.ids):
            # Every enterprise, so the order itself: a deep page of the whole directory (a
            # crawler's) walked every place before it, 20 ms of CPU at page 4,000.
            return positions[start:stop].tolist()
        data = bits.to_bytes((len(self.ids) + 7) // 8, "little")
        picked: list[int] = []
        skip, wanted = start, stop - start
        for number, block in enumerate(self.blocks_of(order)):
            count = (bits & block).bit_count()
            if skip >= count:
                skip -= count
                continue
            for position in positions[number * ORDER_BLOCK : (number + 1) * ORDER_BLOCK]:
                if data[position >> 3] >> (position & 7) & 1:
                    if skip:
                        skip -= 1
                    else:
                        picked.append(position)
                        if len(picked) == wanted:
                            return picked
        return picked

    def blocks_of(self, order: str) -> list[int]:
        """The sets of the positions at each ORDER_BLOCK places of the named order; made on
        first use (a few milliseconds at 100,000 enterprises, and 12.5 KB a block)."""
        if order not in self.blocks:
            positions = self.order(order)
            self.blocks[order] = [
                bit_set(positions[first : first + ORDER_BLOCK], len(self.ids))
                for first in range(0, len(positions), ORDER_BLOCK)
            ]
        return self.blocks[order]


@dataclass
class Matches:
    """The enterprises a search matches, of them those matched on a name as typed, and those
    matched as typed (not only through a spelling correction)."""

    found: int
    on_name: int
    as_typed: int


_lock = threading.Lock()
_index: DirectoryIndex | None = None


def current() -> DirectoryIndex:
    """The index of the content as it is now; built when it is not (one query when it is)."""
    global _index
    token, now = current_token(), timezone.now()
    index = _index
    if index is not None and index.is_current(token, now):
        return index
    with _lock:
        if _index is None or not _index.is_current(token, now):
            _index = DirectoryIndex.build(token)
        return _index
