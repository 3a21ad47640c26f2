"""`putlint suggest`: the fields of PUT/upsert bodies most likely to be critical, with evidence.

Almost no spec carries `x-critical` yet. The strongest sign that omitting a field destroys data
is Kong's: the field is a child collection the API *also writes on its own*
(`PUT /certificates/{id}` has `snis`, and `POST /certificates/{id}/snis` exists), so one client
may manage it there and PUT the parent without it. The kinds of evidence live in
`linter.suggest.evidence`; confidence combines them as independent signals,
1 - (1 - w1)(1 - w2)... One suggestion stands for one schema property, whichever operations
carry it (Kong EE's `/{workspace}/certificates/{id}` and `/certificates/{id}` share `snis`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.bundle import Bundle, closure
from linter.config import Options
from linter.critical import dotted_name, name_steps, pointer_name, stale_declines
from linter.errors import PutlintError
from linter.load import analyse
from linter.model import Operation, path_template, spec_version
from linter.profiles import PROFILES
from linter.refs import Loc, Workspace, display_name
from linter.search import ITEMS
from linter.suggest.contract import STATED, stated_clears, stated_merge
from linter.suggest.evidence import NAME, REFERENCES, Evidence, evidence_for, named_by_path
from linter.suggest.facts import SpecFacts, segments, spellings
from linter.suggest.schema import (
    SCIM_SERVER_MANAGED,
    decided,
    entry_at,
    kind_of,
    own_path,
    properties,
    read_only,
    required,
    required_names,
    scim_body,
    wrappers_of,
)

__all__ = [
    "MIN_CONFIDENCE",
    "Evidence",
    "MergeProposal",
    "SpecSuggestions",
    "SuggestRun",
    "Suggestion",
    "child_collection",
    "decided",
    "kind_of",
    "properties",
    "read_only",
    "suggest",
    "suggest_spec",
]

MIN_CONFIDENCE = 0.35  # listed, and written by --write-config, from this confidence up


@dataclass
class Suggestion:
    spec: str
    name: str  # the config name that marks it: a JSON pointer, into another file if need be
    path: tuple[str, ...]  # the field's path in the body, wrappers included
    loc: Loc | None
    media_type: str
    operations: list[Operation] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    description: str | None = None  # the field's own words, for the reviewer
    # every config name that marks it: a spec that repeats one schema inline for each copy of
    # a path (Kong EE's `/{workspace}/...`) needs each copy marked
    names: list[str] = field(default_factory=list)
    # the contract the field's own words state: {"on-null": "clear"} for "set to null to
    # disable" (written into the config entry with the name)
    contract: dict[str, str] = field(default_factory=dict)

    @property
    def field(self) -> str:
        from linter.facts import dotted

        return dotted(self.path)

    @property
    def operation(self) -> Operation:
        return self.operations[0]

    @property
    def confidence(self) -> float:
        rest = 1.0
        for e in self.evidence:
            rest *= 1.0 - e.weight
        return round(1.0 - rest, 2)

    @property
    def enough(self) -> bool:
        """A name alone never makes a candidate."""
        return any(e.kind != NAME for e in self.evidence)

    def add(self, op: Operation, evidence: list[Evidence]) -> None:
        """One more operation carrying this property: each kind keeps its strongest evidence."""
        if not any(o is op for o in self.operations):  # one body may reach it by two paths
            self.operations.append(op)
        kinds = {e.kind: e for e in self.evidence}
        for e in evidence:
            if e.kind not in kinds or e.weight > kinds[e.kind].weight:
                kinds[e.kind] = e
        order = [e.kind for e in self.evidence] + [e.kind for e in evidence]
        self.evidence = [kinds[k] for k in dict.fromkeys(order)]

    def merge(self, other: Suggestion) -> None:
        for op in other.operations:
            self.add(op, other.evidence)
        self.names.extend(n for n in other.names if n not in self.names)

    def to_dict(self) -> dict[str, Any]:
        place = self.loc.place() if self.loc is not None else None
        return {"spec": self.spec, "field": self.field, "name": self.name, "names": self.names,
                "confidence": self.confidence, "media_type": self.media_type,
                "operations": [{"method": op.method.upper(), "path": op.path,
                                "operation_id": op.operation_id} for op in self.operations],
                "evidence": [{"kind": e.kind, "weight": e.weight, "text": e.text}
                             for e in self.evidence],
                "description": self.description, "contract": self.contract,
                "file": place.file if place else None, "line": place.line if place else None}


@dataclass
class SuggestRun:
    """What one `suggest` run found, and how many candidates it left out and why."""

    suggestions: list[Suggestion] = field(default_factory=list)
    errors: list[PutlintError] = field(default_factory=list)
    warnings: list[PutlintError] = field(default_factory=list)
    cut_by_top: int = 0
    cut_by_confidence: int = 0
    specs: int = 0
    merges: list[MergeProposal] = field(default_factory=list)  # propose put-semantics: merge
    no_body: int = 0  # in-scope operations with no documented request body: nothing judged


def child_collection(op_path: str, name: str, paths: list[str] | tuple[str, ...]) -> str | None:
    """A path below `op_path` named after field `name` (`/certificates/{id}/snis` for
    `PUT /certificates/{id}` and `snis`): PUT101's test, which sees paths but not methods."""
    base, names = segments(op_path), spellings(name)
    for path in paths:
        segs = segments(path)
        if len(segs) in (len(base) + 1, len(base) + 2) and segs[:len(base)] == base and \
                segs[len(base)] in names and (len(segs) == len(base) + 1 or segs[-1] == "{}"):
            return path
    return None


