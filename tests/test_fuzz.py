"""Fuzzing the loader and the analysis: nothing but PutlintError ever escapes, and verdicts do
not depend on key order or on whether a schema is written inline or behind a `$ref`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linter.config import Options
from linter.engine import run
from linter.errors import PutlintError
from linter.reading import parse
from linter.source import looks_like_json
from tests.test_agreement import bodies

FUZZ = settings(max_examples=max(1500, settings().max_examples), deadline=None,
                suppress_health_check=list(HealthCheck))

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """Valid JSON or YAML, then maybe truncated, spliced or sprinkled with odd bytes."""
    value = draw(values)
    text = json.dumps(value) if draw(st.booleans()) else yaml.safe_dump(value)
    if draw(st.booleans()):
        text = "openapi: 3.0.3\n" + text if not text.startswith(("{", "[")) else text
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["cut", "insert", "flip"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
        elif data:
            data = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]
    return data


@FUZZ
@given(documents())
def test_loader_raises_only_its_own_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("spec.yaml", "spec.json"):
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                parse(path, name)
            except PutlintError as exc:
                assert exc.place is not None and exc.place.file == name


REFS = st.sampled_from(["#/components/schemas/A", "#/components/schemas/B",
                        "#/components/schemas/Missing", "#/paths", "other.yaml#/X",
                        "../escape.yaml", "https://example.com/x", "#/components/schemas/A/x",
                        "#", 42])


@st.composite
def shaky_schemas(draw: st.DrawFn, depth: int = 3) -> Any:
    """OpenAPI-ish schemas with random $refs, compositions and wrong types where types go."""
    choices = ["ref", "object", "array", "leaf", "junk"] + (["comp"] if depth else [])
    kind = draw(st.sampled_from(choices))
    if kind == "ref" or depth == 0:
        return {"$ref": draw(REFS)}
    if kind == "object":
        props = draw(st.dictionaries(st.sampled_from(["a", "snis", "c"]),
                                     shaky_schemas(depth - 1), max_size=3))
        return {"type": "object", "properties": props,
                "required": draw(st.one_of(st.lists(st.sampled_from(["a", "snis"])),
                                           st.just("snis"), st.none())),
                "x-critical": draw(st.sampled_from([True, False, None, {"on-omit": "purge"},
                                                    {"on-omit": "bogus"}, "yes"]))}
    if kind == "array":
        return {"type": "array", "items": draw(shaky_schemas(depth - 1)),
                "minItems": draw(st.sampled_from([0, 1, "1", None]))}
    if kind == "comp":
        key = draw(st.sampled_from(["allOf", "oneOf", "anyOf", "not", "if"]))
        branches = draw(st.lists(shaky_schemas(depth - 1), max_size=3))
        return {key: branches if key not in ("not", "if") else (branches or [{}])[0]}
    if kind == "junk":
        return draw(st.sampled_from([None, 3, "string", [], True, {"type": 7},
                                     {"nullable": True, "x-critical": True}]))
    return {"type": draw(st.sampled_from(["string", "integer", ["string", "null"], "file"]))}


@FUZZ
@given(shaky_schemas(), shaky_schemas(), shaky_schemas(),
       st.sampled_from(["3.0.3", "3.1.0", "2.0"]), st.booleans())
def test_engine_never_raises(body: Any, a: Any, b: Any, version: str, optional: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "api" / "spec.yaml"
        root.parent.mkdir()
        (root.parent / "other.yaml").write_text(yaml.safe_dump({"X": a}))
        if version == "2.0":
            spec = {"swagger": "2.0", "info": {"title": "t", "version": "1"},
                    "paths": {"/x/{id}": {"put": {"parameters": [
                        {"in": "body", "name": "b", "required": not optional, "schema": body},
                        {"in": "formData", "name": "snis", "type": "array",
                         "x-critical": True}],
                        "responses": {"200": {"description": "ok"}}}}},
                    "definitions": {"A": a, "B": b}}
        else:
            spec = {"openapi": version, "info": {"title": "t", "version": "1"},
                    "paths": {"/x/{id}": {"put": {
                        "requestBody": {"required": not optional,
                                        "content": {"application/json": {"schema": body}}},
                        "responses": {"200": {"description": "ok"}}}}},
                    "components": {"schemas": {"A": a, "B": b}}}
        root.write_text(yaml.safe_dump(spec))
        report = run([root], Options())  # input problems are errors in the report, never raised
        for error in report.errors:
            assert isinstance(error, PutlintError)


def _reversed(value: Any) -> Any:
    """The same JSON value with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def _spec(schema: Any, components: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/x/{id}": {"put": {
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": schema}}},
                "responses": {"400": {"description": "bad"}}}}},
            "components": {"schemas": components}}


