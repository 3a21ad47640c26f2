"""The install the docs describe: `python -m build`, then the wheel installed into a fresh
virtual environment outside the checkout, beside a current typer, where `putlint check` runs on a
spec and pytest loads the plugin. Slow (a build and two installs: about a minute); it needs the
package index that `pip install` uses, as the docs' install does."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_TEST = '''
import pytest
from linter.refserver import ReferenceApi

pytestmark = pytest.mark.putlint(spec="konnect-certificates-fixed.yaml", max_examples=3)


def test_omission(putlint_operation):
    putlint_operation.check(ReferenceApi(mode="reject"))
'''


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built by `python -m build` from a copy of the tracked files (so the build
    writes nothing into the checkout)."""
    source = tmp_path_factory.mktemp("source")
    files = run("git", "ls-files", "-z", cwd=ROOT).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--wheel", "--outdir", out, source, cwd=source)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (found,) = out.glob("putlint-*.whl")
    return found


def test_the_wheel_holds_the_package_and_no_bare_rules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "linter/cli.py" in names and "linter/rules/put001_critical_field_omittable.py" in names
    assert "linter/urls.py" in names
    # every package of the checkout is in it (linter.suggest once was not)
    for init in (ROOT / "linter").rglob("__init__.py"):
        assert str(init.relative_to(ROOT)) in names, init
    tops = {n.split("/")[0] for n in names}
    assert tops == {"linter", f"{wheel.name.split('-py3')[0]}.dist-info"}, tops


def test_the_wheel_installs_and_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert not str(tmp_path).startswith(str(ROOT))
    assert run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    bin_ = venv / "bin"
    # beside a current typer (0.29 and later): no upper bound in the way
    done = run(bin_ / "pip", "install", "--quiet", "--disable-pip-version-check", wheel,
               "typer>=0.29", "pytest", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert run(bin_ / "pip", "check", cwd=tmp_path).returncode == 0
    typer = run(bin_ / "python", "-c", "import typer; print(typer.__version__)", cwd=tmp_path)
    assert tuple(int(p) for p in typer.stdout.split(".")[:2]) >= (0, 29), typer.stdout

    project = tmp_path / "project"
    project.mkdir()
    spec = (ROOT / "specs" / "konnect-certificates-2025-11-06.yaml").read_text(encoding="utf-8")
    (project / "openapi.yaml").write_text(spec, encoding="utf-8")
    check = run(bin_ / "putlint", "check", "openapi.yaml", cwd=project)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "PUT001 [error]" in check.stdout
    assert check.stdout.endswith("putlint: 1 spec checked, 2 errors, 1 warning\n")
    imported = run(bin_ / "python", "-c", "import linter, sys; print(linter.__file__)",
                   cwd=project)
    assert str(venv) in imported.stdout  # the installed copy, not the checkout

    fixed = (ROOT / "specs" / "konnect-certificates-fixed.yaml").read_text(encoding="utf-8")
    (project / "konnect-certificates-fixed.yaml").write_text(fixed, encoding="utf-8")
    (project / "test_api.py").write_text(PLUGIN_TEST, encoding="utf-8")
    tests = run(bin_ / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "1 passed" in tests.stdout
    plugins = run(bin_ / "python", "-m", "pytest", "--markers", cwd=project)
    assert "@pytest.mark.putlint" in plugins.stdout
