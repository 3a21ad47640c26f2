"""False positives a new user's trial found on real specs, each pinned by a generated-input
property and by the real corpus spec it was found on.

* Swagger 2.0 / OpenAPI 3.0 schemas without `type` admit no null (only `nullable: true` and
  `x-nullable: true` say null), and those whose keywords all describe objects are objects;
  OpenAPI 3.1 schemas without `type` are JSON Schema, as written.
* A discriminated `oneOf`: a field is judged in the branches that declare it.
* OpenAPI 3.1 refs inside a schema with `$id` resolve against it, within the document.
* A dotted critical name marks its path, not every use of a shared schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from linter.bundle import Bundler
from linter.config import Options
from linter.critical import CriticalName
from linter.engine import run
from linter.refs import Loc, Workspace
from tests.badinputs import write_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
ARM = CORPUS / "azure-arm"
VAULT = ARM / "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2019-09-01"
needs_arm = pytest.mark.skipif(not ARM.is_dir(), reason="../shared/corpus/azure-arm is absent")


def findings(path: Path, options: Options | None = None) -> set[tuple[str, str | None]]:
    report = run([path], options or Options())
    assert not report.errors, [str(e) for e in report.errors]
    return {(f.rule, f.field) for f in report.findings}


# -- schemas without `type` and null --------------------------------------------------------------
#
# A generated value schema, written as OpenAPI 2.0/3.0 writes it, with the answer an independent
# reading gives: null only where `nullable` / `x-nullable` says so, a `$ref` or `allOf` takes
# its parts' answer (every part must admit null), `anyOf`/`oneOf` any branch's.

LEAVES = [{"type": "string"}, {"type": "object", "properties": {"x": {"type": "string"}}},
          {}, {"description": "typeless"}, {"properties": {"x": {"type": "string"}}},
          {"required": ["x"], "properties": {"x": {"type": "string"}}},
          {"additionalProperties": {"type": "string"}}, {"enum": ["a", "b"]},
          {"items": {"type": "string"}}]
# Those an object may satisfy too: a parent must be able to hold its critical child.
OBJECT_LEAVES = [leaf for leaf in LEAVES if leaf.get("type", "object") == "object"
                 and "enum" not in leaf]


@st.composite
def value_schemas(draw: st.DrawFn, version: str, defs: dict[str, Any],
                  depth: int = 0, leaves: list[dict] = LEAVES,
                  one_of: bool = True) -> tuple[Any, bool]:
    """(schema, admits null) for OpenAPI ``version`` ('2.0' or '3.0'). Without ``one_of``
    no `oneOf` (overlapping branches may leave a body no value at all)."""
    kinds = ["leaf"] if depth >= 2 else ["leaf", "ref", "allOf", "anyOf", "oneOf"]
    if version == "2.0":  # Swagger 2.0 has allOf only
        kinds = [k for k in kinds if k not in ("anyOf", "oneOf")]
    if not one_of:
        kinds = [k for k in kinds if k != "oneOf"]
    kind = draw(st.sampled_from(kinds))
    if kind == "leaf":
        schema, admits = dict(draw(st.sampled_from(leaves))), False
    elif kind == "ref":
        target, admits = draw(value_schemas(version, defs, depth + 1, leaves, one_of))
        name = f"S{len(defs)}"
        defs[name] = target
        prefix = "#/definitions/" if version == "2.0" else "#/components/schemas/"
        schema = {"$ref": prefix + name}
    else:
        parts = draw(st.lists(value_schemas(version, defs, depth + 1, leaves, one_of), min_size=1,
                              max_size=2))
        schema = {kind: [p for p, _ in parts]}
        if draw(st.booleans()):  # the object keywords next to an allOf, as generators write
            schema["properties"] = {"y": {"type": "string"}}
        answers = [a for _, a in parts]
        admits = all(answers) if kind == "allOf" else any(answers)
        if kind == "oneOf" and sum(answers) > 1:
            admits = False  # null would match two branches
    if "$ref" not in schema and draw(st.booleans()):
        schema["nullable" if version == "3.0" else "x-nullable"] = True
        admits = True
    return schema, admits


def _spec(version: str, body: dict, defs: dict[str, Any]) -> dict:
    op = {"responses": {"200": {"description": "ok"}, "400": {"description": "refused"}}}
    if version == "2.0":
        op["parameters"] = [{"in": "body", "name": "body", "required": True, "schema": body}]
        return {"swagger": "2.0", "info": {"title": "t", "version": "1"},
                "paths": {"/things/{id}": {"put": op}}, "definitions": defs}
    op["requestBody"] = {"required": True,
                         "content": {"application/json": {"schema": body}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}": {"put": op}}, "components": {"schemas": defs}}


@st.composite
def placed(draw: st.DrawFn) -> tuple[str, dict, dict, dict[str, bool]]:
    """A spec's version, body, definitions, and which critical fields may be null: one field
    straight in the body, one inside a generated parent (null through its parent too) and one
    in an array's items."""
    version = draw(st.sampled_from(["2.0", "3.0"]))
    defs: dict[str, Any] = {}
    field, field_null = draw(value_schemas(version, defs, one_of=False))
    parent, parent_null = draw(value_schemas(version, defs, leaves=OBJECT_LEAVES, one_of=False))
    child, child_null = draw(value_schemas(version, defs, one_of=False))
    item, item_null = draw(value_schemas(version, defs, one_of=False))
    defs["Holder"] = {"allOf": [parent], "required": ["c"],
                      "properties": {"c": {"allOf": [child], "x-critical": True}}}
    prefix = "#/definitions/" if version == "2.0" else "#/components/schemas/"
    body = {"type": "object", "required": ["f", "h", "list"], "properties": {
        "f": {"allOf": [field], "x-critical": True},
        "h": {"$ref": prefix + "Holder"},
        "list": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["i"],
            "properties": {"i": {"allOf": [item], "x-critical": True}}}}}}
    holder_null = parent_null  # Holder is composed of its parent only (allOf)
    expected = {"f": field_null, "h.c": child_null or holder_null, "list[].i": item_null}
    return version, body, defs, expected


