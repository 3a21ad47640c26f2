"""`putlint suggest`: the fields of PUT/upsert bodies most likely to be critical, with evidence.

Almost no spec carries `x-critical` yet. The strongest sign that omitting a field destroys data
is Kong's: the field is a child collection that the API *also* manages as a resource of its
own (`PUT /certificates/{id}` has `snis`, and `/certificates/{id}/snis` exists), so one client
may manage it there and PUT the parent without it. Other evidence adds up:

* a child collection managed as its own resource under the same parent
  (`/certificates/{id}/snis`): 0.60; or as a sibling collection (`/snis`): 0.35;
* an array or map of references to other resources (`*_ids`, uuid or `{id}` items, another
  resource's schema): 0.40;
* the GET of the same path returns the (top-level, not descriptive) field and the PUT lets the
  client omit it - replace semantics: 0.30 for a collection, 0.15 an object, 0.05 a scalar;
* a name that usually carries routing or security state (`hosts`, `snis`, `acl`, ...): 0.10,
  never enough alone.

Confidence combines them as independent signals: 1 - (1 - w1)(1 - w2)...
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.bundle import Bundle, Bundler, closure
from linter.config import Options
from linter.critical import resolve_names
from linter.errors import PutlintError
from linter.model import ApiView, Operation, Scope, path_template
from linter.refs import Loc, Workspace, display_name
from linter.search import ITEMS
from linter.source import pointer_text

STATE_NAMES = frozenset({
    "hosts", "host", "snis", "sans", "subject_alternative_names", "certificates", "certs",
    "ca_certificates", "routes", "targets", "members", "permissions", "rules", "acl", "acls",
    "roles", "scopes", "domains", "upstreams", "backends", "endpoints", "servers", "aliases",
    "allowlist", "denylist", "whitelist", "blacklist", "cidrs", "ips", "redirect_uris",
    "webhooks", "subscriptions", "groups", "policies", "origins", "paths", "plugins",
    "listeners", "secrets", "keys", "collaborators", "teams", "users", "admins", "owners",
})
DESCRIPTIVE = frozenset({"tags", "labels", "metadata", "annotations", "description", "notes",
                         "comment", "comments", "title", "name", "display_name", "summary"})
NAME_WEIGHT = 0.10
MAX_DEPTH = 2  # top-level properties and one level below (`tls.hosts`)
LIST_THRESHOLD = 0.20  # weaker candidates (one object the GET returns) are listed on request
WRITE_THRESHOLD = 0.35  # --write-config keeps suggestions at least this confident


@dataclass(frozen=True)
class Evidence:
    weight: float
    text: str


@dataclass
class Suggestion:
    spec: str
    operation: Operation
    media_type: str
    path: tuple[str, ...]
    name: str  # the config name that marks it: a JSON pointer, into another file if need be
    loc: Loc | None
    evidence: list[Evidence] = field(default_factory=list)
    description: str | None = None  # the field's own words, for the reviewer

    @property
    def field(self) -> str:
        from linter.facts import dotted

        return dotted(self.path)

    @property
    def confidence(self) -> float:
        rest = 1.0
        for e in self.evidence:
            rest *= 1.0 - e.weight
        return round(1.0 - rest, 2)

    @property
    def enough(self) -> bool:
        """A name alone never makes a candidate."""
        return any(e.weight > NAME_WEIGHT for e in self.evidence)

    def to_dict(self) -> dict[str, Any]:
        place = self.loc.place() if self.loc is not None else None
        op = self.operation
        return {"spec": self.spec, "operation": {"method": op.method.upper(), "path": op.path,
                                                  "operation_id": op.operation_id},
                "media_type": self.media_type, "field": self.field, "name": self.name,
                "confidence": self.confidence, "evidence": [e.text for e in self.evidence],
                "description": self.description,
                "file": place.file if place else None, "line": place.line if place else None}



def _segments(path: str) -> list[str]:
    return [s for s in path_template(path).split("/") if s]


def _spellings(name: str) -> set[str]:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return {name, name.lower(), snake, snake.replace("_", "-"), snake.replace("_", "")}


def child_collection(op_path: str, name: str, paths: Iterable[str]) -> str | None:
    """The path that manages field `name` of the resource at `op_path` as its own collection:
    `/certificates/{id}/snis` for `PUT /certificates/{id}` and `snis`."""
    base, names = _segments(op_path), _spellings(name)
    for path in paths:
        segs = _segments(path)
        if len(segs) in (len(base) + 1, len(base) + 2) and segs[:len(base)] == base and \
                segs[len(base)] in names and (len(segs) == len(base) + 1 or segs[-1] == "{}"):
            return path
    return None


def sibling_collection(op_path: str, name: str, paths: Iterable[str]) -> str | None:
    """`/snis` (or `/snis/{id}`) beside `/certificates/{id}`: the same parent manages it."""
    base, names = _segments(op_path), _spellings(name)
    if len(base) < 2 or base[-1] != "{}":
        return None
    parent = base[:-2]
    for path in paths:
        segs = _segments(path)
        if segs[:len(parent)] == parent and len(segs) in (len(parent) + 1, len(parent) + 2) \
                and segs[len(parent)] in names and segs != base[:len(segs)]:
            return path
    return None


def _types(node: Any, root: dict) -> set[str]:
    kinds: set[str] = set()
    for part in closure(node, root):
        kind = part.get("type")
        kinds.update([kind] if isinstance(kind, str) else kind if isinstance(kind, list) else [])
        if "items" in part:
            kinds.add("array")
        if "properties" in part:
            kinds.add("object")
    return kinds


def kind_of(node: Any, root: dict) -> str:
    """collection (array, or map of values), object, or scalar."""
    kinds = _types(node, root)
    if "array" in kinds:
        return "collection"
    if "object" in kinds:
        has_props = any(isinstance(p.get("properties"), dict) and p["properties"]
                        for p in closure(node, root))
        is_map = any(isinstance(p.get("additionalProperties"), dict)
                     for p in closure(node, root))
        return "collection" if is_map and not has_props else "object"
    return "scalar"


def decided(node: Any, root: dict) -> bool:
    """Has somebody already said whether this field is critical (`x-critical`, true or false)?"""
    return any("x-critical" in part for part in closure(node, root))


def read_only(node: Any, root: dict) -> bool:
    return any(part.get("readOnly") is True for part in closure(node, root))


def properties(schema: dict, depth: int = MAX_DEPTH) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, property schema) of an object body, to `depth` levels, each path once."""
    seen: set[tuple[str, ...]] = set()

    def walk(node: Any, prefix: tuple[str, ...], level: int) -> Iterator[tuple[tuple, Any]]:
        for part in closure(node, schema):
            props = part.get("properties")
            for name, entry in (props.items() if isinstance(props, dict) else ()):
                path = (*prefix, str(name))
                if path in seen:
                    continue
                seen.add(path)
                yield path, entry
                if level + 1 < depth and kind_of(entry, schema) == "object":
                    yield from walk(entry, path, level + 1)

    yield from walk(schema, (), 0)


