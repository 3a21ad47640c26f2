"""The command line, through typer's runner and through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linter.cli import app
from linter.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
runner = CliRunner()

KONNECT = SPECS / "konnect-certificates-2025-11-06.yaml"
FIXED = SPECS / "konnect-certificates-fixed.yaml"

PUT001_BAD = next(r for r in all_rules() if r.id == "PUT001").example


def invoke(*args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def test_check_specs_folder_exits_1_with_findings() -> None:
    result = invoke("check", "specs")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("putlint: 12 specs checked, ")
    assert any(line.startswith("specs/konnect-certificates-2025-11-06.yaml:") and
               " PUT001 [error] " in line and "field snis" in line for line in lines)
    # schemas/ fragments are followed from their root, never linted as roots of their own
    assert "specs/kong-gateway/schemas/certificate.yaml:" in result.output
    assert "15 errors, 11 warnings" in lines[-1]


def test_text_line_format() -> None:
    result = invoke("check", str(KONNECT.relative_to(ROOT)))
    first = result.output.splitlines()[0]
    assert first.startswith("specs/konnect-certificates-2025-11-06.yaml:56:9: PUT001 [error] ")
    assert first.endswith("(PUT /v2/control-planes/{controlPlaneId}/core-entities/certificates/"
                          "{CertificateId}, application/json, field snis)")
    assert "\x1b[" not in result.output  # not a terminal: no colour


def test_fixed_spec_is_clean() -> None:
    result = invoke("check", str(FIXED))
    assert result.exit_code == 0
    assert result.output.strip().endswith("1 spec checked, no findings")


def test_json_format_is_stable_and_complete() -> None:
    result = invoke("check", "--format", "json", str(KONNECT.relative_to(ROOT)))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"version", "findings", "errors", "warnings", "summary"}
    rules = {f["rule"] for f in data["findings"]}
    assert rules == {"PUT001", "PUT002", "PUT003"}
    put001 = next(f for f in data["findings"] if f["rule"] == "PUT001")
    assert put001["name"] == "critical-field-omittable"
    assert put001["severity"] == "error"
    assert put001["file"] == "specs/konnect-certificates-2025-11-06.yaml"
    assert (put001["line"], put001["column"]) == (56, 9)
    assert put001["pointer"] == "/components/schemas/Certificate/properties/snis"
    assert put001["operation"] == {
        "method": "PUT",
        "path": "/v2/control-planes/{controlPlaneId}/core-entities/certificates/{CertificateId}",
        "operation_id": "upsert-certificate"}
    assert put001["media_type"] == "application/json"
    assert put001["field"] == "snis"
    assert "snis" not in put001["example"] and {"cert", "key"} <= set(put001["example"])
    assert data["summary"]["errors"] == 2 and data["summary"]["warnings"] == 1


def test_operation_level_findings_have_null_field() -> None:
    result = invoke("check", "--format", "json", "specs/kong-gateway/openapi.yaml")
    put005 = [f for f in json.loads(result.output)["findings"] if f["rule"] == "PUT005"]
    assert len(put005) == 1 and put005[0]["field"] is None


def test_fail_on_warning(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(next(r for r in all_rules() if r.id == "PUT003").example)
    assert invoke("check", str(spec)).exit_code == 0
    assert invoke("check", "--fail-on", "warning", str(spec)).exit_code == 1
    assert invoke("check", "--fail-on", "bogus", str(spec)).exit_code == 2


def test_select_and_ignore() -> None:
    result = invoke("check", "--select", "PUT003", "--format", "json", str(KONNECT))
    assert {f["rule"] for f in json.loads(result.output)["findings"]} == {"PUT003"}
    result = invoke("check", "--ignore", "PUT001", "--ignore", "PUT002", str(KONNECT))
    assert result.exit_code == 0 and "PUT003" in result.output


def test_critical_from_cli_and_unknown_name(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(PUT001_BAD.replace("x-critical: true", "description: no mark"))
    assert invoke("check", str(spec)).exit_code == 0
    pointer = "#/paths/~1certificates~1{id}/put/requestBody/content/application~1json/schema/" \
              "properties/snis"
    result = invoke("check", "--critical", pointer, str(spec))
    assert result.exit_code == 1 and "PUT001" in result.output
    result = invoke("check", "--critical", "Nope.snis", str(spec))
    assert result.exit_code == 1
    assert "<command line>: PUT007 [error] critical name 'Nope.snis'" in result.output


def test_config_file_found_upward(tmp_path: Path) -> None:
    (tmp_path / "putlint.yaml").write_text(
        "critical:\n  - name: Certificate.snis\n    on-omit: reject\n  - Missing.field\n"
        "fail-on: error\n")
    spec = tmp_path / "api" / "s.yaml"
    spec.parent.mkdir()
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /c/{id}:\n"
                    "    put:\n      requestBody:\n        required: true\n        content:\n"
                    "          application/json:\n"
                    "            schema: {$ref: '#/components/schemas/Certificate'}\n"
                    "      responses: {'400': {description: bad}}\n"
                    "components:\n  schemas:\n    Certificate:\n      type: object\n"
                    "      properties:\n        snis: {type: array, minItems: 1, items: {}}\n")
    result = invoke("check", "--format", "json", "s.yaml", cwd=spec.parent)
    data = json.loads(result.output)
    found = {(f["rule"], f["file"], f["line"]) for f in data["findings"]}
    assert ("PUT001", "s.yaml", 17) in found
    # the config line of the stale name; above the folder it ran in, so named absolutely
    assert ("PUT007", os.path.realpath(tmp_path / "putlint.yaml"), 4) in found


def test_pyproject_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.putlint]\nignore = ['PUT003']\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(next(r for r in all_rules() if r.id == "PUT003").example)
    result = invoke("check", "--fail-on", "warning", "s.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.output


def test_bad_config_is_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("critcal: [A.b]\n")
    result = invoke("check", "--config", str(config), str(FIXED))
    assert result.exit_code == 2
    assert "unknown configuration key 'critcal'" in result.output


def test_rules_and_explain() -> None:
    result = invoke("rules")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == \
        [r.id for r in all_rules()]
    result = invoke("explain", "PUT001")
    assert result.exit_code == 0
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in result.output
    assert invoke("explain", "critical-field-nullable").output.startswith("PUT002")
    assert invoke("explain", "PUT999").exit_code == 2


def test_usage_errors_exit_2() -> None:
    assert invoke("check", "--format", "xml", str(FIXED)).exit_code == 2
    assert invoke("check", "--no-such-flag", str(FIXED)).exit_code == 2
    assert invoke("check").exit_code == 2


def test_missing_file_still_checks_the_others() -> None:
    result = invoke("check", "nope.yaml", str(KONNECT))
    assert result.exit_code == 2
    assert "nope.yaml: error: no such file or folder" in result.output
    assert "PUT001" in result.output


def test_validate_reports_structural_errors(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n")
    assert invoke("check", str(spec)).exit_code == 0
    result = invoke("check", "--validate", str(spec))
    assert result.exit_code == 2
    assert "invalid OpenAPI" in result.output and "version" in result.output


def _console_script() -> str:
    script = Path(sys.executable).parent / "putlint"
    found = str(script) if script.exists() else shutil.which("putlint")
    assert found, "the putlint console script is not installed"
    return found


def test_installed_console_script(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([_console_script(), "check", "specs"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "PUT001" in proc.stdout and "Traceback" not in proc.stderr
    proc = subprocess.run([_console_script(), "check", str(FIXED)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_version() -> None:
    proc = subprocess.run([_console_script(), "--version"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("putlint 0.")


@pytest.mark.parametrize("args", [["--bogus"], ["check", "--format"], ["frobnicate"]])
def test_console_script_usage_errors(args: list[str]) -> None:
    proc = subprocess.run([_console_script(), *args], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_text_says_when_example_search_decided() -> None:
    result = invoke("check", "tests/fixtures/PUT001/fail_if_then_else.yaml")
    assert "decided by example search (if, then)" in result.output


def test_a_report_past_the_memory_limit_is_one_error_and_the_others_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """24,000 findings rendered as JSON under an address-space limit ran out of memory: that
    format's file is not written (one line, exit 2); the other formats still are."""
    import linter.reporters as reporters

    real = reporters.get_renderer

    def renderer(name: str):  # type: ignore[no-untyped-def]
        if name != "json":
            return real(name)

        def out_of_memory(*_: object) -> str:
            raise MemoryError

        return out_of_memory

    monkeypatch.setattr(reporters, "get_renderer", renderer)
    spec = tmp_path / "api.yaml"
    spec.write_text((SPECS / "konnect-certificates-2025-11-06.yaml").read_text())
    result = runner.invoke(app, ["check", str(spec), "-f", "json", "-o", str(tmp_path / "r.json"),
                                 "-f", "sarif", "-o", str(tmp_path / "r.sarif")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "r.json").exists()
    assert json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]
    said = [line for line in result.output.splitlines() if ": error: " in line]
    assert said == [f"{tmp_path / 'r.json'}: error: the json report needs more memory than this "
                    "process may use; nothing written"], result.output
