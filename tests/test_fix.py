"""Fixes as minimal text edits, `check --fix` / `--diff`, and where PUT001/PUT006 point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.config import Options, load_config
from linter.fixes import apply, chosen, plan
from linter.load import analyse

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


def fixed(path: Path, unsafe: bool = True, options: Options | None = None) -> dict[str, str]:
    """The new text of each file, by name, after every (safe, or all) fix."""
    options = options or Options()
    report = analyse(path, options)
    assert not report.errors, report.errors
    docs = {d.path: d for d in report.workspace.documents}
    texts, _ = apply(docs, chosen(plan(report, options), unsafe))
    return {p.name: t for p, t in texts.items()}


def rules_left(path: Path, options: Options | None = None) -> list[str]:
    report = analyse(path, options or Options())
    from linter.fixes import findings

    return sorted(p.finding.rule for p in findings(report, options or Options()))


def write(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


YAML_SPEC = """\
# a comment at the top
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{id}:
    put:
      requestBody:   # optional on purpose
        content:
          application/json:
            schema:
              type: object
              required:
                - "cert"        # quoted, as the author likes
              properties:
                cert: {type: string}
                snis:           # the one that matters
                  type: array
                  nullable: true   # Kong's habit
                  items: {type: string}
                  x-critical: true
      responses:
        '200': {description: ok}
"""


def test_yaml_fixes_keep_comments_quoting_and_layout(tmp_path: Path) -> None:
    path = write(tmp_path, YAML_SPEC)
    assert fixed(path)["api.yaml"] == """\
# a comment at the top
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{id}:
    put:
      requestBody:   # optional on purpose
        content:
          application/json:
            schema:
              type: object
              required:
                - "cert"        # quoted, as the author likes
                - "snis"
              properties:
                cert: {type: string}
                snis:           # the one that matters
                  type: array
                  # Kong's habit
                  items: {type: string}
                  x-critical: true
                  minItems: 1
        required: true
      responses:
        '200': {description: ok}
        '400': {description: 'Bad Request: a critical field is missing'}
"""


def test_fixed_yaml_leaves_no_finding(tmp_path: Path) -> None:
    path = write(tmp_path, YAML_SPEC)
    path.write_text(fixed(path)["api.yaml"])
    assert rules_left(path) == []


def json_spec(indent: int | str | None) -> str:
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/certs/{id}": {"put": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Cert"}}}},
            "responses": {"200": {"description": "ok"},
                          "400": {"$ref": "#/components/responses/BadRequest"}}}},
        "/other/{id}": {"put": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Cert"}}}},
            "responses": {"200": {"description": "ok"}}}}},
        "components": {
            "responses": {"BadRequest": {"description": "bad"}},
            "schemas": {"Cert": {"type": "object", "required": ["cert"], "properties": {
                "cert": {"type": "string"},
                "snis": {"type": ["array", "null"], "items": {"type": "string"},
                         "x-critical": True}}}}}}
    if indent is None:
        return json.dumps(spec)
    return json.dumps(spec, indent=indent) + "\n"


@pytest.mark.parametrize("indent", [None, 2, 4, "\t"])
def test_json_fixes_keep_the_layout(tmp_path: Path, indent) -> None:
    original = json_spec(indent)
    path = write(tmp_path, original, "api.json")
    new = fixed(path)["api.json"]
    expected = json.loads(original)
    cert = expected["components"]["schemas"]["Cert"]
    cert["required"].append("snis")
    cert["properties"]["snis"]["type"] = ["array"]
    cert["properties"]["snis"]["minItems"] = 1
    expected["paths"]["/other/{id}"]["put"]["responses"]["400"] = {
        "$ref": "#/components/responses/BadRequest"}  # the spec's own error response, reused
    assert json.loads(new) == expected
    if indent is None:
        assert "\n" not in new.strip()
    else:  # the lines putlint did not touch are byte for byte the same
        old_lines, new_lines = original.splitlines(), new.splitlines()
        for line in set(old_lines) - set(new_lines):
            # a line changes only by the comma a new entry after it needs, or is the removed
            # "null" of the type list (with the comma before it)
            assert line + "," in new_lines or '"null"' in line or line.rstrip(",") in \
                new_lines, line
        pad = "\t" if indent == "\t" else " " * indent
        assert any(line.startswith(pad) and '"minItems": 1' in line for line in new_lines)
    path.write_text(new)
    assert rules_left(path) == []


def test_shared_schema_fix_is_unsafe_and_names_the_operations() -> None:
    report = analyse(SPECS / "konnect-certificates-2025-11-06.yaml", Options())
    planned = {p.finding.rule: p.fix for p in plan(report, Options())}
    fix = planned["PUT001"]
    assert fix is not None and not fix.safe
    assert fix.others == ("GET /v2/control-planes/{controlPlaneId}/core-entities/certificates/"
                          "{CertificateId} (response)",)
    assert "unsafe: also changes GET" in fix.title
    assert chosen(plan(report, Options()), unsafe=False) == []


def test_put001_fix_goes_to_the_allof_branch_that_declares_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - {type: object, required: [cert], properties: {cert: {type: string}}}
                - type: object
                  properties:
                    snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses: {'200': {description: ok}, '400': {description: bad}}
""")
    report = analyse(path, Options())
    (p,) = [p for p in plan(report, Options())]
    assert p.finding.rule == "PUT001" and p.finding.line == 15  # at `snis:` in branch 2
    (edit,) = p.fix.edits
    assert edit.pointer[-2:] == ("allOf", "1") and edit.key == "required"
    new = fixed(path)["api.yaml"]
    assert "                - type: object\n                  properties:" in new
    assert "x-critical: true}\n                  required: [snis]\n" in new
    path.write_text(new)
    assert rules_left(path) == []


