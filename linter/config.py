"""Configuration: `putlint.yaml` or `[tool.putlint]` in `pyproject.toml`, merged with the CLI.

Every key is declared once, in KEYS: its name, the type it takes (checked, never coerced:
`validate: "false"` is an error, not "on"), its default, how a command-line value merges with
the file's, and its documentation (which `putlint config` and the docs read). Paths in a config
file are relative to the file's folder, so a run from a subfolder finds the same files.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linter.critical import CriticalName, Declined
from linter.errors import Place, PutlintError
from linter.reading import parse
from linter.refs import display_name, is_within, linked_out, project_top
from linter.source import printable
from linter.vocab import (
    CONTRACT_CHOICES,
    CONTRACT_KEY_NAMES,
    PUT_SEMANTICS,
    SEVERITIES,
    contract_attr,
    edit_distance,
)

CONFIG_NAMES = ("putlint.yaml", "putlint.yml", ".putlint.yaml")
CRITICAL = "critical"  # the key listing critical fields
DECLINED = "not-critical"  # the key listing fields reviewed and declined


class Where:
    """Places inside one configuration file, for messages that point at the wrong value."""

    def __init__(self, display: str, locate: Callable[[tuple[str, ...]], Place]) -> None:
        self.display = display
        self.locate = locate

    def at(self, *steps: str | int) -> Place:
        return self.locate(tuple(str(s) for s in steps))

    def error(self, message: str, *steps: str | int) -> PutlintError:
        return PutlintError(printable(message), self.at(*steps))


COMMAND_LINE = Where("<command line>", lambda steps: Place("<command line>"))


# -- value checkers: each takes the raw value and where it stands, returns the typed value ----

def _bool(value: Any, where: Where, key: str) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"'{key}' must be true or false, not {value!r}", key)
    return value


def _severity(value: Any, where: Where, key: str) -> str:
    if value not in SEVERITIES:
        raise where.error(f"'{key}' must be one of {', '.join(SEVERITIES)}, not {value!r}", key)
    return str(value)


def _jobs(value: Any, where: Where, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise where.error(f"'{key}' must be a whole number of at least 1, not {value!r}", key)
    return value


def _strings(value: Any, where: Where, key: str) -> list[str]:
    if not isinstance(value, list):
        raise where.error(f"'{key}' must be a list", key)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise where.error(f"each entry of '{key}' is a text, not {item!r}", key, i)
    return list(value)


def _rules(value: Any, where: Where, key: str) -> frozenset[str]:
    tokens = _strings(value, where, key)
    for i, token in enumerate(tokens):
        check_rule_token(token, where, key, i)
    return frozenset(tokens)


def _severity_map(value: Any, where: Where, key: str) -> dict[str, str]:
    """`{PUT002: error, PUT1: info}`: each rule the id, prefix or name names gets the severity."""
    from linter.registry import all_rules

    if not isinstance(value, dict):
        raise where.error(f"'{key}' maps rule ids to {', '.join(SEVERITIES)}", key)
    out: dict[str, str] = {}
    for token, severity in value.items():
        token = str(token)
        check_rule_token(token, where, key, token)
        if severity not in SEVERITIES:
            raise where.error(f"'{key}' gives {token} {severity!r}; a severity is one of "
                              f"{', '.join(SEVERITIES)}", key, token)
        out.update({rule.id: severity for rule in all_rules() if rule.matches(token)})
    return out


def _path(value: Any, where: Where, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise where.error(f"'{key}' must be a file path", key)
    return value


def _critical(value: Any, where: Where, key: str) -> list[CriticalName]:
    if not isinstance(value, list):
        raise where.error(f"'{key}' must be a list", key)
    names = []
    for i, entry in enumerate(value):
        if isinstance(entry, str):
            names.append(CriticalName(entry, origin=where.at(key, i)))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise where.error(f"each '{key}' entry is a name or {{name, "
                              f"{', '.join(CONTRACT_KEY_NAMES)}}}", key, i)
        unknown = [str(k) for k in entry if k != "name" and k not in CONTRACT_KEY_NAMES]
        if unknown:
            raise where.error(f"unknown key '{unknown[0]}' in a '{key}' entry (known: name, "
                              f"{', '.join(CONTRACT_KEY_NAMES)})", key, i)
        contract: dict[str, str] = {}
        for choice in CONTRACT_CHOICES:
            given = entry.get(choice.name)
            if given is not None and given not in choice.values:
                raise where.error(f"{choice.name} must be one of {', '.join(choice.values)}, "
                                  f"not {given!r}", key, i)
            if given is not None:
                contract[contract_attr(choice.name)] = given
        reason = entry.get("reason")
        names.append(CriticalName(entry["name"], reason=str(reason) if reason is not None
                                  else None, origin=where.at(key, i), **contract))
    return names


def _declined(value: Any, where: Where, key: str) -> list[Declined]:
    """`[name, {name, reason}]`: fields reviewed and judged not critical."""
    if not isinstance(value, list):
        raise where.error(f"'{key}' must be a list", key)
    out = []
    for i, entry in enumerate(value):
        if isinstance(entry, str):
            out.append(Declined(entry, origin=where.at(key, i)))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or \
                set(entry) - {"name", "reason"}:
            raise where.error(f"each '{key}' entry is a name or {{name, reason}}", key, i)
        reason = entry.get("reason")
        out.append(Declined(entry["name"], str(reason) if reason is not None else None,
                            where.at(key, i)))
    return out


def _profile(value: Any, where: Where, key: str) -> str:
    from linter.profiles import PROFILES

    if value not in PROFILES:
        raise where.error(f"'{key}' must be one of {', '.join(PROFILES)}, not {value!r}", key)
    return str(value)


def _put_semantics(value: Any, where: Where, key: str) -> dict[str, str]:
    """`{operationId: merge, "PUT /things/{id}": replace}`."""
    if not isinstance(value, dict):
        raise where.error(f"'{key}' maps operationIds or 'METHOD /path' to "
                          f"{' or '.join(PUT_SEMANTICS)}", key)
    out = {}
    for name, semantics in value.items():
        if semantics not in PUT_SEMANTICS:
            raise where.error(f"'{key}' gives {name} {semantics!r}; it is one of "
                              f"{', '.join(PUT_SEMANTICS)}", key, str(name))
        out[str(name)] = str(semantics)
    return out


def _reports(value: Any, where: Where, key: str) -> list[tuple[str, str | None]]:
    from linter.reporters import format_names

    formats = format_names()
    if not isinstance(value, list):
        raise where.error(f"'{key}' must be a list", key)
    reports = []
    for i, entry in enumerate(value):
        if isinstance(entry, str):
            entry = {"format": entry}
        if not isinstance(entry, dict) or entry.get("format") not in formats or \
                set(entry) - {"format", "output"}:
            raise where.error(f"each report is {{format, output}} with a format of "
                              f"{', '.join(formats)}", key, i)
        output = entry.get("output")
        if output is not None and (not isinstance(output, str) or not output):
            raise where.error("a report's output must be a file path", key, i)
        reports.append((entry["format"], output))
    return reports or [("text", None)]


def _probe(value: Any, where: Where, key: str) -> dict[str, dict[str, str]]:
    """`{bodies: {operationId or 'PUT /path': file}}`: set-up bodies probe sends."""
    if not isinstance(value, dict) or set(value) - {"bodies"}:
        raise where.error(f"'{key}' takes {{bodies: {{OPERATION: FILE}}}}", key)
    bodies = value.get("bodies", {})
    if not isinstance(bodies, dict) or not all(
            isinstance(v, str) and v for v in bodies.values()):
        raise where.error(f"'{key}.bodies' maps operationIds or 'PUT /path' to JSON or YAML "
                          "files", key, "bodies")
    return {"bodies": {str(k): str(v) for k, v in bodies.items()}}


@dataclass(frozen=True)
class Key:
    """One configuration key: its file spelling, Options attribute, type and documentation."""

    name: str
    attr: str
    check: Callable[[Any, Where, str], Any]
    default: Callable[[], Any]
    merge: str  # how a command-line value meets the file's: "extend" or "override"
    doc: str
    paths: bool = False  # holds paths, resolved against the config file's folder


KEYS: tuple[Key, ...] = (
    Key(CRITICAL, "critical", _critical, list, "extend",
        "Fields to treat as critical: `Schema.path`, `#/json/pointer` or `file#/pointer`, or "
        "`{name, on-omit, on-null, on-empty, on-shrink, reason}`. A contract key stated here "
        "replaces the spec's value of that key; keys not stated keep the spec's."),
    Key(DECLINED, "not_critical", _declined, list, "extend",
        "Fields reviewed and judged not critical (the config's `x-critical: false`): names as "
        "in `critical`, or `{name, reason}`. `check` never treats them as critical, even when "
        "the spec marks them; `suggest` never proposes them and `suggest --write-config` "
        "never adds them back. A field both here and in `critical` is an error; a name that "
        "denotes no property of the specs checked is a warning (it declines nothing)."),
    Key("upsert-operations", "upsert_operations", lambda v, w, k: frozenset(_strings(v, w, k)),
        frozenset, "extend", "operationIds of non-PUT operations that create or replace."),
    Key("put-semantics", "put_semantics", _put_semantics, dict, "extend",
        "What an operation does with fields a body leaves out, by operationId or "
        "`METHOD /path`: `replace` (default) or `merge` (overrides `x-put-semantics`)."),
    Key("profile", "profile", _profile, lambda: None, "override",
        "A named preset of API conventions: `azure-arm` (a `default` error response counts "
        "as the documented rejection; `x-ms-mutability`, `x-ms-secret` are read) or "
        "`kubernetes` (a subresource PUT such as `/status` is checked only on the fields it "
        "writes; the resource's own PUT not on `status`)."),
    Key("root", "root", _path, lambda: None, "override",
        "The folder `$ref`s may reach (default: the top of the git work tree holding the "
        "spec, else the spec's folder). Nothing outside it is read.", paths=True),
    Key("select", "select", _rules, lambda: None, "extend",
        "Run only these rules (ids, id prefixes or names)."),
    Key("ignore", "ignore", _rules, frozenset, "extend", "Do not run these rules."),
    Key("fail-on", "fail_on", _severity, lambda: "error", "override",
        "Exit 1 for findings at or above this severity."),
    Key("severity", "severity", _severity_map, dict, "override",
        "Override rule severities: `{PUT002: error}` (ids, prefixes or names)."),
    Key("validate", "validate", _bool, lambda: False, "override",
        "Also validate the whole spec with openapi-spec-validator."),
    Key("require-critical", "require_critical", _bool, lambda: False, "override",
        "Exit 1 when the run checks no critical field at all."),
    Key("reports", "reports", _reports, lambda: [("text", None)], "override",
        "Reports to write: a format, or `{format, output}`.", paths=True),
    Key("baseline", "baseline", _path, lambda: None, "override",
        "Report only findings this baseline file does not accept.", paths=True),
    Key("jobs", "jobs", _jobs, lambda: 1, "override",
        "Check specs in this many processes (at most one per CPU)."),
    Key("show-examples", "show_examples", _bool, lambda: False, "override",
        "Print the example body behind each finding."),
    Key("probe", "probe", _probe, dict, "override",
        "`{bodies: {OPERATION: FILE}}`: the set-up body `probe` sends for an operation "
        "(operationId or `PUT /path`), from a JSON or YAML file; `--body` overrides it.",
        paths=True),
)
KEY_NAMES = tuple(k.name for k in KEYS)
_BY_ATTR = {k.attr: k for k in KEYS}


def check_rule_token(token: str, where: Where, key: str, *steps: str | int) -> None:
    """A select/ignore/severity token that names no rule is an error naming the closest."""
    from linter.registry import all_rules

    rules = all_rules()
    if any(rule.matches(token) for rule in rules):
        return
    # ids by edit distance (`PUT0O1` is one key from PUT001), names by similarity
    wanted = token.upper()
    ids = sorted((edit_distance(wanted, r.id, limit=2), r.id) for r in rules)
    if ids[0][0] <= 2:
        close = [ids[0][1]]
    else:
        names = [r.name for r in rules]
        close = [n for n in names if token.lower() in n] or \
            difflib.get_close_matches(token, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; `putlint rules` lists them"
    raise where.error(f"'{key}' names no rule: '{token}'{hint}", key, *steps)


@dataclass
class Options:
    critical: list[CriticalName] = field(default_factory=list)
    not_critical: list[Declined] = field(default_factory=list)
    upsert_operations: frozenset[str] = frozenset()
    put_semantics: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    root: str | None = None
    select: frozenset[str] | None = None  # None: every rule on by default
    ignore: frozenset[str] = frozenset()
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity
    validate: bool = False
    require_critical: bool = False
    reports: list[tuple[str, str | None]] = field(default_factory=lambda: [("text", None)])
    baseline: str | None = None
    jobs: int = 1
    show_examples: bool = False
    probe: dict[str, dict[str, str]] = field(default_factory=dict)
    config_file: str | None = None
    # The project root: the config file's folder, else the current one. Baseline entries name
    # specs relative to it.
    project_root: str | None = None
    # Where each value came from: "default", "path:line" of the config, or "command line".
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def wants_operations(self) -> bool:
        """Do the reports list every operation checked (not only findings)?"""
        from linter.reporters import formats

        declared = formats()
        return any(declared[fmt].lists_operations for fmt, _ in self.reports)

    def origin(self, key: str) -> str:
        return self.origins.get(key, "default")

    def with_cli(self, **given: Any) -> Options:
        """Command-line values by attribute name; None (or an empty list) means "not given".

        A key that merges by "extend" adds to the file's list; every other key overrides.
        Rule names are checked here too: a typo on the command line is a usage error.
        """
        changes: dict[str, Any] = {}
        origins = dict(self.origins)
        for attr, value in given.items():
            key = _BY_ATTR[attr]
            if value is None or value == []:
                continue
            value = _from_cli(key, value)
            if key.merge == "extend":
                current = getattr(self, attr)
                value = [*current, *value] if isinstance(value, list) else \
                    (current or frozenset()) | value
            changes[attr] = value
            origins[key.name] = "command line"
        return replace(self, **changes, origins=origins)

    def effective(self) -> dict[str, object]:
        """The configuration as a mapping with the config file's keys (for `putlint config`)."""
        return {key.name: _shown(getattr(self, key.attr)) for key in KEYS}


