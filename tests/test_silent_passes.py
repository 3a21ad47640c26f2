"""Nothing passes silently: every input putlint cannot analyse is said (issue: silent passes).

Each test here is one way a gate used to print "no findings" (or exit 0) about something it
never analysed; each fails on the code before the fix.
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from linter.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
KONG = CORPUS / "kong/developer.konghq.com/gateway/admin-oss/3.9/openapi.yaml"
DIGITALOCEAN = CORPUS / "digitalocean/specification/DigitalOcean-public.v2.yaml"
runner = CliRunner()


def invoke(*args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(old)


def spec_text(body: str = "", extra: str = "", op_extra: str = "") -> str:
    """A PUT whose JSON body has `snis` (critical unless `body` says otherwise)."""
    return f"""openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /certs/{{id}}:
    put:
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
{op_extra}      requestBody:
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
                  items: {{type: string}}
{body}      responses:
        '200': {{description: ok}}
        '400': {{description: missing}}
{extra}"""


def write(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- operations written as $ref ----------------------------------------------------------------

def test_an_operation_written_as_a_ref_is_checked(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    write(tmp_path / "ops", """requestBody:
  content:
    application/json:
      schema:
        type: object
        properties:
          snis: {type: array, items: {type: string}, x-critical: true}
responses:
  '200': {description: ok}
""", "put.yaml")
    root = write(tmp_path, """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs:
    put:
      $ref: ops/put.yaml
""")
    result = invoke("check", root, "-f", "json")
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"PUT001", "PUT006"} <= rules, result.stdout


def test_an_operation_ref_that_cannot_be_followed_is_an_input_error(tmp_path: Path) -> None:
    root = write(tmp_path, """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs:
    put:
      $ref: missing.yaml
""")
    result = invoke("check", root)
    assert result.exit_code == 2
    assert "api.yaml:6:7" in result.output and "missing.yaml" in result.output


@pytest.mark.skipif(not DIGITALOCEAN.is_file(), reason="../shared/corpus is not here")
def test_digitalocean_operations_are_analysed() -> None:
    """DigitalOcean's official spec writes every operation as a $ref to another file."""
    name = "resources/firewalls/models/firewall.yml#/allOf/0/properties/droplet_ids"
    result = invoke("check", DIGITALOCEAN, "--critical", name, "-f", "json")
    data = json.loads(result.stdout)
    assert not [f for f in data["findings"] if f["rule"] == "PUT007"], data["findings"]
    firewall = [f for f in data["findings"] if f["field"] == "droplet_ids"]
    assert firewall and all("firewalls" in f["operation"]["path"] for f in firewall)


# -- critical names that reach no body ---------------------------------------------------------

@pytest.mark.skipif(not KONG.is_file(), reason="../shared/corpus is not here")
def test_a_name_of_a_schema_no_body_uses_is_put007_naming_the_body() -> None:
    """Kong's certificate PUT body is requestBodies/cert-request, not the Certificate schema."""
    result = invoke("check", KONG, "--critical", "Certificate.snis")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "PUT007" in x)
    assert "no PUT/upsert request body uses" in line
    wanted = "#/components/requestBodies/cert-request/content/application~1json/schema" \
             "/properties/snis"
    assert f"PUT /certificates/{{certificate_id}}: {wanted}" in line
    # and the name it proposes works
    fixed = invoke("check", KONG, "--critical", wanted, "-f", "json")
    findings = json.loads(fixed.stdout)["findings"]
    assert not [f for f in findings if f["rule"] == "PUT007"]
    assert any(f["field"] == "snis" for f in findings)


@pytest.mark.parametrize("given", ["snis", "Certificate.sniss"])
def test_a_name_that_denotes_nothing_is_put007_naming_a_field_that_fits(given: str) -> None:
    """`--critical snis` (no schema) or a typo: the bodies with a field of that last name are
    named with the exact name to give, and that name works."""
    spec = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"
    result = invoke("check", spec, "--critical", given)
    line = next(x for x in result.output.splitlines() if "PUT007" in x)
    assert "matches no schema property" in line
    if given == "snis":
        assert line.endswith(": Certificate.snis"), line
        fixed = json.loads(invoke("check", spec, "--critical", "Certificate.snis",
                                  "-f", "json").stdout)["findings"]
        assert not [f for f in fixed if f["rule"] == "PUT007"]
        assert any(f["field"] == "snis" for f in fixed)
    else:  # no body has a field `sniss`: nothing to propose
        assert "bodies with a field" not in line


