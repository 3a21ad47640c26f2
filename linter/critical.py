"""Critical fields named from outside the spec: `--critical NAME` and the config's `critical:`.

A NAME is either `Schema.dotted.property.path` (a component schema or Swagger definition, then
a path through `properties`, looking through `$ref`, `allOf`/`oneOf`/`anyOf` and array `items`
at each step, since generated schemas hide properties in such places) or a JSON pointer to a
property schema (`#/components/schemas/Service/properties/client_certificate`). Schema names may
contain dots (`io.k8s.api.core.v1.Secret.data`): the longest component name that the NAME
starts with wins.

A dotted NAME means its path: the property it reaches may be shared (a step through a `$ref`
to a common schema), so the mark is kept only in bodies that reach the property through the
named component and the named steps (`scopes`; analysis.critical_fields applies it). A
pointer names a place, and marks it wherever a body reaches it.

A pointer into `paths` is keyed by an API path, whose parameter names are spelling: it is
resolved the way `diff` pairs operations, with parameter names ignored, so a pull request that
renames `{id}` to `{certificate_id}` does not unhook the config (`respelt_paths` says so).
`dotted_name` is the inverse of `targets` for a property of a component schema: the name that
survives a renamed path or a moved endpoint, which `suggest --write-config` prefers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from linter.errors import Place, PutlintError
from linter.facts import Mark
from linter.model import path_template
from linter.refs import Loc, Workspace
from linter.source import Pointer, parse_pointer, pointer_text, printable
from linter.vocab import CONTRACT_CHOICES, contract_attr


@dataclass(frozen=True)
class CriticalName:
    name: str
    on_omit: str | None = None  # None: the entry states no contract (the spec's own wins)
    reason: str | None = None
    origin: Place | None = None  # the config line; None for --critical
    on_null: str | None = None  # the other contract keys: None when the entry does not say
    on_empty: str | None = None
    on_shrink: str | None = None

    def stated(self) -> dict[str, str]:
        """The contract keys this entry states, by their spelling (`{"on-omit": "purge"}`)."""
        out = {}
        for key in CONTRACT_CHOICES:
            given = getattr(self, contract_attr(key.name))
            if given is not None:
                out[key.name] = given
        return out

    def mark_over(self, own: Any) -> Mark | None:
        """The mark this name puts on a property whose own `x-critical` is ``own``.

        An entry overrides only what it states: a key it does not state keeps the spec's
        value. None keeps the spec's own mark: the entry states nothing that differs. What
        differs replaces the spec's, and the findings say so.
        """
        stated = self.stated()
        if own is True or isinstance(own, dict):
            spec_mark = _own_mark(own)
            if spec_mark is None:  # malformed: the analysis reports it where it stands
                return None
        else:
            spec_mark = None
        if spec_mark is None:  # the spec does not mark the field: the entry's contract alone
            return Mark(reason=self.reason, stated=frozenset(stated),
                        **{contract_attr(k): v for k, v in stated.items()})
        changed = {k: v for k, v in stated.items() if spec_mark.value(k) != v}
        if not changed:
            return None
        where = str(self.origin) if self.origin else "--critical"
        note = ", ".join(f"{k}: {v}" for k, v in changed.items())
        was = ", ".join(f"{k}: {spec_mark.value(k)}" for k in changed)
        return replace(spec_mark, reason=self.reason or spec_mark.reason,
                       stated=spec_mark.stated | frozenset(changed),
                       note=f"{note} from {where} overrides the spec's {was}",
                       **{contract_attr(k): v for k, v in changed.items()})


@dataclass(frozen=True)
class Declined:
    """A field reviewed and judged not critical: a `not-critical:` entry of the config.

    The config's counterpart of `x-critical: false` in the spec: check never treats the field
    as critical, and `suggest` never proposes it again.
    """

    name: str
    reason: str | None = None
    origin: Place | None = None  # the config line


Named = TypeVar("Named", CriticalName, Declined)


def stale_declines(declines: list[Declined], denoted: set[str]) -> list[PutlintError]:
    """A `not-critical` name that denotes no property of any spec checked declines nothing:
    most often a typo, behind which `suggest` keeps proposing the field the user meant to
    decline. A warning (nothing is less protected), at the entry's line."""
    return [PutlintError(f"not-critical name '{printable(d.name)}' denotes no property of the "
                         "specs checked, so it declines nothing (a typo? names are written as "
                         "in `critical`)", d.origin or Place("<command line>"))
            for d in declines if d.name not in denoted]


