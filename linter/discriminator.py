"""Discriminated unions: a critical field is judged in the bodies of the branches that have it.

An OpenAPI `discriminator` (`propertyName`, optional `mapping`) on a `oneOf`/`anyOf` says that
the value of one property selects the branch a body is read as: `type: embeddings` is an
embeddings partial, `type: redis-ce` a Redis one. A field one branch declares does not exist
in a body of another branch; that body leaves it out (or carries some unrelated value under
its name) legitimately. So, for each union on a critical field's path, a body is a witness
only if its discriminator value selects a branch that declares the rest of the path (or has a
value the mapping does not know, or none: such a body is judged as any other, conservatively).
A union none of whose branches declares the field prunes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linter.bundle import Bundle, closure
from linter.search import ITEMS

MAX_WALK = 10_000  # nodes visited per field: bounded whatever the schema's size
# Schemas looked at (closure parts iterated, seen or not) per field, the walk to the unions
# and every branch's `declares` together: a mapping of N values onto one K-part `allOf`
# would otherwise cost N x K. Far above real specs (Kong's partials, critical fields in two
# branches: 33).
MAX_STEPS = 50_000


class _Budget:
    """The schemas one field's walk may still look at; shared by all its `declares`."""

    def __init__(self) -> None:
        self.left = MAX_STEPS

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


@dataclass(frozen=True)
class Union:
    """One discriminated union on a field's path: where its value sits in the body, the
    property that selects the branch, and the values whose branch lacks the field."""

    prefix: tuple[str, ...]
    property: str
    without_field: frozenset[str]


def unions_on(bundle: Bundle, path: tuple[str, ...]) -> list[Union]:
    """The discriminated unions a body passes through on its way to the field at ``path``.
    Past the budget the walk stops and a branch counts as declaring the field: fewer unions
    and fewer pruned values, so more bodies judged as witnesses (conservative)."""
    if not bundle.unions:
        return []
    root = bundle.schema
    budget = _Budget()
    found: dict[tuple[int, int], Union] = {}
    seen: set[tuple[int, int]] = set()
    declared: dict[tuple[str, int], bool] = {}  # (branch ref, depth): one walk per target
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack and len(seen) < MAX_WALK:
        node, depth = stack.pop()
        for part in closure(node, root):
            if not budget.spend():
                return list(found.values())
            if (id(part), depth) in seen:
                continue
            seen.add((id(part), depth))
            union = bundle.unions.get(id(part))
            if union is not None:
                name, selects = union
                lacking = frozenset(value for value, ref in selects.items()
                                    if not _declares_once(declared, ref, path, depth, root,
                                                          budget))
                if lacking and len(lacking) < len(set(selects)):  # some branch has the field
                    found[(id(part), depth)] = Union(path[:depth], name, lacking)
            if depth < len(path):
                stack.extend((child, depth + 1) for child in _step(part, path[depth]))
    return list(found.values())


def _declares_once(declared: dict[tuple[str, int], bool], ref: str, path: tuple[str, ...],
                   depth: int, root: dict, budget: _Budget) -> bool:
    key = (ref, depth)
    if key not in declared:
        declared[key] = declares({"$ref": ref}, path[depth:], root, budget)
    return declared[key]


def _step(part: dict, step: str) -> list[Any]:
    if step == ITEMS:
        return [part["items"]] if "items" in part else []
    props = part.get("properties")
    return [props[step]] if isinstance(props, dict) and step in props else []


def declares(node: Any, rest: tuple[str, ...], root: dict, budget: _Budget | None = None) -> bool:
    """Does the schema declare the path ``rest`` (through `properties` and `items`, looking
    through `$ref` and `allOf`/`anyOf`/`oneOf` at each step)? With a ``budget`` spent, it
    says yes: the branch is not taken to lack the field."""
    budget = budget if budget is not None else _Budget()
    stack = [(node, 0)]
    seen: set[tuple[int, int]] = set()
    while stack and len(seen) < MAX_WALK:
        current, depth = stack.pop()
        if depth == len(rest):
            return True
        for part in closure(current, root):
            if not budget.spend():
                return True
            if (id(part), depth) not in seen:
                seen.add((id(part), depth))
                stack.extend((child, depth + 1) for child in _step(part, rest[depth]))
    return False


def witness_filter(unions: list[Union]) -> Callable[[Any], bool]:
    """True for a body every union of which selects a branch that has the field."""
    def of_a_branch_with_the_field(body: Any) -> bool:
        return all(_selects_field(value, union)
                   for union in unions for value in _values_at(body, union.prefix))
    return of_a_branch_with_the_field


def _selects_field(value: Any, union: Union) -> bool:
    if not isinstance(value, dict):
        return True
    chosen = value.get(union.property)
    return not (isinstance(chosen, str) and chosen in union.without_field)


def _values_at(body: Any, prefix: tuple[str, ...]) -> list[Any]:
    values = [body]
    for step in prefix:
        if step == ITEMS:
            values = [e for v in values if isinstance(v, list) for e in v]
        else:
            values = [v[step] for v in values if isinstance(v, dict) and step in v]
    return values
