"""putlint against its peers and baselines, side by side in one run; prints a Markdown table.

    python benchmarks/bench.py            # the full run on GitHub's REST description
    python benchmarks/bench.py --quick    # a smaller spec, fewer runs (CI runs this)
    python benchmarks/bench.py --arm      # the largest Azure ARM spec only (also in the full run)

Every figure is the median wall time of several runs of a whole process (interpreter start-up
included) and its peak resident memory, measured with wait4. Baselines run in the same session
as putlint, so the ratios compare like with like. Targets are reported, never enforced: CI
prints the table and passes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
PY = sys.executable

REDOCLY_PLUGIN = """\
// One rule, the same question putlint's PUT001 asks at its simplest: is every property marked
// x-critical listed in its schema's `required`?
function CriticalRequired() {
  return {
    Schema: {
      enter(schema, ctx) {
        const required = Array.isArray(schema.required) ? schema.required : [];
        for (const [name, prop] of Object.entries(schema.properties || {})) {
          if (prop && prop['x-critical'] && !required.includes(name)) {
            ctx.report({message: `${name} is critical but not required`,
                        location: ctx.location.child(['properties', name])});
          }
        }
      },
    },
  };
}
export default function plugin() {
  return {id: 'peer', rules: {oas3: {'critical-required': CriticalRequired},
                              oas2: {'critical-required': CriticalRequired}}};
}
"""
REDOCLY_CONFIG = """\
plugins:
  - ./peer-plugin.js
rules:
  peer/critical-required: error
"""


@dataclass
class Figure:
    seconds: float
    mib: float


# Runs one command and prints its wall time and peak RSS. A small launcher process starts the
# command because Linux counts, in a child's peak RSS, the pages of the forked copy of its
# parent before exec: measured straight from this (large) process, `python -c pass` shows up
# as 200 MiB.
LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))
"""


def measure(args: list[str], runs: int, cwd: Path | None = None,
            ok: tuple[int, ...] = (0, 1)) -> Figure:
    """Median wall time and the largest peak RSS over ``runs`` runs of a command.

    A run that exits with a code outside ``ok`` (putlint: 0 clean, 1 findings) is a failure,
    never a figure: a crashing baseline once passed for a fast one here.
    """
    times, peaks = [], []
    for _ in range(runs):
        out = subprocess.run([PY, "-c", LAUNCHER, *args], cwd=cwd, capture_output=True,
                             text=True, check=True).stdout.split()
        if int(out[2]) not in ok:
            raise SystemExit(f"benchmark command failed (exit {out[2]}): {' '.join(args)}")
        times.append(float(out[0]))
        peaks.append(float(out[1]))
    return Figure(statistics.median(times), max(peaks))


def plant(spec: dict) -> dict:
    """Mark every top-level property of every PUT body schema x-critical (in place)."""
    schemas = spec.get("components", {}).get("schemas", {})
    for item in spec.get("paths", {}).values():
        put = item.get("put") if isinstance(item, dict) else None
        if not isinstance(put, dict):
            continue
        for media in put.get("requestBody", {}).get("content", {}).values():
            schema = media.get("schema", {})
            ref = schema.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                schema = schemas.get(ref.rsplit("/", 1)[1], {})
            for prop in (schema.get("properties") or {}).values():
                if isinstance(prop, dict):
                    prop["x-critical"] = True
    return spec


def scaled(spec: dict, factor: int) -> dict:
    """The spec with its paths repeated ``factor`` times (under new names)."""
    paths = {}
    for i in range(factor):
        for path, item in spec["paths"].items():
            paths[f"/copy{i}{path}" if i else path] = item
    return {**spec, "paths": paths}


def write_yaml(data: dict, path: Path) -> None:
    import yaml

    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  sort_keys=False, allow_unicode=True, width=10_000)


