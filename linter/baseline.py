"""Baselines: accept today's findings, report only new ones.

An entry is keyed by what a finding is about — the spec it was found in (its path relative to
the project root: the config file's folder, else the current one), rule, operation (method and
path template), media type and field — never by its line, so edits elsewhere in the spec do not
revive it, and an entry for `a.yaml` never hides the same finding in `other/b.yaml`.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from linter.atomic import write_atomic
from linter.errors import Place, PutlintError
from linter.findings import Finding, RunReport

VERSION = 2
_KEYS = ("spec", "rule", "method", "path", "media_type", "field", "message")
MAX_BYTES = 64 * 1024 * 1024  # the spec files' limit: a baseline is far smaller than its specs


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
    # ASCII JSON: a lone surrogate in a spec's path is kept as its \\u escape and reads back
    # as the same key; write_atomic leaves the old baseline whole if the write fails
    write_atomic(path, json.dumps({"version": VERSION, "entries": entries}, indent=2,
                                  allow_nan=False) + "\n")
    return len(entries)


def load(path: Path) -> list[dict[str, Any]]:
    """The entries of a baseline file; anything else than what `write` makes (now or in
    version 1) is refused with one PutlintError: a key putlint cannot match would silently
    accept nothing."""
    place = Place(str(path))
    try:
        data = json.loads(_read(path))
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
            "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise PutlintError(f"cannot read baseline: {reason}", place) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise PutlintError("not a putlint baseline (no 'entries' list)", place)
    if data.get("version", 1) not in (1, VERSION):
        raise PutlintError(f"baseline version {_shown(data['version'])} is not one this "
                           f"putlint reads (1 or {VERSION})", place)
    for number, entry in enumerate(data["entries"], start=1):
        problem = entry_problem(entry)
        if problem:
            raise PutlintError(f"baseline entry {number} {problem}", place)
    return list(data["entries"])


# what `key` writes: every entry has these (version 1 entries have no "spec", run-level ones
# also have "message"); "count" was written by early versions and is ignored
REQUIRED_KEYS = ("rule", "method", "path", "media_type", "field")


def entry_problem(entry: Any) -> str | None:
    """What makes ``entry`` something `key` never writes, or None."""
    if not isinstance(entry, dict):
        return f"is {_shown(entry)}, not a mapping"
    for name in entry:
        if name not in _KEYS and name != "count":
            return f"has a key {_shown(name)} putlint does not write"
    missing = [name for name in REQUIRED_KEYS if name not in entry]
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
    if isinstance(value, (str, int, float, bool, type(None))):
        return json.dumps(value)[:60]
    return {"dict": "a mapping", "list": "a list"}.get(type(value).__name__, "a value")


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
