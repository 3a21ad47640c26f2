"""Facts per (operation, media type, critical field): omittable, nullable, emptiable, read-only.

Rules never look at schemas; they read these facts. The facts come from a bundled request
schema (bundle.py) and the example search (search.py), whose every positive answer is a body
that jsonschema accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from linter.bundle import Bundle
from linter.errors import PutlintError
from linter.model import Operation, RequestBody
from linter.refs import Loc
from linter.search import ITEMS, Form, Verdict, decide

ON_OMIT = ("reject", "preserve", "purge")
MAX_CRITICAL_PATHS = 1000


@dataclass(frozen=True)
class Mark:
    """What `x-critical` (or a config entry) says about a field."""

    on_omit: str = "reject"
    reason: str | None = None


def parse_mark(value: Any, where: Loc | None = None) -> Mark | None:
    """`true`, `false` or `{on-omit, reason}`; None when the value says "not critical"."""
    if value is True:
        return Mark()
    if isinstance(value, dict):
        on_omit = value.get("on-omit", "reject")
        if on_omit not in ON_OMIT:
            raise PutlintError(f"x-critical on-omit must be one of {', '.join(ON_OMIT)}, "
                               f"not '{on_omit}'", where.place() if where else None)
        reason = value.get("reason")
        return Mark(on_omit, str(reason) if reason is not None else None)
    return None


@dataclass(frozen=True)
class CriticalField:
    path: tuple[str, ...]
    mark: Mark
    entries: tuple[Any, ...]  # the normalised property schema of each step (None for items)
    ignore: frozenset[str]
    mark_node: Any

    @property
    def dotted(self) -> str:
        return dotted(self.path)


def dotted(path: tuple[str, ...]) -> str:
    """('certificates', '[]', 'snis') -> 'certificates[].snis'."""
    out = ""
    for step in path:
        out += step if step == ITEMS else ("." + step if out else step)
    return out


def closure(node: Any, root: dict) -> Iterator[dict]:
    """The node and every schema it is made of through $ref and allOf/anyOf/oneOf."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        ref = current.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            stack.append(root.get("$defs", {}).get(ref[len("#/$defs/"):]))
        for key in ("oneOf", "anyOf", "allOf"):
            branches = current.get(key)
            if isinstance(branches, list):
                stack.extend(reversed(branches))


def _mark_of(entry: Any, root: dict, bundle: Bundle) -> tuple[Mark | None, Any]:
    """A property's mark: its own `x-critical` decides, else the first one in its closure."""
    if isinstance(entry, dict) and "x-critical" in entry:
        return parse_mark(entry["x-critical"], bundle.loc_of(entry)), entry
    for node in closure(entry, root):
        if "x-critical" in node:
            mark = parse_mark(node["x-critical"], bundle.loc_of(node))
            if mark is not None or node["x-critical"] is False:
                return mark, node
    return None, None


def _ignores(entry: Any, root: dict) -> frozenset[str]:
    out: set[str] = set()
    for node in closure(entry, root):
        value = node.get("x-putlint-ignore")
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, list):
            out.update(str(v) for v in value)
    return frozenset(out)


def critical_fields(bundle: Bundle) -> list[CriticalField]:
    """Every critical field path reachable in the body, each once, in document order."""
    unique: dict[tuple[str, ...], CriticalField] = {}
    for f in _FieldWalk(bundle).below(bundle.schema):
        unique.setdefault(f.path, f)
    return list(unique.values())


class _FieldWalk:
    """The walk of critical_fields, memoised per schema node and guarded against recursion.

    A class rather than a recursive inner function: such a function refers to itself through
    its closure, a reference cycle that kept every spec's parsed data alive until the garbage
    collector found it (50,000 objects freed by one 40 ms collection on GitHub's description).
    """

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.memo: dict[int, list[CriticalField]] = {}
        self.on_stack: set[int] = set()
        self.total = 0

    def below(self, node: Any) -> list[CriticalField]:
        if not isinstance(node, dict):
            return []
        if id(node) in self.memo:
            return self.memo[id(node)]
        if id(node) in self.on_stack:  # recursive schema: the fields are found on the first pass
            return []
        self.on_stack.add(id(node))
        root, bundle = self.bundle.schema, self.bundle
        found: list[CriticalField] = []
        for part in closure(node, root):
            props = part.get("properties")
            for name, entry in (props.items() if isinstance(props, dict) else ()):
                mark, mark_node = _mark_of(entry, root, bundle)
                if mark is not None:
                    found.append(CriticalField((name,), mark, (entry,), _ignores(entry, root),
                                               mark_node))
                found.extend(CriticalField((name, *f.path), f.mark, (entry, *f.entries),
                                           f.ignore, f.mark_node) for f in self.below(entry))
            if "items" in part:
                found.extend(CriticalField((ITEMS, *f.path), f.mark, (None, *f.entries),
                                           f.ignore, f.mark_node)
                             for f in self.below(part["items"]))
            self.total += len(found)
            if self.total > MAX_CRITICAL_PATHS:
                raise PutlintError(f"more than {MAX_CRITICAL_PATHS} critical field paths in one "
                                   "request body (a YAML alias bomb?)",
                                   bundle.loc_of(root).place() if bundle.loc_of(root) else None)
        self.on_stack.discard(id(node))
        self.memo[id(node)] = found
        return found