@pytest.mark.parametrize("command", ["check", "diff"])
def test_put007_runs_in_every_command_that_takes_names(tmp_path: Path, command: str) -> None:
    spec = write(tmp_path, spec_text())
    args = [spec] if command == "check" else [spec, spec]
    result = invoke(command, *args, "--critical", "Typo.field")
    assert "PUT007" in result.output and result.exit_code == 1, result.output


def test_put007_runs_in_probe(tmp_path: Path) -> None:
    from linter.config import Options
    from linter.critical import CriticalName
    from linter.probe import ProbeSettings, run_probe

    spec = write(tmp_path, spec_text(op_extra="").replace(
        "minItems: 1\n", "minItems: 1\n                  x-critical: true\n"))
    options = Options(critical=[CriticalName("Typo.field")])
    report, _ = run_probe(spec, options, ProbeSettings("http://127.0.0.1:9"))
    assert [f.rule for f in report.findings] == ["PUT007"]


# -- rule names --------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "closest"), [
    (["--select", "PUT999"], None), (["--select", "nullable"], "critical-field-nullable"),
    (["--ignore", "PUT0O1"], "PUT001"), (["--select", "critical-feild-omittable"],
                                         "critical-field-omittable")])
def test_an_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path: Path, args: list[str],
                                                              closest: str | None) -> None:
    result = invoke("check", write(tmp_path, spec_text()), *args)
    assert result.exit_code == 2
    assert f"names no rule: '{args[1]}'" in result.output
    if closest:
        assert f"did you mean '{closest}'" in result.output


@pytest.mark.parametrize("config", ["select: [PUT999]\n", "ignore: [nope]\n",
                                    "severity: {PUT02: error}\n", "select: [1]\n",
                                    "severity: {PUT001: fatal}\n"])
def test_an_unknown_rule_in_the_config_is_an_error_with_its_line(tmp_path: Path,
                                                                 config: str) -> None:
    write(tmp_path, "fail-on: error\n" + config, "putlint.yaml")
    result = invoke("check", write(tmp_path, spec_text()), cwd=tmp_path)
    assert result.exit_code == 2
    assert "putlint.yaml:2:" in result.output, result.output


def test_rule_ids_are_case_insensitive(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text(body="", extra="").replace(
        "minItems: 1\n", "x-critical: true\n").replace("required: [snis]", "required: []"))
    lower = invoke("check", spec, "--select", "put001", "-f", "json")
    assert {f["rule"] for f in json.loads(lower.stdout)["findings"]} == {"PUT001"}


def test_a_severity_prefix_applies_to_every_rule_it_names(tmp_path: Path) -> None:
    write(tmp_path, "severity: {PUT00: info}\n", "putlint.yaml")
    spec = write(tmp_path, spec_text().replace("minItems: 1\n", "x-critical: true\n"))
    result = invoke("check", spec, "-f", "json", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert findings and {f["severity"] for f in findings} == {"info"}
    assert result.exit_code == 0


# -- nothing to check --------------------------------------------------------------------------

def test_a_folder_without_specs_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    result = invoke("check", tmp_path)
    assert result.exit_code == 2
    assert f"no OpenAPI or Swagger spec found in {tmp_path}" in result.output


def test_a_run_without_critical_fields_says_so(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text())
    result = invoke("check", spec)
    assert result.exit_code == 0
    assert "no critical field was checked" in result.output and "putlint suggest" in result.output
    assert invoke("check", spec, "--require-critical").exit_code == 1
    write(tmp_path, "require-critical: true\n", "putlint.yaml")
    assert invoke("check", spec, cwd=tmp_path).exit_code == 1
    marked = write(tmp_path, spec_text().replace("minItems: 1\n", "minItems: 1\n"
                                                  "                  x-critical: true\n"), "b.yaml")
    ok = invoke("check", marked, "--require-critical")
    assert ok.exit_code == 0 and "no critical field" not in ok.output


# -- x-critical values -------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["'true'", "'yes'", "1", "[reject]", "null",
                                   "{on-omit: delete}", "{on_omit: purge}", "{why: x}"])
def test_an_x_critical_that_is_not_a_contract_is_an_input_error(tmp_path: Path,
                                                                value: str) -> None:
    spec = write(tmp_path, spec_text().replace(
        "minItems: 1\n", f"minItems: 1\n                  x-critical: {value}\n"))
    result = invoke("check", spec)
    assert result.exit_code == 2, result.output
    assert "api.yaml:19:19: error: x-critical" in result.output


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                 st.lists(st.booleans(), max_size=2),
                 st.dictionaries(st.sampled_from(["on-omit", "reason", "other"]),
                                 st.sampled_from(["reject", "preserve", "purge", "x"]),
                                 max_size=2)))
