"""Critical fields named from outside the spec: `--critical NAME` and the config's `critical:`.

A NAME is either `Schema.dotted.property.path` (a component schema or Swagger definition, then
a path through `properties`, looking through `$ref`, `allOf`/`oneOf`/`anyOf` and array `items`
at each step, since generated schemas hide properties in such places) or a JSON pointer to a
property schema (`#/components/schemas/Service/properties/client_certificate`). Schema names may
contain dots (`io.k8s.api.core.v1.Secret.data`): the longest component name that the NAME
starts with wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from linter.errors import Place, PutlintError
from linter.facts import Mark
from linter.refs import Loc, Workspace
from linter.source import parse_pointer
from linter.vocab import DEFAULT_ON_OMIT


@dataclass(frozen=True)
class CriticalName:
    name: str
    on_omit: str | None = None  # None: the entry states no contract (the spec's own wins)
    reason: str | None = None
    origin: Place | None = None  # the config line; None for --critical

    def mark_over(self, own: Any) -> Mark | None:
        """The mark this name puts on a property whose own `x-critical` is ``own``.

        None keeps the spec's own contract: the entry states none, or the same one. A stated
        contract that differs replaces the spec's, and the findings say so.
        """
        stated = Mark(self.on_omit or DEFAULT_ON_OMIT, self.reason)
        if own is True or isinstance(own, dict):
            spec_on_omit = own.get("on-omit", DEFAULT_ON_OMIT) if isinstance(own, dict) \
                else DEFAULT_ON_OMIT
            if self.on_omit is None or self.on_omit == spec_on_omit:
                return None
            where = str(self.origin) if self.origin else "--critical"
            return Mark(self.on_omit, self.reason,
                        note=f"on-omit: {self.on_omit} from {where} overrides the spec's "
                             f"on-omit: {spec_on_omit}")
        return stated


def resolve_names(ws: Workspace, version: str,
                  names: list[CriticalName]) -> dict[tuple[str, tuple[str, ...]], CriticalName]:
    """The name that marks each property schema a name denotes, keyed by its location.

    Whether a name protects anything is known only once request bodies are bundled: the
    bundler records the names it applied (`Bundler.reached`).
    """
    marks: dict[tuple[str, tuple[str, ...]], CriticalName] = {}
    for name in names:
        for loc in targets(ws, version, name.name):
            marks[loc.key] = name
    return marks


def targets(ws: Workspace, version: str, name: str) -> list[Loc]:
    """Every property schema a NAME denotes (none for a name that matches nothing)."""
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
    container = ("definitions",) if version == "2.0" else ("components", "schemas")
    found = _component(ws, container, name)
    if found is None:
        return []
    start, steps = found
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


def _component(ws: Workspace, container: tuple[str, ...],
               name: str) -> tuple[Loc, list[str]] | None:
    """The component a dotted NAME starts with, the longest such name first, and the steps
    after it: `io.k8s.api.core.v1.Secret.data` -> (the `io.k8s.api.core.v1.Secret` schema,
    ['data'])."""
    try:
        schemas = ws.get(Loc(ws.root, container))
    except LookupError:
        return None
    if not isinstance(schemas, dict):
        return None
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        schema_name = ".".join(parts[:cut])
        if schema_name in schemas:
            return Loc(ws.root, (*container, schema_name)), parts[cut:]
    return None


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