@dataclass
class FieldFacts:
    field: CriticalField
    bundle: Bundle
    read_only: bool
    omittable: Verdict
    nullable: Verdict
    emptiable: Verdict

    @property
    def path(self) -> str:
        return self.field.dotted

    @property
    def mark(self) -> Mark:
        return self.field.mark

    def loc(self, step: int | None = None) -> Loc | None:
        """Where the property of a path step is written (the last step by default)."""
        entries = self.field.entries
        index = len(entries) - 1 if step is None else step
        for entry in reversed(entries[: index + 1]):
            if entry is not None and self.bundle.loc_of(entry) is not None:
                return self.bundle.loc_of(entry)
        return self.bundle.loc_of(self.bundle.schema)

    def related(self, op: Operation) -> tuple[tuple[str, Loc], ...]:
        """Where the operation is, and where the critical mark is when written elsewhere."""
        out: list[tuple[str, Loc]] = [("operation", op.loc)]
        mark_loc = self.bundle.loc_of(self.field.mark_node)
        own = self.loc()
        if mark_loc is not None and (own is None or mark_loc.key != own.key):
            # the x-critical key itself; a mark from config has none, and the place falls
            # back to the schema it was given for
            out.append(("critical mark (x-critical)", mark_loc.child("x-critical")))
        return tuple(out)

    def null_step(self) -> int | None:
        """Which step of the path the nullable example sets to null."""
        value = self.nullable.example
        for i, step in enumerate(self.field.path):
            if step == ITEMS:
                if not isinstance(value, list) or not value:
                    return None
                value = next((e for e in value if e is None), value[0])
            elif isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return None
            if value is None:
                return i
        return None


@dataclass
class MediaFacts:
    body: RequestBody
    fields: list[FieldFacts]


@dataclass
class OperationFacts:
    op: Operation
    version: str
    media: list[MediaFacts] = field(default_factory=list)  # the media types with critical fields
    # every request media type's bundled schema, critical fields or not (diff asks whether a
    # field that lost its mark still exists)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    api_paths: tuple[str, ...] = ()  # every path of the spec (PUT101 looks for child resources)

    def fields(self) -> Iterator[tuple[MediaFacts, FieldFacts]]:
        for media in self.media:
            for f in media.fields:
                yield media, f

    @property
    def guarded_fields(self) -> list[tuple[MediaFacts, FieldFacts]]:
        """Critical fields whose omission must be rejected (every mode but `preserve`)."""
        return [(m, f) for m, f in self.fields() if f.mark.on_omit != "preserve"]


def validator_for(schema: dict, formats: bool = False) -> Callable[[Any], bool | None]:
    """A jsonschema 2020-12 validity check; a schema jsonschema cannot use accepts nothing.

    ``formats`` also checks `format` (generated bodies must be real uuids and dates; the
    contract analysis treats `format` as jsonschema does by default, as an annotation).
    Bounded (linter.patterns.checker): None when the answer cannot be had within the bounds;
    the analysis (no formats) draws on the spec's budget, generated bodies only on their own.
    """
    from linter.patterns import checker

    return checker(schema, formats, per_spec=not formats)  # type: ignore[no-any-return]


def field_facts(bundle: Bundle) -> list[FieldFacts]:
    fields = critical_fields(bundle)
    if not fields:
        return []
    is_valid = validator_for(bundle.schema)
    out = []
    for f in fields:
        read_only = any(n.get("readOnly") is True for n in closure(f.entries[-1], bundle.schema))
        verdicts = {form: decide(bundle.schema, f.path, form, is_valid) for form in Form}
        out.append(FieldFacts(f, bundle, read_only, verdicts[Form.ABSENT],
                              verdicts[Form.NULL], verdicts[Form.EMPTY]))
    return out
