"""Configuration: `putlint.yaml` or `[tool.putlint]` in `pyproject.toml`, merged with the CLI."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linter.critical import CriticalName
from linter.errors import Place, PutlintError
from linter.refs import display_name
from linter.source import parse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SEVERITIES = ("error", "warning", "info")
CONFIG_NAMES = ("putlint.yaml", "putlint.yml", ".putlint.yaml")
KNOWN_KEYS = ("critical", "upsert-operations", "select", "ignore", "fail-on", "severity",
              "validate", "reports", "baseline", "jobs", "show-examples")
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


@dataclass
class Options:
    critical: list[CriticalName] = field(default_factory=list)
    upsert_operations: frozenset[str] = frozenset()
    select: frozenset[str] | None = None  # None: every rule on by default
    ignore: frozenset[str] = frozenset()
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)
    validate: bool = False
    reports: list[tuple[str, str | None]] = field(default_factory=lambda: [("text", None)])
    baseline: str | None = None
    jobs: int = 1
    show_examples: bool = False
    config_file: str | None = None
    # Where each value came from: "default", "path:line" of the config, or "command line".
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def wants_operations(self) -> bool:
        """Do the reports list every operation checked (not only findings)?"""
        return any(fmt in ("junit", "markdown") for fmt, _ in self.reports)

    def origin(self, key: str) -> str:
        return self.origins.get(key, "default")

    def with_cli(self, *, critical: list[str], select: list[str], ignore: list[str],
                 fail_on: str | None, validate: bool | None,
                 reports: list[tuple[str, str | None]] | None = None,
                 baseline: str | None = None, jobs: int | None = None,
                 show_examples: bool | None = None) -> Options:
        """CLI values extend the lists of the config and override its scalars."""
        given = {"critical": bool(critical), "select": bool(select), "ignore": bool(ignore),
                 "fail-on": fail_on is not None, "validate": validate is not None,
                 "reports": bool(reports), "baseline": baseline is not None,
                 "jobs": jobs is not None, "show-examples": bool(show_examples)}
        origins = dict(self.origins)
        origins.update({k: "command line" for k, v in given.items() if v})
        return replace(
            self,
            critical=[*self.critical, *(CriticalName(n) for n in critical)],
            select=frozenset(select) | (self.select or frozenset()) if select else self.select,
            ignore=self.ignore | frozenset(ignore),
            fail_on=fail_on or self.fail_on,
            validate=self.validate if validate is None else validate,
            reports=reports or self.reports,
            baseline=baseline if baseline is not None else self.baseline,
            jobs=jobs if jobs is not None else self.jobs,
            show_examples=bool(show_examples) or self.show_examples,
            origins=origins,
        )

    def effective(self) -> dict[str, object]:
        """The configuration as a mapping with the config file's keys (for `putlint config`)."""
        return {
            "critical": [n.name if n.on_omit == "reject" and not n.reason else
                         {"name": n.name, "on-omit": n.on_omit, **({"reason": n.reason}
                                                                   if n.reason else {})}
                         for n in self.critical],
            "upsert-operations": sorted(self.upsert_operations),
            "select": sorted(self.select) if self.select is not None else None,
            "ignore": sorted(self.ignore),
            "fail-on": self.fail_on,
            "severity": dict(sorted(self.severity.items())),
            "validate": self.validate,
            "reports": [{"format": f, **({"output": o} if o else {})} for f, o in self.reports],
            "baseline": self.baseline,
            "jobs": self.jobs,
            "show-examples": self.show_examples,
        }


def find_config(start: Path) -> Path | None:
    """The nearest putlint.yaml, or pyproject.toml with [tool.putlint], upward from ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.putlint]" in _read_text(pyproject, errors="replace"):
            return pyproject
    return None


def _read_text(path: Path, errors: str = "strict") -> str:
    """A regular file's text (never a device or FIFO; at most 64 MiB): source.read_regular."""
    from linter.source import read_regular

    return read_regular(path, display_name(path)).decode("utf-8", errors)


