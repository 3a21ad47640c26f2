"""A malformed keyword that would change a verdict is said at its place and read the way that
finds a problem (trial s5, sections 1.5 and 1.6: `required: snis` and `nullable: yes` passed
silently as "required" and "not nullable")."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from linter.bundle import Bundler
from linter.cli import app
from linter.refs import Loc, Workspace

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

TRIAL_1_5 = """openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: snis              # should be [snis]
              properties:
                cert: {type: string}
                snis: {type: array, minItems: 1, x-critical: true, items: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}}
"""

TRIAL_1_6 = """openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [snis]
              properties:
                snis:
                  type: array
                  minItems: 1
                  nullable: yes
                  x-critical: true
                  items: {type: string}
      responses: {"200": {description: ok}, "400": {description: bad}}
"""


def run(tmp_path: Path, text: str, *args: str, name: str = "api.yaml") -> tuple[int, str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["check", name, *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_trial_1_5_a_scalar_required_is_said_and_requires_nothing(tmp_path: Path) -> None:
    code, out = run(tmp_path, TRIAL_1_5)
    assert code == 1, out
    assert ("api.yaml:12:15: warning: required must be a list of property names "
            "(required: [a, b]), not 'snis'; putlint reads it as absent") in out
    assert "api.yaml:15:17: PUT001 [error] critical field 'snis' is not required" in out
    _, table = run(tmp_path, TRIAL_1_5, "-f", "markdown")
    assert "✅ required" not in table


def test_check_validate_reports_both_the_schema_error_and_the_keyword(tmp_path: Path) -> None:
    code, out = run(tmp_path, TRIAL_1_5, "--validate")
    assert code == 2, out
    assert "error: invalid OpenAPI" in out
    assert "api.yaml:12:15: warning: required must be a list of property names" in out


@pytest.mark.parametrize(("value", "reading"), [
    ("yes", "true (what the word says)"), ('"true"', "true (what the word says)"),
    ("on", "true (what the word says)"), ("1", "true (the reading that hides no finding)"),
    ("maybe", "true (the reading that hides no finding)")])
def test_trial_1_6_a_nullable_that_is_not_a_boolean_is_said_and_admits_null(
        tmp_path: Path, value: str, reading: str) -> None:
    code, out = run(tmp_path, TRIAL_1_6.replace("nullable: yes", f"nullable: {value}"))
    assert code == 1, out
    assert "api.yaml:17:19: warning: nullable must be true or false, not " in out
    assert f"putlint reads it as {reading}" in out
    assert "api.yaml:14:17: PUT002 [error] critical field 'snis' accepts null" in out


def test_a_word_for_false_is_read_as_false_but_still_said(tmp_path: Path) -> None:
    code, out = run(tmp_path, TRIAL_1_6.replace("nullable: yes", "nullable: 'no'"))
    assert code == 0 and "PUT002" not in out
    assert "api.yaml:17:19: warning: nullable must be true or false, not 'no'; putlint reads " \
        "it as false (what the word says)" in out


def test_x_nullable_in_swagger_2_is_read_the_same_way(tmp_path: Path) -> None:
    spec = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/c/{id}": {
        "put": {"parameters": [
            {"name": "id", "in": "path", "required": True, "type": "string"},
            {"name": "body", "in": "body", "required": True, "schema": {
                "type": "object", "required": ["snis"], "properties": {"snis": {
                    "type": "array", "minItems": 1, "x-nullable": "true",
                    "x-critical": True, "items": {"type": "string"}}}}}],
            "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}}}
    code, out = run(tmp_path, json.dumps(spec, indent=1), name="api.json")
    assert code == 1 and "PUT002" in out, out
    assert "warning: x-nullable must be true or false, not 'true'" in out


# -- the keywords one by one, through the bundler ---------------------------------------------

def bundle(tmp_path: Path, schema: dict, version: str = "3.0") -> tuple[dict, list[str]]:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"s": schema}), encoding="utf-8")
    ws = Workspace(path, tmp_path)
    bundler = Bundler(ws, version)
    out = bundler.bundle(schema, Loc(ws.root, ("s",)))
    return out.schema, [e.message for e in bundler.typos.values()]


VALID = {
    "required": st.lists(st.text(max_size=5), max_size=3),
    "nullable": st.booleans(), "x-nullable": st.booleans(),
    "readOnly": st.booleans(), "writeOnly": st.booleans(),
    "minItems": st.integers(0, 10), "minLength": st.integers(0, 10),
    "minProperties": st.integers(0, 10),
    "type": st.sampled_from(["string", "number", "integer", "boolean", "array", "object",
                             ["string", "null"]]),
}
scalar = st.one_of(st.text(max_size=6), st.integers(-5, 5), st.floats(allow_nan=False),
                   st.none(), st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
MALFORMED = {
    "required": st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none(),
                          st.lists(st.one_of(st.integers(), st.none()), min_size=1, max_size=2)),
    "nullable": scalar, "x-nullable": scalar, "readOnly": scalar, "writeOnly": scalar,
    "minItems": st.one_of(st.text(max_size=3), st.integers(max_value=-1), st.booleans(),
                          st.floats(allow_nan=False).filter(lambda f: not f.is_integer())),
    "minLength": st.one_of(st.text(max_size=3), st.integers(max_value=-1), st.none()),
    "minProperties": st.one_of(st.text(max_size=3), st.integers(max_value=-1)),
    "type": st.one_of(st.text(max_size=6).filter(lambda t: t not in VALID_TYPES), st.integers(),
                      st.just([]), st.just(["string", "strng"])),
}
FIXTURE = [HealthCheck.function_scoped_fixture]  # tmp_path only holds one rewritten file
VALID_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")


@given(key=st.sampled_from(sorted(VALID)), data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE)
def test_a_well_formed_keyword_is_never_said(tmp_path: Path, key: str,
                                             data: st.DataObject) -> None:
    value = data.draw(VALID[key])
    _, said = bundle(tmp_path, {"type": "object", key: value} if key != "type" else {key: value})
    assert said == []


@given(key=st.sampled_from(sorted(MALFORMED)), data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE)
def test_a_malformed_keyword_is_said_once_and_read_conservatively(
        tmp_path: Path, key: str, data: st.DataObject) -> None:
    value = data.draw(MALFORMED[key])
    schema, said = bundle(tmp_path, {"type": "array", key: value, "items": {}} if key != "type"
                          else {key: value})
    assert len(said) == 1 and said[0].startswith(f"{key} must be "), said
    if key in ("required", "type", "minItems", "minLength", "minProperties"):
        assert key not in schema  # read as absent: it constrains nothing
    else:
        word = str(value).strip().lower() if isinstance(value, (str, int)) else None
        expected = word not in ("false", "no", "n", "off", "0")
        got = schema.get(key) if key in ("readOnly", "writeOnly") else "anyOf" in schema
        assert got is expected, (value, schema)
