"""What suggestions need of one spec beyond a body: which paths are written (POST, PUT, DELETE),
what their request bodies carry, and what each GET returns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from linter.errors import PutlintError
from linter.model import PathItem, path_items, path_template
from linter.refs import Loc, Workspace
from linter.suggest.schema import WRAPPERS

WRITES = ("post", "put", "delete")
MAX_SCHEMA_DEPTH = 8  # how far the shapes of bodies and responses are followed
# A name carried by the bodies of at least this share of the spec's collections (and of at
# least GENERIC_MIN of them) is generic: every resource has it.
GENERIC_SHARE = 0.25
GENERIC_MIN = 3


def segments(path: str) -> list[str]:
    return [s for s in path_template(path).split("/") if s]


def norm(path: str) -> str:
    return "/" + "/".join(segments(path))  # trailing and doubled slashes aside


def spellings(name: str) -> set[str]:
    """How a field's name may be written as a path segment: `droplet_ids` is also `droplets`,
    `targetGroups` is `target-groups`."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    out = {name, name.lower(), snake, snake.replace("_", "-"), snake.replace("_", "")}
    for suffix in ("_ids", "_id_list", "_refs", "_uuids", "_names"):
        if snake.endswith(suffix) and len(snake) > len(suffix):
            stem = snake[: -len(suffix)]
            out |= {stem + "s", (stem + "s").replace("_", "-"), stem}
    return out


