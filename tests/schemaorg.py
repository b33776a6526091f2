"""A small validator of the portal's JSON-LD against the schema.org types it uses.

The types, their parents, their properties and the kinds of value each property takes are
copied from the schema.org definitions (https://schema.org/<Type>), for the properties the
portal writes and a few neighbours; "required" is what a node of the type is useless without
(search engines' structured-data guidelines ask for the same).
"""

import datetime
import re
from urllib.parse import urlsplit

TEXT, URL, DATE, DATETIME, NUMBER, INTEGER, LANGUAGE = (
    "Text",
    "URL",
    "Date",
    "DateTime",
    "Number",
    "Integer",
    "Language",
)
WHEN = {DATE, DATETIME}

PARENT = {
    "CreativeWork": "Thing",
    "Article": "CreativeWork",
    "NewsArticle": "Article",
    "Dataset": "CreativeWork",
    "WebPage": "CreativeWork",
    "CollectionPage": "WebPage",
    "SearchResultsPage": "WebPage",
    "WebSite": "CreativeWork",
    "CreativeWorkSeries": "CreativeWork",
    "MediaObject": "CreativeWork",
    "ImageObject": "MediaObject",
    "Organization": "Thing",
    "GovernmentOrganization": "Organization",
    "ResearchOrganization": "Organization",
    "EducationalOrganization": "Organization",
    "CollegeOrUniversity": "EducationalOrganization",
    "Place": "Thing",
    "AdministrativeArea": "Place",
    "Event": "Thing",
    "Intangible": "Thing",
    "ItemList": "Intangible",
    "BreadcrumbList": "ItemList",
    "ListItem": "Intangible",
    "StructuredValue": "Intangible",
    "PropertyValue": "StructuredValue",
    "GeoCoordinates": "StructuredValue",
    "ContactPoint": "StructuredValue",
    "PostalAddress": "ContactPoint",
    "EntryPoint": "Intangible",
    "Action": "Thing",
    "SearchAction": "Action",
    "Person": "Thing",
}

KNOWN_TYPES = {"Thing", *PARENT}

PROPERTIES = {
    "Thing": {
        "name": {TEXT},
        "alternateName": {TEXT},
        "description": {TEXT},
        "url": {URL},
        "sameAs": {URL},
        "image": {URL, "ImageObject"},
        "identifier": {TEXT, URL, "PropertyValue"},
        "subjectOf": {"CreativeWork", "Event"},
        "potentialAction": {"Action"},
    },
    "CreativeWork": {
        "about": {"Thing"},
        "author": {"Organization", "Person"},
        "publisher": {"Organization", "Person"},
        "datePublished": WHEN,
        "dateModified": WHEN,
        "headline": {TEXT},
        "inLanguage": {LANGUAGE},
        "isBasedOn": {"CreativeWork", URL},
        "isPartOf": {"CreativeWork", URL},
        "mentions": {"Thing"},
        "keywords": {TEXT},
        "contentLocation": {"Place"},
    },
    "Article": {"articleSection": {TEXT}, "articleBody": {TEXT}},
    "Dataset": {"variableMeasured": {TEXT, "PropertyValue"}},
    "WebPage": {"breadcrumb": {"BreadcrumbList", TEXT}},
    "Organization": {
        "address": {"PostalAddress", TEXT},
        "foundingDate": {DATE},
        "location": {"Place", "PostalAddress", TEXT},
        "logo": {URL, "ImageObject"},
        "memberOf": {"Organization"},
        "member": {"Organization", "Person"},
        "areaServed": {"Place", TEXT},
        "keywords": {TEXT},
        "event": {"Event"},
    },
    "Place": {
        "address": {"PostalAddress", TEXT},
        "geo": {"GeoCoordinates"},
        "containsPlace": {"Place"},
        "containedInPlace": {"Place"},
        "additionalProperty": {"PropertyValue"},
        "keywords": {TEXT},
        "event": {"Event"},
    },
    "Event": {
        "startDate": WHEN,
        "endDate": WHEN,
        "location": {"Place", "PostalAddress", TEXT},
        "organizer": {"Organization", "Person"},
        "inLanguage": {LANGUAGE},
        "about": {"Thing"},
    },
    "ItemList": {"itemListElement": {"ListItem", "Thing", TEXT}, "numberOfItems": {INTEGER}},
    "ListItem": {"position": {INTEGER, TEXT}, "item": {"Thing", URL}},
    "PropertyValue": {
        "propertyID": {TEXT, URL},
        "value": {NUMBER, TEXT},
        "unitCode": {TEXT, URL},
        "unitText": {TEXT},
    },
    "PostalAddress": {
        "streetAddress": {TEXT},
        "addressLocality": {TEXT},
        "addressRegion": {TEXT},
        "addressCountry": {TEXT},
        "postalCode": {TEXT},
    },
    "GeoCoordinates": {"latitude": {NUMBER, TEXT}, "longitude": {NUMBER, TEXT}},
    "SearchAction": {"target": {"EntryPoint", URL}, "query-input": {TEXT}, "query": {TEXT}},
    "EntryPoint": {"urlTemplate": {TEXT}},
}

