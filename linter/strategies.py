"""A hypothesis strategy from a JSON schema, for the keywords request bodies use.

hypothesis-jsonschema would be the library for this, but its last release (0.23.1) drives
private hypothesis internals that hypothesis 6.1xx removed (`many.more`), and it fails on every
object schema. So this module covers what OpenAPI request bodies use: types, properties and
required, items and sizes, enum/const, numeric and length bounds, patterns (hypothesis'
`from_regex`), the formats APIs care about, and allOf/anyOf/oneOf. It does not have to be
complete: callers filter with jsonschema (the oracle), so a body that slips past a keyword this
module ignores is dropped, never returned.

Strategies built from `st.fixed_dictionaries(..., optional=...)` and `st.lists` shrink the usual
way: optional properties go first, lists get shorter, strings and numbers smaller.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import math
from typing import Any

from hypothesis import provisional
from hypothesis import strategies as st

from linter import patterns

MAX_DEPTH = 8  # deeper than this, only required properties and minimal lists are drawn
MAX_BRANCHES = 256  # branches of one merged anyOf/oneOf (see _combine)
MAX_SIZE = 10_000  # no string or list of a generated body is larger (see search.MAX_EXAMPLE_SIZE)
EXTRA_ITEMS = 3  # lists get at most this many items beyond their minimum

_UTC = datetime.timezone.utc
FORMATS: dict[str, st.SearchStrategy[str]] = {
    "uuid": st.uuids().map(str),
    "date-time": st.datetimes(min_value=datetime.datetime(1970, 1, 2),
                              timezones=st.just(_UTC)).map(
        lambda d: d.replace(microsecond=0).isoformat().replace("+00:00", "Z")),
    "date": st.dates(min_value=datetime.date(1970, 1, 2)).map(datetime.date.isoformat),
    "time": st.times().map(lambda t: t.replace(microsecond=0).isoformat() + "Z"),
    "email": st.emails(),
    # lower case: servers compare host names without case, so two that differ only in case
    # would be one
    "hostname": provisional.domains().map(str.lower),
    "idn-hostname": provisional.domains().map(str.lower),
    "uri": provisional.domains().map("https://{}/".format),
    "url": provisional.domains().map("https://{}/".format),
    "uri-reference": provisional.domains().map("https://{}/".format),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "byte": st.binary(min_size=1, max_size=24).map(
        lambda b: base64.b64encode(b).decode("ascii")),
}
_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_KEY = st.characters(codec="ascii", categories=("Ll", "Lu", "Nd"))
_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


def from_schema(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values meant to match `schema` (a schema without `$ref`s: see bodies.py)."""
    if schema is False:
        return st.nothing()
    if not isinstance(schema, dict):
        return _scalars()
    if "allOf" in schema:
        return from_schema(merge(schema), depth)
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            rest = {k: v for k, v in schema.items() if k != key}
            return st.one_of([from_schema(merge({"allOf": [rest, b]}), depth)
                              for b in branches])
    given = _examples(schema)
    if given:
        # the spec's own examples first: hypothesis shrinks towards the first branch, so a
        # set-up body uses them whenever the whole body then validates
        rest = {k: v for k, v in schema.items() if k not in ("example", "examples")}
        fitting = [e for e in given if _fits(e, rest)]  # generation's constraints included
        return st.one_of([*(st.just(e) for e in fitting), from_schema(rest, depth)])
    if "const" in schema:
        return st.just(schema["const"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        # a critical string's presence is `minLength: 1` beside the spec's enum (bodies.py):
        # an enum that lists "" must not give it back as the "full" value
        low = schema.get("minLength")
        values = [v for v in schema["enum"] if not (
            isinstance(v, str) and isinstance(low, int) and len(v) < low)]
        return st.sampled_from(values) if values else st.nothing()
    types = schema.get("type", _guess_types(schema))
    types = [types] if isinstance(types, str) else [t for t in types if t in _TYPES]
    return st.one_of([_of_type(t, schema, depth) for t in types]) if types else st.nothing()


def _examples(schema: dict) -> list[Any]:
    """The schema's `example` and `examples` (a list, as JSON Schema writes them)."""
    out = [schema["example"]] if "example" in schema else []
    if isinstance(schema.get("examples"), list):
        out += schema["examples"][:5]
    return out


def _fits(value: Any, schema: dict) -> bool:
    """Does an example satisfy the schema as generation constrains it (critical fields
    present, content where content is wanted)?"""
    from jsonschema import Draft202012Validator

    try:
        return bool(Draft202012Validator(schema).is_valid(value))
    except Exception:  # a schema jsonschema cannot use: the generated branch decides
        return False


def _guess_types(schema: dict) -> list[str]:
    if "properties" in schema or "required" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    if any(k in schema for k in ("pattern", "format", "minLength", "maxLength")):
        return ["string"]
    return ["string", "integer", "boolean", "object", "array"]


def _of_type(kind: str, schema: dict, depth: int) -> st.SearchStrategy[Any]:
    if kind == "object":
        return _object(schema, depth)
    if kind == "array":
        return _array(schema, depth)
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return st.booleans()
    return st.none()


def _object(schema: dict, depth: int) -> st.SearchStrategy[dict]:
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = [r for r in schema.get("required", []) if isinstance(r, str)]
    extra = schema.get("additionalProperties", True)
    mandatory = {name: from_schema(props.get(name, extra if extra is not False else True),
                                   depth + 1) for name in required}
    optional = {} if depth >= MAX_DEPTH else {
        name: from_schema(sub, depth + 1) for name, sub in props.items()
        if name not in mandatory and sub is not False}
    out = st.fixed_dictionaries(mandatory, optional=optional)
    low = _size(schema.get("minProperties"), 0)
    if low is None:
        return st.nothing()
    if low <= len(mandatory):
        return out
    missing = low - len(mandatory) - len(optional)
    if extra is not False and missing > 0:  # undeclared keys make up what declared ones cannot
        keys = st.text(_KEY, min_size=1, max_size=6).filter(lambda k: k not in props)
        extras = st.dictionaries(keys, from_schema(extra, depth + 1), min_size=missing,
                                 max_size=missing)
        out = st.tuples(extras, out).map(lambda pair: {**pair[0], **pair[1]})
    return out.filter(lambda d: len(d) >= low)


def _array(schema: dict, depth: int) -> st.SearchStrategy[list]:
    low = _size(schema.get("minItems"), 0)
    if low is None:
        return st.nothing()
    cap = low + (EXTRA_ITEMS if depth < MAX_DEPTH else 0)
    high = min(_size(schema.get("maxItems"), cap, up=False) or 0, cap)
    items = schema.get("items", True)
    unique = schema.get("uniqueItems") is True
    elements = from_schema(items, depth + 1)
    if elements.is_empty:
        return st.just([]) if low == 0 else st.nothing()
    return st.lists(elements, min_size=low, max_size=max(high, low),
                    unique_by=_canonical if unique else None)


def _canonical(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)


def _string(schema: dict) -> st.SearchStrategy[str]:
    high = _size(schema.get("maxLength"), None, up=False)
    # a string with no minimum still gets a character: real servers refuse "" where they
    # want content, and nothing here can tell where they do not
    low = _size(schema.get("minLength"), 0 if high == 0 else 1)
    if low is None:
        return st.nothing()
    fmt = schema.get("format")
    if isinstance(schema.get("pattern"), str):
        # Only patterns RE2 runs: the validator could not check any other (linter.patterns).
        if patterns.compiled(schema["pattern"]) is None:
            return st.nothing()
        try:
            base = st.from_regex(schema["pattern"], fullmatch=True)
        except Exception:  # a pattern Python's re cannot read: jsonschema rejects it too
            return st.nothing()
    elif fmt in FORMATS:
        base = FORMATS[fmt]
    else:
        return st.text(_TEXT, min_size=low, max_size=high if high is not None else low + 12)
    return base.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))


