"""The troubleshooting page's transcripts (docs/troubleshooting.md) run as shown: output (stdout
and stderr as a terminal shows them, in order) and exit code, against the files in
docs/troubleshooting/."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "troubleshooting.md"


def transcripts() -> list[tuple[str, str, int]]:
    out = []
    for block in re.findall(r"```text\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S):
        match = re.fullmatch(r"\$ putlint ([^\n]*)\n(.*?)\$ echo \$\?\n(\d+)\n", block, re.S)
        assert match, block
        out.append((match.group(1), match.group(2), int(match.group(3))))
    return out


def test_the_section_has_every_case() -> None:
    assert len(transcripts()) >= 8


@pytest.mark.parametrize(("command", "shown", "code"), transcripts(), ids=lambda v: str(v)[:50])
def test_troubleshooting_transcript(command: str, shown: str, code: int) -> None:
    proc = subprocess.run([sys.executable, "-m", "linter.cli", *command.split()], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert proc.stdout.replace("linter.cli", "putlint") == shown
    assert proc.returncode == code
