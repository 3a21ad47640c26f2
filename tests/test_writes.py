"""Files putlint writes, and what it prints when it cannot: through the console script.

Every report (`-o`) and baseline (`--write-baseline`) is written whole or not at all; a target
that cannot be written (a missing folder, a device, a folder, the file-size limit reached in the
middle of the write) is one escaped line on stderr and exit 2, never a traceback and never exit
1, and the run's other reports are still written. A baseline putlint cannot use is refused the
same way, before the run. `diff --base-ref` over links that lead out of the folder, config and
usage errors quoting input, a stdout that cannot encode a character or a reader that went away:
one line, exit 2 (or the run's own exit code), nothing raw.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

PUTLINT = str(Path(sys.executable).parent / "putlint")


def spec_text(fields: int = 3) -> str:
    """A PUT body with `fields` critical arrays, each omittable and emptiable."""
    props = "\n".join(f"                f{i}: {{type: array, x-critical: true}}"
                      for i in range(fields))
    return f"""\
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /c/{{id}}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
{props}
      responses: {{'400': {{description: bad}}}}
"""


def putlint(*args: str, cwd: Path, env: dict | None = None, limit: int | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    def preexec() -> None:
        if limit is not None:  # the file-size limit, with SIGXFSZ ignored: writes fail EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([PUTLINT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})},
                          preexec_fn=preexec)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit 2, exactly one line on stderr, no traceback, no raw control character."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + (proc.stdout or "")
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in lines[0]), lines[0]
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "api.yaml").write_text(spec_text(), encoding="utf-8")
    return tmp_path


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- the file-size limit reached in the middle of a write --------------------------------------

def test_write_baseline_over_the_size_limit_leaves_the_old_baseline_whole(
        project: Path) -> None:
    (project / "api.yaml").write_text(spec_text(40), encoding="utf-8")
    baseline = project / "baseline.json"
    old = json.dumps({"version": 1, "entries": []}) + "\n" + " " * 500
    baseline.write_text(old, encoding="utf-8")
    proc = putlint("check", "api.yaml", "--write-baseline", "baseline.json", cwd=project,
                   limit=4096)
    assert_one_line_error(proc, "baseline.json", "cannot write")
    assert baseline.read_text(encoding="utf-8") == old
    assert _leftovers(project) == []
    # without the limit the same command writes it whole (the limit was what stopped it)
    proc = putlint("check", "api.yaml", "--write-baseline", "baseline.json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert len(baseline.read_bytes()) > 4096
    assert len(json.loads(baseline.read_text())["entries"]) == 80  # omittable, emptiable


def test_reports_over_the_size_limit_leave_old_reports_whole_and_small_ones_written(
        project: Path) -> None:
    (project / "api.yaml").write_text(spec_text(40), encoding="utf-8")
    sarif = project / "r.sarif"
    sarif.write_text("old sarif\n", encoding="utf-8")
    # SARIF (rule help included) is far over 20 KB; the GitHub annotations are under it
    proc = putlint("check", "api.yaml", "-f", "sarif", "-o", "r.sarif", "-f", "github",
                   "-o", "r.txt", cwd=project, limit=20_000)
    assert_one_line_error(proc, "r.sarif", "cannot write")
    assert sarif.read_text(encoding="utf-8") == "old sarif\n"
    annotations = (project / "r.txt").read_text()
    assert annotations.count("::error ") == annotations.count("::warning ") == 40
    assert _leftovers(project) == []


# -- targets that cannot be written -------------------------------------------------------------

@pytest.mark.parametrize("target, message", [
    ("nodir/report.json", "does not exist"),
    ("/dev/full", "not a regular file"),
    ("afolder", "is a folder"),
    ("x" * 300, "cannot write"),
    ("bad\x1b[2J/report.json", "bad\\x1b[2J"),
])
def test_unwritable_output_is_one_line_and_the_other_reports_are_written(
        project: Path, target: str, message: str) -> None:
    (project / "afolder").mkdir()
    proc = putlint("check", "api.yaml", "-f", "json", "-o", target, "-f", "sarif", "-o",
                   "ok.sarif", "-f", "junit", "-o", "ok.xml", cwd=project)
    assert_one_line_error(proc, message)
    assert json.loads((project / "ok.sarif").read_text())["version"] == "2.1.0"
    assert (project / "ok.xml").read_text().startswith("<?xml")
    assert proc.stdout.startswith("putlint: 1 spec checked")  # the summary still printed


def test_unwritable_output_with_a_report_on_the_terminal(project: Path) -> None:
    proc = putlint("check", "api.yaml", "-f", "sarif", "-o", "nodir/x", "-f", "json",
                   cwd=project)
    assert_one_line_error(proc, "nodir")
    assert len(json.loads(proc.stdout)["findings"]) == 6  # PUT001 and PUT003 per field


@pytest.mark.parametrize("target", ["nodir/baseline.json", "/dev/full", "."])
def test_unwritable_baseline_is_one_line(project: Path, target: str) -> None:
    assert_one_line_error(putlint("check", "api.yaml", "--write-baseline", target,
                                  cwd=project), "cannot write")


def test_output_from_the_config_file_with_a_nul(project: Path) -> None:
    (project / "putlint.yaml").write_text('reports: [{format: json, output: "a\\0b.json"}]\n')
    assert_one_line_error(putlint("check", "api.yaml", cwd=project), "a\\x00b.json")


# -- baselines putlint cannot use ----------------------------------------------------------------

GOOD_ENTRY = {"rule": "PUT001", "method": "PUT", "path": "/c/{id}",
              "media_type": "application/json", "field": "f0"}


@pytest.mark.parametrize("content, message", [
    ({"version": 1, "entries": [{**GOOD_ENTRY, "field": ["f0"]}]}, "'field' is a list"),
    ({"version": 1, "entries": [{k: v for k, v in GOOD_ENTRY.items() if k != "path"}]},
     "has no 'path'"),
    ({"version": 1, "entries": [GOOD_ENTRY, 3]}, "entry 2 is 3, not a mapping"),
    ({"version": 1, "entries": [{**GOOD_ENTRY, "rule": None}]}, "'rule' is null"),
    ({"version": 1, "entries": [{**GOOD_ENTRY, "\x1b[2J": 1}]}, "\\u001b[2J"),
    ({"version": 1, "entries": [{**GOOD_ENTRY, "count": "x"}]}, "'count'"),
    ({"version": 7, "entries": []}, "version 7"),
    ({"entries": {}}, "no 'entries' list"),
    ([], "no 'entries' list"),
])
def test_hostile_baseline_is_refused_in_one_line(project: Path, content: object,
                                                 message: str) -> None:
    (project / "b.json").write_text(json.dumps(content), encoding="utf-8")
    assert_one_line_error(putlint("check", "api.yaml", "--baseline", "b.json", cwd=project),
                          "b.json", message)


@pytest.mark.parametrize("raw, message", [
    (b"[" * 200_000, "nested too deeply"),
    (b'{"entries": [' + b"9" * 5000 + b"]}", "cannot read baseline"),
    (b"\xff\xfe{}", "cannot read baseline"),
    (b"{", "cannot read baseline"),
])
def test_unreadable_baseline_is_refused_in_one_line(project: Path, raw: bytes,
                                                    message: str) -> None:
    (project / "b.json").write_bytes(raw)
    assert_one_line_error(putlint("check", "api.yaml", "--baseline", "b.json", cwd=project),
                          message)


def test_baseline_that_is_not_a_regular_file_or_too_big(project: Path) -> None:
    (project / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(project / "fifo.json")  # opening it for reading would wait for a writer
    with open(project / "huge.json", "wb") as handle:  # sparse: no disk used
        handle.truncate(65 * 1024 * 1024)
    for name, message in (("zero.json", "not a regular file"),
                          ("fifo.json", "not a regular file"),
                          ("huge.json", "limit"), ("missing.json", "No such file")):
        proc = putlint("check", "api.yaml", "--baseline", name, cwd=project, timeout=60)
        assert_one_line_error(proc, name, message)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(entries=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["rule", "method", "path", "media_type", "field",
                                     "message", "count", "x"]),
                    st.one_of(st.none(), st.text(max_size=5), st.integers(), st.booleans(),
                              st.lists(st.text(max_size=2), max_size=2),
                              st.floats(allow_nan=True))),
    st.integers(), st.text(max_size=3)), max_size=3))
def test_any_baseline_json_loads_or_is_refused_with_a_putlint_error(entries: list) -> None:
    """In-process (many cases): `load` returns entries `apply` can use, or raises the one
    error type the command line prints as one line."""
    import tempfile

    from linter.baseline import apply, load
    from linter.errors import PutlintError
    from linter.findings import RunReport
    from linter.reporters import get_renderer

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.json"
        path.write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")
        try:
            loaded = load(path)
        except PutlintError as exc:
            assert "\n" not in exc.message
            return
    report = RunReport([], [], [], [])
    apply(report, loaded)
    assert len(report.stale) == len(entries)
    get_renderer("text")(report, None)  # stale entries are described without error


# -- diff --base-ref over links that lead out -----------------------------------------------------

def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   cwd=folder, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed for diff --base-ref")
    folder = tmp_path / "repo"
    folder.mkdir()
    _git(folder, "init", "-q")
    (folder / "api.yaml").write_text(spec_text(), encoding="utf-8")
    (tmp_path / "outside.yaml").write_text(spec_text(), encoding="utf-8")
    return folder


def test_diff_base_ref_with_an_absolute_symlink_in_the_folder(repo: Path) -> None:
    """A committed link to an absolute path is left out of the base; the spec still compares."""
    (repo / "passwd.yaml").symlink_to("/etc/passwd")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    proc = putlint("diff", "--base-ref", "HEAD", "api.yaml", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_diff_base_ref_when_the_base_spec_is_an_absolute_symlink(repo: Path) -> None:
    (repo / "spec.yaml").symlink_to(repo.parent / "outside.yaml")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    (repo / "spec.yaml").unlink()
    (repo / "spec.yaml").write_text(spec_text(), encoding="utf-8")
    assert_one_line_error(putlint("diff", "--base-ref", "HEAD", "spec.yaml", cwd=repo),
                          "HEAD:spec.yaml", "leading out")


def test_diff_base_ref_over_a_head_spec_linked_out_of_the_repository(repo: Path) -> None:
    _git(repo, "commit", "-q", "--allow-empty", "-m", "base")
    (repo / "linked.yaml").symlink_to(repo.parent / "outside.yaml")
    assert_one_line_error(putlint("diff", "--base-ref", "HEAD", "linked.yaml", cwd=repo))


# -- messages that quote input --------------------------------------------------------------------

@pytest.mark.parametrize("config, message", [
    ('"bad\\e[2Jkey": 1\n', "bad\\x1b[2Jkey"),
    ('fail-on: "\\e[31mred\\u202e"\n', "fail-on"),
])
def test_config_errors_are_one_escaped_line(project: Path, config: str, message: str) -> None:
    (project / "putlint.yaml").write_text(config, encoding="utf-8")
    assert_one_line_error(putlint("check", "api.yaml", cwd=project), message)


def test_usage_errors_quoting_input_are_escaped(project: Path) -> None:
    assert_one_line_error(putlint("explain", "\x1b[2J\u202e", cwd=project), "\\x1b[2J\\u202e")
    assert_one_line_error(putlint("check", "api.yaml", "--config", "c\x1b.yaml", cwd=project),
                          "c\\x1b.yaml")
    assert_one_line_error(putlint("diff", "api.yaml", "no\x07such.yaml", cwd=project),
                          "no\\x07such.yaml")


# -- the terminal -------------------------------------------------------------------------------

HOSTILE_SPEC = spec_text().replace("f0:", '"f0\\u00e9\\U0001F600\\u001b":').replace(
    "/c/{id}", '"/c/\\u00e9{id}"')


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "junit", "github"])
def test_a_stdout_that_cannot_encode_every_character(project: Path, fmt: str) -> None:
    """An ASCII terminal gets ASCII, in which each format still says the same: JSON escapes
    in JSON and SARIF, character references in JUnit, backslash escapes elsewhere."""
    (project / "api.yaml").write_text(HOSTILE_SPEC, encoding="utf-8")
    utf8 = putlint("check", "api.yaml", "-f", fmt, cwd=project,
                   env={"PYTHONIOENCODING": "utf-8"})
    ascii_ = putlint("check", "api.yaml", "-f", fmt, cwd=project,
                     env={"PYTHONIOENCODING": "ascii"})
    assert utf8.returncode == ascii_.returncode == 1, ascii_.stderr
    assert "Traceback" not in ascii_.stderr
    assert ascii_.stdout.isascii() and not utf8.stdout.isascii()
    if fmt in ("json", "sarif"):
        assert json.loads(ascii_.stdout) == json.loads(utf8.stdout)
    elif fmt == "junit":
        import xml.etree.ElementTree as ET

        def cases(text: str) -> list:
            return [c.attrib for c in ET.fromstring(text.encode()).iter("testcase")]

        assert cases(ascii_.stdout) == cases(utf8.stdout)
    else:
        assert ascii_.stdout == utf8.stdout.encode("ascii", "backslashreplace").decode()


@pytest.mark.parametrize("args", [["-f", "sarif"], ["-f", "sarif", "-o", "r.sarif"]])
def test_a_reader_that_went_away(project: Path, args: list[str]) -> None:
    """`putlint check ... | head -c 1`: exit 2 without a traceback or a Python warning. The
    pipe's reader is closed before putlint starts, so every write meets EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([PUTLINT, "check", "api.yaml", *args], cwd=project, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 2
    assert proc.stderr == ""