@given(placed())
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_null_is_admitted_only_where_the_spec_says_it(tmp_path: Path,
                                                      case: tuple[str, dict, dict, dict]) -> None:
    version, body, defs, expected = case
    spec = write_file(tmp_path, "spec.json", json.dumps(_spec(version, body, defs)))
    nullable = {field for rule, field in findings(spec) if rule == "PUT002"}
    for name, admits in expected.items():
        assert (name in nullable) == admits, (name, admits, nullable, body, defs)


# Every place a schema can stand: the body itself, a property, array items, a map's values.
POSITIONS = {
    "body": (lambda s: s, None),
    "property": (lambda s: {"type": "object", "properties": {"p": s}}, {"p": None}),
    "items": (lambda s: {"type": "array", "items": s}, [None]),
    "additionalProperties": (lambda s: {"type": "object", "additionalProperties": s},
                             {"k": None}),
}


def _bundled(tmp_path: Path, version: str, schema: Any, defs: dict[str, Any]) -> dict:
    defs = {**defs, "Body": schema}
    spec = _spec(version, {"$ref": ("#/definitions/" if version == "2.0"
                                    else "#/components/schemas/") + "Body"}, defs)
    path = write_file(tmp_path, "bundle.json", json.dumps(spec))
    ws = Workspace(path)
    where = ("definitions", "Body") if version == "2.0" else ("components", "schemas", "Body")
    return Bundler(ws, version).bundle(ws.get(Loc(ws.root, where)), Loc(ws.root, where)).schema


@st.composite
def positioned(draw: st.DrawFn) -> tuple[str, str, Any, dict, bool]:
    version = draw(st.sampled_from(["2.0", "3.0"]))
    defs: dict[str, Any] = {}
    schema, admits = draw(value_schemas(version, defs))
    return version, draw(st.sampled_from(sorted(POSITIONS))), schema, defs, admits