class SpecFacts:
    """The paths of one spec with the methods that write them, the top-level property names of
    their write bodies (looked into through wrappers) and of their GET responses."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        items = list(path_items(ws))  # `paths` and `x-ms-paths`, `$ref` siblings merged
        self.paths = [item.path for item in items]
        self.methods: dict[str, set[str]] = {}  # normalised path -> methods it has
        self.body_names: dict[str, set[str]] = {}  # normalised path -> names its writes carry
        self.get_properties: dict[str, set[str]] = {}
        self._nodes: dict[str, list[tuple[str, dict, Loc]]] = {}
        self._generic: frozenset[str] | None = None
        for item in items:
            self._read_item(item)

    def _read_item(self, item: PathItem) -> None:
        key = norm(item.path)
        for method, (raw, where) in item.operations.items():
            try:
                node, loc = self.ws.deref(raw, where)
            except (PutlintError, RecursionError):
                continue
            if isinstance(node, dict):
                self.methods.setdefault(key, set()).add(method)
                self._nodes.setdefault(key, []).append((method, node, loc))

    # -- writes ---------------------------------------------------------------------------

    def writes(self, path: str) -> set[str]:
        return self.methods.get(norm(path), set()) & set(WRITES)

    def written_names(self, path: str) -> set[str]:
        """Top-level property names (through wrappers) of the POST/PUT bodies of `path`."""
        key = norm(path)
        if key not in self.body_names:
            names: set[str] = set()
            for method, node, loc in self._nodes.get(key, []):
                if method in ("post", "put"):
                    for schema, sloc in self._body_schemas(node, loc):
                        names |= self.top_names(schema, sloc, wrappers=True)
            self.body_names[key] = names
        return self.body_names[key]

    def _body_schemas(self, node: dict, loc: Loc) -> list[tuple[Any, Loc]]:
        out: list[tuple[Any, Loc]] = []
        try:
            if "requestBody" in node:
                body, bloc = self.ws.deref(node["requestBody"], loc.child("requestBody"))
                content = body.get("content") if isinstance(body, dict) else None
                for media, entry in (content.items() if isinstance(content, dict) else ()):
                    if isinstance(entry, dict) and "schema" in entry and "json" in str(media):
                        out.append((entry["schema"], bloc.child("content", media, "schema")))
            for i, param in enumerate(node.get("parameters") or []):  # Swagger 2.0
                param, ploc = self.ws.deref(param, loc.child("parameters", i))
                if isinstance(param, dict) and param.get("in") == "body" and "schema" in param:
                    out.append((param["schema"], ploc.child("schema")))
        except (PutlintError, RecursionError, AttributeError, TypeError):
            pass
        return out

    def top_names(self, schema: Any, loc: Loc, depth: int = 0, wrappers: bool = False
                  ) -> set[str]:
        """Property names of an object schema through $ref and allOf/anyOf/oneOf (and, with
        `wrappers`, through `spec`/`properties`/`data` and a body's only property), read-only
        ones left out."""
        try:
            schema, loc = self.ws.deref(schema, loc)
        except (PutlintError, RecursionError):
            return set()
        if not isinstance(schema, dict) or depth > MAX_SCHEMA_DEPTH:
            return set()
        names: set[str] = set()
        props = schema.get("properties")
        for name, entry in (props.items() if isinstance(props, dict) else ()):
            try:
                raw, rloc = self.ws.deref(entry, loc.child("properties", name))
            except (PutlintError, RecursionError):
                continue
            if isinstance(raw, dict) and raw.get("readOnly") is True:
                continue
            sole = depth == 0 and len(props) == 1  # `{"CORSConfiguration": {...}}`
            if wrappers and (name in WRAPPERS or sole) and depth < 2:
                inner = self.top_names(raw, rloc, depth + 1, wrappers)
                if inner:
                    names |= inner
                    continue
            names.add(str(name))
        for key in ("allOf", "anyOf", "oneOf"):
            parts = schema.get(key)
            for i, part in enumerate(parts if isinstance(parts, list) else ()):
                names |= self.top_names(part, loc.child(key, i), depth + 1, wrappers)
        return names

    # -- reads ----------------------------------------------------------------------------

    def returned(self, path: str) -> set[str]:
        """Top-level property names (through wrappers) of the 2xx responses of GET `path`."""
        key = norm(path)
        if key not in self.get_properties:
            names: set[str] = set()
            for method, node, loc in self._nodes.get(key, []):
                if method == "get":
                    names |= self._response_names(node, loc)
            self.get_properties[key] = names
        return self.get_properties[key]

    def _response_names(self, get: dict, loc: Loc) -> set[str]:
        names: set[str] = set()
        responses = get.get("responses")
        for code, response in (responses.items() if isinstance(responses, dict) else ()):
            if not str(code).startswith("2"):
                continue
            try:
                response, rloc = self.ws.deref(response, loc.child("responses", str(code)))
            except (PutlintError, RecursionError):
                continue
            schemas: list[tuple[Any, Loc]] = []
            if isinstance(response, dict) and isinstance(response.get("content"), dict):
                schemas = [(m["schema"], rloc.child("content", media, "schema"))
                           for media, m in response["content"].items()
                           if isinstance(m, dict) and "schema" in m]
            elif isinstance(response, dict) and "schema" in response:  # Swagger 2.0
                schemas = [(response["schema"], rloc.child("schema"))]
            for schema, sloc in schemas:
                names |= self._all_names(schema, sloc)
        return names

    def _all_names(self, schema: Any, loc: Loc) -> set[str]:
        """Top-level names, plus those of a single-object envelope (`{"firewall": {...}}`)."""
        names = self.top_names(schema, loc, wrappers=True)
        out = set(names)
        try:
            raw, rloc = self.ws.deref(schema, loc)
        except (PutlintError, RecursionError):
            return out
        props = raw.get("properties") if isinstance(raw, dict) else None
        if isinstance(props, dict) and len(props) <= 3:
            for name, entry in props.items():
                out |= self.top_names(entry, rloc.child("properties", name), 1, wrappers=True)
        return out

    def collections_creating(self, exclude_under: Iterable[str]) -> Iterable[str]:
        """Paths ending in a literal segment that a POST writes to (collections), except those
        under the given path prefixes."""
        skip = [segments(p) for p in exclude_under]
        for key, methods in self.methods.items():
            segs = segments(key)
            if "post" in methods and segs and segs[-1] != "{}" and \
                    not any(segs[:len(s)] == s for s in skip):
                yield key

    def generic_names(self) -> frozenset[str]:
        """Names the bodies of many of the spec's collections carry (Kubernetes' `apiVersion`,
        `kind`, `metadata`, `spec` on every object): shared by all, they tell one resource
        from another no better than `id` does."""
        if self._generic is None:
            collections = list(self.collections_creating([]))
            counts: dict[str, int] = {}
            for key in collections:
                for name in self.written_names(key):
                    counts[name] = counts.get(name, 0) + 1
            floor = max(GENERIC_MIN, GENERIC_SHARE * len(collections))
            self._generic = frozenset(n for n, c in counts.items() if c >= floor)
        return self._generic
