"""README's suggest -> write-config -> check walk-through, run as written on a real spec."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PUTLINT = str(Path(sys.executable).parent / "putlint")
KONG = ROOT.parent / "shared" / "corpus" / "kong" / "developer.konghq.com" / "gateway" / \
    "admin-oss" / "3.9" / "openapi.yaml"


def block(name: str, page: Path = ROOT / "README.md") -> str:
    """The code block that follows `<!-- suggest-walkthrough: NAME -->` on a page (README's
    tour; the suggest page of the docs shows the same walk-through)."""
    text = page.read_text(encoding="utf-8")
    match = re.search(rf"<!-- suggest-walkthrough: {re.escape(name)} -->\n```\w*\n(.*?)```",
                      text, re.S)
    assert match, f"{page.name} has no walk-through block {name}"
    return match.group(1)


def test_the_docs_show_the_same_walkthrough() -> None:
    for name in ("transcript", "putlint.yaml"):
        assert block(name, ROOT / "docs" / "commands" / "suggest.md") == block(name)


def steps(transcript: str) -> list[tuple[str, str]]:
    """(command, what the README shows it prints) for each `$ putlint ...` line."""
    parts = re.split(r"^\$ putlint (.*)\n", transcript, flags=re.M)
    assert parts[0] == ""
    return list(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.skipif(not KONG.is_file(), reason="../shared/corpus is not here")
def test_the_readme_walkthrough_runs_as_shown(tmp_path: Path) -> None:
    shutil.copy(KONG, tmp_path / "kong-admin.yaml")
    done = steps(block("transcript"))
    assert [c.split()[0] for c, _ in done] == ["suggest", "check"]
    codes = []
    for command, shown in done:
        proc = subprocess.run([PUTLINT, *command.split()], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)
        assert proc.stdout + proc.stderr == shown, command
        codes.append(proc.returncode)
        if command.startswith("suggest"):
            written = (tmp_path / "putlint.yaml").read_text(encoding="utf-8")
            assert written == block("putlint.yaml")
    assert codes == [0, 1]  # the check finds what the written config marks
