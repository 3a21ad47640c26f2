"""The facts rules read, one type per scope, side by side below the runner.

- OperationFacts: one in-scope operation of one spec, its request bodies and critical fields
  with their verdicts (`check`, and the operation part of every command);
- OperationPair: one operation in base and in head (`diff`);
- ProbeFacts: one case `probe` observed on a running API;
- RunFacts: the whole run (critical names that reached nothing).

Every fact type answers the runner's two questions the same way: which operation it is about
(`operation`) and whether the spec suppresses a rule there (`suppresses`). The runner
dispatches on the type; rules declare the type they read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linter.bundle import Bundle, closure
from linter.errors import Place
from linter.model import Operation, RequestBody
from linter.refs import Loc
from linter.search import ITEMS, Verdict
from linter.vocab import DEFAULT_ON_OMIT, contract_attr

if TYPE_CHECKING:
    from linter.cases import OperationCases
    from linter.critical import CriticalName
    from linter.live import Observation
    from linter.rule import Rule


def _names(rule: Rule, tokens: frozenset[str]) -> bool:
    return any(rule.matches(token) for token in tokens)


@dataclass(frozen=True)
class Mark:
    """What `x-critical` (or a config entry) says about a field."""

    on_omit: str = DEFAULT_ON_OMIT
    reason: str | None = None
    # Where a contract given in the config replaced the spec's own: findings say so.
    note: str | None = None
    on_null: str = "reject"  # `clear`: null empties the field on purpose
    on_empty: str = "reject"  # `clear`: [] / {} empties the field on purpose
    on_shrink: str = "replace"  # a shorter list replaces, is rejected, or keeps the rest
    # The contract keys the mark states; in a merge operation an unstated `on-omit` is
    # `preserve`, not the default.
    stated: frozenset[str] = frozenset()

    def value(self, key: str) -> str | None:
        """The value of a contract key by its spelling (`on-omit`)."""
        return getattr(self, contract_attr(key))

    @property
    def guards_omission(self) -> bool:
        """Must a request without the field be rejected (PUT005)? Also when a shorter list
        must be."""
        return self.on_omit != "preserve" or self.on_shrink == "reject"


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


@dataclass
class FieldFacts:
    field: CriticalField
    bundle: Bundle
    read_only: bool
    omittable: Verdict
    nullable: Verdict
    emptiable: Verdict
    # Why a request can never carry the field (`readOnly`, or a profile's `x-ms-mutability`
    # without `update`); None when read_only is False.
    read_only_why: str | None = None
    # Why every PUT keeps the field whatever the body says (a profile's create-only listing,
    # `x-ms-mutability: [create, read]`): its mark reads `on-omit: preserve`, and null or empty
    # cannot destroy it either; None otherwise.
    kept_why: str | None = None
    # Why a read-modify-write client sends the field back missing: the GET of the same path
    # does not return it (absent, writeOnly, x-ms-secret); None when it does or is unknown.
    unreadable: str | None = None

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

    def empty_step(self) -> int | None:
        """The path step (an array's `[]`) at which the emptiable example's list above the
        field is `[]`, None when it is the field itself that is sent empty."""
        value = self.emptiable.example
        for i, step in enumerate(self.field.path[:-1]):
            if step == ITEMS:
                if value == []:
                    return i
                value = value[0] if isinstance(value, list) and value else None
            elif isinstance(value, dict):
                value = value.get(step)
        return None

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
    # Does the operation document a rejection (400, 422, 4XX; a profile may count more, as
    # azure-arm counts a `default` error response)?
    rejection_documented: bool = False
    # what counts as one, in the words of findings ("400, 422 or 4XX response")
    rejection_words: str = "400, 422 or 4XX response"

    def fields(self) -> Iterator[tuple[MediaFacts, FieldFacts]]:
        for media in self.media:
            for f in media.fields:
                yield media, f

    @property
    def operation(self) -> Operation:
        return self.op

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        """Does an `x-putlint-ignore` on the operation, or on the field a hit is about, name
        the rule?"""
        return _names(rule, self.op.ignore) or any(
            _names(rule, f.field.ignore) for _, f in self.fields()
            if field_path is not None and f.path == field_path)

    @property
    def guarded_fields(self) -> list[tuple[MediaFacts, FieldFacts]]:
        """Critical fields whose omission must be rejected (every mode but `preserve`)."""
        return [(m, f) for m, f in self.fields() if f.mark.on_omit != "preserve"]

    @property
    def rejecting_fields(self) -> list[tuple[MediaFacts, FieldFacts]]:
        """Critical fields for which some request must be rejected: an omission (every
        `on-omit` but `preserve`) or a shorter list (`on-shrink: reject`)."""
        return [(m, f) for m, f in self.fields() if f.mark.guards_omission]


@dataclass
class OperationPair:
    """One operation in base and in head: what the change rules read."""

    base: OperationFacts
    head: OperationFacts

    @property
    def operation(self) -> Operation:
        return self.head.op

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        return self.head.suppresses(rule, field_path)

    def critical_fields(self) -> Iterator[tuple[str, FieldFacts, FieldFacts | None]]:
        """(media type, base field, head field or None) for every field critical in base."""
        head = {(m.body.media_type, f.field.path): f for m, f in self.head.fields()}
        for media, f in self.base.fields():
            yield media.body.media_type, f, head.get((media.body.media_type, f.field.path))

    def head_field(self, media_type: str, path: tuple[str, ...]) -> tuple[bool, Loc | None]:
        """Does head's body of this media type still have the field, and where is it?"""
        bundle = self.head.bundles.get(media_type)
        if bundle is None:
            return False, None
        node = locate(bundle, path)
        return node is not None, bundle.loc_of(node) if node is not None else None

    def base_field(self, media_type: str, path: tuple[str, ...]) -> bool:
        """Did base's body of this media type have the field (critical or not)?"""
        bundle = self.base.bundles.get(media_type)
        return bundle is not None and locate(bundle, path) is not None

    def head_body(self, media_type: str) -> Loc:
        for body in self.head.op.bodies:
            if body.media_type == media_type:
                return body.schema_loc
        return self.head.op.loc


def locate(bundle: Bundle, path: tuple[str, ...]) -> object | None:
    """The schema node of a field path in a bundled body (through $ref and compositions)."""
    nodes: list[object] = [bundle.schema]
    for step in path:
        found: list[object] = []
        for node in nodes:
            for part in closure(node, bundle.schema):
                if step == ITEMS:
                    if "items" in part:
                        found.append(part["items"])
                elif isinstance(part.get("properties"), dict) and step in part["properties"]:
                    found.append(part["properties"][step])
        if not found:
            return None
        nodes = found
    return nodes[0]


@dataclass(frozen=True)
class LeftScope:
    """An operation with critical fields in base that head no longer checks as an upsert while
    its path is still there (`x-upsert: false`, a PUT turned PATCH): `diff` says so, where every
    other rule would see nothing to compare."""

    base: OperationFacts
    why: str  # "x-upsert: false", "the path now has PATCH but no PUT"
    loc: Loc  # where head writes the operation, or its path

    @property
    def operation(self) -> Operation:
        return self.base.op

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        return _names(rule, self.base.op.ignore)


@dataclass(frozen=True)
class ProbeFacts:
    """What probe rules read: one observed case, and the contract it is judged by."""

    op: OperationCases
    field: FieldFacts
    observation: Observation

    @property
    def on_omit(self) -> str:
        return self.field.mark.on_omit

    @property
    def contract(self) -> str:
        """What the contract says this case's form does: absent is judged by `on-omit`,
        null by `on-null`, empty by `on-empty`, a shorter collection by `on-shrink`."""
        return self.field.mark.value(self.contract_key)

    @property
    def contract_key(self) -> str:
        """The contract key that judges this case's form: `on-omit` for absent."""
        kind = self.observation.case.kind
        return "on-omit" if kind == "absent" else f"on-{kind}"

    @property
    def operation(self) -> Operation:
        return self.op.facts.op

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        return _names(rule, self.op.facts.op.ignore) or _names(rule, self.field.field.ignore)


@dataclass(frozen=True)
class BehaviourFacts:
    """`--expect`: one case of the record, of this run, or of both, and what it did in each."""

    key: str  # the case as the record names it: operation, media type, field, form
    recorded: str | None  # None: the record has no such case (it is new)
    observed: str | None  # None: this run had no such case (it disappeared)
    probe: ProbeFacts | None  # this run's case, when it had one
    place: Any = None  # the record's line (a Place)

    @property
    def operation(self) -> Operation | None:
        return self.probe.operation if self.probe is not None else None

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        return self.probe is not None and self.probe.suppresses(rule, field_path)


@dataclass(frozen=True)
class UnreachedName:
    """A critical name from the config or command line that protects nothing."""

    name: CriticalName
    # Why: it names no property at all, or properties that no in-scope request body uses.
    names_a_property: bool = False
    # `PUT /certificates/{id} (#/components/requestBodies/cert-request)`: the in-scope request
    # bodies that have a property of the name's last step, which the user may have meant.
    candidates: tuple[str, ...] = ()
    # `diff`: the operations of base it marked a field of, and whether head removed them all
    # (the pull request deleted what the entry named: the entry is stale by intent)
    in_base: tuple[str, ...] = ()
    removed: bool = False


@dataclass(frozen=True)
class RunFacts:
    """Facts about a whole run, for rules that are not about one operation."""

    unreached: tuple[UnreachedName, ...] = ()
    # `upsert-operations` entries that name no operation of any checked spec, and where the
    # configuration lists them
    unknown_upserts: tuple[str, ...] = ()
    upserts_origin: Place | None = None

    @classmethod
    def of(cls, names: list[CriticalName], specs: list[Any],
           upserts: frozenset[str] = frozenset(), upserts_origin: str = "",
           base: dict[str, tuple[tuple[str, ...], bool]] | None = None) -> RunFacts:
        """The run's facts from its specs' results (anything with `reached_names`,
        `named_properties`, `candidates` and `operation_ids`, as SpecReport and SpecResult
        have). ``base`` (diff): for a name that marked fields in base, the operations, and
        whether head removed every one of them."""
        known_ids = {i for s in specs for i in s.operation_ids}
        unknown = tuple(sorted(u for u in upserts if u not in known_ids)) if specs else ()
        reached = {n for s in specs for n in s.reached_names}
        named = {n for s in specs for n in s.named_properties}
        unreached = []
        for name in names:
            if name.name in reached:
                continue
            candidates = tuple(dict.fromkeys(
                c for s in specs for c in s.candidates.get(name.name, ())))
            in_base, removed = (base or {}).get(name.name, ((), False))
            unreached.append(UnreachedName(name, name.name in named, candidates, in_base,
                                           removed))
        return cls(tuple(unreached), unknown, Place(upserts_origin or "<command line>"))

    @property
    def operation(self) -> None:
        return None

    def suppresses(self, rule: Rule, field_path: str | None) -> bool:
        return False

    def place_of(self, name: CriticalName) -> Place:
        return name.origin or Place("<command line>")