def redocly() -> str | None:
    for candidate in (os.environ.get("REDOCLY"), str(HERE / "node_modules" / ".bin" / "redocly"),
                      shutil.which("redocly")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


# The largest Azure Resource Manager spec of the corpus (866 KB, Swagger 2.0, with its shared
# CommonDefinitions.json), checked as ARM specs are: the corpus folder as the $ref root, the
# azure-arm profile, and a critical field (App Service's appSettings) so that bodies are
# bundled and analysed.
ARM = CORPUS / "azure-arm"
ARM_SPEC = ARM / "specification/web/resource-manager/Microsoft.Web/stable/2021-01-15/WebApps.json"
ARM_CRITICAL = "CommonDefinitions.json#/definitions/SiteConfig/properties/appSettings"


def arm_rows(row, runs: int, tool: str | None, work: Path) -> None:  # type: ignore[no-untyped-def]
    """putlint and Redocly on the largest ARM spec, as for GitHub's."""
    if not ARM_SPEC.is_file():
        row("ARM spec (../shared/corpus/azure-arm absent)", None)
        return
    if tool:
        (work / "peer-plugin.js").write_text(REDOCLY_PLUGIN)
        (work / "redocly.yaml").write_text(REDOCLY_CONFIG)
        row("Redocly CLI lint, one-rule plugin (ARM WebApps.json)",
            measure([tool, "lint", str(ARM_SPEC)], runs, cwd=work))
    putlint = str(BIN / "putlint")
    row("putlint check --profile azure-arm (ARM WebApps.json)", measure(
        [putlint, "check", "--root", str(ARM), "--profile", "azure-arm", "--critical",
         ARM_CRITICAL, str(ARM_SPEC)], runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller spec, fewer runs")
    parser.add_argument("--arm", action="store_true", help="only the largest ARM spec")
    parser.add_argument("--runs", type=int, default=0, help="runs per figure")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    if args.arm:
        arm_only(runs)
        return
    source = (CORPUS / "kong" / "docs.konghq.com" / "Gateway-EE" / "latest" / "kong-ee.yaml"
              if args.quick else CORPUS / "github-2026" / "api.github.com.json")
    # putlint as installed: pip compiles its modules at install time, but an editable checkout
    # run with PYTHONDONTWRITEBYTECODE set (as on this machine) compiles them on every run
    # (+0.05 s). compileall writes __pycache__ regardless of that variable.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "linter"), str(ROOT / "rules")],
                   check=True, stdout=subprocess.DEVNULL)
    work = Path(tempfile.mkdtemp(prefix="putlint-bench-"))
    from linter.reading import parse

    spec = plant(parse(source, source.name).data)
    json_spec, yaml_spec = work / "spec.json", work / "spec.yaml"
    # in the layout GitHub publishes it (2-space indent: 13 MB, against 7 MB written compact)
    json_spec.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    write_yaml(spec, yaml_spec)
    small = work / "small.yaml"
    small.write_text((ROOT / "specs" / "konnect-certificates-fixed.yaml").read_text())
    putlint = str(BIN / "putlint")

    rows: list[tuple[str, Figure | None, str]] = []

    def row(name: str, figure: Figure | None, target: str = "") -> Figure | None:
        rows.append((name, figure, target))
        print(f"  {name}: " + (f"{figure.seconds:.3f} s, {figure.mib:.0f} MiB" if figure
                               else "skipped"), file=sys.stderr)
        return figure

    print(f"benchmarking on {source.name} ({json_spec.stat().st_size / 1e6:.1f} MB JSON, "
          f"{yaml_spec.stat().st_size / 1e6:.1f} MB YAML), {runs} runs each", file=sys.stderr)
    row("python -c pass", measure([PY, "-c", "pass"], runs))
    # Start-up is a few tenths of a second on a shared machine where one slow run in three is
    # common: at least 15 runs, so that the median is the machine's, not one run's; measured
    # before the large runs, which leave this virtual machine slower for a while after them.
    start = row("putlint check, 2 KB spec (start-up)", measure([putlint, "check", str(small)],
                                                                max(runs, 15)), "≤ 0.3 s")
    bare_json = row("bare json.load", measure(
        [PY, "-c", f"import json; json.load(open({str(json_spec)!r}))"], runs))
    row("bare yaml-rs load", measure(
        [PY, "-c", f"import yaml_rs; yaml_rs.loads(open({str(yaml_spec)!r}).read(), "
                   "parse_datetime=False)"], runs))
    tool = None if args.quick else redocly()
    red_yaml = red_json = None
    if tool:
        (work / "peer-plugin.js").write_text(REDOCLY_PLUGIN)
        (work / "redocly.yaml").write_text(REDOCLY_CONFIG)
        red_yaml = row("Redocly CLI lint, one-rule plugin (YAML)",
                       measure([tool, "lint", str(yaml_spec)], runs, cwd=work))
        red_json = row("Redocly CLI lint, one-rule plugin (JSON)",
                       measure([tool, "lint", str(json_spec)], runs, cwd=work))
    p_yaml = row("putlint check (YAML)", measure([putlint, "check", str(yaml_spec)], runs),
                 "≤ 0.5 × Redocly (YAML); ≤ 300 MiB")
    p_json = row("putlint check (JSON)", measure([putlint, "check", str(json_spec)], runs),
                 "≤ 0.3 × Redocly (JSON), ≤ 3 × bare json.load; ≤ 300 MiB")
    scale = {}
    for factor in (2, 4):
        big = work / f"spec-x{factor}.json"
        big.write_text(json.dumps(scaled(spec, factor), indent=2), encoding="utf-8")
        scale[factor] = row(f"putlint check (JSON, {factor}× paths)",
                            measure([putlint, "check", str(big)], max(1, runs // 2)),
                            f"≤ {2.2 if factor == 2 else 4.5} × the 1× time")
    if not args.quick:
        osv = row("openapi-spec-validator alone (JSON)", measure(
            # read with json: its reader goes through PyYAML, which refuses the surrogate
            # escapes GitHub's JSON holds (and the run then measured a crash)
            [PY, "-c", "import json; from openapi_spec_validator import validate; "
                       f"validate(json.load(open({str(json_spec)!r}, encoding='utf-8')))"],
            1, ok=(0,)))
        validated = row("putlint check --validate (JSON)", measure(
            [putlint, "check", "--validate", str(json_spec)], 1),
            "≤ putlint + openapi-spec-validator")
        # 3 runs each: a ratio of two single runs of a few seconds moved by ±0.1 between runs
        jobs1 = row("putlint --jobs 1, whole corpus", measure(
            [putlint, "check", "--jobs", "1", str(CORPUS)], 3, ok=(2,)))  # nasty/ holds bad input
        jobs2 = row("putlint --jobs 2, whole corpus", measure(
            [putlint, "check", "--jobs", "2", str(CORPUS)], 3, ok=(2,)),
            "≥ 1.7 × faster than --jobs 1")
        arm_rows(row, runs, tool, work)
    print(table(rows))
    verdicts = []
    if red_yaml and p_yaml:
        verdicts.append(("YAML ≤ 0.5 × Redocly", p_yaml.seconds / red_yaml.seconds, 0.5))
    if red_json and p_json:
        verdicts.append(("JSON ≤ 0.3 × Redocly", p_json.seconds / red_json.seconds, 0.3))
    if bare_json and p_json:
        verdicts.append(("JSON ≤ 3 × bare json.load", p_json.seconds / bare_json.seconds, 3))
    if p_yaml and p_json:
        verdicts.append(("peak RSS ≤ 300 MiB", max(p_yaml.mib, p_json.mib), 300))
    if start:
        verdicts.append(("start-up ≤ 0.3 s", start.seconds, 0.3))
    if p_json and scale.get(2) and scale.get(4):
        verdicts.append(("2× paths ≤ 2.2 × time", scale[2].seconds / p_json.seconds, 2.2))
        verdicts.append(("4× paths ≤ 4.5 × time", scale[4].seconds / p_json.seconds, 4.5))
    if not args.quick:
        verdicts.append(("--validate adds ≤ validator's time",
                         (validated.seconds - p_json.seconds) / osv.seconds, 1.0))
        verdicts.append(("--jobs 2 ≥ 1.7 × faster", jobs1.seconds / jobs2.seconds, -1.7))
    print()
    print("| target | measured | met |")
    print("|---|---|---|")
    for name, value, limit in verdicts:
        met = value >= -limit if limit < 0 else value <= limit
        print(f"| {name} | {value:.2f} | {'yes' if met else 'no'} |")
    shutil.rmtree(work, ignore_errors=True)


def arm_only(runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="putlint-bench-"))
    rows: list[tuple[str, Figure | None, str]] = []

    def row(name: str, figure: Figure | None, target: str = "") -> Figure | None:
        rows.append((name, figure, target))
        print(f"  {name}: " + (f"{figure.seconds:.3f} s, {figure.mib:.0f} MiB" if figure
                               else "skipped"), file=sys.stderr)
        return figure

    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "linter"), str(ROOT / "rules")],
                   check=True, stdout=subprocess.DEVNULL)
    tool = redocly()
    if tool is None:
        print("  Redocly CLI not installed: its row is skipped", file=sys.stderr)
    arm_rows(row, runs, tool, work)
    print(table(rows))
    shutil.rmtree(work, ignore_errors=True)


def table(rows: list[tuple[str, Figure | None, str]]) -> str:
    lines = ["| command | median wall | peak RSS | target |", "|---|---|---|---|"]
    for name, figure, target in rows:
        if figure is None:
            lines.append(f"| {name} | skipped | | {target} |")
        else:
            lines.append(f"| {name} | {figure.seconds:.2f} s | {figure.mib:.0f} MiB | "
                         f"{target} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
