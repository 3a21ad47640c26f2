"""`putlint check`: analyse each root spec, run the rules on its facts, then the run's rules.

Each root spec is checked on its own (`check_spec`) into a small, picklable SpecResult, so a
run can spread specs over processes (`--jobs`) and still print exactly what a serial run prints.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from linter.config import Options
from linter.critical import stale_declines
from linter.errors import Place, PutlintError
from linter.facts import OperationFacts, RunFacts
from linter.findings import FieldRow, OperationRow, RunReport, SpecResult
from linter.load import MEMORY_EXHAUSTED, SpecReport, analyse
from linter.refs import display_name
from linter.runner import Runner


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
        findings = Runner(options).findings_of(report.operations)
        # Summaries need the position of every operation and field: only when reported.
        operations = [_summary(facts) for facts in report.operations] \
            if options.wants_operations else []
    except RecursionError:
        report.errors.append(PutlintError("the spec is nested too deeply to analyse",
                                          Place(report.path, 1, 1)))
        findings, operations = [], []
    except MemoryError:  # placing findings in a huge text: the spec's fault (load.analyse)
        report.workspace, report.operations = None, []
        report.errors.append(PutlintError(MEMORY_EXHAUSTED, Place(report.path, 1, 1)))
        findings, operations = [], []
    return SpecResult(report.path, findings, report.errors, report.warnings,
                      report.reached_names, report.real_files, operations,
                      critical_fields=report.critical_fields,
                      named_properties=report.named_properties, candidates=report.candidates,
                      operation_ids=report.operation_ids,
                      upsert_operations=len(report.operations),
                      declined_names=report.declined_names)


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


Progress = Callable[[int, int, str], None]


def _check_all(paths: list[Path], options: Options, jobs: int,
               progress: Progress | None) -> list[SpecResult]:
    jobs = usable_jobs(jobs)
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths), str(path))
            results.append(check_spec(path, options))
        return results
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Largest files first, so that no big one starts last while the other worker idles
        # (the corpus: 1.69x -> 1.76x faster with 2 workers); results are still taken in the order
        # of `paths`, so the output is the serial run's, byte for byte.
        futures = {path: pool.submit(check_spec, path, options)
                   for path in sorted(paths, key=_size, reverse=True)}
        results = []
        for i, path in enumerate(paths):
            try:
                results.append(futures[path].result())
            except BrokenProcessPool:
                # A worker died (a Rust abort in yaml-rs past a memory limit, the OOM killer):
                # every spec not yet done is checked again, each in a process of its own, so
                # that only the one that kills its process is lost, as one input error.
                results.append(_check_alone(path, options))
            if progress:
                progress(i + 1, len(paths), results[-1].path)
        return results


WORKER_DIED = ("checking this spec ended its process abruptly (out of memory, or killed); "
               "the run's other specs were checked")


def _check_alone(path: Path, options: Options) -> SpecResult:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(check_spec, path, options).result()
    except BrokenProcessPool:
        shown = display_name(path)
        return SpecResult(shown, [], [PutlintError(WORKER_DIED, Place(shown, 1, 1))], [], set(),
                          [shown], [])


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


def report_of(specs: list[SpecResult], options: Options, command: str = "check",
              base: dict[str, tuple[tuple[str, ...], bool]] | None = None) -> RunReport:
    """A run's report from its specs' results: run-level rules, sorted findings. ``base``:
    what diff knows of the names base's specs marked (RunFacts.of)."""
    findings = [f for s in specs for f in s.findings]
    findings += Runner(options).findings(RunFacts.of(
        options.critical, specs, options.upsert_operations, options.origin("upsert-operations"),
        base))
    findings.sort(key=lambda f: f.sort_key)
    errors = [e for s in specs for e in s.errors]
    warnings = [w for s in specs for w in s.warnings] + _stale_declines(specs, options)
    return RunReport(specs, findings, errors, warnings, command=command)


def _stale_declines(specs: list[SpecResult], options: Options) -> list[PutlintError]:
    if not specs:
        return []
    return stale_declines(options.not_critical, {n for s in specs for n in s.declined_names})


def usable_jobs(jobs: int) -> int:
    """At most one worker per CPU this process may use: `-j 1000` from a repository's config
    must not fork a thousand processes."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(jobs, cpus))
