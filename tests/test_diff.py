"""`putlint diff`: against git, on the corpus, in every format, and as the README shows it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from linter.config import Options
from linter.diff import op_key, run_diff
from tests.launcher import putlint
from tests.planting import planted_names
from tests.test_corpus import CORPUS, corpus_roots

ROOT = Path(__file__).resolve().parent.parent
MULTIFILE = ROOT / "tests" / "fixtures" / "PUT201" / "fail_multifile"




def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose api/ folder holds the multi-file spec of the base version,
    committed, then the head version committed on top."""
    repo = tmp_path / "repo"
    shutil.copytree(MULTIFILE / "base", repo / "api")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def test_base_ref_sees_a_change_in_a_refd_file_only(repo: Path) -> None:
    """Only schemas/certificate.yaml changes; the root file is the same in both commits."""
    shutil.copy(MULTIFILE / "head" / "schemas" / "certificate.yaml",
                repo / "api" / "schemas" / "certificate.yaml")
    git(repo, "commit", "-q", "-am", "head")
    proc = putlint("diff", "--base-ref", "HEAD~1", "api/openapi.yaml", "--format", "json",
                   cwd=repo)
    assert proc.returncode == 1
    found = json.loads(proc.stdout)["findings"]
    assert {f["rule"] for f in found} == {"PUT201", "PUT001", "PUT002"}
    assert {f["file"] for f in found} == {"api/schemas/certificate.yaml"}
    # against the working tree too: base is the commit, head the uncommitted file
    git(repo, "reset", "-q", "--soft", "HEAD~1")
    again = putlint("diff", "--base-ref", "HEAD", "api/openapi.yaml", cwd=repo)
    assert again.returncode == 1 and "PUT201" in again.stdout
    same = putlint("diff", "--base-ref", "HEAD", "api/openapi.yaml", "--select", "PUT2",
                   cwd=repo)
    assert "PUT201" in same.stdout and "PUT001" not in same.stdout  # --select narrows
    folder = putlint("diff", "--base-ref", "HEAD", "api", cwd=repo)  # roots found as check does
    assert folder.returncode == 1 and "PUT201" in folder.stdout


def test_base_ref_with_a_spec_new_in_head(repo: Path) -> None:
    shutil.copytree(MULTIFILE / "head", repo / "new")
    proc = putlint("diff", "--base-ref", "HEAD", "new/openapi.yaml", "--format", "json",
                   cwd=repo)
    found = json.loads(proc.stdout)["findings"]
    assert {f["rule"] for f in found} == {"PUT001", "PUT002"}  # all new; no change to report


def test_base_ref_errors_are_one_line(repo: Path) -> None:
    proc = putlint("diff", "--base-ref", "no-such-branch", "api/openapi.yaml", cwd=repo)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "git" in proc.stderr
    outside = putlint("diff", "--base-ref", "HEAD", str(ROOT / "specs" / "clean-annotated.yaml"),
                      cwd=repo.parent)
    assert outside.returncode in (0, 1, 2)  # ROOT is a git checkout in CI, maybe not here


def test_usage_errors() -> None:
    assert putlint("diff", "specs/konnect-certificates-fixed.yaml").returncode == 2
    assert putlint("diff", "specs/nope.yaml", "specs/konnect-certificates-fixed.yaml"
                   ).returncode == 2


def test_path_parameter_names_do_not_matter() -> None:
    assert op_key("put", "/certificates/{id}") == op_key("PUT", "/certificates/{certificate_id}")
    assert op_key("put", "/a/{x}/b") != op_key("put", "/a/{x}/c")


def test_renamed_path_parameter_is_the_same_operation(tmp_path: Path) -> None:
    base = ROOT / "specs" / "konnect-certificates-2025-11-05.yaml"
    head = tmp_path / "head.yaml"
    head.write_text(
        (ROOT / "specs" / "konnect-certificates-2025-11-06.yaml").read_text(encoding="utf-8")
        .replace("{CertificateId}", "{certificate_id}")
        .replace("name: CertificateId", "name: certificate_id"), encoding="utf-8")
    proc = putlint("diff", str(base), str(head), "--format", "json")
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"]} == {"PUT205", "PUT001"}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_every_format(fmt: str) -> None:
    proc = putlint("diff", "specs/konnect-certificates-2025-11-05.yaml",
                   "specs/konnect-certificates-2025-11-06.yaml", "--format", fmt)
    assert proc.returncode == 1
    out = proc.stdout
    assert "PUT205" in out
    if fmt == "json":
        assert {f["rule"] for f in json.loads(out)["findings"]} == {"PUT205", "PUT001"}
    elif fmt == "sarif":
        from tests.test_reporters import _sarif_validator

        sarif = json.loads(out)
        assert not list(_sarif_validator().iter_errors(sarif))
        ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        assert {"PUT001", "PUT205"} <= ids and "PUT301" not in ids
    elif fmt == "junit":
        ET.fromstring(out)
    elif fmt == "markdown":
        assert "# putlint diff" in out and "**How to fix:**" in out and "Why it matters" in out


def test_all_lists_shared_findings_too() -> None:
    args = ("diff", "specs/konnect-certificates-2025-11-05.yaml",
            "specs/konnect-certificates-2025-11-06.yaml", "--format", "json")
    new = {f["rule"] for f in json.loads(putlint(*args).stdout)["findings"]}
    every = {f["rule"] for f in json.loads(putlint(*args, "--all").stdout)["findings"]}
    assert new == {"PUT205", "PUT001"} and every == {"PUT205", "PUT001", "PUT002", "PUT003"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_a_spec_compared_with_itself_reports_nothing() -> None:
    """Every root of the corpus, with critical marks planted on every PUT body property."""
    compared = planted = 0
    for path in corpus_roots():
        options = Options(critical=planted_names(path))
        report = run_diff([(path, path, None)], options)
        assert report.findings == [], (path, [f.rule for f in report.findings[:3]])
        compared += 1
        planted += bool(options.critical)
    assert compared == len(corpus_roots()) and planted > 100


def _transcripts() -> list[tuple[str, str]]:
    """README blocks that show `$ putlint check|diff ...` and its output, verbatim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # the troubleshooting transcripts show stderr too: tests/test_troubleshooting.py runs them
    text = re.sub(r"## Troubleshooting.*?\n## ", "## ", text, flags=re.S)
    out = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        match = re.match(r"\$ putlint ((?:check|diff) [^\n]*)\n(.*?)(?=^\$ |\Z)", block,
                         re.S | re.M)
        if match:
            out.append((match.group(1), match.group(2)))
    return out


@pytest.mark.parametrize(("command", "shown"), _transcripts(), ids=lambda v: v[:60])
def test_readme_shows_real_output(command: str, shown: str) -> None:
    proc = putlint(*command.split())
    assert proc.stdout == shown


def test_x_putlint_ignore_on_the_field_suppresses_a_change_rule(tmp_path: Path) -> None:
    """As for check: `x-putlint-ignore` on a property silences the rules it names there."""
    base = MULTIFILE / "base" / "openapi.yaml"
    head = tmp_path / "head"
    shutil.copytree(MULTIFILE / "head", head)
    schema = head / "schemas" / "certificate.yaml"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        "    x-critical: true", "    x-critical: true\n    x-putlint-ignore: [PUT201]"),
        encoding="utf-8")
    rules = {f.rule for f in run_diff([(base, head / "openapi.yaml", None)], Options()).findings}
    assert rules == {"PUT001", "PUT002"}
