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
              "validate")


@dataclass
class Options:
    critical: list[CriticalName] = field(default_factory=list)
    upsert_operations: frozenset[str] = frozenset()
    select: frozenset[str] | None = None  # None: every rule on by default
    ignore: frozenset[str] = frozenset()
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)
    validate: bool = False
    config_file: str | None = None

    def with_cli(self, *, critical: list[str], select: list[str], ignore: list[str],
                 fail_on: str | None, validate: bool | None) -> Options:
        """CLI values extend the lists of the config and override its scalars."""
        return replace(
            self,
            critical=[*self.critical, *(CriticalName(n) for n in critical)],
            select=frozenset(select) | (self.select or frozenset()) if select else self.select,
            ignore=self.ignore | frozenset(ignore),
            fail_on=fail_on or self.fail_on,
            validate=self.validate if validate is None else validate,
        )


def find_config(start: Path) -> Path | None:
    """The nearest putlint.yaml, or pyproject.toml with [tool.putlint], upward from ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.putlint]" in pyproject.read_text(errors="replace"):
            return pyproject
    return None


def load_config(path: Path | None) -> Options:
    if path is None:
        return Options()
    display = display_name(path)
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get(
                "putlint", {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PutlintError(f"cannot read config: {exc}", Place(display)) from None
        text = path.read_text(encoding="utf-8")
        return _options(data, display, lambda name: _line_of(text, name, display))
    doc = parse(path, display)
    data = doc.data if doc.data is not None else {}

    def place_of_critical(index: int) -> Place:
        return doc.place(("critical", str(index)))

    return _options(data, display, place_of_critical, by_index=True)


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
    return Options(
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


def _list(value: Any, key: str, display: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PutlintError(f"'{key}' must be a list", Place(display))
    return value