def _required(schema: dict, path: tuple[str, ...]) -> bool:
    """Is every step of the path listed in `required` somewhere in its parent's closure?"""
    node: Any = schema
    for step in path:
        parts = list(closure(node, schema))
        if not any(step in (p.get("required") or []) for p in parts):
            return False
        nxt = [p["properties"][step] for p in parts
               if isinstance(p.get("properties"), dict) and step in p["properties"]]
        if not nxt:
            return False
        node = nxt[0]
    return True


class SpecFacts:
    """What suggestions need of one spec: its paths, resource schemas and GET responses."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        data = ws.root.data.get("paths") or {}
        self.paths = [str(p) for p in data] if isinstance(data, dict) else []
        self.resource_schemas: set[tuple] = set()
        self.get_properties: dict[str, set[str]] = {}
        everything = ApiView(ws, _AllOperations())
        for op in everything.operations():
            for body in op.bodies:
                with contextlib.suppress(PutlintError):  # reported where it matters
                    self.resource_schemas.add(ws.deref(body.schema, body.schema_loc)[1].key)
        self._read_gets(data)

    def _read_gets(self, paths: dict) -> None:
        for path, item in paths.items() if isinstance(paths, dict) else ():
            try:
                item, item_loc = self.ws.deref(item, Loc(self.ws.root, ("paths", str(path))))
                get = item.get("get") if isinstance(item, dict) else None
                if not isinstance(get, dict):
                    continue
                self.get_properties[_norm(str(path))] = self._response_properties(
                    get, item_loc.child("get"))
            except (PutlintError, RecursionError):
                continue

    def _response_properties(self, get: dict, loc: Loc) -> set[str]:
        names: set[str] = set()
        responses = get.get("responses") if isinstance(get.get("responses"), dict) else {}
        for code, response in responses.items():
            if not str(code).startswith("2"):
                continue
            response, rloc = self.ws.deref(response, loc.child("responses", str(code)))
            schemas = []
            if isinstance(response, dict) and isinstance(response.get("content"), dict):
                schemas = [(m["schema"], rloc.child("content", media, "schema"))
                           for media, m in response["content"].items()
                           if isinstance(m, dict) and "schema" in m]
            elif isinstance(response, dict) and "schema" in response:  # Swagger 2.0
                schemas = [(response["schema"], rloc.child("schema"))]
            for schema, sloc in schemas:
                names |= self._top_properties(schema, sloc)
        return names

    def _top_properties(self, schema: Any, loc: Loc, depth: int = 0) -> set[str]:
        schema, loc = self.ws.deref(schema, loc)
        if not isinstance(schema, dict) or depth > 8:
            return set()
        names = set(schema.get("properties") or {}) if isinstance(schema.get("properties"),
                                                                  dict) else set()
        for key in ("allOf", "anyOf", "oneOf"):
            for i, part in enumerate(schema.get(key) or []):
                names |= self._top_properties(part, loc.child(key, i), depth + 1)
        return {str(n) for n in names}


class _AllOperations(Scope):
    def includes(self, method: str, node: dict) -> bool:
        return True


def _norm(path: str) -> str:
    return "/" + "/".join(_segments(path))  # trailing and doubled slashes aside


def _is_reference(node: Any, schema: dict, bundle: Bundle, facts: SpecFacts) -> bool:
    """A `{id}` object, or a schema another operation takes as its body."""
    for part in closure(node, schema):
        props = part.get("properties")
        if isinstance(props, dict) and props and set(props) <= {"id", "name", "type", "href",
                                                               "url", "key", "ref"} and \
                "id" in props:
            return True
        ref = part.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = schema.get("$defs", {}).get(ref[len("#/$defs/"):])
            loc = bundle.loc_of(target)
            if loc is not None and loc.key in facts.resource_schemas:
                return True
    return False


def _reference_collection(name: str, node: Any, schema: dict, bundle: Bundle,
                          facts: SpecFacts) -> bool:
    if re.search(r"(_ids|Ids|_refs|Refs)$", name):
        return True
    for part in closure(node, schema):
        items = part.get("items")
        if isinstance(items, dict) and (_is_reference(items, schema, bundle, facts) or any(
                p.get("format") == "uuid" for p in closure(items, schema))):
            return True
        extra = part.get("additionalProperties")
        if isinstance(extra, dict) and _is_reference(extra, schema, bundle, facts):
            return True
    return False


def evidence_for(op: Operation, path: tuple[str, ...], node: Any, bundle: Bundle,
                 facts: SpecFacts) -> list[Evidence]:
    schema, name = bundle.schema, path[-1]
    kind = kind_of(node, schema)
    out: list[Evidence] = []
    if kind == "collection" and len(path) == 1:
        child = child_collection(op.path, name, facts.paths)
        sibling = None if child else sibling_collection(op.path, name, facts.paths)
        if child:
            out.append(Evidence(0.60, f"the API also manages {name} as a resource: {child}"))
        elif sibling:
            out.append(Evidence(0.35, f"the API also manages {name} beside it: {sibling}"))
    if kind == "collection" and _reference_collection(name, node, schema, bundle, facts):
        out.append(Evidence(0.40, f"{name} holds references to other resources"))
    returned = facts.get_properties.get(_norm(op.path), set())
    # Only for top-level fields (a nested one rides on its parent's evidence), and never for
    # descriptive data (tags, labels): replacing them is what a PUT is for.
    if len(path) == 1 and name.lower() not in DESCRIPTIVE and path[0] in returned and \
            "get" in op.siblings and not _required(schema, path):
        weight = {"collection": 0.30, "object": 0.15, "scalar": 0.05}[kind]
        out.append(Evidence(weight, f"GET {op.path} returns {path[0]} and the {op.method.upper()}"
                                    f" may leave it out (a replace would erase it)"))
    if name.lower() in STATE_NAMES or name in STATE_NAMES:
        out.append(Evidence(NAME_WEIGHT, f"'{name}' usually carries routing or security state"))
    return out


def config_name(loc: Loc, ws: Workspace) -> str:
    """The `critical:` entry that marks the property at `loc`."""
    pointer = pointer_text(loc.pointer)
    if loc.doc is ws.root:
        return "#" + pointer
    relative = os.path.relpath(loc.doc.path, ws.root.path.parent)
    return f"{Path(relative).as_posix()}#{pointer}"


def suggest_spec(path: Path, options: Options) -> tuple[list[Suggestion], list[PutlintError]]:
    """Every candidate in one root spec (at least one piece of evidence beyond its name)."""
    try:
        ws = Workspace(path)
        api = ApiView(ws, Scope(options.upsert_operations))
        facts = SpecFacts(ws)
        marks, _ = resolve_names(ws, api.version or "", options.critical)
        bundler = Bundler(ws, api.version or "", marks)
    except PutlintError as exc:
        return [], [exc]
    out: list[Suggestion] = []
    errors: list[PutlintError] = []
    for op in api.operations():
        if not op.bodies:
            continue
        # one media type per operation: the JSON one when there is one
        body = min(op.bodies, key=lambda b: "json" not in b.media_type)
        try:
            schema, where = ws.deref(body.schema, body.schema_loc)
            bundle = bundler.bundle(schema, where)
            out.extend(_candidates(op, body.media_type, bundle, facts, ws, display_name(path)))
        except PutlintError as exc:
            errors.append(exc)
        except RecursionError:  # nested too deeply to walk: no suggestion from this body
            continue
    errors.extend(api.errors)
    return out, errors


def _candidates(op: Operation, media_type: str, bundle: Bundle, facts: SpecFacts,
                ws: Workspace, spec: str) -> Iterator[Suggestion]:
    for path, node in properties(bundle.schema):
        if not isinstance(node, dict) or decided(node, bundle.schema) or \
                read_only(node, bundle.schema) or ITEMS in path:
            continue
        loc = bundle.loc_of(node)
        if loc is None:
            continue
        text = _description(ws, loc)
        suggestion = Suggestion(spec, op, media_type, path, config_name(loc, ws), loc,
                                evidence_for(op, path, node, bundle, facts),
                                " ".join(text.split())[:300] if text else None)
        if suggestion.enough:
            yield suggestion


def _description(ws: Workspace, loc: Loc) -> str | None:
    """The field's description as written (bundling keeps no annotations)."""
    try:
        raw, _ = ws.deref(ws.get(loc), loc)
    except (PutlintError, LookupError):
        return None
    text = raw.get("description") if isinstance(raw, dict) else None
    return text if isinstance(text, str) else None


