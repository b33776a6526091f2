"""The search engine: one index over the records the apps declare, searched in both languages.

    registry.py   what each app indexes, declared in its own search_indexes module
    models.py     the index's rows (SearchEntry) and its spelling vocabulary (SearchTerm)
    index.py      writing entries, and keeping them in step with saves (wired in apps.py)
    queries.py    the search page, search as you type, a list page's `q` filter
    text.py       how names, text and queries are cut into tokens
    backends/     the SQL per database: base.py, sqlite.py, postgresql.py

This package imports only portal.publishing and names no app: the apps name it.
"""
