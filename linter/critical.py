"""Critical fields named from outside the spec: `--critical NAME` and the config's `critical:`.

A NAME is either `Schema.dotted.property.path` (a component schema or Swagger definition, then
a path through `properties`, looking through `$ref`, `allOf`/`oneOf`/`anyOf` and array `items`
at each step, since generated schemas hide properties in such places) or a JSON pointer to a
property schema (`#/components/schemas/Service/properties/client_certificate`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from linter.errors import Place, PutlintError
from linter.refs import Loc, Workspace
from linter.source import parse_pointer


@dataclass(frozen=True)
class CriticalName:
    name: str
    on_omit: str = "reject"
    reason: str | None = None
    origin: Place | None = None  # the config line; None for --critical

    @property
    def mark(self) -> dict:
        mark: dict[str, Any] = {"on-omit": self.on_omit}
        if self.reason:
            mark["reason"] = self.reason
        return mark


def resolve_names(ws: Workspace, version: str,
                  names: list[CriticalName]) -> tuple[dict, set[str]]:
    """Marks keyed by the location of each property schema a name denotes, and the names used."""
    marks: dict[tuple[str, tuple[str, ...]], dict] = {}
    matched: set[str] = set()
    for name in names:
        for loc in _targets(ws, version, name.name):
            marks[loc.key] = name.mark
            matched.add(name.name)
    return marks, matched


def _targets(ws: Workspace, version: str, name: str) -> list[Loc]:
    if name.startswith("#"):
        loc = Loc(ws.root, parse_pointer(name[1:]))
        try:
            ws.get(loc)
        except LookupError:
            return []
        return [loc]
    if "#" in name:  # `schemas/certificate.yaml#/Certificate/properties/snis`, from the root's
        try:          # folder, with the confinement and checks of any $ref
            return [ws.resolve(name, Loc(ws.root, ()))]
        except (PutlintError, ValueError):
            return []
    schema_name, *steps = name.split(".")
    container = ("definitions",) if version == "2.0" else ("components", "schemas")
    start = Loc(ws.root, (*container, schema_name))
    try:
        ws.get(start)
    except LookupError:
        return []
    current = [start]
    for step in steps:
        explicit_items = step.endswith("[]")
        step = step.removesuffix("[]")
        following: list[Loc] = []
        for loc in current:
            following.extend(_property_entries(ws, loc, step))
        if explicit_items:
            following = [item for loc in following for item in _items(ws, loc)]
        current = _unique(following)
        if not current:
            return []
    return current


def _property_entries(ws: Workspace, loc: Loc, name: str) -> Iterator[Loc]:
    """Locations of `properties/<name>` in the schema at ``loc`` or anything it is made of."""
    found = False
    for node, node_loc in _closure(ws, loc):
        props = node.get("properties")
        if isinstance(props, dict) and name in props:
            found = True
            yield node_loc.child("properties", name)
    if not found:  # look through an array to its items, as `Upstream.targets.target` reads
        for item_loc in _items(ws, loc):
            yield from _property_entries(ws, item_loc, name)


def _items(ws: Workspace, loc: Loc) -> Iterator[Loc]:
    for node, node_loc in _closure(ws, loc):
        if isinstance(node.get("items"), dict):
            yield node_loc.child("items")


def _closure(ws: Workspace, loc: Loc) -> Iterator[tuple[dict, Loc]]:
    seen: set = set()
    stack = [loc]
    while stack:
        current = stack.pop()
        try:
            node, current = ws.deref(ws.get(current), current)
        except (LookupError, PutlintError):
            continue
        if not isinstance(node, dict) or current.key in seen:
            continue
        seen.add(current.key)
        yield node, current
        for key in ("allOf", "oneOf", "anyOf"):
            branches = node.get(key)
            if isinstance(branches, list):
                stack.extend(current.child(key, i) for i in reversed(range(len(branches))))


def _unique(locs: list[Loc]) -> list[Loc]:
    seen: dict = {}
    for loc in locs:
        seen.setdefault(loc.key, loc)
    return list(seen.values())
