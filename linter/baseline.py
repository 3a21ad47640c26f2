"""Baselines: accept today's findings, report only new ones.

An entry is keyed by what a finding is about — rule, operation (method and path template),
media type and field — never by its line, so edits elsewhere in the spec do not revive it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from linter.atomic import write_atomic
from linter.engine import Finding, RunReport
from linter.errors import Place, PutlintError

VERSION = 1
MAX_BYTES = 64 * 1024 * 1024  # the spec files' limit: a baseline is far smaller than its specs


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
    # ASCII JSON: a lone surrogate in a spec's path is kept as its \\u escape and reads back
    # as the same key; write_atomic leaves the old baseline whole if the write fails
    write_atomic(path, json.dumps({"version": VERSION, "entries": entries}, indent=2,
                                  allow_nan=False) + "\n")
    return len(entries)


def load(path: Path) -> list[dict[str, Any]]:
    """The entries of a baseline file; anything else than what `write` makes is refused with
    one PutlintError (a key putlint cannot match would silently accept nothing)."""
    try:
        data = json.loads(_read(path))
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
            "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise PutlintError(f"cannot read baseline: {reason}", Place(str(path))) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise PutlintError("not a putlint baseline (no 'entries' list)", Place(str(path)))
    if data.get("version", VERSION) != VERSION:
        raise PutlintError(f"baseline version {_shown(data['version'])} is not {VERSION}, the "
                           "one this putlint reads", Place(str(path)))
    for number, entry in enumerate(data["entries"], start=1):
        problem = entry_problem(entry)
        if problem:
            raise PutlintError(f"baseline entry {number} {problem}", Place(str(path)))
    return list(data["entries"])


# the keys `key` writes: every entry has the first five, a run-level one also "message"
KEYS = ("rule", "method", "path", "media_type", "field")
OPTIONAL_KEYS = ("message", "count")


def entry_problem(entry: Any) -> str | None:
    """What makes ``entry`` something `key` never writes, or None."""
    if not isinstance(entry, dict):
        return f"is {_shown(entry)}, not a mapping"
    for name in entry:
        if name not in KEYS and name not in OPTIONAL_KEYS:
            return f"has a key {_shown(name)} putlint does not write"
    missing = [name for name in KEYS if name not in entry]
    if missing:
        return f"has no {', '.join(repr(m) for m in missing)}"
    for name, value in entry.items():
        if name == "count":
            if not isinstance(value, int) or isinstance(value, bool):
                return f"'count' is {_shown(value)}, not a whole number"
        elif not (isinstance(value, str) or (value is None and name != "rule")):
            return f"'{name}' is {_shown(value)}, not text"
    return None


def _shown(value: Any) -> str:
    """A value quoted in a message, cut short (a hostile baseline can hold megabytes)."""
    text = json.dumps(value)[:60] if isinstance(value, (str, int, float, bool, type(None))) \
        else type(value).__name__.replace("dict", "a mapping").replace("list", "a list")
    return text


def _read(path: Path) -> str:
    """The file's text: a regular file of at most MAX_BYTES (a FIFO or /dev/zero behind the
    name is refused before it is read; O_NONBLOCK keeps a FIFO from blocking the open)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PutlintError("cannot read baseline: not a regular file", Place(str(path)))
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise PutlintError(f"cannot read baseline: over the {MAX_BYTES // (1024 * 1024)} MiB "
                           "limit", Place(str(path)))
    return raw.decode("utf-8")


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
