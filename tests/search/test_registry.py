"""Each app declares what it indexes; the search engine learns it from them and names no app."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.urls import reverse
from django.utils import translation

import portal.search
from news.models import Event, Release
from portal.search import registry
from zones.models import Enterprise, Institution, Platform, Zone, ZoneAlias

SEARCH_PACKAGE = Path(portal.search.__file__).parent


def test_the_index_holds_six_kinds_in_the_order_of_the_search_page():
    with translation.override("en"):
        assert [(kind, str(label)) for kind, label in registry.kind_choices()] == [
            ("zone", "Zones"),
            ("enterprise", "Enterprises"),
            ("institution", "Institutions"),
            ("platform", "Platforms"),
            ("release", "News"),
            ("event", "Events"),
        ]


def test_each_kind_keeps_the_code_its_stored_entries_carry():
    codes = {index.kind: index.code for index in registry.indexes()}
    assert codes == {
        "zone": 5,
        "institution": 4,
        "platform": 3,
        "enterprise": 2,
        "release": 1,
        "event": 0,
    }


def test_each_kind_links_to_its_record_page():
    for model in (Zone, Enterprise, Institution, Platform, Release, Event):
        declared = registry.for_model(model)
        assert declared.url("quartzite") == model(slug="quartzite").get_absolute_url()
    assert registry.get("zone").url("dalian") == reverse(
        "zones:zone_detail", kwargs={"slug": "dalian"}
    )
    assert registry.get("release").url("june-20") == reverse(
        "news:release_detail", kwargs={"slug": "june-20"}
    )


def test_a_zone_is_found_by_its_other_names_and_re_indexed_when_they_change():
    zone = registry.for_model(Zone)
    assert zone.name_fields == ["name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans"]
    assert zone.other_names_model is ZoneAlias


def test_an_enterprise_is_indexed_only_with_its_zone():
    assert registry.for_model(Enterprise).public_with == "zone"
    assert not registry.for_model(Enterprise).public_alone


def test_an_event_is_indexed_with_its_zone_or_alone_without_one():
    assert registry.for_model(Event).public_with == "zone"
    assert registry.for_model(Event).public_alone


def project_names() -> set[str]:
    """The labels, model names and URL namespaces of the apps that declare what they index."""
    names = set()
    for index in registry.indexes():
        config = apps.get_app_config(index.model._meta.app_label)
        names |= {config.label, config.name, index.url_name.partition(":")[0]}
        for model in config.get_models():
            names |= {model.__name__, model._meta.model_name}
    return names


def code_of(path: Path) -> tuple[set[str], list[str], set[str]]:
    """The modules a file imports, its string literals other than docstrings, and its
    identifiers."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    imports, strings, identifiers = set(), [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imports |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                strings.append(node.value)
        elif isinstance(node, ast.Name):
            identifiers.add(node.id)
        elif isinstance(node, ast.Attribute):
            identifiers.add(node.attr)
    return imports, strings, identifiers


def test_the_search_engine_imports_only_itself_and_the_publishing_floor():
    project = {config.name.partition(".")[0] for config in apps.get_app_configs()} & {
        "portal",
        "zones",
        "news",
    }
    for path in SEARCH_PACKAGE.rglob("*.py"):
        imports, _strings, _identifiers = code_of(path)
        for module in imports:
            if module.partition(".")[0] in project:
                assert module.startswith(("portal.search.", "portal.publishing.")), (path, module)


def test_the_search_engine_names_no_app_model_or_url():
    names = project_names()
    word = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    for path in SEARCH_PACKAGE.rglob("*.py"):
        _imports, strings, identifiers = code_of(path)
        assert not identifiers & names, (path, identifiers & names)
        for value in strings:
            assert not word.search(value), (path, value)
