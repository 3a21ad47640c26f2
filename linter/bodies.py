"""Request bodies for live tests: the schema hypothesis generates from, and omission variants.

A generated body must be one a real client would send, so the generation schema differs from
the validation schema in three ways (validity is still checked against the real schema):

* `$ref`s are inlined; a schema that refers to itself is cut at its second level (the
  recursive property is then left out, or generation fails when it is required);
* properties that are `readOnly` are never generated, and no undeclared property is invented
  (`additionalProperties: false` wherever the schema lists properties and says nothing, except
  in and around `allOf`/`anyOf`/`oneOf`, where closing one part would forbid the others);
* every critical field is present, not null and, for a collection, not empty.
"""

from __future__ import annotations

import copy
from typing import Any

from linter.errors import PutlintError
from linter.search import ITEMS, Form

COMBINATORS = ("allOf", "anyOf", "oneOf")
NOT_NULL = ["object", "array", "string", "number", "integer", "boolean"]
MAX_INLINE_DEPTH = 64


# Nodes the inlined schema may have: a schema that uses the same $ref twice at each of 40
# levels inlines to 2^40 nodes.
MAX_INLINE_NODES = 200_000


def generation_schema(schema: dict, critical: list[tuple[str, ...]], members: int = 1,
                      maps: frozenset[tuple[str, ...]] = frozenset()) -> Any:
    """The bundled request schema, inlined and constrained for full, realistic bodies: a
    critical list (or a critical map: a path in `maps`) holds at least `members` distinct
    members (two for shrink cases)."""
    budget = [MAX_INLINE_NODES]
    inlined = _content(_inline(schema, schema, (), 0, budget=budget))
    constraints = [_presence(path, members, path in maps) for path in critical]
    if not constraints:
        return inlined
    return {"allOf": [inlined, *constraints]}


def _inline(node: Any, root: dict, stack: tuple[str, ...], depth: int,
            composed: bool = False, budget: list[int] | None = None) -> Any:
    budget = budget if budget is not None else [MAX_INLINE_NODES]
    if depth > MAX_INLINE_DEPTH:
        return False
    budget[0] -= 1
    if budget[0] < 0:
        raise PutlintError(f"the request schema has over {MAX_INLINE_NODES:,} nodes once its "
                           "$refs are written out: too large to generate test bodies from")
    if isinstance(node, list):
        return [_inline(v, root, stack, depth + 1, budget=budget) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    combined = composed or any(k in node for k in COMBINATORS)
    for key, value in node.items():
        if key in ("$defs", "$ref", "$schema", "$id", "$comment") or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties", "dependentSchemas", "$defs") and \
                isinstance(value, dict):
            out[key] = {k: _inline(v, root, stack, depth + 1, budget=budget)
                        for k, v in value.items()}
        elif key in ("enum", "const", "required", "default", "examples", "example"):
            out[key] = value  # data, not schemas
        elif key in COMBINATORS and isinstance(value, list):
            out[key] = [_inline(v, root, stack, depth + 1, True, budget) for v in value]
        else:
            out[key] = _inline(value, root, stack, depth + 1, budget=budget)
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: (False if _read_only(v) else v)
                             for k, v in out["properties"].items()}
        if not combined and "additionalProperties" not in out and "patternProperties" not in out:
            out["additionalProperties"] = False
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref[len("#/$defs/"):].replace("~1", "/").replace("~0", "~")
        if stack.count(name) >= 1:  # recursion: one level deep is enough for a test body
            return False
        target = _inline(root.get("$defs", {}).get(name, True), root, (*stack, name),
                         depth + 1, composed or bool(out), budget)
        return {"allOf": [out, target]} if out else target
    return out


def _read_only(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("readOnly") is True or any(
        _read_only(s) for s in schema.get("allOf", []) if isinstance(s, dict))


def _presence(path: tuple[str, ...], members: int = 1, is_map: bool = False) -> dict:
    """A schema that holds when the field at `path` is present, not null and not empty."""
    if not path:
        out: dict[str, Any] = {"type": NOT_NULL, "minItems": members,
                               "minProperties": members if is_map else 1, "minLength": 1}
        if members > 1:
            out["uniqueItems"] = True
        return out
    step, rest = path[0], path[1:]
    if step == ITEMS:
        return {"type": "array", "minItems": 1, "items": _presence(rest, members, is_map)}
    return {"type": "object", "required": [step],
            "properties": {step: _presence(rest, members, is_map)}}


def is_map(schema: Any) -> bool:
    """Is this property schema a map (`additionalProperties` and no declared properties)?"""
    return isinstance(schema, dict) and not schema.get("properties") and \
        isinstance(schema.get("additionalProperties"), dict)


def _content(node: Any) -> Any:
    """Ask for content where a real server wants it: a string without `minLength` gets one
    character at least, a list without `minItems` one item (when its `maxItems` allows). Only
    generation reads this: validity is still checked against the spec's own schema."""
    if isinstance(node, list):
        return [_content(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k in ("enum", "const", "required", "default", "examples", "example")
               else {n: _content(s) for n, s in v.items()}
               if k in ("properties", "patternProperties") and isinstance(v, dict)
               else _content(v)) for k, v in node.items()}
    kinds = out.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    if "string" in kinds and "minLength" not in out and "enum" not in out and "const" not in out:
        out["minLength"] = 1
    if "array" in kinds and "minItems" not in out and out.get("maxItems", 1) != 0:
        out["minItems"] = 1
    return out


def value_at(body: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    """(found, value) at a field path; an ITEMS step looks into the first element."""
    for step in path:
        if step == ITEMS:
            if not isinstance(body, list) or not body:
                return False, None
            body = body[0]
        elif isinstance(body, dict) and step in body:
            body = body[step]
        else:
            return False, None
    return True, body


def with_form(body: Any, path: tuple[str, ...], form: Form) -> Any | None:
    """A copy of `body` with the field at `path` left out, nulled or emptied.

    An ITEMS step changes the first element. None when the form does not apply: the field is
    not in the body, or "empty" asked of a value that is neither a collection nor a string
    (a string's empty is `""`, judged by `on-empty` as `[]` and `{}` are).
    """
    found, value = value_at(body, path)
    if not found or not path:
        return None
    if form is Form.EMPTY and not isinstance(value, (list, dict, str)):
        return None
    variant = copy.deepcopy(body)
    parent = value_at(variant, path[:-1])[1]
    last = path[-1]
    if last == ITEMS:  # the path ends in an item: null or empty the first one
        if form is Form.ABSENT:
            return None
        parent[0] = None if form is Form.NULL else type(value)()
    elif form is Form.ABSENT:
        del parent[last]
    else:
        parent[last] = None if form is Form.NULL else type(value)()
    return variant


def with_fewer(body: Any, path: tuple[str, ...]) -> Any | None:
    """A copy of `body` whose collection at `path` keeps only its first member; None when
    it is no list or map of two members or more."""
    found, value = value_at(body, path)
    if not found or not path or not isinstance(value, (list, dict)) or len(value) < 2:
        return None
    variant = copy.deepcopy(body)
    parent = value_at(variant, path[:-1])[1]
    first = value[:1] if isinstance(value, list) else dict(list(value.items())[:1])
    if path[-1] == ITEMS:
        parent[0] = first
    else:
        parent[path[-1]] = first
    return variant


def concrete(path: tuple[str, ...]) -> str:
    """The field a variant changes, as a path into the body: `certificates[0].snis`."""
    out = ""
    for step in path:
        out += "[0]" if step == ITEMS else ("." + step if out else step)
    return out
