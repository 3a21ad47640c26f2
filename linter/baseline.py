"""Baselines: accept today's findings, report only new ones.

An entry is keyed by what a finding is about — rule, operation (method and path template),
media type and field — never by its line, so edits elsewhere in the spec do not revive it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linter.engine import Finding, RunReport
from linter.errors import Place, PutlintError
from linter.source import read_regular

VERSION = 1


def key(f: Finding) -> dict[str, Any]:
    op = f.operation or {}
    entry: dict[str, Any] = {"rule": f.rule, "method": op.get("method"), "path": op.get("path"),
                             "media_type": f.media_type, "field": f.field}
    if not f.operation:  # run-level findings (PUT007) are about a name: keep the message
        entry["message"] = f.message
    return entry


def _frozen(entry: dict[str, Any]) -> tuple:
    return tuple(sorted((k, v) for k, v in entry.items() if k != "count"))


def write(report: RunReport, path: Path) -> int:
    entries = sorted({_frozen(key(f)): key(f) for f in report.findings}.values(),
                     key=lambda e: tuple(str(e.get(k) or "") for k in
                                         ("rule", "path", "method", "media_type", "field")))
    path.write_text(json.dumps({"version": VERSION, "entries": entries}, indent=2) + "\n",
                    encoding="utf-8")
    return len(entries)


def load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(read_regular(path, str(path)).decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise PutlintError(f"cannot read baseline: {exc}", Place(str(path))) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise PutlintError("not a putlint baseline (no 'entries' list)", Place(str(path)))
    return [e for e in data["entries"] if isinstance(e, dict) and "rule" in e]


def apply(report: RunReport, entries: list[dict[str, Any]]) -> None:
    """Drop the findings the baseline accepts; remember the entries nothing matched."""
    accepted = {_frozen(e) for e in entries}
    used: set[tuple] = set()
    kept = []
    for f in report.findings:
        k = _frozen(key(f))
        if k in accepted:
            used.add(k)
        else:
            kept.append(f)
    report.suppressed = len(report.findings) - len(kept)
    report.findings = kept
    report.stale = [e for e in entries if _frozen(e) not in used]
