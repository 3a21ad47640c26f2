"""Config names across a pull request: what `suggest --write-config` writes survives a renamed
path parameter and a deleted endpoint in `diff`, as the first-use trial (2.4) needed.

The specs are the trial's reproduction: two PUTs with inline bodies (the names suggest writes
for them are pointers into `paths`), and the same shapes with the body in a component schema
(the names are `Schema.field`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config import Options
from linter.critical import CriticalName, dotted_name, targets
from linter.diff import run_diff
from linter.refs import Loc, Workspace
from tests.launcher import putlint

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
GITHUB_2022 = CORPUS / "github" / "api.github.com.json"
GITHUB_2026 = CORPUS / "github-2026" / "api.github.com.json"


def put(field: str, other: str, required: bool = True) -> dict:
    """A replace PUT whose inline body carries `field` (critical: required, minItems 1)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": [other, field] if required else [other],
        "properties": {other: {"type": "string"},
                       field: {"type": "array", "minItems": 1, "items": {"type": "string"}}}}}}},
        "responses": {"200": {"description": "Replaced"}, "400": {"description": "Invalid"}}}


def spec(param: str = "id", legacy: bool = True, snis_required: bool = True) -> dict:
    """The trial's base: PUT /certificates/{id} (snis) and PUT /legacy/{id} (members), each
    with a child collection, so suggest proposes both fields."""
    parameters = [{"name": param, "in": "path", "required": True, "schema": {"type": "string"}}]
    paths: dict = {
        f"/certificates/{{{param}}}": {"parameters": parameters,
                                       "put": put("snis", "cert", snis_required)},
        f"/certificates/{{{param}}}/snis": {"post": {"responses": {"201": {"description": "ok"}}}},
    }
    if legacy:
        paths[f"/legacy/{{{param}}}"] = {"parameters": parameters, "put": put("members", "name")}
        paths[f"/legacy/{{{param}}}/members"] = {
            "post": {"responses": {"201": {"description": "ok"}}}}
    return {"openapi": "3.0.3", "info": {"title": "Certs", "version": "1"}, "paths": paths}


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def trial(tmp_path: Path) -> Path:
    """base.yaml and the putlint.yaml `suggest --write-config` writes for it."""
    write(tmp_path / "base.yaml", spec())
    proc = putlint("suggest", "base.yaml", "--write-config", "putlint.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = yaml.safe_load((tmp_path / "putlint.yaml").read_text(encoding="utf-8"))["critical"]
    assert len(names) == 2 and all(n.startswith("#/paths/") for n in names)  # inline bodies
    return tmp_path


def findings(proc) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(proc.stdout)["findings"]


def test_deleting_an_endpoint_makes_its_config_entry_a_warning_in_diff(trial: Path) -> None:
    write(trial / "head.yaml", spec(legacy=False))
    proc = putlint("diff", "base.yaml", "head.yaml", "--format", "json", cwd=trial)
    assert proc.returncode == 0, proc.stdout
    [stale] = findings(proc)
    assert (stale["rule"], stale["severity"], stale["file"]) == ("PUT007", "warning",
                                                                  "putlint.yaml")
    assert "PUT /legacy/{id}" in stale["message"] and "removes" in stale["message"]
    assert "~1legacy~1" in stale["message"]
    # check keeps the stale entry an error: after the merge it names nothing
    check = putlint("check", "head.yaml", "--format", "json", cwd=trial)
    assert check.returncode == 1
    assert [(f["rule"], f["severity"]) for f in findings(check)] == [("PUT007", "error")]


def test_a_field_gone_from_an_operation_still_there_stays_an_error_in_diff(trial: Path
                                                                           ) -> None:
    head = spec()
    body = head["paths"]["/legacy/{id}"]["put"]["requestBody"]["content"]["application/json"]
    del body["schema"]["properties"]["members"]
    body["schema"]["required"] = ["name"]
    write(trial / "head.yaml", head)
    proc = putlint("diff", "base.yaml", "head.yaml", "--format", "json", cwd=trial)
    assert proc.returncode == 1
    stale = [f for f in findings(proc) if f["rule"] == "PUT007"]
    assert [f["severity"] for f in stale] == ["error"]
    assert "in base" in stale[0]["message"] and "PUT /legacy/{id}" in stale[0]["message"]
    assert "matches no schema property in the checked specs" not in stale[0]["message"]


def test_renaming_a_path_parameter_changes_nothing_in_diff(trial: Path) -> None:
    write(trial / "renamed.yaml", spec(param="certificate_id"))
    proc = putlint("diff", "base.yaml", "renamed.yaml", "--format", "json", cwd=trial)
    assert proc.returncode == 0 and findings(proc) == []
    warned = json.loads(proc.stdout)["warnings"]  # each entry: update to the new spelling
    assert [(w["file"], "spells '/" in w["message"]) for w in warned] == [("putlint.yaml",
                                                                           True)] * 2
    text = putlint("check", "renamed.yaml", cwd=trial)
    assert text.returncode == 0 and "'/certificates/{certificate_id}'" in text.stdout


def test_a_renamed_path_still_carries_the_mark_so_a_real_change_is_seen(trial: Path) -> None:
    """The rename is not merely silenced: the field is still critical in head, so making it
    omittable in the same change is PUT201."""
    write(trial / "renamed.yaml", spec(param="certificate_id", snis_required=False))
    proc = putlint("diff", "base.yaml", "renamed.yaml", "--format", "json", cwd=trial)
    assert proc.returncode == 1
    assert {(f["rule"], f["field"]) for f in findings(proc) if f["rule"].startswith("PUT2")} \
        == {("PUT201", "snis")}


PARAM = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,12}", fullmatch=True)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=PARAM, new=PARAM)
def test_a_path_pointer_denotes_the_same_field_whatever_the_parameter_names(
        tmp_path: Path, old: str, new: str) -> None:
    base = write(tmp_path / "base.yaml", spec(param=old))
    head = write(tmp_path / "head.yaml", spec(param=new))
    pointer = (f"#/paths/~1certificates~1{{{old}}}/put/requestBody/content/application~1json"
               "/schema/properties/snis")
    [loc] = targets(Workspace(head, tmp_path), "3.0", pointer)
    assert loc.pointer[1] == f"/certificates/{{{new}}}" and loc.pointer[-1] == "snis"
    options = Options(critical=[CriticalName(pointer)])
    assert run_diff([(base, head, None)], options).findings == []


