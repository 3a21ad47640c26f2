"""The static verdicts agree with a jsonschema oracle on generated schemas.

Hypothesis generates body schemas (nested objects, arrays, allOf/oneOf/anyOf, required,
nullable, not-null, minItems, enum/const, not, if/then, and $ref including cycles) and a field path.
The oracle knows nothing of putlint's analysis: it enumerates small JSON bodies over the keys
and constants the schema mentions, smallest first, and asks jsonschema which are valid.

* whenever the oracle finds a valid body that omits / nulls / empties the path (empty: `[]`,
  `{}` or `""` at the field, or `[]` at a list above it), putlint must say the form is
  possible;
* whenever putlint says it is possible, its example must be valid and have the form;
* on schemas this small, putlint must always reach a verdict.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from linter.cli import app
from linter.search import Form, decide

KEYS = ("a", "b")
REF = {"$ref": "#/$defs/D"}

# --- schema generation -----------------------------------------------------------------------

leaves = st.sampled_from([
    {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"enum": ["x", "y"]},
    {"const": 1}, {}, {"type": "null"}, {"not": {"type": "null"}},
    {"properties": {"a": {"type": "string"}}, "not": {"type": "null"}},
    # strings and "": minLength, a pattern that admits "" or does not, an enum that lists it
    {"type": "string", "minLength": 1}, {"type": "string", "pattern": "^x*$"},
    {"type": "string", "pattern": "^x+$"}, {"enum": ["", "x"]},
])


def _object(props: dict, required: list, typed: bool, closed: bool) -> dict:
    schema: dict[str, Any] = {"properties": props}
    if required:
        schema["required"] = required
    if typed:
        schema["type"] = "object"
    if closed:
        schema["additionalProperties"] = False
    return schema


def _nullable(schema: dict) -> dict:
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _not_null(schema: dict) -> dict:
    """How the bundle writes a 2.0/3.0 schema without `type`: any value but null."""
    if "not" in schema:
        return {**schema, "allOf": [*schema.get("allOf", []), {"not": {"type": "null"}}]}
    return {**schema, "not": {"type": "null"}}


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    keys = st.sampled_from(KEYS)
    # A $ref to D only below properties or items: recursion guarded by the instance's depth,
    # as in real recursive schemas (an unguarded one loops jsonschema itself).
    guarded = st.one_of(children, st.just(REF))
    objects = st.builds(_object, st.dictionaries(keys, guarded, max_size=2),
                        st.lists(keys, unique=True, max_size=2), st.booleans(), st.booleans())
    arrays = st.builds(lambda items, low: {"type": "array", "items": items, "minItems": low},
                       guarded, st.integers(0, 1))
    compositions = st.builds(lambda key, branches: {key: branches},
                             st.sampled_from(["allOf", "oneOf", "anyOf"]),
                             st.lists(children, min_size=1, max_size=2))
    negations = st.builds(lambda s, k: {"allOf": [s, {"not": {"required": [k]}}]}, children, keys)
    conditionals = st.builds(
        lambda s, k, v: {"allOf": [s, {"if": {"properties": {k: {"const": "x"}}},
                                       "then": {"required": [v]}}]},
        children, keys, keys)
    return st.one_of(objects, arrays, compositions, children.map(_nullable), negations,
                     conditionals, children.map(_not_null))


bodies = st.recursive(leaves, _extend, max_leaves=7)


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict, tuple[str, ...]]:
    definition = draw(bodies)
    body = draw(st.one_of(bodies, st.just(REF)))
    schema = {**body, "$defs": {"D": definition}} if isinstance(body, dict) else body
    path = draw(st.sampled_from([("a",), ("b",), ("a", "b"), ("a", "[]"), ("a", "[]", "b"),
                                 ("a", "a")]))
    return schema, path


# --- the oracle --------------------------------------------------------------------------------

def _collect(schemas: list[Any], root: dict) -> list[dict]:
    """Every subschema that applies at one position, by union (semantics ignored)."""
    seen: list[dict] = []
    stack = list(schemas)
    while stack:
        s = stack.pop()
        if not isinstance(s, dict) or any(s is t for t in seen):
            continue
        seen.append(s)
        if s.get("$ref") == "#/$defs/D":
            stack.append(root["$defs"]["D"])
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend(s.get(key, []))
        for key in ("not", "if", "then", "else"):
            if key in s:
                stack.append(s[key])
    return seen


def _values(schemas: list[Any], root: dict, depth: int) -> Iterator[Any]:
    subs = _collect(schemas, root)
    constants: list[Any] = []
    for s in subs:
        constants.extend(s.get("enum", []))
        if "const" in s:
            constants.append(s["const"])
    yield from [None, True, 0, "s", "x", "", *constants, [], {}]
    if depth == 0:
        return
    items = [s["items"] for s in subs if "items" in s]
    if items:
        for v in _values(items, root, depth - 1):
            yield [v]
    keys = sorted({k for s in subs for k in (*s.get("properties", {}), *s.get("required", []))
                   if isinstance(k, str)} | set(KEYS))
    per_key = {}
    for k in keys:
        props = [s["properties"][k] for s in subs if k in s.get("properties", {})]
        per_key[k] = [_ABSENT, *list(itertools.islice(_values(props, root, depth - 1), 40))]
    for combo in itertools.product(*per_key.values()):
        obj = {k: v for k, v in zip(keys, combo, strict=True) if v is not _ABSENT}
        if obj:
            yield obj


_ABSENT = object()


def _form_of(body: Any, path: tuple[str, ...], form: Form) -> bool:
    """The oracle's own reading of the three forms. Empty is `[]`, `{}` or `""` at the field,
    or `[]` at a list on its path (no element carries the field then)."""
    if not path:
        return (form is Form.NULL and body is None) or (
            form is Form.EMPTY and body in ([], {}, "") and not isinstance(body, bool))
    head, rest = path[0], path[1:]
    if head == "[]":
        if form is Form.EMPTY and body == []:
            return True
        return isinstance(body, list) and any(
            (form is Form.NULL and e is None) or _form_of(e, rest, form) for e in body)
    if not isinstance(body, dict):
        return False
    if head not in body:
        return form is Form.ABSENT
    if form is Form.NULL and body[head] is None:
        return True
    return _form_of(body[head], rest, form)


def oracle(schema: dict, path: tuple[str, ...], form: Form, limit: int = 30000) -> Any:
    validator = Draft202012Validator(schema)
    for body in itertools.islice(_values([schema], schema, 3), limit):
        if _form_of(body, path, form) and validator.is_valid(body):
            return body
    return _ABSENT


# --- the properties ----------------------------------------------------------------------------

@settings(max_examples=max(400, settings().max_examples), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@example(({"properties": {"b": {"allOf": [{}, {"not": {"required": ["a"]}}]}},
           "required": ["a", "b"]}, ("a",)))
@example(({"oneOf": [{}, {"additionalProperties": False, "properties": {}}]}, ("a",)))
@example(({"$ref": "#/$defs/D", "$defs": {"D": {"type": "object", "required": ["b"],
                                                  "properties": {"b": REF}}}}, ("a",)))
@example(({"$ref": "#/$defs/D", "$defs": {"D": {
    "type": ["object", "null"], "required": ["a", "b"],
    "properties": {"a": REF, "b": REF}}}}, ("a",)))
@example(({"allOf": [{"properties": {}}, {"if": {"properties": {"a": {"const": "x"}}},
                                          "then": {"required": ["a"]}}]}, ("b",)))
@example(({"type": "object", "required": ["a"], "properties": {"a": {  # trial 1.3
    "type": "array", "items": {"type": "object", "required": ["b"], "properties": {
        "b": {"type": "array", "minItems": 1}}}}}}, ("a", "[]", "b")))
@example(({"type": "object", "required": ["a"],  # trial 1.7
           "properties": {"a": {"type": "string"}}}, ("a",)))
@given(cases())
def test_verdicts_agree_with_jsonschema_oracle(case: tuple[dict, tuple[str, ...]]) -> None:
    schema, path = case
    validator = Draft202012Validator(schema)
    for form in Form:
        verdict = decide(schema, path, form, validator.is_valid)
        if verdict.holds is None and verdict.why_open.startswith("every body built was refused"):
            # the conservative answer for keywords the search does not build for: reported as
            # undecided, never a wrong "cannot" (soundness is what is checked here)
            continue
        assert verdict.holds is not None, f"undecided: {form}"
        if verdict.holds:
            assert validator.is_valid(verdict.example)
            assert _form_of(verdict.example, path, form)
        else:
            witness = oracle(schema, path, form)
            assert witness is _ABSENT, f"{form.value}: oracle found {witness!r}"


def _required(schema: Any) -> set[str] | None:
    """Keys every valid object has, by putlint's search (None: no valid object at all)."""
    validator = Draft202012Validator(schema)
    out = set()
    for key in KEYS:
        if decide(schema, (key,), Form.ABSENT, validator.is_valid).holds is False:
            out.add(key)
    return out