def test_put006_points_at_the_request_bodies_component_and_fixes_it_there(
        tmp_path: Path) -> None:
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{id}:
    put:
      requestBody: {$ref: '#/components/requestBodies/Cert'}
      responses: {'200': {description: ok}, '400': {description: bad}}
components:
  requestBodies:
    Cert:
      content:
        application/json:
          schema:
            type: object
            required: [snis]
            properties:
              snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
""")
    report = analyse(path, Options())
    (p,) = plan(report, Options())
    assert p.finding.rule == "PUT006" and p.finding.line == 10  # `Cert:`, not `requestBody:`
    assert p.fix is not None and p.fix.safe
    new = fixed(path)["api.yaml"]
    assert "    Cert:\n      content:" in new and "      required: true\n" in new
    assert "requestBody: {$ref: '#/components/requestBodies/Cert'}" in new


def test_swagger2_form_field_and_crlf(tmp_path: Path) -> None:
    text = (SPECS / "kustomer-certificates.yaml").read_text().replace("\n", "\r\n")
    path = write(tmp_path, text)
    new = fixed(path)["api.yaml"]
    assert "\n" not in new.replace("\r\n", "")  # every new line break is CR LF too
    path.write_bytes(new.encode())
    assert rules_left(path) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b-c", "x y", "true", "400", "it's", "#x", "ü"]),
                min_size=0, max_size=3, unique=True),
       st.sampled_from(["flow", "block", "absent", "json"]),
       st.sampled_from(["snis", "true", "a b", "#hash", "ü"]))
def test_adding_to_required_keeps_every_other_byte(existing, style, name) -> None:
    """Any list style and any names: the new text parses to the old data plus the name, and
    removing the added text gives back the original exactly."""
    import tempfile

    existing = [n for n in existing if n != name]
    props = {n: {"type": "string"} for n in existing}
    props[name] = {"type": "array", "minItems": 1, "items": {"type": "string"},
                   "x-critical": True}
    schema = {"type": "object", "properties": props}
    if style != "absent" and existing:
        schema["required"] = list(existing)
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/x/{id}": {"put": {"requestBody": {"required": True, "content": {
            "application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}}}
    if style == "json":
        text, suffix = json.dumps(doc, indent=2), ".json"
    else:
        import yaml

        text = yaml.safe_dump(doc, default_flow_style=None if style == "flow" else False,
                              sort_keys=False, allow_unicode=True)
        suffix = ".yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"api{suffix}"
        path.write_text(text, encoding="utf-8")
        new = fixed(path)[path.name]
        added = [line for line in new.splitlines() if line not in text.splitlines()]
        assert added, new
        from linter.reading import parse_text

        data = parse_text(path, "x", new).data
        got = data["paths"]["/x/{id}"]["put"]["requestBody"]["content"]["application/json"][
            "schema"]
        assert got["required"] == [*schema.get("required", []), name]
        got.pop("required")
        schema.pop("required", None)
        assert data == doc


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


INCIDENT_SPECS = ("kong-gateway", "konnect-certificates-2025-11-05.yaml",
                  "konnect-certificates-2025-11-06.yaml", "konnect-certificates-fixed.yaml",
                  "kustomer-certificates.yaml")


def test_cli_diff_then_fix(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    for name in INCIDENT_SPECS:
        if (SPECS / name).is_dir():
            shutil.copytree(SPECS / name, tmp_path / "specs" / name)
        else:
            shutil.copy(SPECS / name, tmp_path / "specs" / name)
    before = {p: p.read_bytes() for p in (tmp_path / "specs").rglob("*.yaml")}
    result = run_cli("check", "specs", "--diff", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "+        '400': {description: 'Bad Request: a critical field is missing'}" in \
        result.stdout
    assert "unsafe fix not applied (--unsafe-fixes): PUT001: add snis to `required`" in \
        result.stderr
    assert {p: p.read_bytes() for p in before} == before  # --diff writes nothing

    result = run_cli("check", "specs", "--fix", cwd=tmp_path)
    assert result.returncode == 1  # the unsafe ones are left, and reported
    assert "putlint: --fix: applied 4 fixes in 2 files; what is left:" in result.stderr
    assert "PUT005" not in result.stdout and "PUT001" in result.stdout
    assert run_cli("check", "specs", "--diff", cwd=tmp_path).returncode == 0  # nothing safe left

    result = run_cli("check", "specs", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "no findings" in result.stdout
    # comments survive: every comment line of the originals is still in the fixed files
    for path, raw in before.items():
        old_comments = [line.split("#", 1)[1] for line in raw.decode().splitlines()
                        if "#" in line]
        new_text = path.read_text()
        assert all(c in new_text for c in old_comments), path


def test_cli_fix_respects_select(tmp_path: Path) -> None:
    shutil.copytree(SPECS / "kong-gateway", tmp_path / "kong")
    result = run_cli("check", "kong", "--fix", "--unsafe-fixes", "--select", "PUT003",
                     cwd=tmp_path)
    text = (tmp_path / "kong" / "schemas" / "certificate.yaml").read_text()
    assert "minItems: 1" in text and "required: [cert, key]\n" in text  # PUT001 not fixed
    assert "a critical field is missing" not in (tmp_path / "kong" / "openapi.yaml").read_text()
    assert result.returncode == 0
    result = run_cli("check", "kong", "--diff", "--ignore", "PUT005", "--unsafe-fixes",
                     cwd=tmp_path)
    assert "a critical field is missing" not in result.stdout and "snis]" in result.stdout


def test_config_file_select_applies_to_fixes(tmp_path: Path) -> None:
    shutil.copytree(SPECS / "kong-gateway", tmp_path / "kong")
    (tmp_path / "putlint.yaml").write_text("select: [PUT005]\n")
    options = load_config(tmp_path / "putlint.yaml")
    assert set(fixed(tmp_path / "kong" / "openapi.yaml", options=options)) == {"openapi.yaml"}


def test_put001_with_an_optional_parent_points_at_the_parent_and_requires_it(
        tmp_path: Path) -> None:
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /services/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                tls:
                  type: object
                  required: [hosts]
                  properties:
                    hosts: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses: {'200': {description: ok}, '400': {description: bad}}
""")
    report = analyse(path, Options())
    (p,) = plan(report, Options())
    assert p.finding.rule == "PUT001" and "parent 'tls'" in p.finding.message
    assert p.finding.line == 13  # `tls:`, whose absence from `required` is the cause
    new = fixed(path)["api.yaml"]
    assert "              type: object\n              properties:" in new
    assert "x-critical: true}\n              required: [tls]\n" in new
    path.write_text(new)
    assert rules_left(path) == []