def _from_cli(key: Key, value: Any) -> Any:
    """A command-line value in the type the key holds (rule tokens checked, names wrapped)."""
    if key.attr == "critical":
        return [CriticalName(n) for n in value]
    if key.check is _profile:
        return _profile(value, COMMAND_LINE, "--profile")
    if key.check is _rules:
        # `--ignore PUT001,PUT003` as ruff takes it, as well as repeated options
        tokens = [t.strip() for item in value for t in str(item).split(",") if t.strip()]
        for i, token in enumerate(tokens):
            check_rule_token(token, COMMAND_LINE, f"--{key.name}", i)
        return frozenset(tokens)
    return value


def _shown(value: Any) -> Any:
    """A typed value as the config file writes it."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return dict(sorted(value.items()))
    if isinstance(value, list) and value and isinstance(value[0], Declined):
        return [n.name if not n.reason else {"name": n.name, "reason": n.reason}
                for n in value]
    if isinstance(value, list) and value and isinstance(value[0], CriticalName):
        return [n.name if not n.stated() and not n.reason else
                {"name": n.name, **n.stated(),
                 **({"reason": n.reason} if n.reason else {})} for n in value]
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return [{"format": f, **({"output": o} if o else {})} for f, o in value]
    return value


def find_config(start: Path) -> Path | None:
    """The nearest putlint.yaml, or pyproject.toml with [tool.putlint], upward from ``start``.

    A file found here came with the repository, so one that is a symlink (or lies in a
    linked folder) leading out of its project (the git work tree holding its folder, else
    that folder) is refused unread: PutlintError, nothing of it quoted. A config given with
    --config is the pipeline's choice and may lie anywhere."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return _not_linked_out(folder / name)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.putlint]" in _read_text(
                _not_linked_out(pyproject), errors="replace"):
            return pyproject
    return None


