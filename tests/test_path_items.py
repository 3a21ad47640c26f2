"""Every operation a spec lists is read: a path item's `$ref` together with the fields beside
it, and AutoRest's `x-ms-paths` (trial s5, sections 1.1 and 1.2: both were silent passes)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from linter.cli import app
from linter.model import METHODS, ApiView, Scope, path_items
from linter.refs import Workspace
from linter.suggest.facts import SpecFacts

runner = CliRunner()

PUT_WITH_SNIS = """
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                snis: {type: array, x-critical: true, items: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}}
"""


def check(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, ["check", *[str(a) for a in args]])
    return result.exit_code, result.output


def ref_and_put(tmp_path: Path, other: str) -> Path:
    (tmp_path / "other.yaml").write_text(other, encoding="utf-8")
    root = tmp_path / "api.yaml"
    root.write_text("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n"
                    "  /certificates/{id}:\n    $ref: './other.yaml'\n    put:"
                    + PUT_WITH_SNIS, encoding="utf-8")
    return root


# -- 1.1: `$ref` and inline operations in one path item ----------------------------------------

def test_trial_1_1_the_inline_put_beside_a_ref_is_checked(tmp_path: Path) -> None:
    root = ref_and_put(tmp_path, "get:\n  responses: {\"200\": {description: ok}}\n")
    code, out = check(root)
    assert code == 1, out
    assert "api.yaml:15:17: PUT001 [error] critical field 'snis' is not required" in out
    assert "no PUT or upsert operation was found" not in out


def test_a_method_in_both_is_the_inline_one_with_a_warning(tmp_path: Path) -> None:
    root = ref_and_put(tmp_path, "get:\n  responses: {\"200\": {description: ok}}\n"
                                 "put:\n  responses: {\"200\": {description: ok}}\n")
    code, out = check(root)
    assert code == 1, out
    assert ("api.yaml:6:5: warning: PUT is written both here and in the path item of the $ref "
            "beside it (") in out and "other.yaml:3:1); OpenAPI leaves this undefined" in out
    assert "PUT001" in out  # the inline PUT (with snis) is the one analysed


def test_path_level_parameters_of_both_apply_and_the_inline_one_wins(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(
        "parameters:\n  - {name: id, in: path, required: true, schema: {type: integer}}\n"
        "  - {name: v, in: query, schema: {type: string}}\n"
        "get:\n  responses: {\"200\": {description: ok}}\n", encoding="utf-8")
    root = tmp_path / "api.yaml"
    root.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
                    "  /c/{id}/{sub}:\n    $ref: other.yaml\n    parameters:\n"
                    "      - {name: sub, in: path, required: true, schema: {type: string}}\n"
                    "      - {name: v, in: query, schema: {type: boolean}}\n"
                    "    put:\n      responses: {'200': {description: ok}}\n",
                    encoding="utf-8")
    api = ApiView(Workspace(root, tmp_path), Scope())
    [op] = list(api.operations())
    assert op.path_params == {"id": {"type": "integer"}, "sub": {"type": "string"}}
    assert op.siblings == {"get", "put"}
    assert op.readback is None and not api.errors
    params = api._parameters({}, api.items()[0], op.loc)
    assert {p["name"]: p["schema"]["type"] for p, _ in params if p["in"] == "query"} == \
        {"v": "boolean"}


def test_a_loop_of_refs_with_siblings_is_an_input_error(tmp_path: Path) -> None:
    root = tmp_path / "api.yaml"
    root.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n"
                    "    $ref: '#/x-items/b'\n    put: {responses: {'200': {description: ok}}}\n"
                    "x-items:\n  b:\n    $ref: '#/paths/~1a'\n"
                    "    get: {responses: {'200': {description: ok}}}\n", encoding="utf-8")
    code, out = check(root)
    assert code == 2 and "api.yaml:4:3: error: $ref loop" in out and "Traceback" not in out


methods = st.sets(st.sampled_from(METHODS), max_size=4)


@given(referenced=methods, inline=methods)
@settings(max_examples=60, deadline=None)
def test_every_method_of_both_is_read_once_and_the_inline_one_wins(
        referenced: set[str], inline: set[str]) -> None:
    """Whatever the two items hold, the merged item has each method of either exactly once,
    written where the inline item has it when both do, with one warning per shadowed method."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        op = {"responses": {"200": {"description": "ok"}}}
        (tmp / "other.json").write_text(json.dumps({m: op for m in referenced}))
        item = {"$ref": "other.json", **{m: op for m in inline}}
        (tmp / "api.json").write_text(json.dumps({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": item}}))
        warnings: list = []
        [read] = list(path_items(Workspace(tmp / "api.json", tmp), [], warnings))
        assert set(read.operations) == referenced | inline
        for method, (_, loc) in read.operations.items():
            assert loc.doc.path.name == ("api.json" if method in inline else "other.json")
        assert len(warnings) == len(referenced & inline) if inline else not warnings
        assert all("OpenAPI leaves this undefined" in w.message for w in warnings)


# -- 1.2: x-ms-paths -------------------------------------------------------------------------

XMS = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
       "x-ms-paths": {"/sites/{name}?api-version=2021": {"put": {
           "operationId": "Sites_Put",
           "parameters": [{"name": "name", "in": "path", "required": True, "type": "string"},
                          {"name": "body", "in": "body", "required": True,
                           "schema": {"$ref": "#/definitions/Site"}}],
           "responses": {"200": {"description": "ok"}, "default": {"description": "err"}}}}},
       "definitions": {"Site": {"type": "object", "properties": {
           "appSettings": {"type": "array", "x-critical": True,
                           "items": {"type": "string"}}}}}}


def xms_spec(tmp_path: Path, spec: dict, name: str = "i_xmspaths.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


# The trial's file, as it wrote it (positions are asserted below).
TRIAL_1_2 = (
    '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},\n'
    ' "x-ms-paths": {"/sites/{name}?api-version=2021": {"put": {"operationId": "Sites_Put",\n'
    '   "parameters": [{"name": "name", "in": "path", "required": true, "type": "string"},\n'
    '                  {"name": "body", "in": "body", "required": true, '
    '"schema": {"$ref": "#/definitions/Site"}}],\n'
    '   "responses": {"200": {"description": "ok"}, "default": {"description": "err"}}}}},\n'
    ' "definitions": {"Site": {"type": "object", "properties": {\n'
    '   "appSettings": {"type": "array", "x-critical": true, "items": {"type": "string"}}}}}}\n'
)


def test_trial_1_2_x_ms_paths_operations_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "i_xmspaths.json"
    path.write_text(TRIAL_1_2, encoding="utf-8")
    assert json.loads(TRIAL_1_2) == XMS
    code, out = check(path, "--profile", "azure-arm")
    assert code == 1, out
    assert ("i_xmspaths.json:7:4: PUT001 [error] critical field 'appSettings' is not "
            "required: the body may leave it out (PUT /sites/{name}?api-version=2021") in out
    assert "i_xmspaths.json:5:4: PUT005" in out  # the `responses` of the x-ms-paths PUT
    assert "no PUT or upsert operation was found" not in out


def test_x_ms_paths_are_read_in_openapi_3_too(tmp_path: Path) -> None:
    root = tmp_path / "api.yaml"
    root.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-ms-paths:\n"
                    "  /certificates/{id}?op=replace:\n    put:" + PUT_WITH_SNIS,
                    encoding="utf-8")
    code, out = check(root)
    assert code == 1 and "api.yaml:15:17: PUT001" in out, out


def test_upsert_operations_name_an_x_ms_paths_operation(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(XMS))
    item = spec["x-ms-paths"]["/sites/{name}?api-version=2021"]
    item["post"] = item.pop("put")
    path = xms_spec(tmp_path, spec)
    code, out = check(path)
    assert code == 0 and "no PUT or upsert operation was found" in out, out
    config = tmp_path / "putlint.yaml"
    config.write_text("upsert-operations: [Sites_Put]\n", encoding="utf-8")
    code, out = check(path, "--config", config)
    assert code == 1 and "PUT001" in out and "POST /sites/{name}?api-version=2021" in out, out


def test_diff_matches_x_ms_paths_operations(tmp_path: Path) -> None:
    base = xms_spec(tmp_path, XMS, "base.json")
    same = xms_spec(tmp_path, XMS, "head.json")
    result = runner.invoke(app, ["diff", str(base), str(same)])
    assert result.exit_code == 0, result.output
    off = json.loads(json.dumps(XMS))
    off["x-ms-paths"]["/sites/{name}?api-version=2021"]["put"]["x-upsert"] = False
    result = runner.invoke(app, ["diff", str(base), str(xms_spec(tmp_path, off, "off.json"))])
    assert "PUT208" in result.output and "x-upsert: false" in result.output, result.output


def test_probe_refuses_a_path_with_a_query_string_and_says_why(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(XMS))
    item = spec["x-ms-paths"]["/sites/{name}?api-version=2021"]
    item["get"] = {"responses": {"200": {"description": "ok"}}}
    result = runner.invoke(app, ["probe", str(xms_spec(tmp_path, spec)),
                                 "--base-url", "http://127.0.0.1:9"])
    assert "PUT /sites/{name}?api-version=2021\n  skipped:  the path carries a query string" \
        in result.output, result.output


def test_suggest_reads_x_ms_paths(tmp_path: Path) -> None:
    facts = SpecFacts(Workspace(xms_spec(tmp_path, XMS), tmp_path))
    assert facts.paths == ["/sites/{name}?api-version=2021"]
    assert facts.writes("/sites/{name}?api-version=2021") == {"put"}


def test_a_fix_names_the_x_ms_paths_operation_that_shares_the_schema(tmp_path: Path) -> None:
    """`check --fix` reads operations as the analysis does: a schema a PUT shares with an
    `x-ms-paths` GET is shared, and the fix says so (it is not safe)."""
    from linter.config import Options
    from linter.fixes import plan
    from linter.load import analyse

    spec = json.loads(json.dumps(XMS))
    spec["x-ms-paths"]["/sites/{name}?op=read"] = {"get": {"responses": {"200": {
        "description": "ok", "schema": {"$ref": "#/definitions/Site"}}}}}
    spec["definitions"]["Site"]["properties"]["appSettings"]["minItems"] = 1
    spec["x-ms-paths"]["/sites/{name}?api-version=2021"]["put"]["responses"]["400"] = \
        {"description": "bad"}
    report = analyse(xms_spec(tmp_path, spec), Options())
    fixes = {p.finding.rule: p.fix for p in plan(report, Options())}
    assert fixes["PUT001"] is not None and not fixes["PUT001"].safe
    assert fixes["PUT001"].others == ("GET /sites/{name}?op=read (response)",)