def config_name(loc: Loc, ws: Workspace, version: str = "", bundle: Bundle | None = None,
                path: tuple[str, ...] = ()) -> str:
    """The `critical:` entry that marks the property at `loc`, the most stable there is.

    `Schema.field` when the property lives in a component schema: it survives a renamed path
    parameter, a moved or deleted endpoint, and reads as what it is. It must denote exactly
    this property, and (a dotted name marks only bodies that reach it through the named
    schema and steps) the body at `bundle` must reach it so at `path`. Otherwise a pointer:
    into the root (`#/paths/...` for an inline body, which diff and check match with
    path-parameter names ignored), or `file#/pointer` into another file.
    """
    dotted = dotted_name(ws, version, loc)
    if dotted is not None and (bundle is None or _reached_as(bundle, path, ws, version, dotted)):
        return dotted
    return pointer_name(ws, loc)


def _reached_as(bundle: Bundle, path: tuple[str, ...], ws: Workspace, version: str,
                name: str) -> bool:
    """Does the body reach the field at `path` through the component a dotted name starts at,
    then its steps (analysis' scope test, on suggest's paths)?"""
    found = name_steps(ws, version, name)
    if found is None:
        return False
    component, steps = found
    if not steps or len(path) < len(steps) or path[-len(steps):] != steps:
        return False
    parent = entry_at(bundle.schema, path[:len(path) - len(steps)])
    return any((loc := bundle.loc_of(part)) is not None and loc.key == component
               for part in closure(parent, bundle.schema))


def _chain(ws: Workspace, loc: Loc | None) -> Iterator[dict]:
    """The raw schema at `loc`, then each node its `$ref`s lead to, nearest first.

    A `$ref`'s siblings are part of the field: Swagger 2.0 tools (AutoRest, hence every ARM
    spec) honour a `description` or `x-ms-mutability` written beside the `$ref`
    (`hostingEnvironmentProfile: {$ref: ..., x-ms-mutability: [create, read]}`), so what the
    field says is read there first and in the target after.
    """
    seen: set[tuple[str, tuple[str, ...]]] = set()
    try:
        node = ws.get(loc) if loc is not None else None
        while isinstance(node, dict) and loc is not None and loc.key not in seen:
            seen.add(loc.key)
            yield node
            if "$ref" not in node:
                return
            loc = ws.resolve(node["$ref"], loc.child("$ref"))
            node = ws.get(loc)
    except (PutlintError, LookupError, RecursionError):
        return