@pytest.mark.parametrize(("components", "expected"), [
    ("components:\n  responses:\n    Unauthorized: {description: no}\n"
     "    ValidationFailed: {description: invalid}\n",
     "'400': {$ref: '#/components/responses/ValidationFailed'}"),
    # an error schema is not reused: which body a 400 carries is the author's to say
    ("components:\n  schemas:\n    Problem: {type: object}\n",
     "'400': {description: 'Bad Request: a critical field is missing'}"),
    # Kong 3.15's 401 named like an error, and a 200 named like validation: neither is a 400
    ("components:\n  responses:\n    DuplicateApiKeyError:\n      description: Duplicate API"
     " key found\n      content: {application/json: {example: {status: 401}}}\n"
     "    ValidateEntityResponse: {description: Validation result of the request}\n",
     "'400': {description: 'Bad Request: a critical field is missing'}"),
    ("", "'400': {description: 'Bad Request: a critical field is missing'}"),
])
def test_put005_reuses_only_the_specs_bad_request_response(tmp_path: Path, components: str,
                                                          expected: str) -> None:
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [snis]
              properties:
                snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses:
        '200': {description: ok}
""" + components)
    new = fixed(path)["api.yaml"]
    assert f"        '200': {{description: ok}}\n        {expected}\n" in new
    path.write_text(new)
    assert rules_left(path) == []


_BAD_WORDS = ["Bad", "Request", "Validation", "Invalid", "Unprocessable", "Entity", "Error",
              "Errors", "Failed", "Response", "Http400", "Status422", "Problem", "Details"]
_UNRELATED = ["Duplicate", "ApiKey", "Unauthorized", "NotFound", "Conflict", "Forbidden", "Auth",
              "Cred", "Plugin", "Certificate", "License", "RateLimit", "Token", "Validate",
              "Http401", "Result", "Status404", "Http500"]
_DESCRIPTIONS = ["Bad Request", "Validation error", "The request body is invalid",
                 "Unprocessable entity", "Error", "", "Duplicate API key found",
                 "Unauthorized", "Resource not found", "Validation result of the request",
                 "Conflict: it already exists", "Internal server error", "Too many requests"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(good=st.lists(st.sampled_from(_BAD_WORDS), min_size=1, max_size=3),
       bad=st.lists(st.sampled_from(_UNRELATED), max_size=2),
       description=st.sampled_from(_DESCRIPTIONS),
       status=st.sampled_from([None, 400, 422, 401, 403, 404, 409, 500, "401", "400"]),
       used=st.booleans())
def test_put005_reuses_a_response_only_when_it_clearly_is_a_bad_request(
        good: list[str], bad: list[str], description: str, status, used: bool) -> None:
    """Whatever the name, description and stated status, the fix never reuses a response that
    names another status or an unrelated error, and always reuses one that clearly is a 400."""
    from linter.fixes.bad_request import bad_request_response

    name = "".join(good[:1] + bad + good[1:])
    response: dict = {"description": description}
    if status is not None:
        response["content"] = {"application/json": {"example": {"status": status,
                                                                "message": description}}}
    other = {"put": {"responses": {"400": {"$ref": f"#/components/responses/{name}"}}}}
    data = {"paths": {"/x": other} if used else {},
            "components": {"responses": {name: response}}}
    chosen = bad_request_response(data, "3.0.3")
    low = description.lower()
    unrelated = bool(bad) or any(w in low for w in (
        "duplicate", "unauthorized", "not found", "result", "conflict", "server", "too many"))
    joined = name.lower()
    says_400 = any(w in joined for w in (
        "badrequest", "validationerror", "validationfailed", "failedvalidation", "invalid",
        "unprocessable", "400", "422")) or any(
        w in low for w in ("bad request", "validation error", "invalid", "unprocessable"))
    if unrelated or str(status) not in ("None", "400", "422"):
        assert chosen is None, (name, response)
    elif says_400 or used:
        assert chosen == {"$ref": f"#/components/responses/{name}"}, (name, response)
    else:
        assert chosen is None, (name, response)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(names=st.lists(st.sampled_from(["DuplicateApiKeyError", "InvalidAuthCredError",
                                       "NotFound", "BadRequest", "ValidationError", "Error",
                                       "HTTP401Error", "ValidateEntityResponse"]),
                      min_size=1, max_size=4, unique=True))
def test_put005_fix_reparses_and_clears_the_finding(tmp_path_factory, names: list[str]) -> None:
    """Whichever responses the spec has, the fixed text parses, clears PUT005, and its 400 is a
    bad request: a generic component, or the plain description."""
    import yaml

    statuses = {"DuplicateApiKeyError": 401, "InvalidAuthCredError": 401, "NotFound": 404,
                "HTTP401Error": 401, "ValidateEntityResponse": 200}
    components = {n: {"description": n, "content": {"application/json": {"example": {
        "status": statuses.get(n, 400)}}}} for n in names}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/certs/{id}": {"put": {"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["snis"],
                                            "properties": {"snis": {
                                                "type": "array", "minItems": 1,
                                                "items": {"type": "string"},
                                                "x-critical": True}}}}}},
            "responses": {"200": {"description": "ok"}}}}},
        "components": {"responses": components}}
    path = write(tmp_path_factory.mktemp("spec"), yaml.safe_dump(spec, sort_keys=False))
    new = fixed(path, unsafe=False)["api.yaml"]
    given_400 = yaml.safe_load(new)["paths"]["/certs/{id}"]["put"]["responses"]["400"]
    ref = given_400.get("$ref", "").rsplit("/", 1)[-1]
    assert ref in ("", "BadRequest", "ValidationError", "Error"), given_400
    assert ref or given_400 == {"description": "Bad Request: a critical field is missing"}
    path.write_text(new)
    assert "PUT005" not in rules_left(path)


def test_put005_reuse_in_swagger_2_and_by_use() -> None:
    """Swagger 2.0 keeps responses under `responses`; a response other operations use as their
    400 is reused first (the most used), but not when it names a specific unrelated error."""
    from linter.fixes.bad_request import bad_request_response

    two = {"responses": {"AuthFailed": {"description": "Unauthorized"},
                         "BadRequest": {"description": "Bad request"}}}
    assert bad_request_response(two, "2.0") == {"$ref": "#/responses/BadRequest"}
    uses = {"paths": {f"/p{i}": {"put": {"responses": {"400": {"$ref": ref}}}}
                      for i, ref in enumerate(["#/components/responses/Error"] * 2 + [
                          "#/components/responses/PluginConfigInvalid"] * 3)},
            "components": {"responses": {
                "Error": {"description": "Error"},
                "PluginConfigInvalid": {"description": "The plugin configuration is invalid"},
                "ValidationError": {"description": "Validation failed"}}}}
    # the most used 400 names a plugin: skipped; the next most used is generic
    assert bad_request_response(uses, "3.0.3") == {"$ref": "#/components/responses/Error"}
    del uses["paths"]
    assert bad_request_response(uses, "3.0.3") == {
        "$ref": "#/components/responses/ValidationError"}


def test_put003_for_an_emptied_parent_list_writes_min_items_on_the_parent(
        tmp_path: Path) -> None:
    """Trial 1.3: `{"certificates": []}` drops every certificate's `snis`; the fix is the
    parent's `minItems: 1`, written where the parent is."""
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /bundles/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [certificates]
              properties:
                certificates:
                  type: array
                  items:
                    type: object
                    required: [snis]
                    properties:
                      snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses: {'200': {description: ok}, '400': {description: bad}}
