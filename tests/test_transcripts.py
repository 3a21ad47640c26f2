"""Every transcript in the README and the docs, run as written and compared with the real output.

A transcript is a ```text block (or ````text, when it shows Markdown fences) right after a
`<!-- transcript -->` comment. Its `$ putlint ...` lines are run with the console script, and
what follows each, up to the next `$` line, is what stdout and stderr show on a terminal, in
order (NO_COLOR set). `$ echo $?` is followed by the exit code; `$ cat FILE` by the file.
The comment may say where it runs:

    <!-- transcript -->                                       in the repository root
    <!-- transcript: scratch SRC=DEST ... -->                 in an empty folder, with SRC (from
                                                              the root) copied there as DEST
    <!-- transcript: refserver MODE -->                       with the reference server serving
                                                              in MODE at http://127.0.0.1:8080

Identifiers that probe generates (UUIDs) are compared as `<uuid>`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

from linter.refserver import ReferenceApi, running

ROOT = Path(__file__).resolve().parent.parent
PUTLINT = str(Path(sys.executable).parent / "putlint")
SHOWN_URL = "http://127.0.0.1:8080"
BLOCK = re.compile(r"<!-- transcript(?::\s*(.*?))?\s*-->\n(`{3,})text\n(.*?)\n\2\n", re.S)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def transcripts() -> list[tuple[str, str, str]]:
    """(where it is shown, the directive, the block) for every transcript."""
    out = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            out.append((f"{page.relative_to(ROOT)}:{line}", match.group(1) or "",
                        match.group(3) + "\n"))
    return out


def test_every_shown_command_is_a_transcript() -> None:
    """A block that shows a `$ putlint` command and its output is run by some test: here, or
    (the suggest walk-through on a corpus spec) by tests/test_suggest_readme.py."""
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"(?:<!-- ([^>]*) -->\n)?(`{3,})text\n\$ ", text):
            directive = match.group(1) or ""
            where = f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            assert directive.startswith(("transcript", "suggest-walkthrough")), where
    assert len(transcripts()) >= 20


DIRECTIVE = re.compile(r"^<!-- transcript(?::[^>]*)? -->$", re.M)
FENCE = re.compile(r"(`{3,})text$")
# What a placeholder left in place of real output looks like: `CONFIG_OUTPUT`, `TODO`.
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|^\s*(?:TODO|TBD|FIXME|XXX)\b",
                         re.M)


def malformed(text: str) -> list[str]:
    """What is wrong with each transcript of a page that BLOCK would not see or would run as
    if it were right: a directive not followed by a ```text fence, a block whose closing
    fence is not on a line of its own (glued to the last line, or missing), a placeholder
    where output belongs. (line number: what)"""
    lines = text.split("\n")
    problems = []
    for match in DIRECTIVE.finditer(text):
        at = text.count("\n", 0, match.start()) + 1  # 1-based line of the directive
        opening = FENCE.fullmatch(lines[at]) if at < len(lines) else None
        if opening is None:
            problems.append(f"{at}: the transcript comment is not followed by a ```text fence")
            continue
        fence, body = opening.group(1), []
        for line in lines[at + 1:]:
            if line == fence:
                break
            if line.rstrip().endswith(fence) and line.strip().strip("`"):
                problems.append(f"{at}: a fence glued to '{line[:40]}': it must close on a "
                                "line of its own")
                break
            body.append(line)
        else:
            problems.append(f"{at}: the block is never closed by {fence} on a line of its own")
        hit = PLACEHOLDER.search("\n".join(body))
        if hit:
            problems.append(f"{at}: '{hit.group(0).strip()}' looks like a placeholder, not "
                            "real output")
    return problems


def test_every_transcript_block_is_well_formed() -> None:
    """Each `<!-- transcript -->` comment opens a block BLOCK runs: one whose fence does not
    close on its own line would be skipped silently (docs/commands/config.md once showed the
    literal `CONFIG_OUTPUT` that way), so such a block, and a placeholder, fail here."""
    for page in pages():
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(ROOT)
        assert malformed(text) == [], f"{where}: {malformed(text)}"
        assert len(DIRECTIVE.findall(text)) == len(BLOCK.findall(text)), where


