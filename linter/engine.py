"""Runs the rules over specs: loads, analyses, stamps rule ids on hits, sorts the findings.

Each root spec is checked on its own (`check_spec`) into a small, picklable SpecResult, so a
run can spread specs over processes (`--jobs`) and still print exactly what a serial run prints.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.analysis import FieldFacts, MediaFacts, OperationFacts, field_facts
from linter.bundle import Bundle, Bundler
from linter.config import Options
from linter.critical import resolve_names
from linter.errors import Place, PutlintError
from linter.model import ApiView, Operation, Scope
from linter.refs import Workspace, display_name
from linter.registry import all_rules
from linter.rule import Hit, Rule, RunFacts
from linter.search import new_spec
from linter.source import pointer_text

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    pointer: str | None
    operation: dict[str, Any] | None
    media_type: str | None
    field: str | None
    example: Any = None
    has_example: bool = False
    decided_by: str | None = None
    related: tuple[dict[str, Any], ...] = ()
    exchanges: tuple[dict[str, Any], ...] = ()

    @property
    def sort_key(self) -> tuple:
        op = self.operation or {}
        return (self.file, self.line, self.column, self.rule, op.get("path", ""),
                op.get("method", ""), self.media_type or "", self.field or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule, "name": self.name, "severity": self.severity,
            "message": self.message, "file": self.file, "line": self.line,
            "column": self.column, "pointer": self.pointer, "operation": self.operation,
            "media_type": self.media_type, "field": self.field,
        }
        if self.has_example:
            out["example"] = self.example
        if self.decided_by:
            out["decided_by"] = self.decided_by
        if self.related:
            out["related"] = list(self.related)
        if self.exchanges:
            out["exchanges"] = list(self.exchanges)
        return out


@dataclass(frozen=True)
class FieldRow:
    """One critical field of one operation and media type, with what the contract allows."""

    media_type: str
    field: str
    on_omit: str
    verdicts: tuple[str, ...]  # subset of omittable / nullable / emptiable / read-only
    file: str
    line: int
    observed: str | None = None  # probe: what each omission form did ("absent: purged, ...")
    ok: bool | None = None  # probe: no finding on this field

    @property
    def verdict(self) -> str:
        if self.observed is not None:
            return self.observed
        if "read-only" in self.verdicts:
            return "read-only"
        problems = [v for v in self.verdicts if not (v == "omittable" and self.on_omit ==
                                                      "preserve")]
        if problems:
            return ", ".join(problems)
        return "preserved-by-contract" if self.on_omit == "preserve" else "required"


@dataclass(frozen=True)
class OperationRow:
    method: str
    path: str
    operation_id: str | None
    file: str
    line: int
    fields: tuple[FieldRow, ...]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class SpecReport:
    """The in-process analysis of one root spec: facts that rules read."""

    path: str
    errors: list[PutlintError] = field(default_factory=list)
    warnings: list[PutlintError] = field(default_factory=list)
    matched_names: set[str] = field(default_factory=set)
    real_files: list[str] = field(default_factory=list)  # every file it read, the root first
    operations: list[OperationFacts] = field(default_factory=list)


@dataclass
class SpecResult:
    """What a run keeps of one root spec: small and picklable."""

    path: str
    findings: list[Finding]
    errors: list[PutlintError]
    warnings: list[PutlintError]
    matched_names: set[str]
    real_files: list[str]
    operations: list[OperationRow]


@dataclass
class RunReport:
    specs: list[SpecResult]
    findings: list[Finding]
    errors: list[PutlintError]
    warnings: list[PutlintError]
    suppressed: int = 0  # findings a baseline accepted
    stale: list[dict[str, Any]] = field(default_factory=list)  # baseline entries that no
    # longer match anything
    command: str = "check"  # or "probe", "diff": which command's rules the report is about

    def exit_code(self, fail_on: str) -> int:
        if self.errors:
            return 2
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings) else 0


def enabled_rules(options: Options) -> list[Rule]:
    def on(rule: Rule) -> bool:
        if any(rule.id.startswith(p) or rule.name == p for p in options.ignore):
            return False
        if options.select is not None:
            return any(rule.id.startswith(p) or rule.name == p for p in options.select)
        return rule.default_enabled

    return [r for r in all_rules() if on(r)]


def analyse(path: Path, options: Options) -> SpecReport:
    """Load one root spec and compute the facts of every in-scope operation."""
    report = SpecReport(display_name(path))
    new_spec()  # one search budget per spec, whatever its number of fields (linter.search)
    try:
        ws = Workspace(path)
        report.warnings.extend(ws.root.warnings)
        api = ApiView(ws, Scope(options.upsert_operations))
        validation = None
        if options.validate:
            from linter.validate import start_validation

            validation = start_validation(ws)
        marks, report.matched_names = resolve_names(ws, api.version or "", options.critical)
        bundler = Bundler(ws, api.version or "", marks)
        cache: dict[tuple[str, tuple[str, ...]], tuple[Bundle | None, list[FieldFacts]]] = {}
        paths = ws.root.data.get("paths")
        api_paths = tuple(str(p) for p in paths) if isinstance(paths, dict) else ()
        for op in api.operations():
            facts = OperationFacts(op, api.version or "", api_paths=api_paths)
            for body in op.bodies:
                try:
                    # Operations usually share a body through a $ref: key the analysis by the
                    # schema it resolves to, so each distinct schema is analysed once.
                    schema, where = ws.deref(body.schema, body.schema_loc)
                    key = where.key
                    if key not in cache:
                        bundle = bundler.bundle(schema, where)
                        cache[key] = (bundle, field_facts(bundle))
                except PutlintError as exc:
                    report.errors.append(exc)
                    key = body.schema_loc.key
                    cache[key] = (None, [])
                bundle, fields = cache[key]
                if bundle is not None:
                    facts.bundles[body.media_type] = bundle
                if fields:
                    facts.media.append(MediaFacts(body, fields))
            report.operations.append(facts)
        report.errors.extend(api.errors)
        if validation is not None:
            report.errors.extend(validation())
        report.real_files = [str(d.path) for d in ws.documents]
        for doc in ws.documents[1:]:
            report.warnings.extend(doc.warnings)
    except PutlintError as exc:
        report.errors.append(exc)
    except RecursionError:
        report.errors.append(PutlintError("the spec is nested too deeply to analyse",
                                          Place(report.path, 1, 1)))
    return report


def findings_for(report: SpecReport, rules: Iterable[Rule], options: Options) -> list[Finding]:
    found = []
    for facts in report.operations:
        for rule in rules:
            if rule.scope != "operation" or rule.id in facts.op.ignore:
                continue
            for hit in rule.check(facts):
                if not ignored_by_field(rule, hit, facts):
                    found.append(make_finding(rule, hit, options, facts.op))
    return found


def check_spec(path: Path, options: Options) -> SpecResult:
    """Analyse one root spec and run the operation rules on it."""
    with collector_paused():
        return result_of(analyse(path, options), options)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Check one spec with the cyclic garbage collector off, and let it run between specs.

    Most of the heap during a check is the parsed spec, a tree that reference counting frees
    and the collector can find nothing in, yet the collector walks it again and again while
    parsing and analysis allocate: 30 ms of 320 on GitHub's description. The few cycles a
    check makes are collected after it, so memory over a run of many specs stays as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def result_of(report: SpecReport, options: Options) -> SpecResult:
    """Run the operation rules on an analysis and keep what a run needs of it."""
    try:
        findings = findings_for(report, enabled_rules(options), options)
        # Summaries need the position of every operation and field: only when reported.
        operations = [_summary(facts) for facts in report.operations] \
            if options.wants_operations else []
    except RecursionError:
        report.errors.append(PutlintError("the spec is nested too deeply to analyse",
                                          Place(report.path, 1, 1)))
        findings, operations = [], []
    return SpecResult(report.path, findings, report.errors, report.warnings,
                      report.matched_names, report.real_files, operations)


def _summary(facts: OperationFacts) -> OperationRow:
    place = facts.op.loc.place()
    rows = []
    for media, f in facts.fields():
        loc = f.loc()
        field_place = loc.place() if loc is not None else place
        verdicts = tuple(name for name, holds in (
            ("read-only", f.read_only), ("omittable", f.omittable.holds is not False),
            ("nullable", f.nullable.holds is not False),
            ("emptiable", f.emptiable.holds is not False)) if holds)
        rows.append(FieldRow(media.body.media_type, f.path, f.mark.on_omit, verdicts,
                             field_place.file, field_place.line))
    op = facts.op
    return OperationRow(op.method, op.path, op.operation_id, place.file, place.line,
                        tuple(rows))


def ignored_by_field(rule: Rule, hit: Hit, facts: OperationFacts) -> bool:
    """Does an `x-putlint-ignore` on the field the hit is about name this rule?"""
    return any(rule.id in f.field.ignore for _, f in facts.fields()
               if f.path == hit.field and hit.field is not None)


def make_finding(rule: Rule, hit: Hit, options: Options, op: Operation | None) -> Finding:
    if hit.place_override is not None:
        place, pointer = hit.place_override, None
    elif hit.loc is not None:
        place, pointer = hit.loc.place(), pointer_text(hit.loc.pointer)
    else:
        place, pointer = Place("<command line>"), None
    related = tuple({"file": p.file, "line": p.line, "column": p.column, "message": m}
                    for m, loc in hit.related for p in [loc.place()])
    return Finding(
        rule=rule.id, name=rule.name, severity=options.severity.get(rule.id, rule.severity),
        message=hit.message, file=place.file, line=place.line, column=place.column,
        pointer=pointer,
        operation={"method": op.method.upper(), "path": op.path,
                   "operation_id": op.operation_id} if op else None,
        media_type=hit.media_type, field=hit.field, example=hit.example,
        has_example=hit.has_example, decided_by=hit.decided_by, related=related,
        exchanges=hit.exchanges)


Progress = Callable[[int, int, str], None]


def _check_all(paths: list[Path], options: Options, jobs: int,
               progress: Progress | None) -> list[SpecResult]:
    jobs = min(jobs, available_cpus())  # `-j 1000` (or a config's) must not fork 1,000 workers
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths), str(path))
            results.append(check_spec(path, options))
        return results
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Largest files first, so that no big one starts last while the other worker idles
        # (the corpus: 1.69x -> 1.76x faster with 2 workers); results are still taken in the order
        # of `paths`, so the output is the serial run's, byte for byte.
        futures = {path: pool.submit(check_spec, path, options)
                   for path in sorted(paths, key=_size, reverse=True)}
        results = []
        for i, path in enumerate(paths):
            results.append(futures[path].result())
            if progress:
                progress(i + 1, len(paths), results[-1].path)
        return results


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. a CI container's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # check_spec reports it


def run(paths: list[Path], options: Options, searched: set[Path] | None = None,
        jobs: int = 1, progress: Progress | None = None) -> RunReport:
    """Check every root spec; input errors are collected, never raised.

    ``searched`` names the files found by searching folders: one of them that another spec
    references is a fragment of that spec, not a root of its own, and is dropped.
    """
    specs = _check_all(paths, options, jobs, progress)
    if searched:
        referenced = {f for s in specs for f in s.real_files[1:]}
        specs = [s for s, p in zip(specs, paths, strict=True)
                 if not (p in searched and str(p.resolve()) in referenced)]
    return report_of(specs, options)


def report_of(specs: list[SpecResult], options: Options) -> RunReport:
    """A run's report from its specs' results: run-level rules, sorted findings."""
    findings = [f for s in specs for f in s.findings]
    matched = set().union(*(s.matched_names for s in specs)) if specs else set()
    run_facts = RunFacts([n for n in options.critical if n.name not in matched])
    for rule in enabled_rules(options):
        if rule.scope == "run":
            findings.extend(make_finding(rule, hit, options, None) for hit in rule.check(run_facts))
    findings.sort(key=lambda f: f.sort_key)
    errors = [e for s in specs for e in s.errors]
    warnings = [w for s in specs for w in s.warnings]
    return RunReport(specs, findings, errors, warnings)
