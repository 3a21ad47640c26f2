"""What suggestions read from a bundled request schema: the kind of a field, whether it is
decided, required or read-only, and the fields of a body, looked into through wrappers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.bundle import closure

# Objects that only wrap the resource's real fields: Kubernetes' `spec`, Azure ARM's
# `properties`, JSON:API's `data`. Their fields are judged as if they were top-level. A body
# whose only property is an object is wrapped the same way, whatever the wrapper's name
# (S3's `{"PublicAccessBlockConfiguration": {...}}`, XML's root element): `sole_wrapper`.
WRAPPERS = frozenset({"spec", "properties", "data"})
MAX_DEPTH = 2  # fields below the wrappers, and one level below them (`tls.hosts`)
MAX_WRAPPERS = 2  # `properties.spec.x` at most: a schema that wraps itself ends there


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


def is_setting(node: Any, root: dict) -> bool:
    """A boolean or an enumerated value: a switch a replace resets when left out."""
    parts = list(closure(node, root))
    if _types(node, root) - {"boolean", "string", "integer", "null"}:
        return False
    return "boolean" in _types(node, root) or any(isinstance(p.get("enum"), list) and
                                                  len(p["enum"]) > 1 for p in parts)


def schema_default(node: Any, root: dict) -> tuple[bool, Any]:
    """(has one, value) for the `default` written in the schema."""
    for part in closure(node, root):
        if "default" in part:
            return True, part["default"]
    return False, None


def decided(node: Any, root: dict) -> bool:
    """Has somebody already said whether this field is critical (`x-critical`, true or false)?"""
    return any("x-critical" in part for part in closure(node, root))


def read_only(node: Any, root: dict) -> bool:
    return any(part.get("readOnly") is True for part in closure(node, root))


def _entries(node: Any, root: dict) -> Iterator[tuple[str, Any, bool]]:
    """(name, schema, required) of the properties an object schema is made of."""
    for part in closure(node, root):
        props = part.get("properties")
        required = part.get("required") if isinstance(part.get("required"), list) else []
        for name, entry in (props.items() if isinstance(props, dict) else ()):
            yield str(name), entry, name in required


def property_names(node: Any, root: dict) -> set[str]:
    """The writable property names of an object schema (its shape, for comparing items)."""
    return {name for name, entry, _ in _entries(node, root) if not read_only(entry, root)}


def properties(schema: dict, depth: int = MAX_DEPTH,
               wrappers: frozenset[str] = frozenset()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, property schema) of an object body, each path once. Objects named in `wrappers`
    at the top are looked into without counting as a level (and are not fields themselves)."""
    seen: set[tuple[str, ...]] = set()

    def walk(node: Any, prefix: tuple[str, ...], level: int, wrapped: int
             ) -> Iterator[tuple[tuple, Any]]:
        for name, entry, _ in _entries(node, schema):
            path = (*prefix, name)
            if path in seen:
                continue
            seen.add(path)
            is_object = kind_of(entry, schema) == "object"
            if wrapped and name in wrappers and is_object:
                yield from walk(entry, path, level, wrapped - 1)
                continue
            yield path, entry
            if level + 1 < depth and is_object:
                yield from walk(entry, path, level + 1, 0)

    yield from walk(schema, (), 0, MAX_WRAPPERS)


def sole_wrapper(schema: Any) -> str | None:
    """The name of a body's only property when that property is an object with fields of its
    own: the body wraps the resource (`{"CORSConfiguration": {"CORSRules": [...]}}`)."""
    entries = list(_entries(schema, schema)) if isinstance(schema, dict) else []
    if len({name for name, _, _ in entries}) != 1:
        return None
    name, entry, _ = entries[0]
    if kind_of(entry, schema) != "object" or not property_names(entry, schema):
        return None
    return name


def wrappers_of(schema: Any) -> frozenset[str]:
    """The wrapper names a body is looked into through: the known ones and its sole one."""
    sole = sole_wrapper(schema)
    return WRAPPERS | {sole} if sole else WRAPPERS


def own_path(path: tuple[str, ...], wrappers: frozenset[str] = WRAPPERS) -> tuple[str, ...]:
    """The path below the leading wrappers: `properties.accessPolicies` -> `accessPolicies`."""
    i = 0
    while i < len(path) - 1 and path[i] in wrappers:
        i += 1
    return path[i:]


def required_names(node: Any, root: dict, depth: int = 0) -> set[str]:
    """Names an object must carry: its own `required`, every allOf part's, and those every
    branch of an anyOf/oneOf requires (a `null` branch aside: nullable wraps so)."""
    if not isinstance(node, dict) or depth > 32:
        return set()
    names = {str(n) for n in node.get("required") or [] if isinstance(n, str)}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        names |= required_names(root.get("$defs", {}).get(ref[len("#/$defs/"):]), root,
                                depth + 1)
    for part in node.get("allOf") or []:
        names |= required_names(part, root, depth + 1)
    for key in ("anyOf", "oneOf"):
        branches = [b for b in node.get(key) or [] if not (isinstance(b, dict) and
                                                           b.get("type") == "null")]
        if branches:
            names |= set.intersection(*(required_names(b, root, depth + 1) for b in branches))
    return names


def entry_at(schema: dict, path: tuple[str, ...]) -> Any:
    """The schema of the property at `path` (the body itself for `()`), None when absent."""
    node: Any = schema
    for step in path:
        node = next((entry for name, entry, _ in _entries(node, schema) if name == step), None)
        if node is None:
            return None
    return node


def required(schema: dict, path: tuple[str, ...]) -> bool:
    """Must a body carry every step of the path?"""
    node: Any = schema
    for step in path:
        if step not in required_names(node, schema):
            return False
        found = [entry for name, entry, _ in _entries(node, schema) if name == step]
        if not found:
            return False
        node = found[0]
    return True


def nullable(node: Any, root: dict) -> bool:
    return "null" in _types(node, root)


# SCIM (RFC 7643): a resource's `groups` (§4.1.2), `meta` and `id` are read-only — the
# service provider manages them (a user's groups through the Group resource) — and `schemas`
# is the list of the resource's schema URNs, whatever the spec forgot to mark.
SCIM_SERVER_MANAGED = frozenset({"groups", "meta", "id", "schemas"})


def scim_body(schema: dict, media_type: str, op_path: str) -> bool:
    """A SCIM resource: sent as `application/scim+json`, or a body with `schemas` under a
    `/scim/` path."""
    if "scim" in media_type.lower():
        return True
    names = {name for name, _, _ in _entries(schema, schema)}
    return "schemas" in names and "scim" in op_path.lower().split("/")
