"""suggest on specs it was not tuned on (the trial of 2026-12-01, sections 1.4, 2.1, 3.1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.config import Options
from linter.model import Operation
from linter.suggest import suggest
from linter.suggest.contract import stated_merge
from linter.suggest.evidence import _identity, guards, named_by_path
from linter.suggest.writeconfig import add_merges

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
S3 = CORPUS / "apis-guru/amazonaws.com/s3/2006-03-01/openapi.yaml"
KONG_UPSTREAM = CORPUS / "kong/kong/kong-admin-api.yml"
PUTLINT = [str(Path(sys.executable).parent / "putlint")]


def spec(tmp_path: Path, paths: dict[str, Any]) -> Path:
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    out = tmp_path / "api.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def put(schema: dict, *, required: bool = True, text: str = "", get: dict | None = None
        ) -> dict:
    item: dict[str, Any] = {"put": {
        "summary": text, "requestBody": {"required": required, "content": {
            "application/json": {"schema": schema}}},
        "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}
    if get is not None:
        item["get"] = {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": get}}}}}
    return item


def fields(path: Path) -> dict[str, float]:
    run = suggest([path], Options(), top=None, min_confidence=0.0)
    return {s.field: s.confidence for s in run.suggestions}


PAB = {"type": "object", "properties": {
    "BlockPublicAcls": {"type": "boolean"}, "RestrictPublicBuckets": {"type": "boolean"},
    "Note": {"type": "string"}}}


# -- 1.4: a body's only object is looked into; bodiless upserts are counted --------------------

def test_a_body_whose_only_property_is_an_object_is_a_wrapper(tmp_path: Path) -> None:
    body = {"type": "object", "required": ["PublicAccessBlockConfiguration"],
            "properties": {"PublicAccessBlockConfiguration": PAB}}
    found = fields(spec(tmp_path, {"/{Bucket}/pab": put(body, get=body)}))
    assert found["PublicAccessBlockConfiguration.BlockPublicAcls"] >= 0.35
    assert found["PublicAccessBlockConfiguration.RestrictPublicBuckets"] >= 0.35


def test_a_body_of_one_scalar_is_still_the_field_it_sets(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {"enabled": {"type": "boolean", "default": True}}}
    assert fields(spec(tmp_path, {"/x/{id}": put(body, get=body)})) == {}


@pytest.mark.skipif(not S3.is_file(), reason="../shared/corpus is not here")
def test_s3_public_access_block_toggles_are_suggested() -> None:
    run = suggest([S3], Options(), top=None)
    listed = {s.field: s for s in run.suggestions}
    for name in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                 "RestrictPublicBuckets"):
        s = listed[f"PublicAccessBlockConfiguration.{name}"]
        assert s.operation.path == "/{Bucket}#publicAccessBlock"
        assert s.confidence >= 0.45


@pytest.mark.skipif(not KONG_UPSTREAM.is_file(), reason="../shared/corpus is not here")
def test_upserts_without_a_body_are_counted_not_passed_silently() -> None:
    run = suggest([KONG_UPSTREAM], Options())
    assert run.suggestions == [] and run.no_body == 8
    proc = subprocess.run([*PUTLINT, "suggest", str(KONG_UPSTREAM)], capture_output=True,
                          text=True, timeout=300)
    assert "8 upserts document no request body" in proc.stderr + proc.stdout
    assert "document the request body" in proc.stderr + proc.stdout


# -- 2.1: stated merges ------------------------------------------------------------------------

ROLE = {"type": "object", "properties": {
    "groups": {"type": "array", "items": {"type": "string"}},
    "users": {"type": "array", "items": {"type": "string"}}, "kind": {"type": "string"}}}


def test_a_stated_merge_proposes_put_semantics_not_its_fields(tmp_path: Path) -> None:
    text = "Updates a rule. Fields not present in the request body are ignored."
    path = spec(tmp_path, {"/rules/{id}": put(ROLE, text=text, get=ROLE)})
    (tmp_path / "replace").mkdir()
    assert fields(spec(tmp_path / "replace", {"/rules/{id}": put(ROLE, get=ROLE)}))  # listed
    run = suggest([path], Options(), top=None, min_confidence=0.0)
    assert run.suggestions == []
    [m] = run.merges
    assert m.key == "PUT /rules/{id}" and m.stated
    assert "Fields not present in the request body are ignored." in m.evidence
    out, added = add_merges("critical: []\n", run.merges)
    assert added == ["PUT /rules/{id}"]
    assert 'put-semantics:\n' in out and '"PUT /rules/{id}": merge' in out
    assert add_merges(out, run.merges) == (out, [])  # already there: nothing twice


def test_an_optional_update_body_is_a_merge_but_is_not_written(tmp_path: Path) -> None:
    path = spec(tmp_path, {"/files/{id}": put(ROLE, required=False, text="Update file",
                                               get=ROLE)})
    run = suggest([path], Options(), top=None, min_confidence=0.0)
    assert run.suggestions == [] and [m.stated for m in run.merges] == [False]
    assert add_merges("critical: []\n", run.merges) == ("critical: []\n", [])


@pytest.mark.parametrize("text", ["Create or update a file", "Upsert a plugin",
                                  "Update a rule; the body replaces the whole rule"])
def test_create_or_update_is_no_merge(text: str) -> None:
    assert stated_merge(text, False, set()) is None


@pytest.mark.parametrize("text", ["Only the fields provided are updated.",
                                  "Properties that are omitted are left unchanged.",
                                  "This is a partial update of the user."])
def test_merge_sentences(text: str) -> None:
    assert stated_merge(text, True, {"name"}) is not None


# -- 3.1: evidence at its cause ----------------------------------------------------------------

def _op(path: str) -> Operation:
    return Operation("put", path, None, None, set(), None)  # type: ignore[arg-type]


def test_weak_security_words_need_a_security_context() -> None:
    assert not guards(_op("/persistentvolumes/{name}"), ("awsElasticBlockStore",))
    assert not guards(_op("/persistentvolumes/{name}"), ("nodeAffinity", "required"))
    assert not guards(_op("/csidrivers/{name}"), ("requiresRepublish",))
    assert guards(_op("/repos/{o}/{r}/branches/{b}/protection"), ("required_linear_history",))
    assert guards(_op("/services/{id}"), ("tls_verify",))
    assert guards(_op("/{Bucket}"), ("BlockPublicAcls",))


def test_a_numeric_enum_is_no_security_setting(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {
        "https_redirect_status_code": {"type": "integer", "enum": [301, 426], "default": 426},
        "tls_mode": {"type": "string", "enum": ["strict", "off"], "default": "strict"},
        "name": {"type": "string"}}}
    found = fields(spec(tmp_path, {"/routes/{id}": put(body, get=body)}))
    assert found.get("https_redirect_status_code", 0) < 0.35
    assert found["tls_mode"] >= 0.35


def test_guard_verb_first_beats_a_permissive_word(tmp_path: Path) -> None:
    body = {"type": "object", "properties": {
        "block_public_access": {"type": "boolean", "default": False},
        "allow_public_access": {"type": "boolean", "default": False}, "x": {"type": "string"}}}
    found = fields(spec(tmp_path, {"/buckets/{id}": put(body, get=body)}))
    assert found["block_public_access"] >= 0.45  # reset to false opens the bucket
    assert found.get("allow_public_access", 0) < 0.35  # reset to false closes it


def test_a_path_parameter_names_the_parent() -> None:
    assert named_by_path(_op("/{workspace}/group_rbac_roles/{id}"), "workspace")
    assert named_by_path(_op("/{ws}/consumer_groups/{ConsumerGroupId}/plugins/{id}"),
                         "consumer_group")
    assert not named_by_path(_op("/{workspace}/routes/{id}"), "service")


@given(st.lists(st.sampled_from(["consumer", "group", "rbac", "role", "upstream"]),
                min_size=1, max_size=3), st.sampled_from(["_id", "_id_or_name", "_uuid"]))
@settings(max_examples=100, deadline=None)
def test_identity_ignores_the_id_suffix_and_the_case(parts: list[str], suffix: str) -> None:
    snake = "_".join(parts)
    camel = parts[0].title() + "".join(p.title() for p in parts[1:])
    camel_suffix = "".join(w.title() for w in suffix.split("_"))
    assert _identity(snake + suffix) == _identity(camel + camel_suffix) == snake


def test_fields_every_resource_carries_are_no_same_items_evidence(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {k: {"type": "object", "properties": {
        "x": {"type": "string"}}} for k in ("apiVersion", "kind", "metadata", "spec")}}
    post = {"post": {"requestBody": {"content": {"application/json": {"schema": obj}}},
                     "responses": {"200": {"description": "ok"}}}}
    body = {"type": "object", "properties": {
        "templates": {"type": "array", "items": obj}, "replicas": {"type": "integer"}}}
    paths = {f"/{n}": post for n in ("pods", "claims", "volumes", "nodes")}
    paths["/sets/{id}"] = put(body)
    run = suggest([spec(tmp_path, paths)], Options(), top=None, min_confidence=0.0)
    assert not any(e.kind == "same-items" for s in run.suggestions for e in s.evidence)


def test_scim_groups_are_read_only_by_the_standard(tmp_path: Path) -> None:
    user = {"type": "object", "properties": {
        "schemas": {"type": "array", "items": {"type": "string"}},
        "groups": {"type": "array", "items": {"type": "object", "properties": {
            "value": {"type": "string"}}}},
        "emails": {"type": "array", "items": {"type": "string"}}}}
    found = fields(spec(tmp_path, {"/scim/v2/Users/{id}": put(user, get=user)}))
    assert "groups" not in found and "schemas" not in found
    found = fields(spec(tmp_path, {"/people/{id}": put(user, get=user)}))
    assert "groups" in found  # outside SCIM, a user's groups are its own


def test_a_subresource_written_with_the_parents_body_is_no_managed_child(tmp_path: Path
                                                                         ) -> None:
    pod = {"type": "object", "properties": {
        "containers": {"type": "array", "items": {"type": "string"}},
        "ephemeralContainers": {"type": "array", "items": {"type": "string"}}}}
    child = {"type": "object", "properties": {"name": {"type": "string"},
                                              "image": {"type": "string"}}}
    post = {"post": {"requestBody": {"content": {"application/json": {"schema": child}}},
                     "responses": {"200": {"description": "ok"}}}}
    same = spec(tmp_path, {"/pods/{name}": put(pod),
                           "/pods/{name}/ephemeralContainers": put(pod)})
    assert "ephemeralContainers" not in fields(same)  # the pod itself, written elsewhere
    (tmp_path / "own").mkdir()
    own = spec(tmp_path / "own", {"/pods/{name}": put(pod),
                                  "/pods/{name}/ephemeralContainers": post})
    assert fields(own)["ephemeralContainers"] >= 0.6  # items created on their own: Kong's case


def test_a_link_every_copy_of_the_resource_is_scoped_by_is_no_reference(tmp_path: Path
                                                                        ) -> None:
    body = {"type": "object", "properties": {
        "workspace": {"type": "object", "properties": {"id": {"type": "string"}}},
        "policy": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    found = fields(spec(tmp_path, {"/{workspace}/roles/{id}": put(body, get=body),
                                   "/roles/{id}": put(body, get=body)}))
    assert found.get("workspace", 0) < 0.35
    assert found["policy"] >= 0.35


def test_merges_and_bodiless_upserts_in_json_and_write_config(tmp_path: Path) -> None:
    text = "Updates a rule. Fields not present in the request body are ignored."
    bodiless = {"put": {"description": "Replace the thing.",
                        "responses": {"200": {"description": "ok"}}}}
    path = spec(tmp_path, {"/rules/{id}": put(ROLE, text=text, get=ROLE),
                           "/things/{id}": bodiless})
    proc = subprocess.run([*PUTLINT, "suggest", str(path), "-f", "json"], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert data["no_body"] == 1 and data["suggestions"] == []
    assert [m["operation"] for m in data["merges"]] == ["PUT /rules/{id}"]
    config = tmp_path / "putlint.yaml"
    config.write_text("put-semantics:\n  \"PUT /other\": replace  # kept\n", encoding="utf-8")
    proc = subprocess.run([*PUTLINT, "suggest", str(path), "--write-config", str(config)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = config.read_text(encoding="utf-8")
    assert "# kept" in written  # the user's lines stay as written
    import yaml

    assert yaml.safe_load(written)["put-semantics"] == {"PUT /other": "replace",
                                                        "PUT /rules/{id}": "merge"}
    check = subprocess.run([*PUTLINT, "suggest", str(path), "--config", str(config)],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "propose put-semantics" not in check.stdout  # declared now: not proposed again


def test_a_put_semantics_key_of_another_form_is_left_for_a_hand_edit(tmp_path: Path) -> None:
    text = "Updates a rule. Only the fields provided are updated."
    path = spec(tmp_path, {"/rules/{id}": put(ROLE, text=text)})
    config = tmp_path / "putlint.yaml"
    config.write_text("put-semantics: {}\n", encoding="utf-8")
    proc = subprocess.run([*PUTLINT, "suggest", str(path), "--write-config", str(config)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "by hand" in proc.stderr
    assert config.read_text(encoding="utf-8") == "put-semantics: {}\n"  # untouched


@pytest.mark.skipif(not S3.is_file(), reason="../shared/corpus is not here")
def test_the_untuned_specs_top_10_are_labelled_and_mostly_right() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import suggest_precision as bench

    judged = bench.labels()
    hits = listed = 0
    for name in bench.UNTUNED:
        keys = bench.ranked(name, bench.UNTUNED_TOP)
        missing = [k for k in keys if k not in judged.get(name, {})]
        assert not missing, f"label these in benchmarks/suggest_labels.tsv: {name} {missing}"
        hits += sum(judged[name][k] for k in keys)
        listed += len(keys)
    assert hits / listed >= 0.8