def conflicts(marks: dict[tuple[str, tuple[str, ...]], CriticalName],
              declines: dict[tuple[str, tuple[str, ...]], Declined]) -> list[PutlintError]:
    """A field both declared critical and declined: one error each, at the decline, naming
    both places (the two entries may name it differently: `Schema.field` and a pointer)."""
    errors = []
    for key in sorted(marks.keys() & declines.keys()):
        critical, declined = marks[key], declines[key]
        where = str(critical.origin) if critical.origin else "--critical"
        same = "" if critical.name == declined.name else f" ('{critical.name}' there)"
        errors.append(PutlintError(
            f"'{declined.name}' is declined here (not-critical) and declared critical at "
            f"{where}{same}; keep it in one of the two", declined.origin))
    return errors


def _own_mark(own: Any) -> Mark | None:
    """The spec's own mark on the property, when it is one (a malformed one is reported
    where the analysis reads it, so here it counts as none)."""
    from linter.analysis import parse_mark

    try:
        return parse_mark(own)
    except PutlintError:
        return None


def resolve_names(ws: Workspace, version: str, names: list[Named]
                  ) -> dict[tuple[str, tuple[str, ...]], Named]:
    """The name that marks each property schema a name denotes, keyed by its location.

    Whether a name protects anything is known only once request bodies are bundled: the
    bundler records the names it applied (`Bundler.reached`).
    """
    marks: dict[tuple[str, tuple[str, ...]], Named] = {}
    for name in names:
        for loc in targets(ws, version, name.name):
            marks[loc.key] = name
    return marks


def scopes(ws: Workspace, version: str,
           names: list[CriticalName]) -> dict[str, tuple[tuple[str, tuple[str, ...]],
                                                         tuple[str, ...]]]:
    """Where each `Schema.dotted.path` name applies: (the key of the component it starts at,
    the property steps after it). A name marks a property schema, which other schemas may
    share; the analysis keeps the mark only in bodies that reach the property through the
    component and these steps (`Vault.properties.accessPolicies.permissions` is not every
    `AccessPolicyEntry.permissions`). Pointer names have no such scope: they name a place."""
    out = {}
    for name in names:
        if "#" in name.name:
            continue
        found = name_steps(ws, version, name.name)
        if found is not None and found[1]:
            out[name.name] = found
    return out


def targets(ws: Workspace, version: str, name: str) -> list[Loc]:
    """Every property schema a NAME denotes (none for a name that matches nothing)."""
    if name.startswith("#"):
        try:
            loc = Loc(ws.root, _respelt(ws, parse_pointer(name[1:])))
        except ValueError:
            return []
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


def _respelt(ws: Workspace, pointer: Pointer) -> Pointer:
    """A pointer into `paths` with its API path as this spec spells it: the one path with the
    same template (`/certificates/{id}` for `/certificates/{certificate_id}`) when the path as
    written is not there. Two paths of one template leave the pointer as written."""
    paths = ws.root.data.get("paths") if isinstance(ws.root.data, dict) else None
    if len(pointer) < 2 or pointer[0] != "paths" or not isinstance(paths, dict) \
            or pointer[1] in paths:
        return pointer
    template = path_template(pointer[1])
    same = [str(p) for p in paths if path_template(str(p)) == template]
    return ("paths", same[0], *pointer[2:]) if len(same) == 1 else pointer