REQUIRED = {
    "WebSite": {"name", "url"},
    "SearchAction": {"target", "query-input"},
    "EntryPoint": {"urlTemplate"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
    "NewsArticle": {"headline", "url", "datePublished"},
    "Dataset": {"name", "description"},
    "Event": {"name", "url"},
    "Organization": {"name"},
    "Place": {"name"},
    "PropertyValue": {"value"},
    "GeoCoordinates": {"latitude", "longitude"},
    "WebPage": {"name", "url"},
    "CreativeWorkSeries": {"name"},
}

LANGUAGES = {"en", "zh-Hans"}
DATE_FORM = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def lineage(type_: str) -> list[str]:
    chain = [type_]
    while chain[-1] in PARENT:
        chain.append(PARENT[chain[-1]])
    return chain


def is_a(types: list[str], expected: str) -> bool:
    return any(expected in lineage(type_) for type_ in types)


def types_of(node: dict) -> list[str]:
    type_ = node.get("@type")
    return type_ if isinstance(type_, list) else [type_]


def is_absolute_url(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def literal_fits(value, kind: str) -> bool:
    if kind == URL:
        return is_absolute_url(value)
    if kind == LANGUAGE:
        return value in LANGUAGES
    if kind in (NUMBER, INTEGER):
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (kind == NUMBER or isinstance(value, int))
        )
    if not isinstance(value, str) or not value.strip():
        return False
    if kind == DATE:
        return bool(DATE_FORM.fullmatch(value))
    if kind == DATETIME:
        try:
            return datetime.datetime.fromisoformat(value).tzinfo is not None and "T" in value
        except ValueError:
            return False
    return kind == TEXT


def problems(node, where: str = "") -> list[str]:
    """What is wrong with a node and the nodes inside it, each named by its path."""
    if not isinstance(node, dict):
        return [f"{where}: not an object"]
    types = types_of(node)
    unknown = [type_ for type_ in types if type_ not in KNOWN_TYPES]
    if unknown or not types:
        return [f"{where}: unknown @type {unknown or types}"]
    allowed: dict[str, set[str]] = {}
    for type_ in types:
        for ancestor in lineage(type_):
            for prop, kinds in PROPERTIES.get(ancestor, {}).items():
                allowed.setdefault(prop, set()).update(kinds)
    found = []
    for type_ in types:
        for ancestor in lineage(type_):
            for prop in REQUIRED.get(ancestor, ()):
                if prop not in node:
                    found.append(f"{where}: {type_} without {prop}")
    for prop, value in node.items():
        if prop in ("@type", "@id"):
            continue
        if prop not in allowed:
            found.append(f"{where}: {prop} is not a property of {types}")
            continue
        for item in value if isinstance(value, list) else [value]:
            found += value_problems(item, allowed[prop], f"{where}.{prop}")
    return found


def value_problems(value, kinds: set[str], where: str) -> list[str]:
    if isinstance(value, dict):
        if not any(is_a(types_of(value), kind) for kind in kinds & KNOWN_TYPES):
            return [f"{where}: a {types_of(value)} where {sorted(kinds)} is expected"]
        return problems(value, where)
    if any(literal_fits(value, kind) for kind in kinds - KNOWN_TYPES):
        return []
    return [f"{where}: {value!r} is not a {sorted(kinds)}"]


def document_problems(document) -> list[str]:
    """What is wrong with one ld+json block: its context, and every node of its graph."""
    if not isinstance(document, dict) or document.get("@context") != "https://schema.org":
        return ["@context is not https://schema.org"]
    nodes = document.get("@graph", [document])
    found = []
    for position, node in enumerate(nodes):
        found += problems({k: v for k, v in node.items() if k != "@context"}, f"@graph[{position}]")
    return found
