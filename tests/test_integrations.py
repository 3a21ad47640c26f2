"""The pre-commit hook and the GitHub Action run the commands they declare, and those work."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_pre_commit_hook_runs_its_entry(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "putlint")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"]) + hook["args"]
    assert command[0] == "putlint"
    spec = (ROOT / "specs" / "konnect-certificates-2025-11-06.yaml").read_text()
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "openapi.yaml").write_text(spec)
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")  # not a spec: ignored
    proc = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "api/openapi.yaml:56:9: PUT001" in proc.stdout
    assert "1 spec checked" in proc.stdout
    import re
    assert re.search(hook["files"], "api/openapi.yaml") and re.search(hook["files"], "a.json")


def test_github_action_step_writes_sarif_and_annotations(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    output_file = tmp_path / "github_output"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "PUTLINT_PATHS": str(ROOT / "specs"), "PUTLINT_ARGS": "--fail-on error",
           "PUTLINT_SARIF": str(tmp_path / "out.sarif"), "GITHUB_OUTPUT": str(output_file)}
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0  # the step records the exit code; the last step fails
    assert output_file.read_text().strip() == "exit-code=1"
    assert proc.stdout.splitlines()[0].startswith("::error file=")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert sarif["runs"][0]["results"]
    inputs = action["inputs"]
    assert {"paths", "args", "sarif-file", "upload-sarif"} <= set(inputs)