def test_two_paths_of_one_template_leave_a_respelt_pointer_unresolved(tmp_path: Path) -> None:
    data = spec()
    data["paths"]["/certificates/{name}"] = data["paths"]["/certificates/{id}"]
    path = write(tmp_path / "two.yaml", data)
    ws = Workspace(path, tmp_path)
    tail = "/put/requestBody/content/application~1json/schema/properties/snis"
    assert targets(ws, "3.0", "#/paths/~1certificates~1{other}" + tail) == []
    [exact] = targets(ws, "3.0", "#/paths/~1certificates~1{name}" + tail)
    assert exact.pointer[1] == "/certificates/{name}"


# -- component schemas: suggest writes Schema.field ------------------------------------------

def component_spec(legacy: bool = True) -> dict:
    data = spec(legacy=legacy)
    schemas = {}
    for path, item in data["paths"].items():
        if "put" in item:
            name = "Legacy" if path.startswith("/legacy") else "Certificate"
            media = item["put"]["requestBody"]["content"]["application/json"]
            schemas[name] = media["schema"]
            media["schema"] = {"$ref": f"#/components/schemas/{name}"}
    data["components"] = {"schemas": schemas}
    return data


def test_suggest_names_a_component_property_by_its_schema(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", component_spec())
    proc = putlint("suggest", "base.yaml", "--write-config", "-", cwd=tmp_path)
    assert sorted(yaml.safe_load(proc.stdout)["critical"]) == ["Certificate.snis",
                                                              "Legacy.members"]


def test_deleting_an_endpoint_whose_body_is_a_component_is_a_warning_too(tmp_path: Path
                                                                         ) -> None:
    write(tmp_path / "base.yaml", component_spec())
    assert putlint("suggest", "base.yaml", "--write-config", "putlint.yaml",
                   cwd=tmp_path).returncode == 0
    for keep_schema in (True, False):  # the schema left unused, or deleted with the PUT
        head = component_spec(legacy=False)
        if keep_schema:
            head["components"]["schemas"]["Legacy"] = \
                component_spec()["components"]["schemas"]["Legacy"]
        write(tmp_path / "head.yaml", head)
        proc = putlint("diff", "base.yaml", "head.yaml", "--format", "json", cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout
        assert [(f["rule"], f["severity"]) for f in findings(proc)] == [("PUT007", "warning")]
        assert "'Legacy.members'" in findings(proc)[0]["message"]


SCHEMA_SHAPES = {
    "plain": ({"properties": {"snis": {"type": "array"}}}, "Cert.snis"),
    "allOf": ({"allOf": [{"type": "object"}, {"properties": {"snis": {"type": "array"}}}]},
              "Cert.snis"),
    "nested": ({"properties": {"tls": {"properties": {"snis": {"type": "array"}}}}},
               "Cert.tls.snis"),
    "dotted property": ({"properties": {"a.b": {"type": "array"}}}, None),
    "map": ({"additionalProperties": {"properties": {"snis": {"type": "array"}}}}, None),
}


@pytest.mark.parametrize("shape", sorted(SCHEMA_SHAPES))
def test_dotted_name_is_the_inverse_of_targets(tmp_path: Path, shape: str) -> None:
    schema, expected = SCHEMA_SHAPES[shape]
    data = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Cert": schema}}}
    ws = Workspace(write(tmp_path / "s.yaml", data), tmp_path)
    pointer = ("components", "schemas", "Cert") + {
        "plain": ("properties", "snis"), "allOf": ("allOf", "1", "properties", "snis"),
        "nested": ("properties", "tls", "properties", "snis"),
        "dotted property": ("properties", "a.b"),
        "map": ("additionalProperties", "properties", "snis")}[shape]
    loc = Loc(ws.root, pointer)
    assert dotted_name(ws, "3.0", loc) == expected
    if expected is not None:
        assert [t.key for t in targets(ws, "3.0", expected)] == [loc.key]


def test_swagger_definitions_are_named_too(tmp_path: Path) -> None:
    data = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "definitions": {"io.k8s.Pod": {"properties": {"spec": {"properties": {
                "secrets": {"type": "array"}}}}}}}
    ws = Workspace(write(tmp_path / "s.yaml", data), tmp_path)
    loc = Loc(ws.root, ("definitions", "io.k8s.Pod", "properties", "spec", "properties",
                        "secrets"))
    assert dotted_name(ws, "2.0", loc) == "io.k8s.Pod.spec.secrets"
    assert dotted_name(ws, "3.0", loc) is None  # no components/schemas in a 2.0 spec


@pytest.mark.skipif(not GITHUB_2026.is_file() or not GITHUB_2022.is_file(),
                    reason="../shared/corpus is not here")
def test_github_2022_to_2026_with_the_config_suggest_wrote_passes(tmp_path: Path) -> None:
    """The trial's real case: the config suggest writes for GitHub 2022, then diff to 2026.
    GitHub removed the enterprise and organization SCIM PUTs; their entries are stale by
    the change's intent: warnings naming the removed operations, exit 0."""
    assert putlint("suggest", str(GITHUB_2022), "--write-config", "putlint.yaml",
                   cwd=tmp_path).returncode == 0
    proc = putlint("diff", str(GITHUB_2022), str(GITHUB_2026), "--format", "json",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    found = findings(proc)
    assert found and {(f["rule"], f["severity"]) for f in found} == {("PUT007", "warning")}
    assert all("PUT /scim/v2/" in f["message"] and "removes" in f["message"] for f in found)