def _text(ws: Workspace, loc: Loc | None, key: str = "description") -> str | None:
    """A description as written (bundling keeps no annotations): beside a `$ref` first."""
    for node in _chain(ws, loc):
        text = node.get(key)
        if isinstance(text, str):
            return text
    return None


# ARM's word for "the operations a field may be sent in" (the profile's, read with or without
# --profile: a field a PUT cannot change is never a candidate).
_MUTABILITY, _UPDATE = PROFILES["azure-arm"].updatable or ("", "")


def _updatable(ws: Workspace, loc: Loc) -> bool:
    """Can a PUT of an existing resource send the field? Not when `readOnly` or a mutability
    list without `update` stands on it, beside its `$ref` or in the target."""
    for node in _chain(ws, loc):
        mutability = node.get(_MUTABILITY)
        if node.get("readOnly") is True or (isinstance(mutability, list)
                                            and _UPDATE not in mutability):
            return False
    return True


@dataclass
class MergeProposal:
    """An upsert whose own words say it merges: `put-semantics: merge`, not critical fields."""

    spec: str
    operation: Operation
    evidence: str
    # the operation's words say so; False when inferred from an optional update body, which
    # is listed for review but never written by --write-config (Kong's "Update a Key-set"
    # is such a body, and an upsert)
    stated: bool = True

    @property
    def key(self) -> str:
        """The operation's key under the config's `put-semantics:`."""
        return f"{self.operation.method.upper()} {self.operation.path}"

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "operation": self.key, "put-semantics": "merge",
                "evidence": self.evidence, "stated": self.stated}


@dataclass
class SpecSuggestions:
    """What one root spec gave: candidates, errors, declined names it denotes, merge
    proposals, and how many in-scope operations document no request body."""

    suggestions: list[Suggestion]
    errors: list[PutlintError]
    declined: set[str]
    merges: list[MergeProposal] = field(default_factory=list)
    no_body: int = 0


def suggest_spec(path: Path, options: Options, root_dir: Path | None = None) -> SpecSuggestions:
    """Every candidate in one root spec (at least one piece of evidence beyond its name), one
    per schema property, in no particular order; the spec's errors; the `not-critical` names
    that denote one of its properties; the operations that say they merge."""
    report = analyse(path, options, root_dir)  # the pipeline check runs: the same operations
    ws = report.workspace
    if ws is None:
        return SpecSuggestions([], report.errors, report.declined_names)
    facts = SpecFacts(ws)
    version = spec_version(ws.root.data) or ""
    found: dict[str, Suggestion] = {}
    out = SpecSuggestions([], list(report.errors), report.declined_names)
    for op_facts in report.operations:
        op = op_facts.op
        if not op.bodies:
            out.no_body += 1  # nothing to judge: the spec must document the body first
            continue
        if op.semantics == "merge":
            continue  # declared a merge: a field left out keeps its value
        # one media type per operation: the JSON one when there is one
        body = min(op.bodies, key=lambda b: "json" not in b.media_type)
        bundle = op_facts.bundles.get(body.media_type)
        if bundle is None:
            continue
        try:
            op_text = " ".join(t for t in (_text(ws, op.loc, "summary"),
                                           _text(ws, op.loc)) if t)
            merge = stated_merge(op_text or None, body.required,
                                 required_names(bundle.schema, bundle.schema))
            if merge is not None:
                out.merges.append(MergeProposal(display_name(path), op, merge,
                                                stated=merge.startswith(STATED)))
                continue
            _collect(found, op, body.media_type, bundle, facts, ws, display_name(path),
                     op_text or None, version)
        except PutlintError as exc:
            out.errors.append(exc)
        except RecursionError:  # nested too deeply to walk: no suggestion from this body
            continue
    kept = [s for s in map(_scoped, _merge_copies(found.values())) if s.enough]
    for s in kept:  # shown under an operation whose path does not name the field (its parent)
        s.operations.sort(key=lambda op, name=s.path[-1]: named_by_path(op, name))
    out.suggestions = kept
    return out


def resource(path: str) -> str:
    """A path's template without leading parameters: `/{workspace}/certificates/{}` and
    `/certificates/{}` are one resource."""
    segs = segments(path)
    while segs and segs[0] == "{}":
        segs = segs[1:]
    return "/" + "/".join(segs)


