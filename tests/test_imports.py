"""The check path stays light: start-up is a performance target (benchmarks/README.md), and it
is kept by what `putlint check` does not import, which a test can hold without timing anything."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from linter.reading import parse

SPECS = Path(__file__).resolve().parent.parent / "specs"

# Each is needed elsewhere (omission cases, probe, --validate, YAML files) or never. pydantic
# is typer's own from 0.29 on (it reads the options with it; pyproject.toml says what that
# costs); with an older typer nothing may bring it in.
TYPER = tuple(int(part) for part in version("typer").split(".")[:2])
HEAVY = ("hypothesis", "httpx", "openapi_spec_validator", "yaml", "yaml_rs") + \
    (("pydantic",) if TYPER < (0, 29) else ())

RUN = """
import json, sys
from linter.cli import main
sys.argv = ["putlint", "check", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_checking_a_json_spec_imports_nothing_heavy(tmp_path: Path) -> None:
    spec = tmp_path / "konnect.json"
    source = SPECS / "konnect-certificates-2025-11-06.yaml"
    data = parse(source, source.name).data  # in this test process: YAML is fine here
    spec.write_text(json.dumps(data, indent=2))
    done = subprocess.run([sys.executable, "-c", RUN, str(spec)], capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["exit"] == 1  # findings: the analysis, the oracle and the reporter all ran
    assert "jsonschema" in result["modules"]
    loaded = {name.split(".")[0] for name in result["modules"]}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def _modules_of_a_check(spec: Path) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", RUN, str(spec)], capture_output=True,
                          text=True, check=True, cwd=spec.parent)
    result = json.loads(done.stderr.strip().splitlines()[-1])
    return result["exit"], set(result["modules"])


def test_checking_a_plain_yaml_spec_reads_it_without_pyyaml(tmp_path: Path) -> None:
    """yaml-rs reads a block-style spec; PyYAML (0.02 s) is imported only for what yaml-rs does
    not do (merge keys, streams, refusals), tomllib only for a pyproject.toml, and suggest's
    modules only when PUT101 is selected."""
    spec = tmp_path / "konnect.yaml"
    spec.write_text((SPECS / "konnect-certificates-2025-11-06.yaml").read_text())
    code, modules = _modules_of_a_check(spec)
    assert code == 1  # findings: the YAML was read and analysed
    assert "yaml_rs" in modules
    assert not {"yaml", "tomllib", "linter.suggest"} & modules, \
        sorted({"yaml", "tomllib", "linter.suggest"} & modules)


def test_a_yaml_spec_with_merge_keys_still_reads_through_pyyaml(tmp_path: Path) -> None:
    """The lazy import is not a lost reader: a `<<` merge key goes to PyYAML and is read."""
    spec = tmp_path / "merged.yaml"
    spec.write_text((SPECS / "konnect-certificates-2025-11-06.yaml").read_text()
                    + "x-defaults: &base {a: 1}\nx-merged:\n  <<: *base\n  b: 2\n")
    code, modules = _modules_of_a_check(spec)
    assert code == 1
    assert "yaml" in modules


def test_a_spec_the_schema_alone_decides_is_checked_without_jsonschema(tmp_path: Path) -> None:
    """Every critical field of the fixed Konnect spec is required, not nullable and non-empty:
    the search decides each from the schema and asks the validator about no body, so
    jsonschema (0.04 s of start-up) is never imported; the run still says it looked."""
    spec = tmp_path / "fixed.yaml"
    spec.write_text((SPECS / "konnect-certificates-fixed.yaml").read_text())
    code, modules = _modules_of_a_check(spec)
    assert code == 0
    assert "jsonschema" not in modules and "linter.analysis" in modules