@settings(max_examples=60, deadline=None)
def test_every_x_critical_value_is_a_mark_or_an_error(value: object) -> None:
    """The parse of a mark never ignores a value: it is a mark, `false`, or an error."""
    from linter.analysis import parse_mark
    from linter.errors import PutlintError

    try:
        mark = parse_mark(value)
    except PutlintError:
        valid = isinstance(value, dict) and set(value) <= {"on-omit", "reason"} and \
            value.get("on-omit", "reject") in ("reject", "preserve", "purge")
        assert not valid
        return
    assert mark is not None
    assert isinstance(value, dict) and set(value) <= {"on-omit", "reason"}


@pytest.mark.parametrize(("typo", "intended", "where"), [
    ("x-critcal", "x-critical", "schema"), ("x-crtical", "x-critical", "schema"),
    ("x-putlint-ingore", "x-putlint-ignore", "schema"), ("x-upsrt", "x-upsert", "operation")])
def test_an_extension_a_typo_away_is_a_warning_naming_the_intended_key(
        tmp_path: Path, typo: str, intended: str, where: str) -> None:
    if where == "schema":
        indent = " " * 18
        text = spec_text().replace("minItems: 1\n", f"minItems: 1\n{indent}{typo}: true\n")
    else:
        text = spec_text(op_extra=f"      {typo}: true\n")
    result = invoke("check", write(tmp_path, text))
    assert f"'{typo}' is not an extension putlint reads; did you mean '{intended}'?" in \
        result.output


@given(st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=14))
@settings(max_examples=200, deadline=None)
def test_only_near_misses_are_flagged(suffix: str) -> None:
    from linter.vocab import ANNOTATION_NAMES, edit_distance, near_annotation

    key = "x-" + suffix
    intended = near_annotation(key)
    if key in ANNOTATION_NAMES:
        assert intended is None
    elif intended is not None:
        assert edit_distance(key, intended, limit=5) <= 2
    else:
        assert all(edit_distance(key, name, limit=5) > 2 for name in ANNOTATION_NAMES)


# -- config paths, baselines, contracts ----------------------------------------------------------

def test_paths_in_a_config_file_resolve_against_its_folder(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text().replace("minItems: 1\n", "x-critical: true\n")
                 .replace("required: [snis]", "required: []"))
    write(tmp_path, "baseline: base.json\nreports:\n  - {format: json, output: out/r.json}\n",
          "putlint.yaml")
    (tmp_path / "out").mkdir()
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    written = invoke("check", spec, "--write-baseline", tmp_path / "base.json", cwd=tmp_path)
    assert written.exit_code == 0, written.output
    result = invoke("check", Path("../..") / spec.name, cwd=sub)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "r.json").is_file()
    assert not (sub / "out").exists()


def test_a_baseline_entry_matches_only_its_own_spec(tmp_path: Path) -> None:
    text = spec_text().replace("minItems: 1\n", "x-critical: true\n").replace(
        "required: [snis]", "required: []")
    write(tmp_path, text, "a.yaml")
    (tmp_path / "other").mkdir()
    write(tmp_path / "other", text, "b.yaml")
    write(tmp_path, "fail-on: error\n", "putlint.yaml")
    assert invoke("check", "a.yaml", "--write-baseline", "base.json", cwd=tmp_path).exit_code == 0
    entries = json.loads((tmp_path / "base.json").read_text())["entries"]
    assert {e["spec"] for e in entries} == {"a.yaml"}
    assert invoke("check", "a.yaml", "--baseline", "base.json", cwd=tmp_path).exit_code == 0
    other = invoke("check", "other/b.yaml", "--baseline", "base.json", cwd=tmp_path)
    assert other.exit_code == 1 and "PUT001" in other.output
    # the same project root from a subfolder: the entry still names a.yaml
    inside = invoke("check", "../a.yaml", "--baseline", "../base.json", cwd=tmp_path / "other")
    assert inside.exit_code == 0, inside.output


def test_a_baseline_without_spec_paths_still_loads_with_a_note(tmp_path: Path) -> None:
    text = spec_text().replace("minItems: 1\n", "x-critical: true\n").replace(
        "required: [snis]", "required: []")
    write(tmp_path, text, "a.yaml")
    assert invoke("check", "a.yaml", "--write-baseline", "base.json", cwd=tmp_path).exit_code == 0
    data = json.loads((tmp_path / "base.json").read_text())
    for entry in data["entries"]:
        del entry["spec"]
    (tmp_path / "base.json").write_text(json.dumps(data))
    result = invoke("check", "a.yaml", "--baseline", "base.json", cwd=tmp_path)
    assert result.exit_code == 0
    assert "name no spec" in result.output and "--write-baseline" in result.output


