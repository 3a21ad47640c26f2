"""One fix builder per rule: what to change in the spec so that the finding goes away.

Each builder reads the same facts the rule read, finds the node the fix is written in (the
schema that declares the property, the `requestBodies` component a `$ref` names) and returns
structural edits, or None when the spec leaves no single obvious edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.facts import FieldFacts, OperationFacts
from linter.fixes.bad_request import INLINE_400, bad_request_response
from linter.fixes.edits import ADD_TO_LIST, DELETE_KEY, REMOVE_FROM_LIST, SET_KEY, Edit, node_at
from linter.refs import Loc, Workspace
from linter.rule import Hit
from linter.search import ITEMS

Builder = Callable[[Hit, OperationFacts, Workspace], "list[Edit] | None"]


def _field(facts: OperationFacts, hit: Hit) -> FieldFacts | None:
    for media, f in facts.fields():
        if f.path == hit.field and media.body.media_type == hit.media_type:
            return f
    return None


def _raw(loc: Loc) -> Any:
    try:
        return node_at(loc.doc.data, loc.pointer)
    except KeyError:
        return None


def put001(hit: Hit, facts: OperationFacts, ws: Workspace) -> list[Edit] | None:
    """Require the field, and every optional parent on its path, where each is declared."""
    field = _field(facts, hit)
    if field is None:
        return None
    edits = []
    for step, entry in zip(field.field.path, field.field.entries, strict=True):
        if step == ITEMS:
            continue
        loc = field.bundle.loc_of(entry)
        if loc is None:
            return None
        raw = _raw(loc)
        if isinstance(raw, dict) and raw.get("in") == "formData":  # Swagger 2.0 form field
            if raw.get("required") is not True:
                edits.append(Edit(loc.doc.path, loc.pointer, SET_KEY, "required", True))
            continue
        if len(loc.pointer) < 2 or loc.pointer[-2] != "properties":
            return None
        owner = _raw(Loc(loc.doc, loc.pointer[:-2]))
        if not isinstance(owner, dict):
            return None
        required = owner.get("required")
        if isinstance(required, list) and step in required:
            continue
        if required is not None and not isinstance(required, list):
            return None
        edits.append(Edit(loc.doc.path, loc.pointer[:-2], ADD_TO_LIST, "required", (step,)))
    return edits or None


def put002(hit: Hit, facts: OperationFacts, ws: Workspace) -> list[Edit] | None:
    """Drop what admits null on the step the example sets to null."""
    field = _field(facts, hit)
    if field is None:
        return None
    step = field.null_step()
    index = len(field.field.path) - 1 if step is None else step
    entry = field.field.entries[index]
    loc = field.bundle.loc_of(entry) if entry is not None else None
    raw = _raw(loc) if loc is not None else None
    if not isinstance(raw, dict):
        return None
    edits = [Edit(loc.doc.path, loc.pointer, DELETE_KEY, key)  # type: ignore[union-attr]
             for key in ("nullable", "x-nullable") if raw.get(key) is True]
    kinds = raw.get("type")
    if isinstance(kinds, list):
        edits.extend(Edit(loc.doc.path, loc.pointer, REMOVE_FROM_LIST, "type", null)  # type: ignore[union-attr]
                     for null in ("null", None) if null in kinds)
    return edits or None


def put003(hit: Hit, facts: OperationFacts, ws: Workspace) -> list[Edit] | None:
    """`minItems: 1` on an array (the emptied parent list's, when the finding names one),
    `minProperties: 1` on an object, `minLength: 1` on a string."""
    field = _field(facts, hit)
    if field is None:
        return None
    step = field.empty_step()
    if step == 0:  # the body itself is the list: no property to write it on
        return None
    entry = field.field.entries[-1 if step is None else step - 1]
    loc = field.bundle.loc_of(entry) if entry is not None else None
    raw = _raw(loc) if loc is not None else None
    if not isinstance(raw, dict) or "$ref" in raw:
        return None
    kinds = raw.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds or "items" in raw:
        key = "minItems"
    elif "object" in kinds or "properties" in raw:
        key = "minProperties"
    elif kinds == ["string"]:
        key = "minLength"
    else:  # any type: `[]`, `{}` and `""` all pass; no one keyword fixes that
        return None
    return [Edit(loc.doc.path, loc.pointer, SET_KEY, key, 1)]  # type: ignore[union-attr]


def put005(hit: Hit, facts: OperationFacts, ws: Workspace) -> list[Edit] | None:
    """A `400` response: the spec's own bad-request response when one clearly is, else a plain
    description (bad_request.py says what "clearly" means)."""
    loc = facts.op.responses_loc
    if not loc.pointer or loc.pointer[-1] != "responses" or not isinstance(_raw(loc), dict):
        return None
    value: Any = None
    if loc.doc is ws.root:
        value = bad_request_response(ws.root.data, facts.version)
    if value is None:
        value = {"description": INLINE_400}
    return [Edit(loc.doc.path, loc.pointer, SET_KEY, "400", value)]


def put006(hit: Hit, facts: OperationFacts, ws: Workspace) -> list[Edit] | None:
    """`required: true` where the request body is declared (the component a $ref names)."""
    if hit.loc is None or not isinstance(_raw(hit.loc), dict) or "$ref" in _raw(hit.loc):
        return None
    return [Edit(hit.loc.doc.path, hit.loc.pointer, SET_KEY, "required", True)]


BUILDERS: dict[str, Builder] = {"PUT001": put001, "PUT002": put002, "PUT003": put003,
                                "PUT005": put005, "PUT006": put006}
