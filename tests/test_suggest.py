"""`putlint suggest` and PUT101: the Kong case first, the evidence kinds on small specs, the
done-when checks on real specs, the round trip through --write-config, and labelled precision."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from linter.config import Options
from linter.suggest import child_collection, suggest
from tests.launcher import putlint

ROOT = Path(__file__).resolve().parent.parent
UNANNOTATED = ROOT / "specs" / "kong-admin-unannotated.yaml"
KONG = ROOT / "specs" / "kong-gateway"
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")




def fields(path: Path, **kwargs: object) -> list[str]:
    run = suggest([path], Options(), **kwargs)  # type: ignore[arg-type]
    return [f"{s.operation.method.upper()} {s.operation.path} {s.field}" for s in run.suggestions]


def spec(tmp_path: Path, paths: dict) -> Path:
    out = tmp_path / "openapi.yaml"
    out.write_text(yaml.safe_dump({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                                   "paths": paths}), encoding="utf-8")
    return out


def body(props: dict, required: list[str] | None = None) -> dict:
    schema: dict = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return {"requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}}}


def returns(props: dict) -> dict:
    return {"responses": {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object", "properties": props}}}}}}


LIST = {"type": "array", "items": {"type": "string"}}
OK = {"responses": {"200": {"description": "ok"}}}


# -- evidence kinds on small specs ----------------------------------------------------------

def test_a_get_only_listing_is_no_evidence_but_a_child_write_is(tmp_path: Path) -> None:
    props = {"tags": LIST, "snis": LIST, "cert": {"type": "string"}}
    paths = {"/certs/{id}": {"put": body(props)},
             "/tags": {"get": OK}, "/snis": {"get": OK}, "/snis/{id}": {"get": OK}}
    assert fields(spec(tmp_path, paths), min_confidence=0) == []
    paths["/certs/{id}/snis"] = {"post": OK}
    assert fields(spec(tmp_path, paths), min_confidence=0) == ["PUT /certs/{id} snis"]


def test_descriptive_lists_count_only_when_added_and_removed_on_their_own(tmp_path: Path
                                                                         ) -> None:
    paths = {"/fw/{id}": {"put": body({"name": {"type": "string"}, "tags": LIST})},
             "/fw/{id}/tags": {"put": OK}}
    assert fields(spec(tmp_path, paths), min_confidence=0) == []
    paths["/fw/{id}/tags"] = {"post": OK, "delete": OK}
    assert fields(spec(tmp_path, paths), min_confidence=0) == ["PUT /fw/{id} tags"]


def test_a_child_body_that_edits_part_of_the_parent_is_evidence(tmp_path: Path) -> None:
    """DigitalOcean: POST /firewalls/{id}/rules takes {inbound_rules, outbound_rules}."""
    rules = {"type": "array",
             "items": {"type": "object", "properties": {"port": {"type": "string"}}}}
    paths = {"/fw/{id}": {"put": body({"name": {"type": "string"}, "inbound_rules": rules,
                                       "outbound_rules": rules})},
             "/fw/{id}/rules": {"post": body({"inbound_rules": rules, "outbound_rules": rules})}}
    assert sorted(fields(spec(tmp_path, paths), min_confidence=0)) == [
        "PUT /fw/{id} inbound_rules", "PUT /fw/{id} outbound_rules"]


def test_a_collection_of_the_same_items_another_collection_creates(tmp_path: Path) -> None:
    item = {"type": "object", "properties": {"host": {"type": "string"},
                                            "port": {"type": "integer"}}}
    paths = {"/pools/{id}": {"put": body({"name": {"type": "string"},
                                          "members": {"type": "array", "items": item}})},
             "/backends": {"post": body(dict(item["properties"]))}}
    run = suggest([spec(tmp_path, paths)], Options(), min_confidence=0)
    assert [e.kind for e in run.suggestions[0].evidence] == ["same-items", "name"]
    item["properties"]["weight"] = {"type": "integer"}  # a different shape: no match
    run = suggest([spec(tmp_path, paths)], Options(), min_confidence=0)
    assert "same-items" not in [e.kind for s in run.suggestions for e in s.evidence]


def test_replace_resettable_settings_and_which_way_they_reset(tmp_path: Path) -> None:
    props = {"required_linear_history": {"type": "boolean",
                                         "description": "Default: `false`."},
             "allow_force_pushes": {"type": "boolean", "default": False},
             "lock_branch": {"type": "boolean", "default": False},
             "color": {"type": "string", "enum": ["red", "blue"], "default": "red"},
             "undocumented": {"type": "boolean"}}
    paths = {"/b/{id}/protection": {"put": body(props), "get": returns(props)}}
    run = suggest([spec(tmp_path, paths)], Options(), min_confidence=0)
    weights = {s.field: [e.weight for e in s.evidence if e.kind == "replace-resets"]
               for s in run.suggestions}
    assert weights["required_linear_history"] == weights["lock_branch"] == [0.45]
    assert weights["allow_force_pushes"] == weights["color"] == [0.15]  # resets stricter/benign
    assert "undocumented" not in weights or weights["undocumented"] == []
    top = fields(spec(tmp_path, paths))
    assert top == ["PUT /b/{id}/protection lock_branch",
                   "PUT /b/{id}/protection required_linear_history"]


@pytest.mark.parametrize("wrapper", ["spec", "properties", "data"])
def test_fields_inside_wrappers_are_judged_as_top_level(tmp_path: Path, wrapper: str) -> None:
    inner = {"type": "object", "properties": {"access_policies": LIST,
                                              "sku": {"type": "string"}}}
    paths = {"/v/{id}": {"put": body({wrapper: inner})},
             "/v/{id}/access_policies/{kind}": {"put": OK}}
    assert fields(spec(tmp_path, paths), min_confidence=0) == [
        f"PUT /v/{{id}} {wrapper}.access_policies"]


def test_all_of_composed_bodies_are_looked_into(tmp_path: Path) -> None:
    composed = {"allOf": [{"type": "object", "properties": {"name": {"type": "string"}}},
                          {"type": "object", "properties": {"droplet_ids": {
                              "type": "array", "items": {"type": "integer"}}}}]}
    paths = {"/fw/{id}": {"put": {"requestBody": {"content": {"application/json": {
        "schema": composed}}}, "responses": {"200": {"description": "ok"}}}},
        "/fw/{id}/droplets": {"post": OK, "delete": OK}}
    run = suggest([spec(tmp_path, paths)], Options(), min_confidence=0)
    assert [(s.field, [e.kind for e in s.evidence]) for s in run.suggestions] == [
        ("droplet_ids", ["managed-child", "references"])]


def test_a_schema_that_wraps_itself_is_walked_a_bounded_way(tmp_path: Path) -> None:
    wrapper = {"$ref": "#/components/schemas/W"}
    data = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/a/{id}": {"put": {"requestBody": {"content": {"application/json": {
            "schema": wrapper}}}, "responses": {"200": {"description": "ok"}}}},
        "/a/{id}/ids": {"post": OK}},
        "components": {"schemas": {"W": {"type": "object", "properties": {
            "properties": wrapper, "spec": wrapper, "data": wrapper,
            "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}}}}
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = suggest([path], Options(), min_confidence=0)
    assert [(s.field, len(s.operations)) for s in run.suggestions] == [("ids", 1)]


def test_one_suggestion_per_property_and_top_counts_suggestions(tmp_path: Path) -> None:
    shared = {"$ref": "#/components/schemas/Cert"}
    data = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        f"/{w}/certs/{{id}}": {"put": {"requestBody": {"content": {"application/json": {
            "schema": shared}}}, "responses": {"200": {"description": "ok"}}}}
        for w in ("a", "b", "c")} | {"/a/certs/{id}/snis": {"post": OK},
                                      "/a/certs/{id}/sans": {"post": OK}},
        "components": {"schemas": {"Cert": {"type": "object",
                                            "properties": {"snis": LIST, "sans": LIST}}}}}
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = suggest([path], Options(), top=1)
    assert len(run.suggestions) == 1 and run.cut_by_top == 1
    assert [op.path for op in run.suggestions[0].operations] == [
        "/a/certs/{id}", "/b/certs/{id}", "/c/certs/{id}"]  # one property, three operations
    run = suggest([path], Options(), top=5, min_confidence=0.99)
    assert run.suggestions == [] and run.cut_by_confidence == 2
    proc = putlint("suggest", str(path), "--top", "1")
    assert proc.stdout.splitlines()[-1] == \
        "putlint suggest: 1 suggestion in 1 spec (1 more cut by --top 1)"


def test_collection_paths() -> None:
    paths = ["/certificates/{certificate_id}/snis", "/snis/{id}", "/a/{x}/target-groups"]
    assert child_collection("/certificates/{id}", "snis", paths) == paths[0]
    assert child_collection("/a/{id}", "target_groups", paths) == paths[2]
    assert child_collection("/certificates/{id}", "tags", paths) is None


# -- the Kong case and the round trip ------------------------------------------------------

def test_snis_is_the_top_suggestion_of_the_unannotated_kong_spec() -> None:
    proc = putlint("suggest", str(UNANNOTATED), "--format", "json")
    assert proc.returncode == 0
    found = json.loads(proc.stdout)["suggestions"]
    top = found[0]
    assert (top["operations"][0]["path"], top["field"]) == ("/certificates/{certificate_id}",
                                                             "snis")
    assert any("/certificates/{}/snis" in e["text"] for e in top["evidence"])
    assert top["confidence"] > max(s["confidence"] for s in found[1:])


def test_write_config_round_trip_reports_what_the_annotated_spec_reports(tmp_path: Path) -> None:
    """Strip every x-critical from the annotated Kong spec; suggest writes a config; check with
    it reports exactly what check reports on the annotated original."""
    plain = tmp_path / "kong-gateway"
    shutil.copytree(KONG, plain)
    for path in plain.rglob("*.yaml"):
        path.write_text(re.sub(r"\n\s*x-critical: true", "", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    assert "x-critical" not in "".join(p.read_text() for p in plain.rglob("*.yaml"))
    config = tmp_path / "review" / "putlint.yaml"  # not above the spec: found by no search
    config.parent.mkdir()
    putlint("suggest", "openapi.yaml", "--write-config", str(config), cwd=plain)
    written = config.read_text(encoding="utf-8")
    assert re.search(r"^  # 0\.\d\d snis: PUT /certificates/\{certificate_id\}$", written, re.M)
    assert yaml.safe_load(written)["critical"] == [
        "schemas/certificate.yaml#/Certificate/properties/snis"]

    def findings(folder: Path, *args: str) -> list[tuple]:
        out = json.loads(putlint("check", "openapi.yaml", "-f", "json", *args, cwd=folder).stdout)
        return sorted((f["rule"], f["file"], f["line"], f["field"], f["media_type"])
                      for f in out["findings"])

    annotated = findings(KONG)
    assert annotated and findings(plain, "--config", str(config)) == annotated
    assert findings(plain) == []  # without the config nothing is critical


def test_put101_is_off_by_default_and_finds_the_child_collection() -> None:
    assert "PUT101" not in putlint("check", str(UNANNOTATED)).stdout
    proc = putlint("check", str(UNANNOTATED), "--select", "PUT101", "-f", "json")
    found = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["field"], f["severity"]) for f in found] == [("PUT101", "snis", "info")]
    assert proc.returncode == 0  # info never fails a run at the default --fail-on


# -- real specs: the done-when of issue 17 --------------------------------------------------

def _precision_module():  # type: ignore[no-untyped-def]
    spec_ = importlib.util.spec_from_file_location(
        "suggest_precision", ROOT / "benchmarks" / "suggest_precision.py")
    module = importlib.util.module_from_spec(spec_)  # type: ignore[arg-type]
    sys.modules["suggest_precision"] = module  # dataclasses look their module up there
    spec_.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@needs_corpus
def test_kong_snis_first_and_no_tags_in_the_top_20() -> None:
    bench = _precision_module()
    for name in ("kong-oss-3.9", "kong-ee-3.9"):
        keys = bench.ranked(name)
        assert keys[0] == ("PUT", "/certificates/{certificate_id}", "snis"), name
        assert not [k for k in keys if k[2].split(".")[-1] == "tags"], name


@needs_corpus
def test_github_branch_protection_and_digitalocean_firewall_droplets() -> None:
    bench = _precision_module()
    github = bench.ranked("github-2026")
    assert any(path.endswith("/branches/{branch}/protection") for _, path, _ in github)
    assert ("PUT", "/v2/firewalls/{firewall_id}", "droplet_ids") in bench.ranked("digitalocean")
    vault = bench.ranked("azure-keyvault")
    assert vault[0][2] == "properties.accessPolicies"  # inside ARM's `properties` wrapper


@needs_corpus
def test_labelled_precision_on_real_specs() -> None:
    """Every suggestion on the table's specs has a hand label, and precision@20 >= 0.8."""
    scores = _precision_module().score()
    assert [u for s in scores for u in s.unlabelled] == []
    assert {s.spec: round(s.precision_at(20), 2) for s in scores
            if s.precision_at(20) < 0.8} == {}
    assert sum(len(s.ranked) for s in scores) >= 50


def test_one_threshold_named_and_valued_the_same_everywhere() -> None:
    """--min-confidence is the only threshold: the command's default is the library's, and
    the suggest page of the docs names it with that value."""
    import inspect

    from linter.cli import suggest as command
    from linter.suggest import MIN_CONFIDENCE

    default = inspect.signature(command).parameters["min_confidence"].default
    assert default == MIN_CONFIDENCE
    readme = (ROOT / "docs" / "commands" / "suggest.md").read_text(encoding="utf-8")
    assert f"`--min-confidence {MIN_CONFIDENCE}`" in readme and "threshold" in readme
    assert "--write-threshold" not in readme + putlint("suggest", "--help").stdout