@given(positioned())
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_bundled_schema_admits_null_where_the_spec_says_it(
        tmp_path: Path, case: tuple[str, str, Any, dict, bool]) -> None:
    """The bundle is what the search and the jsonschema oracle both read: null in any
    position is valid under it exactly when the OpenAPI 2.0/3.0 reading says so."""
    version, position, schema, defs, admits = case
    wrap, value = POSITIONS[position]
    bundled = _bundled(tmp_path, version, wrap(schema), defs)
    assert Draft202012Validator(bundled).is_valid(value) == admits, (position, schema, defs)


OBJECT_WORDS = st.fixed_dictionaries({}, optional={
    "properties": st.just({"x": {"type": "string"}}), "required": st.just(["x"]),
    "additionalProperties": st.sampled_from([False, {"type": "string"}]),
    "minProperties": st.just(1), "maxProperties": st.just(3)}).filter(bool)
OTHER_VALUES = [[], ["a"], "", "a", 0, 1.5, True, None]


@given(st.sampled_from(["2.0", "3.0", "3.1"]), OBJECT_WORDS, st.sampled_from(OTHER_VALUES))
@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_schema_of_object_keywords_is_an_object_in_2_and_3_0(
        tmp_path: Path, version: str, words: dict, other: Any) -> None:
    """`properties` (or `required`, ...) alone: an object for 2.0/3.0 readers, so `[]`, `""`
    or `null` is no value of it; in 3.1 (JSON Schema) every non-object passes it."""
    spec = (_spec(version, {}, {"Body": words}) if version != "3.1" else
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
             "components": {"schemas": {"Body": words}}})
    path = write_file(tmp_path, "spec.json", json.dumps(spec))
    ws = Workspace(path)
    where = Loc(ws.root, ("definitions", "Body") if version == "2.0"
                else ("components", "schemas", "Body"))
    bundled = Bundler(ws, version).bundle(ws.get(where), where).schema
    assert Draft202012Validator(bundled).is_valid(other) == (version == "3.1")


@pytest.mark.parametrize("schema", [{}, {"properties": {"x": {"type": "string"}}},
                                    {"allOf": [{"properties": {"x": {"type": "string"}}}]}])
def test_a_schema_without_type_admits_null_in_openapi_3_1(tmp_path: Path,
                                                          schema: dict) -> None:
    """3.1 is JSON Schema 2020-12: no `type` means any value, null included."""
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Body": schema}}}
    path = write_file(tmp_path, "spec.json", json.dumps(spec))
    ws = Workspace(path)
    where = Loc(ws.root, ("components", "schemas", "Body"))
    bundled = Bundler(ws, "3.1").bundle(ws.get(where), where).schema
    assert Draft202012Validator(bundled).is_valid(None)


@needs_arm
def test_key_vault_properties_written_without_type_are_not_nullable() -> None:
    """Key Vault's `VaultProperties` has `properties` and no `type` (as most ARM specs): a
    vault PUT with `properties: null` is not what the spec describes. Before the fix putlint
    said PUT002 for `properties` and, through it, for every field below."""
    options = Options(root=str(ARM), profile="azure-arm",
                      critical=[CriticalName(n) for n in (
                          "VaultCreateOrUpdateParameters.properties", "VaultProperties.sku",
                          "AccessPolicyEntry.permissions")])
    found = findings(VAULT / "keyvault.json", options)
    assert not {f for f in found if f[0] == "PUT002"}, found
    # `properties` and `sku` are objects (with required members): neither `[]` nor `{}` passes
    assert ("PUT003", "properties") not in found and ("PUT003", "properties.sku") not in found
    # the same fields are still judged: omission of a parent, an empty permissions object
    assert ("PUT001", "properties.accessPolicies[].permissions") in found
    assert ("PUT003", "properties.accessPolicies[].permissions") in found


