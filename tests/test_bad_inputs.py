"""Hostile and broken specs through the real console script: the right exit code, one line
with file:line, no traceback, bounded time and memory; in a run over many files, every good
file is still checked and every bad one named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.badinputs import Case, build
from tests.test_corpus import corpus_roots

PUTLINT = str(Path(sys.executable).parent / "putlint")
SECONDS = 60  # CPU seconds any one case may take
MEMORY_MIB = 600  # peak resident memory any one case may take (the largest, 100,000
# operations, measures about 570 MiB)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    return folder, build(folder)


# Starts putlint and reports its exit code and peak RSS. A small launcher, because Linux keeps,
# in a child's peak RSS, the pages of the forked copy of its parent: forked straight from
# pytest (hundreds of MiB), every case looked as big as the test process.
LAUNCHER = """\
import os, resource, subprocess, sys
limit = int(sys.argv[1])
with open(sys.argv[2], "wb") as out, open(sys.argv[3], "wb") as err:
    proc = subprocess.Popen(sys.argv[4:], stdout=out, stderr=err, preexec_fn=lambda:
                            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit)))
    _, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024)
"""


def _run(args: list[str], cwd: Path) -> tuple[int, str, str, float]:
    """Run putlint; (exit code, stdout, stderr, peak RSS in MiB) of that one process."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    code, rss = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(SECONDS), str(out), str(err), PUTLINT, *args],
        cwd=cwd, capture_output=True, text=True, check=True).stdout.split()
    return (int(code), out.read_text(errors="replace"), err.read_text(errors="replace"),
            float(rss))


def _ids() -> list[str]:
    return [c.name for c in build(Path("unused"), write=False)]


@pytest.mark.parametrize("name", _ids())
def test_each_bad_input(suite: tuple[Path, list[Case]], name: str) -> None:
    folder, cases = suite
    case = next(c for c in cases if c.name == name)
    code, stdout, stderr, rss = _run(["check", case.name], folder)
    assert "Traceback" not in stdout + stderr
    assert stderr == ""
    assert code == case.exit_code, stdout
    assert case.says in stdout
    assert rss < MEMORY_MIB, f"{rss:.0f} MiB"
    if case.exit_code == 2:
        errors = [line for line in stdout.splitlines() if ": error: " in line]
        assert len(errors) == 1, stdout  # one line
        if case.line is not None:
            assert errors[0].startswith(f"{case.name}:{case.line}:"), errors[0]
    for line in stdout.splitlines():
        assert "\x1b" not in line and "\x07" not in line  # a spec cannot drive the terminal


def test_corpus_and_bad_inputs_in_one_invocation(suite: tuple[Path, list[Case]]) -> None:
    folder, cases = suite
    files = [str(p) for p in corpus_roots()] + [c.name for c in cases]
    code, stdout, stderr, _ = _run(["check", "-f", "json", *files], folder)
    assert code == 2 and "Traceback" not in stderr
    data = json.loads(stdout)
    named = {Path(e["file"]).name for e in data["errors"]}
    for case in cases:
        if case.exit_code == 2:
            assert Path(case.name).name in named, case.name
    bad_files = {str((folder / c.name).resolve()) for c in cases if c.exit_code == 2}
    checked_good = [f for f in data["findings"] if "many-operations" in f["file"]]
    assert checked_good, "a good file among the bad ones was not checked"
    for error in data["errors"]:
        path = (folder / error["file"]).resolve()
        assert str(path) in bad_files or "/nasty/" in error["file"], error
    # every file named was checked, bad ones included (each explicit file is a root)
    assert data["summary"]["specs"] == len(files)