def _verdicts(spec: dict[str, Any]) -> set[tuple[str, str | None]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.json"
        path.write_text(json.dumps(spec))
        report = run([path], Options())
        assert not report.errors, [str(e) for e in report.errors]
        return {(f.rule, f.field) for f in report.findings}


@FUZZ
@given(bodies, st.sampled_from([("a",), ("a", "b"), ("a", "[]", "b")]))
def test_verdicts_ignore_key_order_and_refs(body: dict, path: tuple[str, ...]) -> None:
    marked = {"type": "object", "required": ["a"] if len(path) > 1 else [],
              "properties": {path[0]: _mark(body, path[1:])}}
    defs = {"D": body}
    schema = _rewrite_refs(marked)
    inline = _verdicts(_spec(schema, _rewrite_refs(defs)))
    assert inline == _verdicts(_spec(_reversed(schema), _rewrite_refs(_reversed(defs))))
    moved = _verdicts(_spec({"$ref": "#/components/schemas/Body"},
                            {**_rewrite_refs(defs), "Body": schema}))
    assert inline == moved


def _mark(schema: Any, rest: tuple[str, ...]) -> Any:
    """Put the critical mark at the end of ``rest`` below ``schema`` (building what is needed)."""
    if not rest:
        return {"allOf": [schema], "x-critical": True}
    if rest[0] == "[]":
        return {"type": "array", "items": _mark(schema, rest[1:])}
    return {"type": "object", "properties": {rest[0]: _mark(schema, rest[1:])}}


def _rewrite_refs(value: Any) -> Any:
    """The generated `#/$defs/D` references, as an OpenAPI component reference."""
    if isinstance(value, dict):
        return {k: ("#/components/schemas/D" if k == "$ref" and v == "#/$defs/D"
                    else _rewrite_refs(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(v) for v in value]
    return value


def _json_oracle(text: str) -> tuple[Any, ...]:
    """What json.loads makes of a text: the data (key order included) and the number of
    duplicate keys, or the message and place of its refusal."""
    duplicates = []

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        result = dict(pairs)
        duplicates.extend([None] * (len(pairs) - len(result)))
        return result

    try:
        data = json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        return ("refused", f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
    return ("read", json.dumps(data), len(duplicates))


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    """JSON with repeated keys and any layout, then maybe broken where JSON's syntax is."""
    from tests.test_positions import json_trees, layouts, render

    text = render(draw(json_trees), draw(layouts), draw(st.booleans()))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + text[at + 1:]
        else:
            text = text[:at] + draw(st.sampled_from(list(',:{}[]" \n'))) + text[at:]
    return text


@FUZZ
@given(json_texts())
def test_json_parse_reads_and_refuses_what_json_loads_does(text: str) -> None:
    """The parse reads the top levels of a JSON document itself (to index them for
    positions): it must read exactly what json.loads reads, and refuse the rest with
    json.loads's own message and place."""
    assume(looks_like_json(text))  # else it is read as YAML (or is empty)
    expected = _json_oracle(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.json"
        path.write_text(text, encoding="utf-8")
        try:
            document = parse(path, "spec.json")
        except PutlintError as exc:
            assert exc.place is not None
            got: tuple[Any, ...] = ("refused", exc.message, exc.place.line, exc.place.column)
        else:
            got = ("read", json.dumps(document.data), len(document.warnings))
    assert got == expected, text