@pytest.mark.parametrize(("page", "problem"), [
    ("<!-- transcript -->\n```text\n$ putlint config\nCONFIG_OUTPUT```\n\nmore\n",
     "glued"),
    ("<!-- transcript -->\n```text\n$ putlint config\nCONFIG_OUTPUT\n```\n", "placeholder"),
    ("<!-- transcript -->\n```text\n$ putlint check x.yaml\nTODO\n```\n", "placeholder"),
    ("<!-- transcript -->\n```text\n$ putlint check x.yaml\nno end\n", "never closed"),
    ("<!-- transcript -->\n\n```text\n$ putlint check\n```\n", "not followed"),
    ("<!-- transcript -->\n````text\n$ putlint x\n```text\ninner\n```\n````\n", None),
    ("<!-- transcript: scratch a=b -->\n```text\n$ putlint config\nroot: specs\n```\n",
     None),
])
def test_a_malformed_transcript_is_caught(page: str, problem: str | None) -> None:
    found = malformed(page)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def steps(block: str) -> list[tuple[str, str]]:
    parts = re.split(r"^\$ (.*)\n", block, flags=re.M)
    assert parts[0] == "", "a transcript starts with a $ line"
    return list(zip(parts[1::2], parts[2::2], strict=True))


def scratch_folder(directive: str, tmp_path: Path) -> Path:
    for pair in directive.split()[1:]:
        source, _, dest = pair.partition("=")
        target = tmp_path / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, target)
        else:
            shutil.copyfile(ROOT / source, target)
    return tmp_path


@pytest.mark.parametrize(("where", "directive", "block"), transcripts(),
                         ids=[t[0] for t in transcripts()])
def test_transcript(where: str, directive: str, block: str, tmp_path: Path) -> None:
    kind = directive.split()[0] if directive else ""
    cwd = scratch_folder(directive, tmp_path) if kind == "scratch" else ROOT
    server = running(ReferenceApi(mode=directive.split()[1])) if kind == "refserver" \
        else nullcontext(SHOWN_URL)
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1",
           "HOME": str(tmp_path)}
    code = None
    with server as url:
        for command, shown in steps(block):
            if command == "echo $?":
                assert shown == f"{code}\n", f"{where}: exit code"
                continue
            if command.startswith("cat "):
                assert (cwd / command[4:]).read_text(encoding="utf-8") == shown, where
                continue
            assert command.startswith("putlint "), f"{where}: cannot run {command!r}"
            args = shlex.split(command.replace(SHOWN_URL, url))[1:]
            proc = subprocess.run([PUTLINT, *args], cwd=cwd, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=300, env=env)
            got = UUID.sub("<uuid>", proc.stdout.replace(url, SHOWN_URL))
            assert got == UUID.sub("<uuid>", shown), f"{where}: $ {command}"
            code = proc.returncode


def test_the_pytest_failure_shown_is_what_pytest_prints(tmp_path: Path) -> None:
    """docs/pytest-plugin.md's example test against the reference server in purge mode: the
    `E` lines shown are pytest's, identifiers aside."""
    page = (ROOT / "docs" / "pytest-plugin.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- readme-example: test_omissions.py -->\n```\w*\n(.*?)```", page,
                        re.S).group(1)
    shown = re.search(r"<!-- pytest-failure: purge -->\n```text\n(.*?)```", page,
                      re.S).group(1)
    (tmp_path / "test_omissions.py").write_text(example, encoding="utf-8")
    shutil.copy(ROOT / "specs" / "konnect-certificates-fixed.yaml", tmp_path)
    env = {**os.environ, "REFERENCE_MODE": "purge", "NO_COLOR": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    # hypothesis loads its own "ci" profile (derandomized) when CI is set: the page shows what
    # a user's own run prints, so the run here is a user's, in CI too
    env.pop("CI", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--hypothesis-seed=1", "--rootdir", str(tmp_path), str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 1, proc.stdout[-2000:]
    printed = [UUID.sub("<uuid>", line) for line in proc.stdout.splitlines()
               if line.startswith("E ")]
    assert [UUID.sub("<uuid>", line) for line in shown.splitlines()] == printed