@settings(max_examples=max(150, settings().max_examples // 4), deadline=None)
@given(bodies, bodies)
def test_oneof_requires_only_what_every_branch_requires(a: dict, b: dict) -> None:
    a, b = _objectify(a), _objectify(b)
    combined = _required({"anyOf": [a, b], "$defs": {"D": a}})
    assert combined == (_required({**a, "$defs": {"D": a}}) & _required({**b, "$defs": {"D": a}}))


@settings(max_examples=max(150, settings().max_examples // 4), deadline=None)
@given(bodies, bodies)
def test_allof_requires_what_any_branch_requires(a: dict, b: dict) -> None:
    a = {**_objectify(a), "required": ["a"]}
    b = {**_objectify(b), "required": ["b"]}
    combined = {"allOf": [a, b], "$defs": {"D": a}}
    assert _required(combined) == {"a", "b"}


def _objectify(schema: dict) -> dict:
    """A satisfiable object schema built around a generated one (kept as a property)."""
    return {"type": "object", "properties": {"a": schema, "b": {"type": "string"}}}


# --- nestings, through the rules ----------------------------------------------------------------
#
# A critical leaf below a chain of objects and arrays, each required or optional, each array
# with `minItems` 0 or 1, each level nullable or not. `putlint check` must report PUT001,
# PUT002 and PUT003 exactly when a small valid body leaves the field out, sends it (or a
# parent) as null, or sends it (or a list above it) empty; and a finding that names a parent
# must name one that the oracle can empty, null or leave out.

LEAVES = {
    "list": {"type": "array", "items": {"type": "string"}},
    "non-empty list": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "string": {"type": "string"},
    "non-empty string": {"type": "string", "minLength": 1},
    "hostname": {"type": "string", "format": "hostname"},  # format: an annotation
    "enum without ''": {"type": "string", "enum": ["a", "b"]},
    "pattern": {"type": "string", "pattern": "^[a-z]+$"},
}


@st.composite
def nestings(draw: st.DrawFn) -> tuple[dict, tuple[str, ...], list[tuple]]:
    """(body schema, field path, levels): levels innermost first, each (kind, required or
    minItems, nullable)."""
    schema: dict = dict(LEAVES[draw(st.sampled_from(sorted(LEAVES)))])
    schema["x-critical"] = True
    if draw(st.booleans()):
        schema = _nullable31(schema)
    path: tuple[str, ...] = ()
    levels = []
    for level in range(draw(st.integers(1, 4))):
        if level == 0 or draw(st.booleans()):  # x-critical marks a property, not items
            name, required = draw(st.sampled_from(KEYS)), draw(st.booleans())
            schema = {"type": "object", "properties": {name: schema, "c": {"type": "integer"}},
                      **({"required": [name]} if required else {})}
            path = (name, *path)
            levels.append(("object", required))
        else:
            low = draw(st.integers(0, 1))
            schema = {"type": "array", "items": schema, "minItems": low}
            path = ("[]", *path)
            levels.append(("array", low))
        if draw(st.booleans()):
            schema = _nullable31(schema)
    # the body itself is an object with the chain below a required property
    body = {"type": "object", "required": ["top"], "properties": {"top": schema}}
    return body, ("top", *path), levels


def _nullable31(schema: dict) -> dict:
    """Nullable the 3.1 way, keeping `x-critical` on the property schema itself."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def _small_values(schema: dict) -> Iterator[Any]:
    """Every small value of a nesting, by its structure alone (the oracle's enumeration)."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "null" in kinds:
        yield None
    if "object" in kinds:
        (name, sub), = ((k, v) for k, v in schema["properties"].items() if k != "c")
        yield {}
        for value in _small_values(sub):
            yield {name: value}
    if "array" in kinds:
        yield []
        for value in _small_values(schema["items"]):
            yield [value]
    if "string" in kinds:
        yield from ["", "a", "example.com"]


def _oracle_example(schema: dict, path: tuple[str, ...], form: Form) -> Any:
    validator = Draft202012Validator(schema)
    for body in _small_values(schema):
        if _form_of(body, path, form) and validator.is_valid(body):
            return body
    return _ABSENT


RULE_OF = {Form.ABSENT: "PUT001", Form.NULL: "PUT002", Form.EMPTY: "PUT003"}


def _check(tmp: Path, body: dict) -> list[dict]:
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/x/{id}": {"put": {
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "ok"}, "400": {"description": "no"}}}}}}
    (tmp / "api.json").write_text(json.dumps(spec), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp / "api.json"), "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