def _size(value: Any, default: int | None, up: bool = True) -> int | None:
    """A size keyword as a count hypothesis can build; None for one no value can meet (or
    one past MAX_SIZE: no generated body is that large)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value:
        return default
    if value > MAX_SIZE:
        return None if up else default
    if value <= 0:  # minus infinity included
        return 0
    return math.ceil(value) if up else math.floor(value)


def _number(schema: dict, kind: str) -> st.SearchStrategy[Any]:
    try:
        strategy = _bounded_number(schema, kind)
        strategy.validate()
        return strategy
    except Exception:  # bounds no number meets, or NaN/infinite/huge ones floats cannot take
        return st.nothing()


def _bounded_number(schema: dict, kind: str) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
        low = ex_low if low is None else max(low, ex_low)
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
        high = ex_high if high is None else min(high, ex_high)
    if kind == "integer":
        lo = None if low is None else math.floor(low) + (1 if low == ex_low else 0)
        if lo is not None and low is not None and lo < low:
            lo += 1
        hi = None if high is None else math.ceil(high) - (1 if high == ex_high else 0)
        if hi is not None and high is not None and hi > high:
            hi -= 1
        return st.integers(lo, hi)
    return st.floats(low, high, allow_nan=False, allow_infinity=False,
                     exclude_min=low is not None and low == ex_low,
                     exclude_max=high is not None and high == ex_high)


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.text(_TEXT, min_size=1, max_size=8), st.integers(), st.booleans())


def merge(schema: dict) -> Any:
    """Fold `allOf` into one schema: properties merged, required and bounds combined.

    Approximate where schemas conflict in ways this cannot express (the caller's jsonschema
    filter has the last word); exact for the usual `allOf: [Base, {extra properties}]`.
    """
    parts = [{k: v for k, v in schema.items() if k != "allOf"}]
    for sub in schema.get("allOf", []):
        if sub is False:
            return False
        if isinstance(sub, dict):
            sub = merge(sub) if "allOf" in sub else sub
            if sub is False:
                return False
            parts.append(sub)
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            _combine(out, key, value)
    return out


def _types(value: Any) -> set[str]:
    kinds = {value} if isinstance(value, str) else set(value)
    return kinds | {"integer"} if "number" in kinds else kinds


def _combine(out: dict, key: str, value: Any) -> None:
    if key not in out:
        out[key] = value
    elif key == "properties" and isinstance(value, dict):
        props = dict(out[key])
        for name, sub in value.items():
            props[name] = merge({"allOf": [props[name], sub]}) if name in props else sub
        out[key] = props
    elif key == "required":
        out[key] = list(dict.fromkeys([*out[key], *value]))
    elif key == "type":
        out[key] = sorted(_types(out[key]) & _types(value), key=_TYPES.index)
    elif key in ("minItems", "minLength", "minProperties", "minimum"):
        out[key] = max(out[key], value)
    elif key in ("maxItems", "maxLength", "maxProperties", "maximum"):
        out[key] = min(out[key], value)
    elif key in ("anyOf", "oneOf") and isinstance(value, list):
        # (a1 | a2) & (b1 | b2) = (a1 & b1) | (a1 & b2) | ...: the jsonschema filter sorts out
        # oneOf's exclusivity
        # oneOf's exclusivity; 40 allOf parts of two branches each would be 2^40 products,
        # so at most MAX_BRANCHES are kept (fewer kinds of bodies, never an invalid one)
        out[key] = list(itertools.islice(
            ({"allOf": [a, b]} for a in out[key] for b in value), MAX_BRANCHES))
    elif key in ("items", "additionalProperties"):
        if out[key] is False or value is False:
            out[key] = False
        elif isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = merge({"allOf": [out[key], value]})
        elif isinstance(value, dict):  # `true` and a schema: the schema
            out[key] = value