# -- OpenAPI 3.1 `$id` and the refs inside it --------------------------------------------------

FIELD_SCHEMAS = [{"type": "string"}, {"type": ["string", "null"]}, {"type": "array"},
                 {"type": "array", "minItems": 1}, {"type": "object"},
                 {"type": "object", "minProperties": 1}, {}]


@st.composite
def id_specs(draw: st.DrawFn) -> tuple[dict, dict]:
    """The same 3.1 API written twice: refs into `components/schemas`, and one schema with an
    `$id` whose refs are `#/$defs/...`, `$id`-relative names or absolute `$id` URIs."""
    names = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    kinds = {n: draw(st.sampled_from(FIELD_SCHEMAS)) for n in names}
    required = draw(st.lists(st.sampled_from(names), unique=True))
    style = draw(st.sampled_from(["defs", "relative", "absolute"]))

    def api(body: dict, schemas: dict) -> dict:
        op = {"requestBody": {"required": True, "content": {"application/json": {
            "schema": body}}}, "responses": {"200": {"description": "ok"},
                                             "400": {"description": "refused"}}}
        return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {"/x/{id}": {"put": op}}, "components": {"schemas": schemas}}

    plain = api({"$ref": "#/components/schemas/Body"}, {
        "Body": {"type": "object", "required": required, "properties": {
            n: {"$ref": f"#/components/schemas/F{n}", "x-critical": True} for n in names}},
        **{f"F{n}": kinds[n] for n in names}})
    ref = {"defs": lambda n: f"#/$defs/F{n}", "relative": lambda n: f"f{n}",
           "absolute": lambda n: f"https://example.com/api/f{n}"}[style]
    with_ids = api({"$ref": "https://example.com/api/body"}, {"Body": {
        "$id": "https://example.com/api/body", "type": "object", "required": required,
        "properties": {n: {"$ref": ref(n), "x-critical": True} for n in names},
        "$defs": {f"F{n}": {"$id": f"f{n}", **kinds[n]} for n in names}}})
    return plain, with_ids


@given(id_specs())
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_refs_under_an_id_mean_what_document_refs_mean(tmp_path: Path,
                                                       case: tuple[dict, dict]) -> None:
    plain, with_ids = case
    a = write_file(tmp_path, "plain.json", json.dumps(plain))
    b = write_file(tmp_path, "ids.json", json.dumps(with_ids))
    assert findings(a) == findings(b)


def test_a_document_ref_inside_an_id_schema_is_still_read(tmp_path: Path) -> None:
    """Specs that give a schema an `$id` and keep writing `#/components/...` inside it were
    read before; they still are (the `$id`'s own schema has no such path)."""
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x/{id}": {
        "put": {"requestBody": {"content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/Body"}}}}, "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {
            "Body": {"$id": "https://example.com/body", "type": "object", "properties": {
                "tags": {"$ref": "#/components/schemas/Tags", "x-critical": True}}},
            "Tags": {"type": "array"}}}}
    found = findings(write_file(tmp_path, "spec.json", json.dumps(spec)))
    assert ("PUT001", "tags") in found


def test_an_id_ref_to_a_schema_not_in_the_document_is_not_fetched(tmp_path: Path) -> None:
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x/{id}": {
        "put": {"requestBody": {"content": {"application/json": {"schema": {
            "$id": "https://example.com/body", "type": "object", "properties": {
                "tags": {"$ref": "https://example.com/elsewhere#/x", "x-critical": True}}}}}},
            "responses": {"200": {"description": "ok"}}}}}}
    report = run([write_file(tmp_path, "spec.json", json.dumps(spec))], Options())
    assert [e.message for e in report.errors] == [
        "remote $ref 'https://example.com/elsewhere#/x' is not fetched; put the referenced "
        "document next to the spec and use a relative path"]


# -- discriminated unions ---------------------------------------------------------------------

