"""Every reporter: golden output, the formats' own validators, escaping, baselines, --jobs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from linter.cli import app, use_color
from linter.config import Options
from linter.critical import CriticalName
from linter.engine import report_of, result_of, run
from linter.findings import Finding, RunReport
from linter.load import analyse
from linter.refs import display_name
from linter.reporters import RenderContext, format_names, get_renderer
from tests.planting import planted_names
from tests.test_corpus import CORPUS, corpus_roots

FORMATS = format_names()
ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"
SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "txt",
          "markdown": "md"}
runner = CliRunner()


def golden_report():  # type: ignore[no-untyped-def]
    """specs/, a stale critical name and a broken file: every kind of output in one run."""
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        from linter.discover import discover

        files, searched, _ = discover([Path("specs"), Path("tests/golden/input/broken.yaml")])
        options = Options(critical=[CriticalName("Missing.field")], reports=[("markdown", None)])
        return run(files, options, searched)
    finally:
        os.chdir(old)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(fmt: str) -> None:
    """Reporters are pure functions: the same run renders to the same bytes, as recorded.

    After a deliberate change, refresh with PUTLINT_UPDATE_GOLDEN=1 and review the diff.
    """
    text = get_renderer(fmt)(golden_report(), RenderContext(tool_version="test",
                                                             show_examples=True))
    path = GOLDEN / f"report.{fmt}.{SUFFIX[fmt]}"
    if os.environ.get("PUTLINT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _sarif_validator() -> Draft7Validator:
    return Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def test_sarif_validates_for_specs() -> None:
    data = json.loads(get_renderer("sarif")(golden_report(), RenderContext()))
    errors = list(_sarif_validator().iter_errors(data))
    assert not errors, errors[0].message
    results = data["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"PUT001", "PUT002", "PUT003", "PUT005", "PUT007"}
    put001 = next(r for r in results if r["ruleId"] == "PUT001" and "konnect" in
                  r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    assert put001["locations"][0]["physicalLocation"]["region"] == {"startLine": 56,
                                                                    "startColumn": 9}
    assert put001["relatedLocations"][0]["message"]["text"] == "operation"
    notifications = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("broken.yaml" in json.dumps(n) for n in notifications)


def test_sarif_validates_for_the_planted_corpus(tmp_path: Path) -> None:
    """Every corpus spec, critical marks planted on its PUT bodies, gives SARIF that the
    schema accepts and Microsoft's validator finds no error in (all runs in one file)."""
    validator = _sarif_validator()
    render = get_renderer("sarif")
    runs = []
    for path in corpus_roots():
        options = Options(critical=planted_names(path))
        report = report_of([result_of(analyse(path, options), options)], options)
        data = json.loads(render(report, RenderContext(tool_version="1")))
        error = next(iter(validator.iter_errors(data)), None)
        assert error is None, (path, error.message if error else "")
        runs.extend(data["runs"])
    assert sum(len(r["results"]) for r in runs) > 1000
    if _multitool() is not None or os.environ.get("PUTLINT_REQUIRE_SARIF_MULTITOOL"):
        combined = tmp_path / "corpus.sarif"
        combined.write_text(json.dumps({**data, "runs": runs}), encoding="utf-8")
        assert _multitool_errors(combined, tmp_path) == []