def _emptied(body: Any, parent: tuple[str, ...]) -> bool:
    """Is the list at ``parent`` (a prefix of the field's path, through lists' first
    elements) `[]` in ``body``?"""
    value = body
    for step in parent:
        if step == "[]":
            if not isinstance(value, list) or not value:
                return False
            value = value[0]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return False
    return value == []


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(nestings())
def test_a_field_that_can_disappear_through_a_parent_is_reported(
        tmp_path: Path, case: tuple[dict, tuple[str, ...], list[tuple]]) -> None:
    body, path, _ = case
    findings = _check(tmp_path, body)
    reported = {f["rule"]: f for f in findings}
    for form, rule in RULE_OF.items():
        witness = _oracle_example(body, path, form)
        assert (rule in reported) == (witness is not _ABSENT), (
            f"{rule}: oracle {witness!r}, findings {[f['message'] for f in findings]}")
        if rule in reported:
            example_body = reported[rule]["example"]
            assert Draft202012Validator(body).is_valid(example_body)
            assert _form_of(example_body, path, form)
    empty = reported.get("PUT003")
    if empty is not None and "its parent" in empty["message"]:
        # the parent named is the list the example sends as [], and the oracle agrees that
        # a valid body empties it
        parent = _named_parent(empty["message"], path)
        assert _emptied(empty["example"], parent)
        assert "add minItems: 1 to" in empty["message"]


def _named_parent(message: str, path: tuple[str, ...]) -> tuple[str, ...]:
    from linter.facts import dotted

    named = message.split("its parent '", 1)[1].split("'", 1)[0]
    prefixes = [path[:i] for i in range(1, len(path)) if dotted(path[:i]) == named]
    assert prefixes, f"{named!r} is no parent of {path}"
    return prefixes[-1]