def suggest(paths: list[Path], options: Options, top: int | None = 20,
            min_confidence: float = LIST_THRESHOLD) -> tuple[list[Suggestion], list[PutlintError]]:
    """Suggestions over several specs, best first within each spec, at most `top` per spec."""
    found: list[Suggestion] = []
    errors: list[PutlintError] = []
    for path in paths:
        mine, problems = suggest_spec(path, options)
        mine = [s for s in mine if s.confidence >= min_confidence]
        mine.sort(key=lambda s: (-s.confidence, s.operation.path, s.field))
        found.extend(mine[:top] if top else mine)
        errors.extend(problems)
    return found, errors


def config_text(suggestions: list[Suggestion], threshold: float = WRITE_THRESHOLD) -> str:
    """A `critical:` list for putlint.yaml, one comment line of evidence per entry."""
    lines = ["# Critical fields suggested by `putlint suggest`: review each entry, keep it or",
             "# delete it, then commit this file (putlint.yaml) or pass it with --config.",
             "critical:"]
    names: dict[str, Suggestion] = {}
    for s in suggestions:
        if s.confidence >= threshold and s.name not in names:
            names[s.name] = s
    for name, s in names.items():
        why = "; ".join(e.text for e in s.evidence)
        lines.append(f"  # {s.confidence:.2f} {s.operation.method.upper()} {s.operation.path} "
                     f"{s.field}: {why}")
        lines.append(f"  - {_yaml_string(name)}")
    if not names:
        lines[-1] = "critical: []  # nothing reached the threshold"
    return "\n".join(lines) + "\n"


def _yaml_string(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML string, quoted whatever it holds