def test_a_written_baseline_loads_back_and_accepts_every_finding(project: Path) -> None:
    """`load` accepts exactly what `write` writes (its key check follows `key`), also for
    names with control characters and lone surrogates."""
    import yaml

    from linter.baseline import apply, load, write
    from linter.config import Options
    from linter.engine import run

    spec = yaml.safe_load(spec_text())
    operation = spec["paths"].pop("/c/{id}")
    spec["paths"]["/c/{id}\u0001\ud800"] = operation
    props = operation["put"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]
    props["f1\ud800\x1b"] = props.pop("f1")
    (project / "api.json").write_text(json.dumps(spec), encoding="utf-8")  # \ud800 escapes
    report = run([project / "api.json"], Options())
    assert len(report.findings) == 6, report.errors
    write(report, project / "b.json")
    again = run([project / "api.json"], Options())
    apply(again, load(project / "b.json"))
    assert again.findings == [] and again.suppressed == 6 and again.stale == []


def test_two_reports_into_one_file_is_a_usage_error(project: Path) -> None:
    proc = putlint("check", "api.yaml", "-f", "json", "-o", "r.json", "-f", "sarif", "-o",
                   "./r.json", cwd=project)
    assert_one_line_error(proc, "same file")
    assert not (project / "r.json").exists()