def test_the_specs_own_contract_wins_over_a_config_entry_that_states_none(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text().replace("minItems: 1\n", "x-critical: {on-omit: preserve}\n")
                 .replace("required: [snis]", "required: []").replace("'400'", "'409'"))
    bare = invoke("check", spec, "--critical", "#/paths/~1certs~1{id}/put/requestBody/content/"
                  "application~1json/schema/properties/snis", "-f", "json")
    assert "PUT001" not in {f["rule"] for f in json.loads(bare.stdout)["findings"]}
    write(tmp_path, "critical:\n  - name: '#/paths/~1certs~1{id}/put/requestBody/content/"
          "application~1json/schema/properties/snis'\n    on-omit: reject\n", "putlint.yaml")
    stated = invoke("check", spec, "-f", "json", cwd=tmp_path)
    put001 = [f for f in json.loads(stated.stdout)["findings"] if f["rule"] == "PUT001"]
    assert put001 and "on-omit: reject from putlint.yaml:2:5 overrides the spec's on-omit: " \
        "preserve" in put001[0]["message"]


# -- names with dots ---------------------------------------------------------------------------

K8S = """openapi: 3.0.3
info: {title: k, version: '1'}
paths:
  /api/v1/namespaces/{ns}/secrets/{name}:
    put:
      parameters:
        - {name: ns, in: path, required: true, schema: {type: string}}
        - {name: name, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/io.k8s.api.core.v1.Secret'}
      responses:
        '200': {description: ok}
        '400': {description: bad}
components:
  schemas:
    io.k8s.api.core.v1.Secret:
      type: object
      properties:
        data: {type: object, additionalProperties: {type: string}}
        metadata: {$ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}
    io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta:
      type: object
      properties:
        labels: {type: object}
"""


def test_component_names_with_dots_are_addressable(tmp_path: Path) -> None:
    spec = write(tmp_path, K8S)
    for name, field in (("io.k8s.api.core.v1.Secret.data", "data"),
                        ("io.k8s.api.core.v1.Secret.metadata.labels", "metadata.labels")):
        result = invoke("check", spec, "--critical", name, "-f", "json")
        findings = json.loads(result.stdout)["findings"]
        assert not [f for f in findings if f["rule"] == "PUT007"], findings
        assert any(f["field"] == field and f["rule"] == "PUT001" for f in findings)


@given(st.lists(st.text(alphabet="abc", min_size=1, max_size=3), min_size=1, max_size=4),
       st.integers(min_value=0, max_value=3))
@settings(max_examples=100, deadline=None)
def test_the_longest_component_name_wins(parts: list[str], extra: int) -> None:
    """Components `a`, `a.b`, `a.b.c`...: a name resolves to the longest that is a prefix."""
    from linter.critical import _component
    from linter.refs import Loc

    class Doc:  # the small part of a Workspace _component reads
        def get(self, loc: Loc) -> dict:
            return {".".join(parts[:i]): {} for i in range(1, len(parts) + 1 - extra) if i}

    ws = Doc()
    ws.root = None  # type: ignore[attr-defined]
    name = ".".join(parts)
    found = _component(ws, ("components", "schemas"), name)  # type: ignore[arg-type]
    defined = [".".join(parts[:i]) for i in range(1, len(parts) + 1 - extra)]
    if not defined:
        assert found is None
        return
    loc, steps = found  # type: ignore[misc]
    longest = max((d for d in defined if name == d or name.startswith(d + ".")), key=len)
    assert loc.pointer[-1] == longest
    assert steps == (name[len(longest) + 1:].split(".") if name != longest else [])


# -- x-putlint-ignore in every command ---------------------------------------------------------

@pytest.mark.parametrize("where", ["operation", "field"])
def test_probe_honours_x_putlint_ignore(tmp_path: Path, where: str) -> None:
    """A purging server, a spec that suppresses PUT301 there: probe reports no PUT301."""
    from linter.rules._specs import reference_api

    from linter.config import Options
    from linter.probe import ProbeSettings, run_probe
    from linter.refserver import ReferenceApi, running

    text = reference_api("purge")
    if where == "operation":
        text = text.replace("    put:\n", "    put:\n      x-putlint-ignore: [PUT301]\n")
    else:
        text = text.replace("x-critical: true", "x-critical: true\n"
                            "                  x-putlint-ignore: PUT301")
    spec = write(tmp_path, text)
    plain = write(tmp_path, reference_api("purge"), "plain.yaml")
    with running(ReferenceApi(mode="purge")) as url:
        settings = ProbeSettings(url, allow_writes=True)
        suppressed, _ = run_probe(spec, Options(), settings)
        reported, _ = run_probe(plain, Options(), settings)
    assert "PUT301" in {f.rule for f in reported.findings}
    assert "PUT301" not in {f.rule for f in suppressed.findings}