""")
    (p,) = plan(analyse(path, Options()), Options())
    assert p.finding.rule == "PUT003" and "parent 'certificates' empty" in p.finding.message
    assert p.finding.line == 14  # `certificates:`, where minItems belongs
    new = fixed(path)["api.yaml"]
    assert "x-critical: true}\n                  minItems: 1\n      responses:" in new  # parent's
    path.write_text(new)
    assert rules_left(path) == []


def test_put003_for_a_string_writes_min_length(tmp_path: Path) -> None:
    path = write(tmp_path, """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [client_certificate_id]
              properties:
                client_certificate_id: {type: string, format: uuid, x-critical: true}
      responses: {'200': {description: ok}, '400': {description: bad}}
""")
    (p,) = plan(analyse(path, Options()), Options())
    assert p.finding.rule == "PUT003" and "add minLength: 1 (format: uuid" in p.finding.message
    new = fixed(path)["api.yaml"]
    assert "format: uuid, x-critical: true, minLength: 1}" in new
    path.write_text(new)
    assert rules_left(path) == []


# -- where --fix may write: the project, never through a link out of it -------------------------

def _git_project(tmp_path: Path) -> tuple[Path, Path]:
    """A git work tree `repo` and, beside it, a folder `outside` holding a fixable spec."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (outside / "victim.yaml").write_text(YAML_SPEC, encoding="utf-8")
    return repo, outside