def test_a_report_over_a_symlink_replaces_the_link_not_what_it_points_to(
        project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "precious.txt"
    elsewhere.write_text("precious\n", encoding="utf-8")
    (project / "r.json").symlink_to(elsewhere)
    proc = putlint("check", "api.yaml", "-f", "json", "-o", "r.json", cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert elsewhere.read_text(encoding="utf-8") == "precious\n"
    assert not (project / "r.json").is_symlink()
    assert len(json.loads((project / "r.json").read_text())["findings"]) == 6


def test_a_stdout_that_is_full_or_closed(project: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([PUTLINT, "check", "api.yaml", "-f", "json"], cwd=project,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert_one_line_error(proc, "standard output", "No space left")
    closed = subprocess.run(f"'{PUTLINT}' check api.yaml -f json >&-", shell=True,
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert_one_line_error(closed, "standard output is closed")
    # with every report in a file, a closed stdout only loses the summary
    closed = subprocess.run(f"'{PUTLINT}' check api.yaml -f json -o r.json >&-", shell=True,
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert closed.returncode == 1 and closed.stderr == ""
    assert len(json.loads((project / "r.json").read_text())["findings"]) == 6


def test_write_baseline_over_an_unreadable_baseline_from_the_config(project: Path) -> None:
    """The baseline the config names is replaced, not read, by --write-baseline."""
    (project / "putlint.yaml").write_text("baseline: base.json\n", encoding="utf-8")
    (project / "base.json").write_text("not json", encoding="utf-8")
    proc = putlint("check", "api.yaml", "--write-baseline", "base.json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads((project / "base.json").read_text())["entries"]) == 6
    assert putlint("check", "api.yaml", cwd=project).returncode == 0


# -- a config found by search that leads out of the project ------------------------------------

def test_a_found_config_linked_out_of_the_project_is_refused_unquoted(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "api.yaml").write_text(spec_text(), encoding="utf-8")
    (tmp_path / "creds.yaml").write_text("aws_secret_access_key_wJalrXUtnFEMI: 1\n",
                                         encoding="utf-8")
    (repo / "putlint.yaml").symlink_to("../creds.yaml")
    for args in (["check", "api.yaml"], ["config"], ["suggest", "api.yaml"]):
        line = assert_one_line_error(putlint(*args, cwd=repo), "putlint.yaml",
                                     "leads out of the project", "--config")
        assert "aws_secret" not in line
    (repo / "putlint.yaml").unlink()
    (repo / "cfg").mkdir()
    (repo / "cfg" / "pyproject.toml").symlink_to("../../creds.yaml")
    assert_one_line_error(putlint("check", "../api.yaml", cwd=repo / "cfg"),
                          "leads out of the project")
    # given with --config, by the pipeline's command line, it is read wherever it is
    proc = putlint("check", "api.yaml", "--config", "../creds.yaml", cwd=repo)
    assert proc.returncode == 2 and "unknown configuration key" in proc.stderr
    # a link that stays inside the project is read
    (repo / "real.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    (repo / "putlint.yaml").symlink_to("real.yaml")
    assert "fail-on: warning" in putlint("config", cwd=repo).stdout