def _not_linked_out(path: Path) -> Path:
    project = project_top(path.parent)
    if linked_out(path, project):
        raise PutlintError(f"a symlink that leads out of the project ({project}); not read "
                           "(give the file with --config to use it)", Place(display_name(path)))
    return path


def load_config(path: Path | None) -> Options:
    if path is None:
        return Options(project_root=str(Path.cwd()))
    display = display_name(path)
    if path.suffix == ".toml":
        data, where = _toml(path, display)
    else:
        doc = parse(path, display)
        data = doc.data if doc.data is not None else {}
        where = Where(display, doc.place)
    options = options_from(data, where)
    folder = path.resolve().parent
    options.config_file = display
    options.project_root = str(folder)
    options.baseline = _inside(folder, options.baseline, where, "baseline")
    options.root = _inside(folder, options.root, where, "root")
    options.reports = [(fmt, _inside(folder, out, where, "reports", i))
                       for i, (fmt, out) in enumerate(options.reports)]
    if options.probe.get("bodies"):
        options.probe = {"bodies": {op: str(_inside(folder, file, where, "probe", "bodies", op))
                                    for op, file in options.probe["bodies"].items()}}
    return options


def _inside(folder: Path, value: str | None, where: Where, *steps: str | int) -> str | None:
    """A path from the config, as the current folder must name it; it must stay inside the
    config's folder (the project). In CI the config comes with the pull request: a report
    path or `root:` of its choosing must not write over, or read, the runner's other files.
    A path elsewhere is for the command line, which the pipeline's owner writes."""
    if value is None:
        return None
    try:
        target = Path(os.path.realpath(folder / value))
    except ValueError:  # a NUL in the path
        raise where.error(f"{value!r} is not a file path", *steps) from None
    project = project_top(folder)
    if not is_within(target, project):
        raise where.error(f"'{value}' leads out of the project {project}; a path in the "
                          "configuration stays inside it (give it on the command line to "
                          "reach elsewhere)", *steps)
    return display_name(folder / value)


