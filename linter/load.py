"""The one load-and-analyse pipeline: file -> documents -> operations -> bundled bodies -> facts.

`check`, `diff`, `probe`, the pytest plugin (through cases.py) and the language server all read
a spec through `analyse`, so what one of them sees every other sees too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linter.analysis import field_facts
from linter.bundle import Bundle, Bundler
from linter.config import Options
from linter.critical import (
    CriticalName,
    conflicts,
    name_for,
    pointer_name,
    resolve_names,
    respelt_paths,
    scopes,
)
from linter.errors import Place, PutlintError
from linter.facts import FieldFacts, MediaFacts, OperationFacts
from linter.model import ApiView, Operation, Scope
from linter.profiles import HINTS, profile_named
from linter.readback import Readback
from linter.refs import Loc, Workspace, display_name, project_top
from linter.search import new_spec
from linter.source import Document


@dataclass
class SpecReport:
    """The in-process analysis of one root spec: facts that rules read."""

    path: str
    errors: list[PutlintError] = field(default_factory=list)
    warnings: list[PutlintError] = field(default_factory=list)
    reached_names: set[str] = field(default_factory=set)  # names that marked a request body
    # the operations each of them marked a field of (`diff`: a name whose operations a pull
    # request removes is stale by the pull request's intent)
    marked_operations: dict[str, list[Operation]] = field(default_factory=dict)
    named_properties: set[str] = field(default_factory=set)  # names that denote a property
    declined_names: set[str] = field(default_factory=set)  # `not-critical` names that do
    # For a name that denotes properties but reaches no body: the bodies the user may mean.
    candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    real_files: list[str] = field(default_factory=list)  # every file it read, the root first
    operations: list[OperationFacts] = field(default_factory=list)
    operation_ids: set[str] = field(default_factory=set)  # of every operation, in scope or not
    workspace: Workspace | None = None  # the documents read (None when the root was unreadable)

    @property
    def critical_fields(self) -> int:
        return sum(1 for facts in self.operations for _ in facts.fields())


MEMORY_EXHAUSTED = "reading and analysing the spec needs more memory than this process may use"


def analyse(path: Path, options: Options, root_dir: Path | None = None,
            overlay: dict[Path, str] | None = None, memo: dict | None = None) -> SpecReport:
    """Load one root spec and compute the facts of every in-scope operation.

    ``root_dir`` is the folder `$ref`s may reach; by default `options.root`, else the top
    of the git work tree holding the spec, else the spec's own folder (ref_root).
    ``overlay`` maps real paths to texts read instead of the files (an editor's buffers);
    ``memo`` keeps verdicts between runs by schema content (analysis.field_facts).
    """
    report = SpecReport(display_name(path))
    new_spec()  # one search budget per spec, whatever its number of fields (linter.search)
    try:
        _analyse(path, options, report, root_dir, overlay, memo)
    except PutlintError as exc:
        report.errors.append(exc)
    except RecursionError:
        report.errors.append(PutlintError("the spec is nested too deeply to analyse",
                                          Place(report.path, 1, 1)))
    except MemoryError:
        # The spec's fault, not putlint's (a hostile one can ask for more than any machine
        # has): an input error for this spec; its tree is dropped so that the others of the
        # run still have room.
        report.workspace = None
        report.operations = []
        report.errors.append(PutlintError(MEMORY_EXHAUSTED, Place(report.path, 1, 1)))
    return report


def _analyse(path: Path, options: Options, report: SpecReport, root_dir: Path | None,
             overlay: dict[Path, str] | None = None, memo: dict | None = None) -> None:
    ws = report.workspace = Workspace(path, root_dir or ref_root(path, options), overlay)
    report.warnings.extend(ws.root.warnings)
    profile = profile_named(options.profile)
    api = ApiView(ws, Scope(options.upsert_operations, tuple(options.put_semantics.items())))
    validation = None
    if options.validate:
        from linter.validate import start_validation

        validation = start_validation(ws)
    marks = resolve_names(ws, api.version or "", options.critical)
    named_scopes = scopes(ws, api.version or "", options.critical)
    declines = resolve_names(ws, api.version or "", options.not_critical)
    report.declined_names = {name.name for name in declines.values()}
    report.named_properties = {name.name for name in marks.values()}
    report.warnings += respelt_paths(ws, options.critical) + respelt_paths(ws, options.not_critical)
    clashes = conflicts(marks, declines)
    if clashes:  # which of the two the user means is theirs to say: nothing is checked,
        report.errors.extend(clashes)  # and no name is said to reach nothing (PUT007)
        report.reached_names = set(report.named_properties)
        return
    bundler = Bundler(ws, api.version or "", marks, keep=profile.schema_extensions,
                      scopes=named_scopes, declined=set(declines))
    readback = Readback(ws, api.version or "", profile)
    cache: dict[tuple[str, tuple[str, ...]], tuple[Bundle | None, list[FieldFacts]]] = {}
    api_paths = tuple(item.path for item in api.items())  # `paths` and `x-ms-paths`
    for op in api.operations():
        facts = OperationFacts(op, api.version or "", api_paths=api_paths,
                               rejection_documented=profile.documents_rejection(
                                   op.responses, op.default_has_schema),
                               rejection_words=profile.rejection_words)
        for body in op.bodies:
            try:
                # Operations usually share a body through a $ref: key the analysis by the
                # schema it resolves to, so each distinct schema is analysed once.
                schema, where = ws.deref(body.schema, body.schema_loc)
                key = where.key
                if key not in cache:
                    bundle = bundler.bundle(schema, where)
                    cache[key] = (bundle, field_facts(bundle, profile, memo))
            except PutlintError as exc:
                report.errors.append(exc)
                key = body.schema_loc.key
                cache[key] = (None, [])
            bundle, fields = cache[key]
            if bundle is not None:
                facts.bundles[body.media_type] = bundle
            if fields:
                fields = [readback.of(op, _in_operation(op, f)) for f in fields
                          if profile.writes(op.path, f.path)]
                facts.media.append(MediaFacts(body, fields))
        report.operations.append(facts)
    report.errors.extend(api.errors)
    report.operation_ids = set(api.operation_ids)
    report.warnings.extend(api.warnings)
    report.warnings.extend(bundler.typos.values())
    hint = _profile_hint(options, api.extensions | bundler.extensions, ws.root)
    if hint is not None:
        report.warnings.append(hint)
    _compare_marks(report, bundler, [fields for _, fields in cache.values()])
    report.warnings.extend(_unknown_suppressions(report.operations))
    for name in options.critical:  # what a name that reached no body could have meant
        if name.name not in report.reached_names:
            report.candidates[name.name] = _bodies_with(report.operations, name, ws,
                                                        api.version or "")
    if validation is not None:
        report.errors.extend(validation())
    report.real_files = [str(d.path) for d in ws.documents]
    for doc in ws.documents[1:]:
        report.warnings.extend(doc.warnings)


def ref_root(path: Path, options: Options) -> Path:
    """The folder `$ref`s of this spec may reach: `--root` / `root:`, else the top of the git
    work tree that holds the spec (found by its `.git`, without running git), else the
    spec's own folder."""
    if options.root:
        return Path(options.root)
    return project_top(Path(os.path.realpath(path)).parent)


def _in_operation(op: Operation, field: FieldFacts) -> FieldFacts:
    """A field's facts as one operation sees them: in a `merge` operation an `on-omit` the
    mark does not state is `preserve` (omission keeps the stored value)."""
    mark = field.mark
    if op.semantics != "merge" or "on-omit" in mark.stated or mark.on_omit == "preserve":
        return field
    return replace(field, field=replace(field.field, mark=replace(mark, on_omit="preserve")))


def _profile_hint(options: Options, extensions: set[str], root: Document) -> PutlintError | None:
    """One line for a spec written in a family's conventions checked without its profile."""
    if options.profile is not None:
        return None
    for prefix, name in HINTS.items():
        if any(key.startswith(prefix) for key in extensions):
            return PutlintError(f"this spec uses {prefix}* extensions: check it with "
                                f"--profile {name} (or `profile: {name}` in putlint.yaml) to "
                                "read them", Place(root.display, 1, 1))
    return None


def _unknown_suppressions(operations: list[OperationFacts]) -> list[PutlintError]:
    """An `x-putlint-ignore` entry that names no rule suppresses nothing: said where it is
    written (the operation, or the critical field it stands on), once."""
    from linter.registry import all_rules

    rules = all_rules()
    out: dict[tuple[str, tuple[str, ...], str], PutlintError] = {}
    for facts in operations:
        places = [(facts.op.ignore, facts.op.loc.child("x-putlint-ignore"))]
        places += [(f.field.ignore, f.loc()) for _, f in facts.fields()]
        for tokens, loc in places:
            for token in sorted(tokens):
                if loc is None or any(rule.matches(token) for rule in rules):
                    continue
                out.setdefault((*loc.key, token), PutlintError(
                    f"x-putlint-ignore names no rule: '{token}', so it suppresses nothing "
                    "(`putlint rules` lists them)", loc.place()))
    return list(out.values())


def _compare_marks(report: SpecReport, bundler: Bundler,
                   analysed: list[list[FieldFacts]]) -> None:
    """Which critical names reached a field the analysis checked, and which `x-critical` marks
    written in the spec reached none (each said once, where it is written)."""
    used = {id(f.field.mark_node) for fields in analysed for f in fields}
    report.reached_names = {name for node, name in bundler.named_nodes.items() if node in used}
    for facts in report.operations:
        for name in dict.fromkeys(bundler.named_nodes.get(id(f.field.mark_node))
                                  for _, f in facts.fields()):
            if name is not None:
                report.marked_operations.setdefault(name, []).append(facts.op)
    used_places = {bundler.own_marks[node].key for node in used if node in bundler.own_marks}
    unused: dict[tuple[str, tuple[str, ...]], Loc] = {}
    for node, loc in bundler.own_marks.items():
        if node not in used and loc.key not in used_places:
            unused.setdefault(loc.key, loc)
    for loc in unused.values():
        report.warnings.append(PutlintError(
            "x-critical here marks no field of a PUT/upsert request body: putlint reads it on "
            "a property schema (or a Swagger 2.0 formData parameter), not on a body's root, "
            "an array's `items` or `additionalProperties`", loc.child("x-critical").place()))


def _bodies_with(operations: list[OperationFacts], name: CriticalName, ws: Workspace,
                 version: str) -> tuple[str, ...]:
    """What a name that reached no body could have meant: each in-scope request body with a
    property of the name's last step, and the exact name to give when the body's own schema
    has it (`Certificate.snis` when the PUT's body is `requestBodies/cert-request`)."""
    last = name.name.replace("/properties/", ".").rsplit(".", 1)[-1].removesuffix("[]")
    out = []
    for facts in operations:
        for body in facts.op.bodies:
            bundle = facts.bundles.get(body.media_type)
            if bundle is None or not _has_property(bundle.schema, last):
                continue
            where = bundle.loc_of(bundle.schema) or body.schema_loc
            props = bundle.schema.get("properties")
            if isinstance(props, dict) and last in props:
                out.append(f"{facts.op.label}: "
                           f"{name_for(ws, version, where.child('properties', last))}")
            else:
                out.append(f"{facts.op.label}: a property '{last}' inside "
                           f"{pointer_name(ws, where)}")
            break
    return tuple(dict.fromkeys(out))


def _has_property(node: Any, name: str) -> bool:
    """Is ``name`` a property anywhere in a bundled schema (its $defs included)?"""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, dict):
            props = current.get("properties")
            if isinstance(props, dict) and name in props:
                return True
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False
