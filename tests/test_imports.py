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