def test_fix_never_writes_through_a_spec_linked_out_of_the_project(tmp_path: Path) -> None:
    repo, outside = _git_project(tmp_path)
    (repo / "api.yaml").symlink_to("../outside/victim.yaml")
    for args in (["api.yaml", "--fix"], ["api.yaml"], ["api.yaml", "--fix", "--unsafe-fixes"]):
        proc = run_cli("check", *args, cwd=repo)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2, out
        assert "api.yaml: error: a symlink that leads out of the project" in out
        assert "Traceback" not in out
    assert (outside / "victim.yaml").read_text(encoding="utf-8") == YAML_SPEC
    assert (repo / "api.yaml").is_symlink()


def test_fix_never_writes_through_a_folder_linked_out_of_the_project(tmp_path: Path) -> None:
    repo, outside = _git_project(tmp_path)
    (repo / "specs").symlink_to("../outside", target_is_directory=True)
    proc = run_cli("check", "specs/victim.yaml", "--fix", cwd=repo)
    assert proc.returncode == 2 and "leads out of the project" in proc.stdout, proc.stdout
    assert (outside / "victim.yaml").read_text(encoding="utf-8") == YAML_SPEC


def test_fix_writes_only_inside_the_project_of_the_current_folder(tmp_path: Path) -> None:
    """A spec named outside the project is checked (and --diff shows its fix), but --fix
    writes nothing there: one error line, exit 2. From its own folder it is fixed."""
    repo, outside = _git_project(tmp_path)
    victim = outside / "victim.yaml"
    plain = run_cli("check", str(victim), cwd=repo)
    assert plain.returncode == 1, plain.stderr  # read and checked as named
    proc = run_cli("check", str(victim), "--fix", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "not fixed" in lines[0] and "nothing was written" in lines[0]
    assert victim.read_text(encoding="utf-8") == YAML_SPEC
    assert run_cli("check", str(victim), "--diff", cwd=repo).returncode == 1
    assert run_cli("check", "victim.yaml", "--fix", cwd=outside).returncode == 0
    assert victim.read_text(encoding="utf-8") != YAML_SPEC


def test_fix_through_a_link_inside_the_project_fixes_the_file_it_names(tmp_path: Path) -> None:
    repo, _ = _git_project(tmp_path)
    (repo / "real.yaml").write_text(YAML_SPEC, encoding="utf-8")
    (repo / "api.yaml").symlink_to("real.yaml")
    assert run_cli("check", "api.yaml", "--fix", cwd=repo).returncode == 0
    assert (repo / "api.yaml").is_symlink()
    assert (repo / "real.yaml").read_text(encoding="utf-8") != YAML_SPEC