def _multitool() -> str | None:
    for candidate in (os.environ.get("PUTLINT_SARIF_MULTITOOL"),
                      str(ROOT / ".ci" / "node_modules" / ".bin" / "sarif-multitool-linux"),
                      shutil.which("sarif-multitool-linux")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def test_microsoft_sarif_validator_reports_no_error(tmp_path: Path) -> None:
    tool = _multitool()
    if tool is None:
        # CI installs the validator (.ci/run) and sets PUTLINT_REQUIRE_SARIF_MULTITOOL, so
        # there a missing tool fails; on a developer machine without npm it is left out.
        assert not os.environ.get("PUTLINT_REQUIRE_SARIF_MULTITOOL"), "validator missing"
        pytest.skip("Microsoft's SARIF validator is not installed (npm: "
                    "@microsoft/sarif-multitool-linux)")
    sarif = tmp_path / "putlint.sarif"
    sarif.write_text(get_renderer("sarif")(golden_report(), RenderContext(tool_version="1")))
    assert _multitool_errors(sarif, tmp_path) == []


def _multitool_errors(sarif: Path, folder: Path) -> list[dict]:
    """The error-level results of `Sarif.Multitool validate` (it exits 0 either way)."""
    tool = _multitool()
    assert tool is not None, "Microsoft's SARIF validator is missing"
    out = folder / (sarif.stem + ".validation.sarif")
    proc = subprocess.run([tool, "validate", str(sarif), "-o", str(out),
                           "--max-file-size-in-kb", "1000000"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    return [r for r in results if r.get("level") == "error"]


def test_junit_parses_with_one_case_per_operation() -> None:
    report = golden_report()
    root = ET.fromstring(get_renderer("junit")(report, RenderContext()))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    operations = sum(len(s.operations) for s in report.specs)
    cases = [c for s in root.findall("testsuite") for c in s.findall("testcase")
             if c.get("name") not in ("read spec", "configuration")]
    assert len(cases) == operations
    konnect = suites["specs/konnect-certificates-2025-11-06.yaml"]
    failures = konnect.findall("testcase/failure")
    assert {f.get("type") for f in failures} == {"PUT001", "PUT002"}  # PUT003 is a warning
    assert "PUT003" in konnect.find("testcase/system-out").text
    broken = suites["tests/golden/input/broken.yaml"]
    assert broken.find("testcase/error") is not None
    assert int(root.get("failures")) >= 4 and int(root.get("errors")) == 1


HOSTILE = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                "a|b\\n::error file=evil.yaml,line=1::forged\\u001b[2J":
                  type: array
                  x-critical: true
      responses: {'400': {description: bad}}
"""


def test_spec_text_cannot_forge_annotations_or_break_tables(tmp_path: Path) -> None:
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE, encoding="utf-8")
    report = run([spec], Options(reports=[("markdown", None)]))
    assert report.findings
    github = get_renderer("github")(report, RenderContext())
    for line in github.splitlines():
        assert line.startswith(("::error ", "::warning ", "::notice ", "putlint: "))
        assert "\x1b" not in line
    # the forged command is inside a line, escaped: GitHub reads commands at line starts only
    assert not any(line.startswith("::error file=evil.yaml") for line in github.splitlines())
    assert "%0A::error file=evil.yaml" in github
    markdown = get_renderer("markdown")(report, RenderContext())
    table = [line for line in markdown.splitlines() if line.startswith("| `PUT")]
    assert table and all(line.count("|") - line.count("\\|") == 6 for line in table)
    text = get_renderer("text")(report, RenderContext(color=True))
    assert "\x1b[2J" not in text and "\\x1b[2J" in text


def test_color_only_on_a_terminal_without_no_color() -> None:
    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert use_color(Tty(True), {}) is True
    assert use_color(Tty(True), {"NO_COLOR": "1"}) is False
    assert use_color(Tty(False), {}) is False
    colored = get_renderer("text")(golden_report(), RenderContext(color=True))
    assert "\x1b[31m[error]\x1b[0m" in colored


def _invoke(*args: str, cwd: Path = ROOT):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    result = _invoke("check", "specs", "-f", "sarif", "-o", str(sarif), "-f", "junit",
                     "-o", str(junit))
    assert result.exit_code == 1
    assert result.output.strip().startswith("putlint: 12 specs checked")  # the summary only
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.parse(junit).getroot().tag == "testsuites"
    result = _invoke("check", "specs", "-f", "json", "-f", "markdown")
    assert result.exit_code == 2 and "only one --format" in result.output


BASE_SPEC = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Certificate'}
      responses: {'200': {description: ok}}
components:
  schemas:
    Certificate:
      type: object
      properties:
        snis: {type: array, items: {type: string}, x-critical: true}
"""


def test_baseline_survives_moved_lines_and_catches_new_omissions(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(BASE_SPEC)
    baseline = tmp_path / "baseline.json"
    result = _invoke("check", "api.yaml", "--write-baseline", str(baseline), cwd=tmp_path)
    assert result.exit_code == 0 and "wrote 3 baseline entries" in result.output
    # an unrelated edit that moves every line
    moved = BASE_SPEC.replace("paths:\n", "# a long comment\n" * 7 + "paths:\n  /health:\n"
                              "    get: {responses: {'200': {description: ok}}}\n")
    spec.write_text(moved)
    result = _invoke("check", "api.yaml", "--baseline", str(baseline), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "(3 more accepted by the baseline)" in result.output
    # a new omission is reported, and an entry whose finding is gone is stale
    spec.write_text(moved.replace(
        "        snis:", "        keys: {type: array, minItems: 1, items: {}, x-critical: true}"
        "\n        snis:").replace("      type: object\n", "      type: object\n"
                                   "      required: [snis]\n"))
    result = _invoke("check", "api.yaml", "--baseline", str(baseline), "-f", "json",
                     cwd=tmp_path)
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [(f["rule"], f["field"]) for f in data["findings"]] == [("PUT001", "keys")]
    assert [(e["rule"], e["field"]) for e in data["baseline"]["stale"]] == [("PUT001", "snis")]


def test_jobs_give_byte_identical_output() -> None:
    serial = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check", "-f",
                             "json", "--jobs", "1", str(CORPUS)],
                            capture_output=True, text=True, timeout=900)
    parallel = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check", "-f",
                               "json", "--jobs", "2", str(CORPUS)],
                              capture_output=True, text=True, timeout=900)
    assert serial.returncode == parallel.returncode == 2
    assert serial.stdout == parallel.stdout
    assert parallel.stderr == ""  # not a terminal: no progress bar


def test_config_command_shows_values_and_origins(tmp_path: Path) -> None:
    (tmp_path / "putlint.yaml").write_text(
        "critical: [Certificate.snis]\nfail-on: warning\nreports:\n  - {format: sarif, "
        "output: putlint.sarif}\njobs: 2\n")
    result = _invoke("config", cwd=tmp_path)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "# configuration file: putlint.yaml"
    assert "fail-on: warning    # putlint.yaml:2:1" in lines
    assert "jobs: 2    # putlint.yaml:5:1" in lines
    assert "validate: false    # default" in lines
    assert any(line.startswith("reports: [{format: sarif, output: putlint.sarif}]")
               for line in lines)


def test_summary_mode_escapes_input_errors(tmp_path: Path) -> None:
    """With every report in a file, the terminal's error lines are escaped like the text."""
    bad = tmp_path / "bad\x1b[2J.yaml"
    bad.write_text("openapi: [\n")
    result = _invoke("check", bad.name, "-f", "json", "-o", str(tmp_path / "r.json"),
                     cwd=tmp_path)
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "bad\\x1b[2J.yaml" in result.output


def test_formats_are_discovered_from_the_reporter_modules() -> None:
    """Every module in linter/reporters that declares a FORMAT is a format, and only those."""
    import pkgutil

    import linter.reporters as package
    from linter.reporters import formats

    declared = {name for name in (info.name for info in pkgutil.iter_modules(package.__path__))
                if hasattr(__import__(f"linter.reporters.{name}", fromlist=["x"]), "FORMAT")}
    assert len(declared) == len(formats()) == 6
    assert next(iter(formats())) == "text"
    assert {f.name for f in formats().values() if f.lists_operations} == {"junit", "markdown"}


# -- files outside the folder putlint runs in (the trial's 3.3) --------------------------------

SEGMENT = st.text(st.sampled_from("abc xyz-_.%#é"), min_size=1, max_size=6).filter(
    lambda s: s not in (".", ".."))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(up=st.integers(0, 3), segments=st.lists(SEGMENT, min_size=1, max_size=4))
def test_a_file_is_named_relative_below_the_folder_and_absolute_elsewhere(
        up: int, segments: list[str]) -> None:
    here = Path.cwd()
    given_path = Path(*([".."] * up), *segments)
    shown = display_name(given_path)
    assert os.path.abspath(shown) == os.path.abspath(given_path)  # the same file
    if up == 0:
        assert shown == str(given_path)
    else:  # outside the folder (or the folder itself when `..` climbs back): absolute
        inside = os.path.commonpath([os.path.abspath(given_path), here]) == str(here)
        assert Path(shown).is_absolute() != inside and ".." not in Path(shown).parts
    assert display_name(os.path.abspath(given_path)) == shown  # absolute in, same name out


def _sarif_uris(data: dict) -> list[dict]:
    return [loc["physicalLocation"]["artifactLocation"]
            for result in data["runs"][0]["results"] for loc in result.get("locations", [])]


def test_a_spec_outside_the_folder_is_shown_absolute_and_gets_a_file_uri_in_sarif(
        tmp_path: Path) -> None:
    """`putlint check /abs/spec.yaml` run elsewhere: `/abs/spec.yaml:56:9:` in text, and an
    absolute `file://` URI without `uriBaseId` in SARIF, which the schema accepts."""
    folder = tmp_path / "a folder"
    folder.mkdir()
    spec = folder / "cert #1.yaml"
    shutil.copy(ROOT / "specs" / "konnect-certificates-2025-11-06.yaml", spec)
    elsewhere = tmp_path / "run" / "here"
    elsewhere.mkdir(parents=True)
    text = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check", str(spec)],
                          capture_output=True, text=True, cwd=elsewhere, timeout=120)
    assert text.stdout.startswith(f"{spec}:56:9: PUT001"), text.stdout
    assert "../" not in text.stdout
    sarif = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check",
                            str(spec), "-f", "sarif"],
                           capture_output=True, text=True, cwd=elsewhere, timeout=120)
    data = json.loads(sarif.stdout)
    assert not list(_sarif_validator().iter_errors(data))
    artifacts = _sarif_uris(data)
    assert artifacts and all(a == {"uri": spec.as_uri()} for a in artifacts), artifacts
    # run from the spec's folder: relative to %SRCROOT%, as before
    inside = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check",
                             str(spec), "-f", "sarif"],
                            capture_output=True, text=True, cwd=folder, timeout=120)
    assert {json.dumps(a) for a in _sarif_uris(json.loads(inside.stdout))} == {json.dumps(
        {"uri": "cert%20%231.yaml", "uriBaseId": "%SRCROOT%"})}


@pytest.mark.parametrize(("media", "noted"), [
    ("application/json", False), ("application/merge-patch+json", False), ("*/*", False),
    ("application/xml", True), ("application/x-www-form-urlencoded", True)])
def test_an_example_of_a_body_that_is_not_json_says_how_to_read_it(media: str,
                                                                   noted: bool) -> None:
    """The search works on a body's data; an XML or form body writes it in its own syntax, so
    the example shown as JSON says so (text and Markdown)."""
    finding = Finding("PUT001", "critical-field-omittable", "error", "m", "api.yaml", 3, 4,
                      None, {"method": "PUT", "path": "/c", "operation_id": None}, media, "snis",
                      {}, True)
    report = RunReport([], [finding], [], [])
    text = get_renderer("text")(report, RenderContext(show_examples=True))
    markdown = get_renderer("markdown")(report, RenderContext())
    note = f"its data as JSON; the API takes {media}"
    assert (note in text) == noted and (note in markdown) == noted, (text, markdown)