def _scoped(s: Suggestion) -> Suggestion:
    """A link every resource carrying it is scoped by: Kong EE's `workspace` on
    `/group_rbac_roles/{id}`, whose copy `/{workspace}/group_rbac_roles/{id}` names it in the
    path. It is where the resource lives, not a link a replace detaches."""
    name = s.path[-1]
    scoped = {resource(op.path) for op in s.operations if named_by_path(op, name)}
    if scoped and all(resource(op.path) in scoped for op in s.operations):
        s.evidence = [e for e in s.evidence if e.kind != REFERENCES]
    return s


def _merge_copies(found: Iterable[Suggestion]) -> list[Suggestion]:
    """One suggestion per field of one resource, however many copies of its schema exist."""
    out: list[Suggestion] = []
    index: dict[tuple[str, str], Suggestion] = {}
    for s in found:
        keys = [(s.field, resource(op.path)) for op in s.operations]
        into = next((index[k] for k in keys if k in index), None)
        if into is None:
            out.append(s)
            into = s
        else:
            into.merge(s)
        for k in keys:
            index.setdefault(k, into)
    return out


def _collect(found: dict[str, Suggestion], op: Operation, media_type: str, bundle: Bundle,
             facts: SpecFacts, ws: Workspace, spec: str, op_text: str | None,
             version: str = "") -> None:
    schema = bundle.schema
    wrappers = wrappers_of(schema)
    walked = list(properties(schema, wrappers=wrappers))
    parent = {own_path(p, wrappers)[0] for p, _ in walked if len(own_path(p, wrappers)) == 1}
    if len(parent) == 1:
        return  # the body is that one field: the operation exists to set it, on purpose
    scim = scim_body(schema, media_type, op.path)
    for path, node in walked:
        if not isinstance(node, dict) or decided(node, schema) or read_only(node, schema) or \
                ITEMS in path:
            continue
        if scim and own_path(path, wrappers)[0] in SCIM_SERVER_MANAGED:
            continue  # read-only by the SCIM standard, marked or not
        loc = bundle.loc_of(node)
        if loc is None:
            continue
        own = own_path(path, wrappers)
        is_required = required(schema, path)
        text = _text(ws, loc)
        if not _updatable(ws, loc):
            continue  # ARM's x-ms-mutability without "update": a replace cannot change it
        evidence = evidence_for(op, own, node, schema, top=len(own) == 1,
                                is_required=is_required, facts=facts, text=text,
                                op_text=op_text, parent=parent)
        if not evidence:
            continue
        name = config_name(loc, ws, version, bundle, path)
        if name not in found:
            found[name] = Suggestion(spec, name, path, loc, media_type, names=[name],
                                     description=" ".join(text.split())[:300] if text else None,
                                     contract=stated_clears(text))
        elif len(path) < len(found[name].path):  # named by the shortest way to reach it
            found[name].path = path
        found[name].add(op, evidence)


def rank_key(s: Suggestion) -> tuple:
    return (-s.confidence, path_template(s.operation.path), s.field)


def suggest(paths: list[Path], options: Options, top: int | None = 20,
            min_confidence: float = MIN_CONFIDENCE, root_dir: Path | None = None
            ) -> SuggestRun:
    """Suggestions over several specs, best first within each spec, at most `top` per spec."""
    run = SuggestRun()
    denoted: set[str] = set()
    for path in paths:
        spec = suggest_spec(path, options, root_dir)
        mine = spec.suggestions
        run.specs += 1
        run.errors.extend(spec.errors)
        denoted |= spec.declined
        run.merges.extend(spec.merges)
        run.no_body += spec.no_body
        kept = sorted((s for s in mine if s.confidence >= min_confidence), key=rank_key)
        run.cut_by_confidence += len(mine) - len(kept)
        if top is not None and len(kept) > top:
            run.cut_by_top += len(kept) - top
            kept = kept[:top]
        run.suggestions.extend(kept)
    if paths:
        run.warnings = stale_declines(options.not_critical, denoted)
    return run