def respelt_paths(ws: Workspace, names: list[CriticalName] | list[Declined]
                  ) -> list[PutlintError]:
    """A warning for each pointer name whose API path this spec spells with other parameter
    names: it still marks the field (paths match as operations do in `diff`), and the config
    is easier to read in the spec's own spelling (or as `Schema.field`)."""
    out = []
    for name in names:
        if not name.name.startswith("#/paths/"):
            continue
        try:
            written = parse_pointer(name.name[1:])
        except ValueError:
            continue
        found = _respelt(ws, written)
        if found == written:
            continue
        try:
            ws.get(Loc(ws.root, found))
        except LookupError:
            continue
        out.append(PutlintError(
            f"critical name '{printable(name.name)}' names the path '{printable(written[1])}', "
            f"which {ws.root.display} spells '{printable(found[1])}': it marks the field "
            "there (path-parameter names are ignored, as diff pairs operations); write it as "
            f"'#{printable(pointer_text(found))}'", name.origin or Place("<command line>")))
    return out


CONTAINERS = {"2.0": ("definitions",)}  # 3.x: components/schemas


def dotted_name(ws: Workspace, version: str, loc: Loc) -> str | None:
    """`Schema.dotted.path` for the property schema at ``loc`` when it lives in a component
    schema of the root (`#/components/schemas/Certificate/properties/snis` ->
    `Certificate.snis`, through `allOf`/`oneOf`/`anyOf` branches), and that name denotes
    exactly it; None otherwise (inline bodies, other files, `additionalProperties`...)."""
    container = CONTAINERS.get(version, ("components", "schemas"))
    pointer = loc.pointer
    if loc.doc is not ws.root or len(pointer) < len(container) + 3 \
            or pointer[:len(container)] != container:
        return None
    steps = [pointer[len(container)]]
    rest = list(pointer[len(container) + 1:])
    while rest:
        key = rest.pop(0)
        if key == "properties" and rest:
            steps.append(rest.pop(0))
        elif key in ("allOf", "oneOf", "anyOf") and rest and rest[0].isdigit():
            rest.pop(0)
        else:
            return None
    if pointer[-2] != "properties":
        return None
    name = ".".join(steps)
    found = targets(ws, version, name)
    return name if [t.key for t in found] == [loc.key] else None


def pointer_name(ws: Workspace, loc: Loc) -> str:
    """A location as a critical NAME by pointer: `#/pointer` in the root file, else
    `file#/pointer` relative to the root's folder."""
    pointer = pointer_text(loc.pointer)
    if loc.doc is ws.root:
        return "#" + pointer
    relative = os.path.relpath(loc.doc.path, ws.root.path.parent)
    return f"{Path(relative).as_posix()}#{pointer}"


def name_for(ws: Workspace, version: str, loc: Loc) -> str:
    """The name a user writes for the property at ``loc``: `Schema.field` where that denotes
    exactly it, else its pointer."""
    return dotted_name(ws, version, loc) or pointer_name(ws, loc)


def name_steps(ws: Workspace, version: str, name: str) -> tuple[tuple[str, tuple[str, ...]],
                                                               tuple[str, ...]] | None:
    """The component key a dotted name starts at and its steps (what `scopes` keeps)."""
    container = CONTAINERS.get(version, ("components", "schemas"))
    found = _component(ws, container, name)
    if found is None:
        return None
    return found[0].key, tuple(s.removesuffix("[]") for s in found[1])


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
        props, props_loc = node.get("properties"), node_loc.child("properties")
        if isinstance(props, dict) and isinstance(props.get("$ref"), str):  # the map as a $ref
            try:
                props, props_loc = ws.deref(props, props_loc)
            except PutlintError:
                continue
        if isinstance(props, dict) and name in props:
            found = True
            yield props_loc.child(name)
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
