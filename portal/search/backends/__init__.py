"""The index backends, one module per database: what they share (base.py), SQLite FTS5
(sqlite.py), PostgreSQL full text with pg_trgm (postgresql.py)."""

from django.db import connection

from portal.search.backends.base import (
    AS_TYPED,
    COUNT_CAP,
    ON_NAME,
    RANK_WINDOW,
    Backend,
    Hit,
    name_ranker,
    rank_key_for,
)
from portal.search.backends.postgresql import PostgreSQLBackend
from portal.search.backends.sqlite import SQLiteBackend

__all__ = [
    "AS_TYPED",
    "COUNT_CAP",
    "ON_NAME",
    "RANK_WINDOW",
    "Backend",
    "Hit",
    "PostgreSQLBackend",
    "SQLiteBackend",
    "backend",
    "name_ranker",
    "rank_key_for",
]


def backend() -> Backend:
    """The backend for the database in use."""
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    return SQLiteBackend()