FIELD_KINDS = {  # the critical field's schema in a branch that declares it: (schema, null, empty)
    "string": ({"type": "string"}, False, True),  # "" is a string's empty
    "nonempty string": ({"type": "string", "minLength": 1}, False, False),
    "nullable": ({"type": "string", "nullable": True, "minLength": 1}, True, False),
    "list": ({"type": "array", "items": {"type": "string"}}, False, True),
    "nonempty": ({"type": "array", "minItems": 1, "items": {"type": "string"}}, False, False),
}


@st.composite
def unions(draw: st.DrawFn) -> tuple[dict, dict[str, bool]]:
    """A PUT body that is a discriminated `oneOf`; the critical field `spec.f` is declared in
    some branches only. Expected: what its declaring branches allow, nothing else."""
    count = draw(st.integers(2, 4))
    declaring = draw(st.lists(st.booleans(), min_size=count, max_size=count).filter(any))
    mapped = draw(st.booleans())  # values by `mapping`, else the component names
    schemas: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    omit = null = empty = False
    for i, has_field in enumerate(declaring):
        name = f"Kind{i}"
        value = f"k{i}" if mapped else name
        mapping[value] = f"#/components/schemas/{name}"
        spec: dict[str, Any] = {"type": "object", "properties": {"other": {"type": "string"}}}
        if has_field:
            kind, is_null, is_empty = FIELD_KINDS[draw(st.sampled_from(sorted(FIELD_KINDS)))]
            required = draw(st.booleans())
            spec["properties"]["f"] = {**kind, "x-critical": True}
            if required:
                spec["required"] = ["f"]
            omit, null, empty = omit or not required, null or is_null, empty or is_empty
        schemas[name] = {"type": "object", "required": ["kind", "spec"], "properties": {
            "kind": {"type": "string", "enum": [value]}, "spec": spec}}
    body: dict[str, Any] = {"oneOf": [{"$ref": f"#/components/schemas/Kind{i}"}
                                      for i in range(count)],
                            "discriminator": {"propertyName": "kind"}}
    if mapped:
        body["discriminator"]["mapping"] = mapping
    schemas["Body"] = body
    op = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Body"}}}},
          "responses": {"200": {"description": "ok"}, "400": {"description": "refused"}}}
    spec_doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/things/{id}": {"put": op}}, "components": {"schemas": schemas}}
    return spec_doc, {"PUT001": omit, "PUT002": null, "PUT003": empty}


@given(unions())
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_discriminated_field_is_judged_in_the_branches_that_declare_it(
        tmp_path: Path, case: tuple[dict, dict[str, bool]]) -> None:
    """A body of a branch without the field (selected by its discriminator value) is no
    witness; every branch with the field is judged, and the weakest of them is reported."""
    spec, expected = case
    found = findings(write_file(tmp_path, "spec.json", json.dumps(spec)))
    for rule, reported in expected.items():
        assert ((rule, "spec.f") in found) == reported, (rule, found, spec)


def test_an_undiscriminated_union_still_counts_every_branch(tmp_path: Path) -> None:
    """Without a discriminator nothing says which branch a body is: a body of the branch
    without the field, nulling it as an extra property, is still a witness."""
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/x/{id}": {"put": {"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"oneOf": [
                {"type": "object", "required": ["a", "f"], "properties": {
                    "a": {"type": "string", "enum": ["1"]},
                    "f": {"type": "string", "x-critical": True}}},
                {"type": "object", "required": ["a"], "properties": {
                    "a": {"type": "string", "enum": ["2"]}}}]}}}},
            "responses": {"200": {"description": "ok"}, "400": {"description": "no"}}}}}}
    found = findings(write_file(tmp_path, "spec.json", json.dumps(spec)))
    assert {("PUT001", "f"), ("PUT002", "f")} <= found


KONG = CORPUS / "kong/developer.konghq.com/gateway/admin-ee/3.14/openapi.yaml"


