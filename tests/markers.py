"""Expectation markers written inside specs, and the comparison of a run against them.

    snis:                # expect: PUT001, PUT003   -> findings of these rules on this line
    # expect-run: PUT007                            -> a finding not tied to a line
    # putlint: --critical Cert.snis --select PUT00  -> arguments for the run (first lines);
                                                       also --upsert ID, --profile NAME and
                                                       --put-semantics ID=merge
    # reference-server: purge                       -> probe the spec against the reference
                                                       server in this mode, instead of check;
                                                       then `shrink=keep`, `clear=clear`,
                                                       `validate=yes` set its other behaviours
    # reference-server: preserve then=purge         -> probe --record in the first mode, flip
                                                       the server, probe --expect the record
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from linter.config import Options
from linter.critical import CriticalName
from linter.engine import RunReport, run

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
_EXPECT_RUN = re.compile(r"#\s*expect-run:\s*([A-Z0-9, ]+)")
_ARGS = re.compile(r"^#\s*putlint:\s*(.+)$", re.M)
_SERVER = re.compile(r"^#\s*reference-server:\s*(\w+(?:[ \t]+\w+=\w+)*)", re.M)


@dataclass
class Expectation:
    lines: set[tuple[str, int, str]]  # (absolute file, line, rule)
    run_level: set[str]


def _rules(text: str) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()]


def expected(files: list[Path]) -> Expectation:
    lines: set[tuple[str, int, str]] = set()
    run_level: set[str] = set()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if m := _EXPECT.search(line):
                lines.update((str(path.resolve()), number, r) for r in _rules(m.group(1)))
            if m := _EXPECT_RUN.search(line):
                run_level.update(_rules(m.group(1)))
    return Expectation(lines, run_level)


def options_for(root: Path) -> Options:
    """Options from the `# putlint:` lines of a spec (a small subset of the CLI)."""
    args: list[str] = []
    for m in _ARGS.finditer(root.read_text(encoding="utf-8")):
        args.extend(shlex.split(m.group(1)))
    options = Options()
    critical, select = [], []
    i = 0
    while i < len(args):
        flag, value = args[i], args[i + 1]
        if flag == "--critical":
            critical.append(CriticalName(value))
        elif flag == "--select":
            select.append(value)
        elif flag == "--upsert":
            options.upsert_operations = options.upsert_operations | {value}
        elif flag == "--profile":
            options.profile = value
        elif flag == "--put-semantics":  # operationId=merge
            name, _, semantics = value.partition("=")
            options.put_semantics = {**options.put_semantics, name: semantics}
        else:
            raise ValueError(f"unsupported marker argument {flag}")
        i += 2
    options.critical = critical
    if select:
        options.select = frozenset(select)
    return options


def found(report: RunReport) -> Expectation:
    lines = {(str(Path(f.file).resolve()), f.line, f.rule) for f in report.findings if f.line}
    run_level = {f.rule for f in report.findings if not f.line}
    return Expectation(lines, run_level)


def probe_reference(root: Path, marker: str, options: Options) -> RunReport:
    """`putlint probe --allow-writes` on `root` against the reference server as `marker`
    says: a mode, then other behaviours (`shrink=keep`); with `then=MODE`, a run that records,
    a flip of the server to MODE, and the run that expects the record (its report)."""
    import tempfile

    from linter.probe import ProbeSettings, run_probe
    from linter.refserver import ReferenceApi, running

    mode, *pairs = marker.split()
    settings = dict(pair.split("=", 1) for pair in pairs)
    then = settings.pop("then", None)
    if "validate" in settings:
        settings["validate"] = settings["validate"] == "yes"  # type: ignore[assignment]
    app = ReferenceApi(mode, **settings)  # type: ignore[arg-type]
    with running(app) as url, tempfile.TemporaryDirectory() as folder:
        record = Path(folder) / "behaviour.yaml"
        if then:
            run_probe(root, options, ProbeSettings(url, allow_writes=True, record=record))
            app.configure(mode=then)
        report, _ = run_probe(root, options, ProbeSettings(
            url, allow_writes=True, expect=record if then else None))
    assert app.store.snapshot() == {"certificates": [], "snis": []}  # probe cleaned up
    return report


HEAD_SEPARATOR = "# --- head: the same spec after the change ---\n"


def check_diff(base: Path, head: Path) -> tuple[Expectation, Expectation, RunReport]:
    """`putlint diff base head`; (markers of head's files, found, report)."""
    from linter.diff import run_diff

    report = run_diff([(base, head, None)], options_for(head))
    files = [Path(f) for s in report.specs for f in s.real_files] or [head]
    return expected(files), found(report), report


def split_example(text: str, folder: Path) -> tuple[Path, Path]:
    """A diff rule's example (base, separator line, head) as two spec files."""
    base_text, head_text = text.split(HEAD_SEPARATOR)
    for name, part in (("base", base_text), ("head", head_text)):
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "spec.yaml").write_text(part, encoding="utf-8")
    return folder / "base" / "spec.yaml", folder / "head" / "spec.yaml"


def check_root(root: Path) -> tuple[Expectation, Expectation, RunReport]:
    """Run putlint on one root spec; (expected, found, report) over every file it read."""
    server = _SERVER.search(root.read_text(encoding="utf-8"))
    if server:
        report = probe_reference(root, server.group(1), options_for(root))
    else:
        report = run([root], options_for(root))
    files = [Path(f) for s in report.specs for f in s.real_files] or [root]
    return expected(files), found(report), report