def test_diff_honours_x_putlint_ignore_on_the_operation(tmp_path: Path) -> None:
    base = write(tmp_path, spec_text().replace("minItems: 1\n", "minItems: 1\n" + " " * 18 +
                                               "x-critical: true\n"), "base.yaml")
    head_text = base.read_text().replace("'400': {description: missing}\n", "")
    head = write(tmp_path, head_text, "head.yaml")
    assert "PUT203" in invoke("diff", base, head).output
    ignored = write(tmp_path, head_text.replace("    put:\n", "    put:\n"
                                                "      x-putlint-ignore: [PUT203, PUT005]\n"),
                    "ignored.yaml")
    result = invoke("diff", base, ignored)
    assert "PUT203" not in result.output and result.exit_code == 0, result.output


# -- found by a new user's trial -----------------------------------------------------------------

@pytest.mark.parametrize(("command", "select"), [("check", "PUT201"), ("check", "PUT3"),
                                                 ("diff", "PUT30")])
def test_a_selection_that_leaves_a_command_nothing_to_run_is_a_usage_error(
        tmp_path: Path, command: str, select: str) -> None:
    spec = write(tmp_path, spec_text())
    args = [spec] if command == "check" else [spec, spec]
    result = invoke(command, *args, "--select", select)
    assert result.exit_code == 2
    assert f"no selected rule runs in `putlint {command}`" in result.output


def test_an_upsert_operation_that_names_nothing_is_put007(tmp_path: Path) -> None:
    write(tmp_path, "upsert-operations: [replaceCrt]\n", "putlint.yaml")
    spec = write(tmp_path, spec_text(op_extra="      operationId: replaceCert\n"))
    result = invoke("check", spec, cwd=tmp_path)
    assert result.exit_code == 1
    assert "putlint.yaml:1:1: PUT007" in result.output and "'replaceCrt'" in result.output
    write(tmp_path, "upsert-operations: [replaceCert]\n", "putlint.yaml")
    assert "PUT007" not in invoke("check", spec, cwd=tmp_path).output


@pytest.mark.parametrize("where", ["items", "root", "additionalProperties"])
def test_a_mark_that_reaches_no_field_is_a_warning(tmp_path: Path, where: str) -> None:
    text = spec_text()
    if where == "items":
        text = text.replace("items: {type: string}", "items: {type: string, x-critical: true}")
    elif where == "root":
        text = text.replace("              type: object\n",
                            "              type: object\n              x-critical: true\n", 1)
    else:
        text = text.replace("                snis:\n", "                labels:\n"
                            "                  additionalProperties: {type: string, "
                            "x-critical: true}\n                snis:\n")
    result = invoke("check", write(tmp_path, text))
    assert "warning: x-critical here marks no field of a PUT/upsert request body" in \
        result.output, result.output


def test_a_name_below_additional_properties_is_put007(tmp_path: Path) -> None:
    text = spec_text().replace("                snis:\n", "                labels:\n"
                               "                  additionalProperties:\n"
                               "                    properties: {value: {type: string}}\n"
                               "                snis:\n")
    name = ("#/paths/~1certs~1{id}/put/requestBody/content/application~1json/schema/"
            "properties/labels/additionalProperties/properties/value")
    result = invoke("check", write(tmp_path, text), "--critical", name)
    assert "PUT007" in result.output and result.exit_code == 1


