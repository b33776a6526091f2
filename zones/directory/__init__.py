"""The enterprise directory's engine: counts and pages answered from an index in memory.

- `index.py`: the index itself, when it is rebuilt, and the signal handlers that say so;
- `facets.py`: what the page shows from it, the facets with their counts and the results;
- `orderings.py`: the sort orders, shared with the FilterSets in zones/filters.py.

The FilterSet (zones/filters.py) parses the parameters and runs the same filters in SQL for the
CSV export; it imports this package, never the reverse.
"""

from zones.directory.facets import (
    FACETS,
    DirectoryResults,
    Facet,
    FacetOption,
    known_keys,
    listing,
    order_name,
)
from zones.directory.index import (
    DirectoryIndex,
    Matches,
    content_changed,
    current,
    current_token,
    links_changed,
)

__all__ = [
    "FACETS",
    "DirectoryIndex",
    "DirectoryResults",
    "Facet",
    "FacetOption",
    "Matches",
    "content_changed",
    "current",
    "current_token",
    "known_keys",
    "links_changed",
    "listing",
    "order_name",
]