@pytest.mark.skipif(not KONG.is_file(), reason="the Kong corpus is absent")
def test_kong_partials_are_judged_per_kind() -> None:
    """Kong's `Partial` PUT body is a `oneOf` discriminated by `type`. `config.model` exists
    in the embeddings and model partials (required there); before, a Redis partial's body
    (`{"config": {}, "type": "redis-ce"}`, `{"config": {"model": null}, ...}`) made it
    PUT001, PUT002 and PUT003. `config.host` is optional in the Redis partials: PUT001 stays."""
    options = Options(critical=[CriticalName("PartialEmbeddings.config.model"),
                                CriticalName("PartialRedisCe.config.host")])
    found = findings(KONG, options)
    assert not {f for f in found if f[1] == "config.model"}, found
    assert ("PUT001", "config.host") in found
    assert ("PUT002", "config.host") not in found


# -- dotted critical names and shared schemas ---------------------------------------------------

@st.composite
def shared(draw: st.DrawFn) -> tuple[dict, str, set[str]]:
    """Two PUT bodies, A and B, that both reach a shared schema `Inner` (directly or through an
    array, under the same or another property name), and a critical name: `A.<step>.p` marks
    `p` only where a body goes through A, `Inner.p` wherever an Inner is."""
    step_a = "x"
    step_b = draw(st.sampled_from(["x", "y"]))
    through_array = draw(st.booleans())
    by_component = draw(st.booleans())

    def holder(step: str) -> dict:
        inner = {"$ref": "#/components/schemas/Inner"}
        value = {"type": "array", "items": inner} if through_array else inner
        return {"type": "object", "properties": {step: value}}

    schemas = {"A": holder(step_a), "B": holder(step_b),
               "Inner": {"type": "object", "properties": {"p": {"type": "string"}}}}

    def put(name: str) -> dict:
        return {"put": {"operationId": f"put{name}", "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}},
            "responses": {"200": {"description": "ok"}, "400": {"description": "no"}}}}

    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": put("A"), "/b/{id}": put("B")},
            "components": {"schemas": schemas}}
    items = "[]" if through_array and draw(st.booleans()) else ""  # `x[]` or looked through
    name = "Inner.p" if by_component else f"A.{step_a}{items}.p"
    return spec, name, {"/a/{id}", "/b/{id}"} if by_component else {"/a/{id}"}


@given(shared())
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_dotted_name_marks_the_field_only_along_its_path(tmp_path: Path,
                                                           case: tuple[dict, str, set]) -> None:
    spec, name, expected = case
    path = write_file(tmp_path, "spec.json", json.dumps(spec))
    report = run([path], Options(critical=[CriticalName(name)]))
    assert not report.errors, [str(e) for e in report.errors]
    marked = {(f.operation or {}).get("path") for f in report.findings if f.rule == "PUT001"}
    assert marked == expected, (name, marked, spec)


@needs_arm
def test_a_dotted_key_vault_name_stays_on_its_own_put() -> None:
    """`VaultCreateOrUpdateParameters.properties.accessPolicies.permissions` names the vault
    PUT's policies; `AccessPolicyEntry` is shared with the access-policy PUT
    (`.../accessPolicies/{operationKind}`), which the name reached too before."""
    options = Options(root=str(ARM), profile="azure-arm", critical=[CriticalName(
        "VaultCreateOrUpdateParameters.properties.accessPolicies.permissions")])
    report = run([VAULT / "keyvault.json"], options)
    assert not report.errors
    paths = {(f.operation or {}).get("path", "") for f in report.findings if f.field}
    assert paths and not any(p.endswith("{operationKind}") for p in paths), paths
    every = run([VAULT / "keyvault.json"], Options(root=str(ARM), profile="azure-arm", critical=[
        CriticalName("AccessPolicyEntry.permissions")]))
    assert any((f.operation or {}).get("path", "").endswith("{operationKind}")
               for f in every.findings if f.field)