def _read_text(path: Path, errors: str = "strict") -> str:
    """A regular file's text (never a device or FIFO; at most 64 MiB): source.read_regular."""
    from linter.source import read_regular

    return read_regular(path, display_name(path)).decode("utf-8", errors)


def _toml(path: Path, display: str) -> tuple[Any, Where]:
    # imported here: only a pyproject.toml needs it (0.005 s of start-up otherwise)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        text = _read_text(path)
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PutlintError(printable(f"cannot read config: {exc}"), Place(display)) from None
    tool = data.get("tool", {})
    table = tool.get("putlint", {}) if isinstance(tool, dict) else None
    where = Where(display, lambda steps: _toml_place(text, display, steps))
    if not isinstance(table, dict):
        raise PutlintError("[tool.putlint] must be a table", where.at())
    return table, where


def _toml_place(text: str, display: str, steps: tuple[str, ...]) -> Place:
    """The line of `key = ...` (or `[tool.putlint.key]`) inside `[tool.putlint]`.

    tomllib keeps no positions; a key's own line is what a reader needs to find it.
    """
    lines = text.splitlines()
    inside = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = stripped.strip("[]").replace(" ", "").replace('"', "")
            if steps and header == f"tool.putlint.{steps[0]}":
                return Place(display, number, line.index("[") + 1)
            inside = header == "tool.putlint"
            if inside and not steps:
                return Place(display, number, 1)
            continue
        if inside and steps:
            name = stripped.split("=", 1)[0].strip().strip('"')
            if name == steps[0] and "=" in stripped:
                return Place(display, number, line.index(stripped[0]) + 1)
    return Place(display)


def options_from(data: Any, where: Where) -> Options:
    """Options from a parsed configuration mapping; every value's type is checked."""
    if not isinstance(data, dict):
        raise PutlintError("the configuration must be a mapping", where.at())
    for name in data:
        if name not in KEY_NAMES:
            close = difflib.get_close_matches(str(name), KEY_NAMES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else \
                f" (known: {', '.join(KEY_NAMES)})"
            raise where.error(f"unknown configuration key '{name}'{hint}", str(name))
    values: dict[str, Any] = {}
    for key in KEYS:
        if key.name in data and data[key.name] is not None:
            values[key.attr] = key.check(data[key.name], where, key.name)
    options = Options(**values)
    _check_declines(options)
    options.origins = {k: str(where.at(k)) for k in data}
    return options


def _check_declines(options: Options) -> None:
    """A name both critical and declined is an error naming both entries. (Two different
    names of one field are found once the spec is read: critical.conflicts.)"""
    critical = {n.name: n for n in options.critical}
    for declined in options.not_critical:
        if declined.name in critical:
            where = critical[declined.name].origin
            raise PutlintError(f"'{declined.name}' is declined here ({DECLINED}) and declared "
                               f"critical at {where}; keep it in one of the two",
                               declined.origin)