def test_rule_lists_may_be_comma_separated(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text().replace("minItems: 1\n", "x-critical: true\n")
                 .replace("required: [snis]", "required: []"))
    result = invoke("check", spec, "--ignore", "PUT001,PUT003", "-f", "json")
    assert result.exit_code in (0, 1), result.output
    assert not {"PUT001", "PUT003"} & {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_a_spec_without_any_put_says_so(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_text().replace("    put:\n", "    patch:\n"))
    result = invoke("check", spec)
    assert result.exit_code == 0 and "no PUT or upsert operation was found" in result.output


def test_a_config_beside_the_spec_that_was_not_used_is_said(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", spec_text(), "api.yaml")
    write(tmp_path / "sub", "critical: [Foo.bar]\n", "putlint.yaml")
    result = invoke("check", "sub/api.yaml", cwd=tmp_path)
    assert "putlint.yaml: warning: this configuration was not used" in result.output
    inside = invoke("check", "api.yaml", cwd=tmp_path / "sub")
    assert "was not used" not in inside.output


# -- folder discovery reads the whole file -------------------------------------------------------

@given(st.integers(min_value=0, max_value=3 * 1024 * 1024), st.sampled_from(["yaml", "json"]))
@settings(max_examples=12, deadline=None)
def test_a_spec_is_found_wherever_it_names_its_version(padding: int, kind: str) -> None:
    """Kong's Admin API spec writes `openapi:` on line 3,626, after its components: a search
    that read only the first 64 KiB skipped it, and `putlint check .` passed."""
    import tempfile

    from linter.discover import discover

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        filler = "x" * padding
        if kind == "yaml":
            text = (f"components:\n  schemas:\n    Pad: {{description: '{filler}'}}\n"
                    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
        else:
            text = json.dumps({"components": {"x": filler}, "openapi": "3.0.3",
                               "info": {"title": "t", "version": "1"}, "paths": {}})
        (root / f"api.{kind}").write_text(text, encoding="utf-8")
        (root / f"fragment.{kind}").write_text(
            text.replace("openapi", "summary") if kind == "json"
            else text.replace("openapi: 3.0.3\n", ""), encoding="utf-8")
        files, _, _ = discover([root])
        assert [f.name for f in files] == [f"api.{kind}"]


@pytest.mark.parametrize("text", ["\ufeffopenapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                                  "paths: {}\n",
                                  "{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}\n"])
def test_a_bom_or_flow_style_spec_is_found(tmp_path: Path, text: str) -> None:
    from linter.discover import discover

    (tmp_path / "api.yaml").write_text(text, encoding="utf-8")
    assert [f.name for f in discover([tmp_path])[0]] == ["api.yaml"]


@pytest.mark.parametrize(("change", "why"), [
    (lambda t: t.replace("    put:\n", "    put:\n      x-upsert: false\n"), "x-upsert: false"),
    (lambda t: t.replace("    put:\n", "    patch:\n"), "the path now has PATCH but no PUT")])
def test_diff_says_when_an_upsert_with_critical_fields_leaves_scope(tmp_path: Path, change,
                                                                    why: str) -> None:
    marked = spec_text().replace("minItems: 1\n", "minItems: 1\n" + " " * 18 +
                                 "x-critical: true\n")
    base = write(tmp_path, marked, "base.yaml")
    head = write(tmp_path, change(marked).replace(" " * 18 + "minItems: 1\n", ""), "head.yaml")
    result = invoke("diff", base, head)
    assert result.exit_code == 1 and "PUT208" in result.output and why in result.output
    gone = write(tmp_path, marked.replace("/certs/{id}", "/other/{id}"), "gone.yaml")
    assert "PUT208" not in invoke("diff", base, gone).output


def test_an_x_putlint_ignore_that_names_no_rule_is_a_warning(tmp_path: Path) -> None:
    text = spec_text(op_extra="      x-putlint-ignore: [PUT00, PUT005]\n").replace(
        "minItems: 1\n", "minItems: 1\n" + " " * 18 + "x-critical: true\n")
    result = invoke("check", write(tmp_path, text))
    assert "names no rule" not in result.output  # a prefix (PUT00) and an id: fine
    typo = text.replace("[PUT00, PUT005]", "[PUT0O5]")
    result = invoke("check", write(tmp_path, typo, "typo.yaml"))
    assert "warning: x-putlint-ignore names no rule: 'PUT0O5'" in result.output


def test_a_schema_jsonschema_cannot_evaluate_is_undecided_not_invalid() -> None:
    """`maximum: "X"` makes jsonschema raise: judging the body invalid would make the field
    look impossible to omit and report nothing."""
    from linter.analysis import validator_for

    is_valid = validator_for({"type": "object", "properties": {"a": {"maximum": "X"}},
                              "required": ["a"]})
    assert is_valid({"a": 1}) is None
    assert "cannot evaluate" in is_valid.why


# -- found by an attacker's review -------------------------------------------------------------

@pytest.mark.parametrize("config", ["reports:\n  - text\n  - {format: text, output: OUT}\n",
                                    "root: /\n", "baseline: ../../base.json\n"])
def test_paths_in_a_pull_requests_config_stay_in_the_project(tmp_path: Path,
                                                             config: str) -> None:
    """The config comes with the pull request: a report written over a script outside the
    project, or `root: /` reading the runner's files, is refused."""
    project = tmp_path / "repo"
    project.mkdir()
    (project / ".git").mkdir()
    victim = tmp_path / "victim.sh"
    victim.write_text("#!/bin/sh\necho hi\n")
    victim.chmod(0o755)
    write(project, config.replace("OUT", str(victim)), "putlint.yaml")
    spec = write(project, spec_text())
    result = invoke("check", spec, cwd=project)
    assert result.exit_code == 2 and "leads out of the project" in result.output
    assert victim.read_text() == "#!/bin/sh\necho hi\n"


def test_a_report_written_over_an_executable_loses_its_execute_bit(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o755)
    from linter.atomic import write_atomic

    write_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o644


@given(st.text(alphabet="abc._-\n", min_size=1, max_size=8))
@settings(max_examples=100, deadline=None)
def test_an_id_probe_accepts_is_exactly_one_safe_segment(ident: str) -> None:
    """`$` matched before a final newline: an id "victim\\n" reached /things/victim."""
    from linter.live import _SAFE_ID

    if _SAFE_ID.match(ident):
        assert "\n" not in ident and ident not in (".", "..")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_expect_file_that_is_not_a_regular_file_is_an_input_error(tmp_path: Path,
                                                                     kind: str) -> None:
    from linter.behaviour import read_record
    from linter.errors import PutlintError

    path = tmp_path / "record.txt"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(PutlintError, match="not a regular file"):
        read_record(path)


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=2, max_value=120),
       st.integers(min_value=10, max_value=400))
@settings(max_examples=150, deadline=None)
def test_a_cut_answer_never_shows_part_of_a_secret(padding: int, repeats: int,
                                                  limit: int) -> None:
    """The cut came before the redaction: a secret the cut split was not matched, and 32 of
    its 33 characters showed."""
    from linter.redact import Redactor

    secret = "S3cr3tTokenValue_abcdefghijklmnop"
    shown = Redactor([secret]).cut("." * padding + secret * repeats, limit)
    assert not any(secret[i:i + 8] in shown for i in range(len(secret) - 7))


def test_a_secret_echoed_in_utf16_is_masked() -> None:
    from linter.redact import Redactor

    secret = "S3cr3tTokenValue_abcdefghijklmnop"
    misread = ("token=" + secret).encode("utf-16-le").decode("utf-8")
    assert secret[:8] not in Redactor([secret]).text(misread).replace("\x00", "")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_an_answer_in_utf16_is_read_as_utf16(encoding: str) -> None:
    import httpx

    from linter.live import _charset

    raw = "token=abcdefgh".encode(encoding)
    response = httpx.Response(200, content=raw, headers={"content-type": "text/plain"})
    assert raw.decode(_charset(response, raw)) .lstrip("\ufeff") == "token=abcdefgh"


@pytest.mark.parametrize("sibling", [
    "{type: object, minProperties: 1}",
    "{type: object, required: [p], dependentRequired: {p: [q]}}",
    "{type: array, contains: {type: object, required: [k]}}",
    "{type: string, if: {minLength: 0}, then: {pattern: '^q'}}",
    "{type: array, prefixItems: [{const: 5}, {const: x}], minItems: 2}"])
def test_a_constraint_on_a_sibling_never_hides_a_finding(tmp_path: Path, sibling: str) -> None:
    """A satisfiable constraint the search does not build for, on another required field,
    made every body it built invalid: the critical field looked impossible to omit."""
    indent = " " * 16
    text = spec_text().replace("required: [snis]", "required: [a]").replace(
        f"{indent}snis:\n", f"{indent}a: {sibling}\n{indent}snis:\n").replace(
        "minItems: 1\n", "minItems: 1\n" + " " * 18 + "x-critical: true\n")
    result = invoke("check", write(tmp_path, text))
    assert "PUT001" in result.output and result.exit_code == 1, result.output


def test_an_enum_of_long_lists_stays_within_the_cpu_bound(tmp_path: Path) -> None:
    """An attacker's 800 KB spec: a required `oneOf` of two enums of 200 long lists, and 100
    critical fields. Each enum check compared 200,000 numbers and was never charged: over a
    minute. Under a 10 s CPU limit (the bound SECURITY.md promises for specs under 1 MB)."""
    import resource
    import subprocess
    import sys

    lists = [[*range(399), i] for i in range(200)]
    props: dict = {"a": {"oneOf": [{"enum": lists}, {"enum": lists}]}}
    props.update({f"f{i}": {"type": "string", "x-critical": True} for i in range(100)})
    body = {"type": "object", "required": ["a"], "properties": props}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"put": {
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}}}
    path = tmp_path / "enum.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert path.stat().st_size < 1_000_000

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (10, 10))

    proc = subprocess.run([sys.executable, "-m", "linter.cli", "check", str(path)],
                          capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert proc.returncode == 1, proc.stderr[-500:]
    assert "PUT001" in proc.stdout


# -- trial s5: a critical field that disappears through an emptied parent, or as "" ------------

def _nested(certificates: str = "", items_extra: str = "") -> str:
    """Trial 1.3: `snis` in the items of a required `certificates` list."""
    return f"""openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /bundles/{{id}}:
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
{certificates}                  items:
                    type: object
{items_extra}                    required: [snis]
                    properties:
                      snis: {{type: array, minItems: 1, x-critical: true, items: {{type: string}}}}
      responses:
        '200': {{description: ok}}
        '400': {{description: bad}}
"""


def _report(tmp_path: Path, text: str, *extra: str) -> dict:
    result = invoke("check", write(tmp_path, text), "-f", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_required_list_that_may_be_empty_is_a_finding_that_names_it(tmp_path: Path) -> None:
    (finding,) = _report(tmp_path, _nested())["findings"]
    assert finding["rule"] == "PUT003"
    assert finding["message"] == ("critical field 'certificates[].snis' can be wiped by sending "
                                  "its parent 'certificates' empty; add minItems: 1 to "
                                  "'certificates'")
    assert finding["example"] == {"certificates": []}
    assert finding["pointer"].endswith("/properties/certificates")
    table = invoke("check", write(tmp_path, _nested()), "-f", "markdown").stdout
    assert "✅ required" not in table and "❌ emptiable" in table


def test_a_non_empty_parent_list_leaves_nothing_to_report(tmp_path: Path) -> None:
    assert _report(tmp_path, _nested("                  minItems: 1\n"))["findings"] == []


def test_a_null_element_of_the_parent_list_is_put002(tmp_path: Path) -> None:
    found = _report(tmp_path, _nested("                  minItems: 1\n",
                                      "                    nullable: true\n"))["findings"]
    assert [(f["rule"], f["example"]) for f in found] == [("PUT002", {"certificates": [None]})]
    assert "its parent 'certificates[]' as null" in found[0]["message"]


def test_on_empty_clear_covers_an_emptied_parent_as_it_covers_the_field(tmp_path: Path) -> None:
    text = _nested().replace("x-critical: true", "x-critical: {on-empty: clear}")
    assert _report(tmp_path, text)["findings"] == []


def _strings(field: str) -> str:
    return f"""openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things/{{id}}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [f]
              properties:
                f: {field}
      responses:
        '200': {{description: ok}}
        '400': {{description: bad}}
"""


@pytest.mark.parametrize(("schema", "reported"), [
    ("{type: string, x-critical: true}", True),                      # trial 1.7
    ("{type: string, minLength: 1, x-critical: true}", False),
    ("{type: string, pattern: '^.+$', x-critical: true}", False),
    ("{type: string, pattern: '^[a-z,]*$', x-critical: true}", True),
    ("{type: string, enum: [a, b], x-critical: true}", False),
    ("{type: string, enum: ['', a], x-critical: true}", True),
    ("{type: string, x-critical: {on-empty: clear}}", False),
    ("{type: integer, x-critical: true}", False),
])
def test_a_critical_string_that_may_be_blank_is_put003(tmp_path: Path, schema: str,
                                                       reported: bool) -> None:
    found = _report(tmp_path, _strings(schema))["findings"]
    if not reported:
        assert found == []
        return
    (finding,) = found
    assert finding["rule"] == "PUT003" and finding["example"] == {"f": ""}
    assert finding["message"] == "critical field 'f' can be sent empty; add minLength: 1"


def test_an_undecided_blank_string_still_asks_for_min_length(tmp_path: Path) -> None:
    """A pattern RE2 cannot run leaves `""` undecided: reported, with the string's fix."""
    (finding,) = _report(tmp_path, _strings(
        "{type: string, pattern: '^(?!x).*$', x-critical: true}"))["findings"]
    assert finding["rule"] == "PUT003" and "example" not in finding
    assert finding["message"].startswith("critical field 'f' can be sent empty; add "
                                         "minLength: 1 (no valid example body was found")


@pytest.mark.parametrize("fmt", ["hostname", "uuid", "uri"])
def test_a_format_does_not_forbid_a_blank_string_and_the_finding_says_why(
        tmp_path: Path, fmt: str) -> None:
    """`format` is an annotation in JSON Schema 2020-12 (how-it-decides.md): `""` passes."""
    (finding,) = _report(tmp_path, _strings(
        f"{{type: string, format: {fmt}, x-critical: true}}"))["findings"]
    assert finding["rule"] == "PUT003" and finding["example"] == {"f": ""}
    assert finding["message"] == (f"critical field 'f' can be sent empty; add minLength: 1 "
                                  f"(format: {fmt} is an annotation, it does not forbid \"\")")
    assert _report(tmp_path, _strings(
        f"{{type: string, format: {fmt}, minLength: 1, x-critical: true}}"))["findings"] == []
