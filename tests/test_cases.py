"""Omission cases: the strategies' bodies are valid, complete and realistic; variants have the
form they claim; the public API finds operations by id and by method + path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable
from jsonschema import Draft202012Validator, FormatChecker

from linter.bodies import generation_schema, with_form
from linter.cases import MediaCases, load_spec
from linter.config import Options
from linter.errors import PutlintError
from linter.search import ITEMS, Form, has_form
from linter.strategies import from_schema
from tests.test_agreement import cases
from tests.test_corpus import CORPUS, corpus_roots

ROOT = Path(__file__).resolve().parent.parent
FIXED = ROOT / "specs" / "konnect-certificates-fixed.yaml"
PURGING = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"


def _valid(schema: Any, body: Any) -> bool:
    return Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(body)


def _present(body: Any, path: tuple[str, ...]) -> bool:
    """The field is there, not null and, for a collection, not empty."""
    return not any(has_form(body, path, form) for form in Form)


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(cases(), st.data())
def test_generated_schemas_give_valid_full_bodies(case: tuple[dict, tuple[str, ...]],
                                                  data: st.DataObject) -> None:
    """On generated schemas (compositions, $ref cycles, nullable, not, if/then): every body the
    full-body strategy yields validates and carries the critical field, present and non-empty."""
    schema, path = case
    strategy = from_schema(generation_schema(schema, [path])).filter(
        lambda b: _valid(schema, b))
    body = data.draw(strategy)
    assert _valid(schema, body)
    assert _present(body, path), (schema, path, body)
    for form in Form:
        variant = with_form(body, path, form)
        if variant is not None:
            assert has_form(variant, path, form), (body, path, form, variant)


def _first(strategy: st.SearchStrategy, max_examples: int = 30) -> Any:
    return find(strategy, lambda _: True, settings=settings(
        database=None, max_examples=max_examples, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck)))


def _read_only_props(body: Any, schema: Any) -> bool:
    """Does `body` set a property its (bundled) schema marks readOnly, at the top level?"""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return isinstance(body, dict) and any(
        isinstance(props.get(k), dict) and props[k].get("readOnly") is True for k in body)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_real_schemas_give_valid_full_bodies() -> None:
    """On the request bodies of the corpus, critical marks planted on every property: a full
    body is found for most, and every one found validates (formats checked), holds every
    critical field and sets no readOnly property."""
    from tests.planting import planted_names

    tried = found = 0
    for path in corpus_roots():
        try:
            spec = load_spec(path, options=Options(critical=planted_names(path, limit=40)))
        except PutlintError:
            continue
        for op in spec.operations[:5]:
            media: MediaCases = op.media[0]
            tried += 1
            try:
                body = _first(media.full_bodies())
            except (NoSuchExample, Unsatisfiable):
                continue
            found += 1
            assert _valid(media.schema, body), (path, op.label)
            for field in media.fields:
                assert _present(body, field.field.path), (path, op.label, field.path, body)
            assert not _read_only_props(body, media.schema), (path, op.label, body)
    assert tried > 300
    assert found / tried > 0.9, (found, tried)


def test_formats_and_constraints_are_respected() -> None:
    schema = {"type": "object", "required": ["id", "at", "mail", "host", "site", "n", "kind",
                                             "code", "tags"],
              "properties": {
                  "id": {"type": "string", "format": "uuid"},
                  "at": {"type": "string", "format": "date-time"},
                  "mail": {"type": "string", "format": "email"},
                  "host": {"type": "string", "format": "hostname"},
                  "site": {"type": "string", "format": "uri"},
                  "n": {"type": "integer", "minimum": 3, "exclusiveMaximum": 7},
                  "kind": {"enum": ["a", "b"]},
                  "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
                  "tags": {"type": "array", "minItems": 2, "maxItems": 3, "uniqueItems": True,
                           "items": {"type": "string", "minLength": 1}},
                  "secret": {"type": "string", "writeOnly": True},
                  "created": {"type": "string", "readOnly": True}}}

    @settings(max_examples=100, deadline=None)
    @given(from_schema(generation_schema(schema, [])))
    def check(body: dict) -> None:
        assert _valid(schema, body), body
        assert re.fullmatch(r"[0-9a-f-]{36}", body["id"])
        assert 3 <= body["n"] < 7 and len(body["tags"]) in (2, 3)
        assert "created" not in body  # readOnly: a client never sends it
        assert set(body) <= set(schema["properties"])  # nothing invented

    check()


def test_bodies_shrink_to_small_examples() -> None:
    spec = load_spec(PURGING)
    case = find(spec.operation("upsert-certificate").omission_cases(),
                lambda c: c.form is Form.NULL, settings=settings(database=None))
    assert case.variant["snis"] is None and case.admitted
    assert set(case.full) == {"cert", "key", "snis"}  # optional properties shrunk away
    assert len(case.full["snis"]) == 1


def test_admitted_forms_follow_the_contract() -> None:
    fixed = load_spec(FIXED).operation("upsert-certificate")
    assert fixed.omission_cases().is_empty  # required, non-null, minItems 1: nothing admitted
    case = _first(fixed.omission_cases(forms="all"))
    assert not case.admitted and case.on_omit == "reject"
    purging = load_spec(PURGING).operation("PUT /v2/control-planes/{controlPlaneId}/"
                                           "core-entities/certificates/{CertificateId}")

    @settings(max_examples=60, deadline=None)
    @given(purging.omission_cases(forms=["absent", "null", "empty"]))
    def check(case: Any) -> None:
        assert case.admitted and case.on_omit == "purge"
        assert has_form(case.variant, case.path, case.form)
        assert not has_form(case.full, case.path, case.form)

    check()


def test_items_paths_change_the_first_element() -> None:
    body = {"certs": [{"snis": ["a"]}, {"snis": ["b"]}]}
    path = ("certs", ITEMS, "snis")
    assert with_form(body, path, Form.ABSENT) == {"certs": [{}, {"snis": ["b"]}]}
    assert with_form(body, path, Form.EMPTY) == {"certs": [{"snis": []}, {"snis": ["b"]}]}
    assert with_form({"n": 1}, ("n",), Form.EMPTY) is None  # a number has no empty form
    assert with_form({"n": True}, ("n",), Form.EMPTY) is None
    assert with_form({"s": "a.com"}, ("s",), Form.EMPTY) == {"s": ""}  # a string's is ""
    assert body == {"certs": [{"snis": ["a"]}, {"snis": ["b"]}]}  # never changed in place


def test_unknown_operation_names_the_known_ones() -> None:
    with pytest.raises(PutlintError, match="known: upsert-certificate"):
        load_spec(FIXED).operation("nope")


@pytest.mark.parametrize(("schema", "admitted"), [
    ("{type: string, x-critical: true}", True),
    ("{type: string, minLength: 1, x-critical: true}", False),
])
def test_probe_sends_a_blank_critical_string_as_its_empty_case(tmp_path: Path, schema: str,
                                                               admitted: bool) -> None:
    """A critical string's empty is `""` (judged by `on-empty`, as `[]` is): probe plans it."""
    from linter.probe import plan

    spec = tmp_path / "api.yaml"
    spec.write_text(f"""openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    get:
      responses: {{'200': {{description: ok}}}}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [cert]
              properties:
                cert: {schema}
      responses: {{'200': {{description: ok}}, '400': {{description: bad}}}}
""", encoding="utf-8")
    _, planned = plan(spec, Options(), [])
    kinds = {p.case.kind: p.case for p in planned}
    assert set(kinds) == {"absent", "null", "empty"}
    empty = kinds["empty"]
    assert empty.full["cert"] != "" and empty.variant == {**empty.full, "cert": ""}
    assert empty.admitted is admitted
    assert empty.describe().endswith("with empty cert")
