"""Files that are not files: devices, FIFOs, folders and symlinks out of the folder searched,
as a spec, a baseline or a config. Each is refused by its type, before it is opened, with one
line and exit 2; nothing blocks (a FIFO nobody writes to would block an open for ever).

These runs have a wall-clock timeout: a blocked open uses no CPU, so no rlimit would end it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.discover import discover
from tests.hostile import spec

PUTLINT = str(Path(sys.executable).parent / "putlint")
GOOD = spec("{type: string}")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([PUTLINT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)  # a hang fails the test with TimeoutExpired
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def _not_a_file(folder: Path, kind: str, name: str) -> Path:
    path = folder / name
    if kind == "dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
        (path / "inside.yaml").write_text(GOOD, encoding="utf-8")
    elif kind == "dev-null":
        os.symlink("/dev/null", path)
    return path


KINDS = ("dev-zero", "fifo", "folder", "dev-null")


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "dev-null"])
def test_spec_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    path = _not_a_file(tmp_path, kind, "spec.yaml")
    proc = _run(["check", path.name], tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
    assert errors == [f"spec.yaml: error: not a regular file ({_TYPE[kind]}); putlint reads "
                      "only regular files"], proc.stdout


_TYPE = {"dev-zero": "a character device", "dev-null": "a character device", "fifo": "a FIFO"}


def test_ref_to_a_fifo_inside_the_root(tmp_path: Path) -> None:
    """A `$ref` to a FIFO beside the spec is refused too, without blocking."""
    os.mkfifo(tmp_path / "part.yaml")
    (tmp_path / "openapi.yaml").write_text(
        spec("{$ref: 'part.yaml#/S'}"), encoding="utf-8")
    proc = _run(["check", "openapi.yaml"], tmp_path)
    assert proc.returncode == 2, proc.stdout


@pytest.mark.parametrize("kind", KINDS)
def test_baseline_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    _not_a_file(tmp_path, kind, "baseline.json")
    proc = _run(["check", "good.yaml", "--baseline", "baseline.json"], tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "baseline.json" in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["putlint.yaml", "cfg.toml"])
def test_config_that_is_not_a_file(tmp_path: Path, kind: str, name: str) -> None:
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    _not_a_file(tmp_path, kind, name)
    proc = _run(["check", "good.yaml", "--config", name], tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(lines) == 1 and name in lines[0], proc.stderr


def test_config_found_by_search_that_is_a_fifo(tmp_path: Path) -> None:
    """putlint.yaml is looked for upward from the working directory: a FIFO there is passed
    over (it is no config file), and the run does not block."""
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "putlint.yaml")
    proc = _run(["check", "good.yaml"], tmp_path)
    assert proc.returncode in (1, 2)


def test_fifo_and_devices_in_a_searched_folder(tmp_path: Path) -> None:
    api = tmp_path / "api"
    api.mkdir()
    (api / "good.yaml").write_text(GOOD, encoding="utf-8")
    os.mkfifo(api / "zz.yaml")
    os.mkfifo(api / "aa.json")
    proc = _run(["check", "api"], tmp_path)
    assert proc.returncode == 1, proc.stdout  # the good spec is checked, the FIFOs skipped
    assert "1 spec checked" in proc.stdout


def test_symlink_out_of_a_searched_folder_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(GOOD.replace("title: t", "title: SECRET"),
                                                      encoding="utf-8")
    (tmp_path / "api").mkdir()
    os.symlink("../outside/secret.yaml", tmp_path / "api" / "evil.yaml")
    proc = _run(["check", "-f", "json", "api"], tmp_path)
    assert proc.returncode == 2
    assert "leads outside the folder searched" in proc.stdout
    assert "secret.yaml" not in proc.stdout.replace("evil.yaml", "")


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(0, 3), up=st.integers(0, 5), through_folder=st.booleans(),
       absolute=st.booleans())
def test_discovery_refuses_every_symlink_that_leaves(tmp_path_factory: pytest.TempPathFactory,
                                                     depth: int, up: int,
                                                     through_folder: bool,
                                                     absolute: bool) -> None:
    """A symlink `depth` folders below the folder searched, pointing `up` levels up (to a
    file or through a symlinked folder): it is refused exactly when its target is outside,
    and what it names is never in the files to check."""
    base = tmp_path_factory.mktemp("tree")
    top = base / "top"
    folder = top.joinpath(*[f"d{i}" for i in range(depth)])
    folder.mkdir(parents=True)
    target_dir = folder
    for _ in range(up):
        target_dir = target_dir.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "target-spec.yaml"
    target.write_text(GOOD, encoding="utf-8")
    if through_folder:
        pointer: Path | str = target_dir if absolute else os.path.relpath(target_dir, folder)
        os.symlink(pointer, folder / "linked", target_is_directory=True)
        link = folder / "linked" / "target-spec.yaml"
    else:
        pointer = target if absolute else os.path.relpath(target, folder)
        os.symlink(pointer, folder / "link.yaml")
        link = folder / "link.yaml"
    files, _, errors = discover([top])
    outside = up > depth
    real = {Path(os.path.realpath(f)) for f in files}
    top_real = Path(os.path.realpath(top))
    assert all(r == top_real or top_real in r.parents for r in real), files
    if through_folder:
        # os.walk does not follow symlinked folders: nothing of an outside target is read
        assert not outside or Path(os.path.realpath(target)) not in real
    else:
        assert (link in files) == (not outside)
        refused = [e for e in errors if "leads outside" in e.message]
        assert bool(refused) == outside, errors