def load_config(path: Path | None) -> Options:
    if path is None:
        return Options()
    display = display_name(path)
    if path.suffix == ".toml":
        try:
            text = _read_text(path)
            data = tomllib.loads(text).get("tool", {}).get("putlint", {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PutlintError(f"cannot read config: {exc}", Place(display)) from None
        options = _options(data, display, lambda name: _line_of(text, name, display))
        options.origins = {k: str(_line_of(text, k, display)) for k in data}
        return options
    doc = parse(path, display)
    data = doc.data if doc.data is not None else {}

    def place_of_critical(index: int) -> Place:
        return doc.place(("critical", str(index)))

    options = _options(data, display, place_of_critical, by_index=True)
    options.origins = {k: str(doc.place((k,))) for k in data} if isinstance(data, dict) else {}
    return options


def _line_of(text: str, needle: str, display: str) -> Place:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return Place(display, number, line.index(needle) + 1)
    return Place(display)


def _options(data: Any, display: str, place: Any, by_index: bool = False) -> Options:
    if not isinstance(data, dict):
        raise PutlintError("the configuration must be a mapping", Place(display, 1, 1))
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise PutlintError(f"unknown configuration key '{unknown[0]}' (known: "
                           f"{', '.join(KNOWN_KEYS)})", Place(display))
    critical = []
    for i, entry in enumerate(_list(data.get("critical"), "critical", display)):
        if isinstance(entry, str):
            name, on_omit, reason = entry, "reject", None
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name, on_omit, reason = entry["name"], entry.get("on-omit", "reject"), \
                entry.get("reason")
        else:
            raise PutlintError("each 'critical' entry is a name or {name, on-omit, reason}",
                               Place(display))
        if on_omit not in ("reject", "preserve", "purge"):
            raise PutlintError(f"on-omit must be reject, preserve or purge, not '{on_omit}'",
                               Place(display))
        critical.append(CriticalName(name, on_omit, reason,
                                     place(i) if by_index else place(name)))
    fail_on = data.get("fail-on", "error")
    if fail_on not in SEVERITIES:
        raise PutlintError(f"fail-on must be one of {', '.join(SEVERITIES)}", Place(display))
    severity = data.get("severity", {}) or {}
    if not isinstance(severity, dict) or any(v not in SEVERITIES for v in severity.values()):
        raise PutlintError("severity maps rule ids to error, warning or info", Place(display))
    select = data.get("select")
    jobs = data.get("jobs", 1)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise PutlintError("jobs must be a whole number of at least 1", Place(display))
    return Options(
        reports=_reports(data.get("reports"), display),
        baseline=str(data["baseline"]) if data.get("baseline") else None,
        jobs=jobs,
        show_examples=bool(data.get("show-examples", False)),
        critical=critical,
        upsert_operations=frozenset(_list(data.get("upsert-operations"), "upsert-operations",
                                          display)),
        select=frozenset(_list(select, "select", display)) if select is not None else None,
        ignore=frozenset(_list(data.get("ignore"), "ignore", display)),
        fail_on=fail_on,
        severity={str(k): str(v) for k, v in severity.items()},
        validate=bool(data.get("validate", False)),
        config_file=display,
    )


def _reports(value: Any, display: str) -> list[tuple[str, str | None]]:
    if value is None:
        return [("text", None)]
    reports = []
    for entry in _list(value, "reports", display):
        if isinstance(entry, str):
            entry = {"format": entry}
        if not isinstance(entry, dict) or entry.get("format") not in FORMATS:
            raise PutlintError(f"each report is {{format, output}} with a format of "
                               f"{', '.join(FORMATS)}", Place(display))
        reports.append((entry["format"], str(entry["output"]) if entry.get("output") else None))
    return reports or [("text", None)]


def _list(value: Any, key: str, display: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PutlintError(f"'{key}' must be a list", Place(display))
    return value
