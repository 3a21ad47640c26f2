"""Baselines: accept today's findings, report only new ones.

An entry is keyed by what a finding is about — the spec it was found in (its path relative to
the project root: the config file's folder, else the current one), rule, operation (method and
path template), media type and field — never by its line, so edits elsewhere in the spec do not
revive it, and an entry for `a.yaml` never hides the same finding in `other/b.yaml`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from linter.atomic import write_atomic
from linter.errors import Place, PutlintError
from linter.findings import Finding, RunReport
from linter.source import read_regular

VERSION = 2
_KEYS = ("spec", "rule", "method", "path", "media_type", "field", "message")


def key(f: Finding, spec: str | None) -> dict[str, Any]:
    op = f.operation or {}
    entry: dict[str, Any] = {"spec": spec, "rule": f.rule, "method": op.get("method"),
                             "path": op.get("path"), "media_type": f.media_type,
                             "field": f.field}
    if not f.operation:  # run-level findings (PUT007) are about a name: keep the message
        entry["message"] = f.message
    return entry


def spec_paths(report: RunReport, root: str | None) -> dict[int, str | None]:
    """Each finding's spec as a baseline names it: relative to the project root, `/`-separated.
    Run-level findings belong to no spec."""
    base = Path(root or Path.cwd()).resolve()
    out: dict[int, str | None] = {}
    for spec in report.specs:
        named = Path(os.path.relpath(Path(spec.path).resolve(), base)).as_posix()
        for f in spec.findings:
            out[id(f)] = named
    return out


def _frozen(entry: dict[str, Any]) -> tuple:
    return tuple((k, _hashable(entry.get(k))) for k in _KEYS if k in entry)


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def write(report: RunReport, path: Path, root: str | None = None) -> int:
    specs = spec_paths(report, root)
    entries = sorted({_frozen(e): e for f in report.findings
                      for e in [key(f, specs.get(id(f)))]}.values(),
                     key=lambda e: tuple(str(e.get(k) or "") for k in
                                         ("spec", "rule", "path", "method", "media_type",
                                          "field")))
    write_atomic(path, json.dumps({"version": VERSION, "entries": entries}, indent=2) + "\n")
    return len(entries)


def load(path: Path) -> list[dict[str, Any]]:
    place = Place(str(path))
    if path.exists() and not path.is_file():
        raise PutlintError("cannot read baseline: not a regular file", place)
    try:
        data = json.loads(read_regular(path, str(path)).decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise PutlintError(f"cannot read baseline: {exc}", place) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise PutlintError("not a putlint baseline (no 'entries' list)", place)
    entries = []
    for i, entry in enumerate(data["entries"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str) or any(
                not isinstance(entry.get(k), (str, type(None))) for k in _KEYS):
            raise PutlintError(f"baseline entry {i + 1} is not a putlint baseline entry "
                               "(rule, spec, method, path, media_type, field: texts)", place)
        entries.append(entry)
    return entries


def apply(report: RunReport, entries: list[dict[str, Any]], root: str | None = None,
          where: str = "") -> None:
    """Drop the findings the baseline accepts; remember the entries nothing matched.

    Entries written before baselines named their spec (version 1) match in any spec, as they
    did then; the run says so, once, so the file gets rewritten.
    """
    specs = spec_paths(report, root)
    with_spec = {_frozen(e) for e in entries if "spec" in e}
    without_spec = {_frozen(e) for e in entries if "spec" not in e}
    used: set[tuple] = set()
    kept = []
    for f in report.findings:
        entry = key(f, specs.get(id(f)))
        full = _frozen(entry)
        loose = _frozen({k: v for k, v in entry.items() if k != "spec"})
        if full in with_spec:
            used.add(full)
        elif loose in without_spec:
            used.add(loose)
        else:
            kept.append(f)
    report.suppressed = len(report.findings) - len(kept)
    report.findings = kept
    report.stale = [e for e in entries if _frozen(e) not in used]
    if without_spec:
        n = len(without_spec)
        report.warnings.append(PutlintError(
            f"{n} baseline entr{'y names' if n == 1 else 'ies name'} no spec and match the same "
            "finding in every spec; rewrite the baseline with --write-baseline",
            Place(where) if where else None))
