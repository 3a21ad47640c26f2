"""Decide whether a schema admits a body in which a field path is absent, null or empty.

The search builds candidate bodies from the schema's structure, smallest first, and keeps the
first one that jsonschema accepts. Structure prunes soundly: a branch combination in which the
field is required (or cannot be null, or cannot be empty) yields no candidate at all. So:

* a candidate accepted by jsonschema proves the form is possible (and is the example);
* no candidate from any branch combination proves it impossible (decided by structure);
* when candidates were built but jsonschema rejected them all (`oneOf` exclusivity, `not`,
  `if/then/else`, ...), the form is judged impossible by example search, and says so;
* a search cut short by its budget leaves the question open ("undecided"), and rules report
  such a field conservatively, saying that no example was found.

Everything here works on a bundled 2020-12 schema (see bundle.py) whose `$ref`s are local.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from linter import patterns
from linter.bundle import NOT_NULL

ITEMS = "[]"


class Form(str, Enum):
    ABSENT = "absent"
    NULL = "null"
    EMPTY = "empty"


@dataclass(frozen=True)
class Goal:
    form: Form
    path: tuple[str, ...]

    def rest(self) -> Goal:
        return Goal(self.form, self.path[1:])


# Keywords the structural model does not reason about; candidates are still checked against
# them by jsonschema, and verdicts reached that way say so.
UNMODELLED = ("not", "if", "then", "else", "dependentRequired", "dependentSchemas", "contains",
              "propertyNames", "unevaluatedProperties", "unevaluatedItems", "minProperties",
              "maxProperties", "uniqueItems", "multipleOf", "prefixItems")


# The most characters (of strings) and elements (of arrays, counted through their elements)
# one search may build, in all its candidates together: what keeps `minLength: 1000000000` or
# `minItems: 300000000` from building gigabytes. Beyond it the verdict is undecided, and says so.
MAX_EXAMPLE_SIZE = 1_000_000


@dataclass
class Context:
    """Budget and bookkeeping of one search.

    ``budget`` counts steps: candidates, branch combinations (those that yield nothing too)
    and enum values looked at; ``material`` counts the size of the values built. Either,
    spent, leaves the search incomplete.
    """

    root: dict
    budget: int = 20000
    incomplete: bool = False
    unmodelled: set[str] = field(default_factory=set)
    material: int = MAX_EXAMPLE_SIZE
    capped: bool = False  # a value would have exceeded MAX_EXAMPLE_SIZE
    budget_given: int = 0  # what ``budget`` started at
    unknown_pattern: bool = False  # a regex RE2 cannot run decided something
    oracle_why: str = ""  # why jsonschema could not answer about a candidate, if it could not

    def __post_init__(self) -> None:
        self.budget_given = self.budget

    def spend(self, steps: int = 1) -> bool:
        self.budget -= steps
        if self.budget < 0:
            self.incomplete = True
            return False
        return True

    def build(self, size: float) -> bool:
        """Reserve ``size`` units of material for a value about to be built."""
        if not size <= self.material:  # also false for nan
            self.incomplete = self.capped = True
            return False
        self.material -= int(size)
        return True

    def matches(self, pattern: str, text: str) -> bool:
        """A spec regex against text in linear time; unknown counts as no match, and as
        an incomplete search."""
        found = patterns.search(pattern, text)
        if found is None:
            self.incomplete = self.unknown_pattern = True
            return False
        return found

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            self.incomplete = True
            return True
        node: Any = self.root
        for token in ref[2:].split("/") if len(ref) > 1 else []:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                self.incomplete = True
                return True
        return node


# --- Terms: one choice of oneOf/anyOf branches, flattened with allOf and $ref ------------------

MAX_TERMS = 256


def terms(schemas: Iterable[Any], ctx: Context) -> Iterator[list[dict]]:
    """Each conjunction of plain schema nodes a value must satisfy, one per branch choice."""
    for count, term in enumerate(_terms(list(schemas), ctx), start=1):
        if count > MAX_TERMS:
            ctx.incomplete = True
            return
        yield term


# A linked list, newest first: (item, rest) or None. Prepending shares the rest, so a chain of
# 50,000 allOf parts costs 50,000 cells, not 50,000 tuples of up to 50,000 items each.
Chain = tuple[Any, Any] | None


def _chain(items: Iterable[Any], rest: Chain = None) -> Chain:
    for item in reversed(list(items)):
        rest = (item, rest)
    return rest


def _terms(schemas: list[Any], ctx: Context) -> Iterator[list[dict]]:
    """Depth first over branch choices, without recursion (a long allOf is no deep stack).

    Each level of ``stack`` is one schema taken off the pending chain: an iterator over the
    states its branch choices lead to, and the $ref it put on the path (A and A is A: a ref
    already on the path adds nothing). Every step counts against the budget, the combinations
    that end in `false` too: 40 `anyOf` pairs before a `false` are 2^40 combinations that
    yield nothing, and would otherwise never end.
    """
    on_path: dict[str, int] = {}
    stack: list[tuple[Iterator[tuple[Chain, Chain]], str | None]] = [
        (iter([(_chain(schemas), None)]), None)]
    while stack:
        level, added = stack[-1]
        state = next(level, None)
        if state is None:
            stack.pop()
            if added is not None:
                on_path[added] -= 1
            continue
        if not ctx.spend():
            return
        pending, atoms = state
        if pending is None:
            term: list[dict] = []
            while atoms is not None:
                term.append(atoms[0])
                atoms = atoms[1]
            term.reverse()
            yield term
            continue
        schema, rest = pending
        if schema is True or not isinstance(schema, (dict, bool)):
            stack.append((iter([(rest, atoms)]), None))
            continue
        if schema is False:
            continue
        extra: list[Any] = []
        ref = schema.get("$ref")
        new_ref = None
        if isinstance(ref, str) and not on_path.get(ref):
            new_ref = ref
            on_path[ref] = on_path.get(ref, 0) + 1
            extra.append(ctx.resolve(ref))
        extra.extend(_list(schema.get("allOf")))
        choices = [branches for key in ("anyOf", "oneOf")
                   if (branches := _list(schema.get(key)))]
        stack.append((_children(extra, choices, rest, (schema, atoms)), new_ref))


def _children(extra: list[Any], choices: list[list], rest: Chain,
              atoms: Chain) -> Iterator[tuple[Chain, Chain]]:
    """The states one schema leads to: its parts, one branch of each choice, then the rest."""
    for combo in itertools.product(*choices):
        yield _chain([*extra, *combo], rest), atoms


def _excludes_null(atom: dict) -> bool:
    """`not: {type: null}`: how the bundle writes a 2.0/3.0 schema without `type` (any value
    but null; bundle.NOT_NULL). The search models it exactly, as a type constraint."""
    return atom.get("not") == NOT_NULL


def _unmodelled(atom: dict) -> list[str]:
    return [k for k in UNMODELLED if k in atom and not (k == "not" and _excludes_null(atom))]


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


# --- Merged constraints of one term -------------------------------------------------------------

ALL_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


@dataclass
class Merged:
    atoms: list[dict]
    types: set[str]
    enum: list[Any] | None
    required: set[str]
    read_only: bool
    ctx: Context | None = None

    @classmethod
    def of(cls, atoms: list[dict], ctx: Context) -> Merged | None:
        types = set(ALL_TYPES)
        enum: list[Any] | None = None
        required: set[str] = set()
        read_only = False
        for atom in atoms:
            t = atom.get("type")
            if isinstance(t, str):
                t = [t]
            if isinstance(t, list):
                allowed = set(t)
                if "number" in allowed:
                    allowed.add("integer")
                types &= allowed
            if "const" in atom:
                enum = _intersect(enum, [atom["const"]], ctx)
            if isinstance(atom.get("enum"), list):
                enum = _intersect(enum, atom["enum"], ctx)
            if _excludes_null(atom):
                types.discard("null")
            required.update(r for r in _list(atom.get("required")) if isinstance(r, str))
            read_only = read_only or atom.get("readOnly") is True
            ctx.unmodelled.update(_unmodelled(atom))
        if enum is not None:
            enum = [v for v in enum if _type_of(v) in types]
            if not enum:
                return None
        if not types:
            return None
        return cls(atoms, types, enum, required, read_only, ctx)

    def allows(self, kind: str) -> bool:
        return kind in self.types and (self.enum is None or
                                       any(_type_of(v) == kind for v in self.enum))

    def property_schemas(self, name: str) -> list[Any]:
        """The schemas a property's value must satisfy, from every atom of the term."""
        out: list[Any] = []
        for atom in self.atoms:
            props = atom.get("properties")
            if isinstance(props, dict) and name in props:
                out.append(props[name])
                continue
            matched = False
            patterns = atom.get("patternProperties")
            if isinstance(patterns, dict):
                for pattern, sub in patterns.items():
                    if self.matches(pattern, name):
                        out.append(sub)
                        matched = True
            if not matched and "additionalProperties" in atom:
                out.append(atom["additionalProperties"])
        return out

    def matches(self, pattern: Any, name: str) -> bool:
        if not isinstance(pattern, str):
            return False
        if self.ctx is not None:
            return self.ctx.matches(pattern, name)
        return patterns.search(pattern, name) is True

    def declared_properties(self) -> list[str]:
        """Property names the term mentions, its conditions (`if`, `not`, ...) included."""
        names: dict[str, None] = {}
        for atom in self.atoms:
            props = atom.get("properties")
            if isinstance(props, dict):
                names.update(dict.fromkeys(props))
        for sub in self.condition_schemas():
            props = sub.get("properties")
            if isinstance(props, dict):
                names.update(dict.fromkeys(props))
            names.update(dict.fromkeys(r for r in _list(sub.get("required"))
                                       if isinstance(r, str)))
        for atom in self.atoms:
            dependent = atom.get("dependentRequired")
            if isinstance(dependent, dict):
                for key, needed in dependent.items():
                    names.update(dict.fromkeys([key, *(n for n in _list(needed)
                                                       if isinstance(n, str))]))
        return list(names)

    def condition_schemas(self) -> list[dict]:
        """Subschemas of keywords the model does not solve; their keys and values are hints."""
        out = []
        for atom in self.atoms:
            for key in ("if", "then", "else", "not"):
                if isinstance(atom.get(key), dict):
                    out.append(atom[key])
            schemas = atom.get("dependentSchemas")
            if isinstance(schemas, dict):
                out.extend(v for v in schemas.values() if isinstance(v, dict))
        return out

    def hint_schemas(self, name: str) -> list[Any]:
        """What the conditions say about a property: values worth trying for it."""
        return [sub["properties"][name] for sub in self.condition_schemas()
                if isinstance(sub.get("properties"), dict) and name in sub["properties"]]

    def item_schemas(self) -> list[Any]:
        return [atom["items"] for atom in self.atoms if "items" in atom]

    def number(self, key: str, pick: Any) -> Any:
        """The tightest finite bound ``key`` sets (NaN bounds nothing), an infinite one as
        float infinity."""
        values = [a[key] for a in self.atoms
                  if isinstance(a.get(key), (int, float)) and not isinstance(a.get(key), bool)
                  and a[key] == a[key]]
        return pick(values) if values else None

    def size(self, key: str, low: bool) -> float | None:
        """A size bound (minLength, maxItems, ...) as a whole number: rounded up for a
        minimum, down for a maximum; infinity stays infinity."""
        value = self.number(key, max if low else min)
        if value is None or isinstance(value, int) or math.isinf(value):
            return value
        return math.ceil(value) if low else math.floor(value)


def _intersect(current: list[Any] | None, values: list[Any], ctx: Context) -> list[Any]:
    """The values of ``current`` that ``values`` holds too, in linear time (by canonical key:
    two enums of 20,000 values each took minutes pairwise)."""
    ctx.spend(len(values) // 100)
    if current is None:
        return list(values)
    keys = {_canonical(w) for w in values}
    return [v for v in current if _canonical(v) in keys]


def _canonical(value: Any) -> Any:
    """Equal under JSON Schema's equality (1 == 1.0, True != 1) means equal keys."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)
    try:
        return ("json", json.dumps(value, sort_keys=True, allow_nan=True))
    except (TypeError, ValueError):  # not JSON data: identity only
        return ("id", id(value))


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "unknown"


# --- Candidate generation -------------------------------------------------------------------------

MAX_DEPTH = 24
SHALLOW = 6
VALUES_PER_SLOT = 3
VARIANTS_PER_OBJECT = 24


def candidates(schemas: list[Any], goal: Goal | None, ctx: Context,
               depth: int = 0, explore: bool = True,
               trail: frozenset[tuple[int, ...]] = frozenset()) -> Iterator[Any]:
    """Values that satisfy the structure of ``schemas`` (and reach ``goal``), smallest first.

    ``explore`` lets objects try their optional properties too (to break `oneOf` ties); it is
    on along the goal's path only: filler values are built minimally, which keeps the work
    linear in the size of the schema instead of exponential in its depth.

    ``trail`` holds the schemas whose filler value is being built further up: a filler that
    needs a value of the very schema it is building is pruned. If the schema has any finite
    value, it has one without such a re-entry (the innermost one), so nothing is lost, and a
    schema that requires itself without end is found to have no value at all.
    """
    if goal is None:
        key = tuple(id(s) for s in schemas)
        if key in trail:
            return
        trail = trail | {key}
    if depth > MAX_DEPTH or not ctx.spend():
        ctx.incomplete = True
        return
    for atoms in terms(schemas, ctx):
        merged = Merged.of(atoms, ctx)
        if merged is None:
            continue
        if goal is None:
            yield from _any_values(merged, ctx, depth, explore, trail)
        elif not goal.path:
            yield from _at_target(merged, goal.form)
        elif goal.path[0] == ITEMS:
            yield from _array_towards(merged, goal, ctx, depth)
        else:
            yield from _object_towards(merged, goal, ctx, depth)


def _at_target(merged: Merged, form: Form) -> Iterator[Any]:
    if form is Form.NULL and merged.allows("null"):
        yield None
    elif form is Form.EMPTY:
        if merged.allows("array") and (merged.size("minItems", True) or 0) <= 0:
            yield []
        if merged.allows("object") and not merged.required:
            yield {}
        if _empty_string_allowed(merged):
            yield ""


def _empty_string_allowed(merged: Merged) -> bool:
    """Can the value be `""`: a string without `minLength`, an enum that lists it, every
    `pattern` matching it? (`format` is an annotation in 2020-12, as jsonschema reads it:
    `format: hostname` does not forbid `""`; docs/how-it-decides.md.)"""
    if not merged.allows("string") or (merged.size("minLength", True) or 0) > 0:
        return False
    if merged.enum is not None and "" not in [v for v in merged.enum if isinstance(v, str)]:
        return False
    regexes = [a["pattern"] for a in merged.atoms if isinstance(a.get("pattern"), str)]
    return all(merged.matches(p, "") for p in regexes)


def _array_towards(merged: Merged, goal: Goal, ctx: Context, depth: int) -> Iterator[Any]:
    if not merged.allows("array") or _at_most(merged.size("maxItems", False), 0):
        return
    items = merged.item_schemas()
    elements: Iterator[Any]
    if goal.form is Form.NULL and len(goal.path) > 1:
        elements = itertools.chain(
            candidates(items, Goal(Form.NULL, ()), ctx, depth + 1),
            candidates(items, goal.rest(), ctx, depth + 1))
    else:
        elements = candidates(items, goal.rest(), ctx, depth + 1)
    low = merged.size("minItems", True) or 0
    # An empty list empties every field of its elements at once (`certificates: []` sends
    # no `snis` at all): the EMPTY form of a field below it. Offered after the first body
    # that empties the field itself, which is the more direct finding when both are valid.
    empty = [[]] if goal.form is Form.EMPTY and low <= 0 else []
    padding = max(0, low - 1)
    filler = list(itertools.islice(candidates(items, None, ctx, depth + 1, explore=False), 1)) \
        if padding else []
    if padding and not filler:
        return
    for element in itertools.islice(elements, VALUES_PER_SLOT):
        if ctx.spend() and ctx.build(1 + padding * (_weight(filler[0]) if filler else 0)):
            yield [element] + filler * int(padding)
        if empty:
            yield empty.pop()
    yield from empty


def _object_towards(merged: Merged, goal: Goal, ctx: Context, depth: int) -> Iterator[Any]:
    if not merged.allows("object"):
        return
    key = goal.path[0]
    last = len(goal.path) == 1
    options: list[Any] = []  # what to put at `key`; _OMIT leaves it out
    if goal.form is Form.ABSENT and key not in merged.required:
        options.append(_OMIT)
    prop = merged.property_schemas(key)
    targets: list[Iterator[Any]] = []
    if goal.form is Form.NULL:
        targets.append(candidates(prop, Goal(Form.NULL, ()), ctx, depth + 1))
    if not last or goal.form is Form.EMPTY:
        targets.append(candidates(prop, goal.rest(), ctx, depth + 1))
    options.extend(itertools.islice(itertools.chain(*targets), VALUES_PER_SLOT))
    if not options:
        return
    yield from _objects(merged, {key: options}, ctx, depth, True, frozenset())


class _Omit:
    def __repr__(self) -> str:
        return "<omit>"


_OMIT = _Omit()


def _objects(merged: Merged, fixed: dict[str, list[Any]], ctx: Context,
             depth: int, explore: bool, trail: frozenset[tuple[int, ...]]) -> Iterator[dict]:
    """Objects with every required property, smallest first, then with optional ones filled.

    ``fixed`` gives the only values allowed for some keys (the goal's key). Varying one slot at
    a time, then filling the optional properties, is what breaks ties between `oneOf` branches
    and satisfies `if/then/else` in practice, without a combinatorial blow-up. Optional values
    are computed only once the smaller variants are used up: most searches stop at the first.
    """
    slots: dict[str, list[Any]] = {}
    for name in sorted(merged.required):
        if name in fixed:
            continue
        schemas = merged.property_schemas(name)
        values = list(itertools.islice(
            candidates(schemas, None, ctx, depth + 1, False, trail),
            _alternatives(schemas, ctx) if explore else 1))  # only the explored path varies
        if not values:
            return  # a required property nobody can write: no object of this term
        slots[name] = values
    for emitted, choice in enumerate(_variants(merged, fixed, slots, ctx, depth, explore,
                                               trail)):
        if emitted >= VARIANTS_PER_OBJECT or not ctx.spend():
            ctx.incomplete = True
            return
        yield {k: v for k, v in choice.items() if v is not _OMIT}


def _alternatives(schemas: list[Any], ctx: Context) -> int:
    """How many values to try for a slot: more where jsonschema, not structure, decides."""
    for atoms in itertools.islice(terms(schemas, ctx), 8):
        if any(_unmodelled(atom) for atom in atoms):
            return 2 * VALUES_PER_SLOT
    return VALUES_PER_SLOT


def _variants(merged: Merged, fixed: dict[str, list[Any]], required: dict[str, list[Any]],
              ctx: Context, depth: int, explore: bool,
              trail: frozenset[tuple[int, ...]]) -> Iterator[dict[str, Any]]:
    base_fixed = {k: v[0] for k, v in fixed.items()}
    base = {k: v[0] for k, v in required.items()}
    for fixed_choice in _one_at_a_time(base_fixed, fixed):
        yield {**base, **fixed_choice}
    for name, values in required.items():
        for value in values[1:]:
            yield {**base, name: value, **base_fixed}
    if not explore:
        return
    optional = _optional_values(merged, fixed, required, ctx, depth, trail)
    for name, values in optional.items():
        for value in values:
            yield {**base, name: value, **base_fixed}
    if optional:
        filled = {**base, **{k: v[0] for k, v in optional.items()}}
        for fixed_choice in _one_at_a_time(base_fixed, fixed):
            yield {**filled, **fixed_choice}
    # A property no branch declares tells an open object from a closed one (`oneOf` of a
    # free-form and an `additionalProperties: false` schema); a closed term yields none.
    extra = next(name for name in ("extra", "extra_1", "extra_2")
                 if name not in fixed and name not in required and name not in optional)
    for value in itertools.islice(candidates(merged.property_schemas(extra), None, ctx,
                                             depth + 1, False, trail), 1):
        yield {**base, extra: value, **base_fixed}


def _optional_values(merged: Merged, fixed: dict[str, list[Any]],
                     required: dict[str, list[Any]], ctx: Context, depth: int,
                     trail: frozenset[tuple[int, ...]]) -> dict[str, list[Any]]:
    optional: dict[str, list[Any]] = {}
    for name in merged.declared_properties():
        if name in required or name in fixed or name in merged.required:
            continue
        schemas = merged.property_schemas(name)
        if _read_only(schemas, ctx):  # a request should not carry it
            continue
        values = list(itertools.islice(
            candidates(schemas, None, ctx, depth + 1, False, trail), VALUES_PER_SLOT))
        for hint in merged.hint_schemas(name):  # e.g. the value an `if` tests for
            values.extend(v for v in itertools.islice(
                candidates([*schemas, hint], None, ctx, depth + 1, False, trail), 1)
                if v not in values)
        if values:
            optional[name] = values
    return optional


def _one_at_a_time(base: dict[str, Any], options: dict[str, list[Any]]) -> Iterator[dict]:
    yield dict(base)
    for name, values in options.items():
        for value in values[1:]:
            yield {**base, name: value}


def _read_only(schemas: list[Any], ctx: Context) -> bool:
    return any(any(a.get("readOnly") is True for a in atoms) for atoms in
               itertools.islice(terms(schemas, ctx), 4))


def _any_values(merged: Merged, ctx: Context, depth: int, explore: bool,
                trail: frozenset[tuple[int, ...]]) -> Iterator[Any]:
    if merged.enum is not None:
        for value in merged.enum[:VALUES_PER_SLOT]:
            if ctx.spend():
                yield value
        return
    for kind in _preferred_kinds(merged, depth):
        if kind == "object":
            yield from _objects(merged, {}, ctx, depth, explore, trail)
        elif kind == "array":
            yield from _arrays(merged, ctx, depth, trail)
        elif kind == "string":
            yield from _strings(merged, ctx)
        elif kind in ("integer", "number"):
            yield from _numbers(merged, kind, ctx)
        elif kind == "boolean":
            yield True
        elif kind == "null":
            yield None


def _preferred_kinds(merged: Merged, depth: int) -> list[str]:
    """Types to try, the one the schema's keywords suggest first.

    Deep down, scalars come first: where the type is left open they are valid and finite,
    while an object may recurse through a self-referencing schema without end.
    """
    hints = []
    keys = {k for atom in merged.atoms for k in atom}
    keys |= {k for sub in merged.condition_schemas() for k in sub}
    if keys & {"properties", "required", "additionalProperties", "patternProperties"}:
        hints.append("object")
    if keys & {"items", "minItems", "maxItems"}:
        hints.append("array")
    if keys & {"pattern", "format", "minLength", "maxLength"}:
        hints.append("string")
    if keys & {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        hints.append("number")
    if depth <= SHALLOW:
        order = [*hints, "string", "integer", "boolean", "object", "array", "number", "null"]
    else:
        order = ["string", "integer", "boolean", "null", "number", *hints, "object", "array"]
    seen: list[str] = []
    for kind in order:
        if kind in merged.types and kind not in seen:
            seen.append(kind)
    return seen


def _arrays(merged: Merged, ctx: Context, depth: int,
            trail: frozenset[tuple[int, ...]]) -> Iterator[list]:
    low = merged.size("minItems", True) or 0
    high = merged.size("maxItems", False)
    if high is not None and high < low:
        return
    if low == 0:
        yield []
    items = merged.item_schemas()
    if high is not None and high < max(low, 1):
        return
    for element in itertools.islice(candidates(items, None, ctx, depth + 1, False, trail), 2):
        if not ctx.build(max(low, 1) * _weight(element)):
            return
        yield [element] * int(max(low, 1))


def _at_most(bound: float | None, limit: int) -> bool:
    return bound is not None and bound <= limit


def _weight(value: Any, limit: int = MAX_EXAMPLE_SIZE + 1) -> int:
    """The size of a built value (characters and elements, through shared parts as often as
    they occur), counted up to ``limit``: what validating it walks."""
    total, stack = 0, [value]
    while stack and total < limit:
        node = stack.pop()
        total += 1
        if isinstance(node, str):
            total += len(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return total


_FORMAT_SAMPLES = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2025-11-06T00:00:00Z",
    "date": "2025-11-06",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "/example",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "AA==",
    "binary": "x",
    "password": "secret",
    "duration": "P1D",
}


def _strings(merged: Merged, ctx: Context) -> Iterator[str]:
    low = merged.size("minLength", True) or 0
    high = merged.size("maxLength", False)
    if not ctx.build(low):  # `minLength: 1000000000`: honestly undecided, not 1 GB
        return
    formats = [a["format"] for a in merged.atoms if isinstance(a.get("format"), str)]
    regexes = [a["pattern"] for a in merged.atoms if isinstance(a.get("pattern"), str)]
    pool = [_FORMAT_SAMPLES[f] for f in formats if f in _FORMAT_SAMPLES]
    pool += ["a" * int(max(low, 1)), "example", "A1", "0"]
    if regexes:
        pool += [s for s in (_from_pattern(p) for p in regexes) if s is not None]
    for text in pool:
        if len(text) < low or (high is not None and len(text) > high):
            continue
        if all(ctx.matches(p, text) for p in regexes):
            yield text
            return
    ctx.incomplete = True  # no string found, which proves nothing


def _from_pattern(pattern: str) -> str | None:
    refused = patterns.budget_refusals()
    text = _example_of(pattern)
    if patterns.budget_refusals() != refused:  # cut short by this spec's RE2 budget:
        _example_of.cache_clear()  # the next spec may afford it (rare: hostile specs only)
    return text


@functools.lru_cache(maxsize=512)
def _example_of(pattern: str) -> str | None:
    """A string matching a regex: the shortest one the regex's own parse tree spells out,
    else one from hypothesis.

    The parse tree covers the patterns specs use (literals, classes, repeats, groups,
    alternatives, anchors) and costs microseconds; importing hypothesis costs 0.2 s, a third
    of a run on GitHub's description, so it is imported only for a pattern the tree cannot
    spell (look-arounds, back-references). Callers check the string against the pattern.
    """
    if patterns.compiled(pattern) is None:  # RE2 cannot run it: no example can be checked
        return None
    refused = patterns.budget_refusals()
    text = _spelled(pattern)
    if text is not None and patterns.search(pattern, text):
        return text
    if patterns.budget_refusals() != refused:  # no budget left to check another string
        return None
    text = _from_hypothesis(pattern)
    return text if text is not None and patterns.search(pattern, text) else None


def _from_hypothesis(pattern: str) -> str | None:
    """Generation only, derandomized: the same pattern always gives the same, small string,
    in a few milliseconds once hypothesis is loaded (shrinking would cost seconds)."""
    try:
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis import strategies as st

        return find(st.from_regex(pattern), lambda s: True, settings=settings(
            database=None, max_examples=5, phases=[Phase.generate], derandomize=True,
            deadline=None, suppress_health_check=list(HealthCheck)))
    except Exception:  # hypothesis cannot handle every regex dialect; give up on this one
        return None


# The longest string a pattern is spelled into: `^a{1000}` repeated inside repeats would
# otherwise multiply out to gigabytes.
MAX_SPELLED = 100_000


def _spelled(pattern: str) -> str | None:
    tree = patterns.parsed(pattern)
    if tree is None:  # a dialect Python's re does not read
        return None
    try:
        return _spell(tree)
    except (RecursionError, ValueError):  # absurdly nested, or longer than MAX_SPELLED
        return None


def _spell(items: Any) -> str | None:
    """The shortest string for a parsed regex (sre parse tree), None where it cannot tell."""
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("b" if chr(arg) == "a" else "a")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            char = _class_char(arg)
            if char is None:
                return None
            out.append(char)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, sub = arg
            part = _spell(sub)
            if part is None:
                return None
            if len(part) * low > MAX_SPELLED:
                raise ValueError("too long")
            out.append(part * low)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            part = _spell(arg[-1])
            if part is None:
                return None
            out.append(part)
        elif name == "BRANCH":
            part = _spell(arg[1][0])
            if part is None:
                return None
            out.append(part)
        elif name != "AT":  # anchors spell nothing; look-arounds and back-references: give up
            return None
    text = "".join(out)
    if len(text) > MAX_SPELLED:
        raise ValueError("too long")
    return text


def _class_char(items: Any) -> str | None:
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return None
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " ",
                    "CATEGORY_NOT_DIGIT": "a", "CATEGORY_NOT_WORD": "-",
                    "CATEGORY_NOT_SPACE": "a"}.get(str(arg))
    return None


def _numbers(merged: Merged, kind: str, ctx: Context) -> Iterator[int | float]:
    try:
        value = _first_number(merged, kind)
    except (OverflowError, ValueError, ZeroDivisionError):  # bounds past what floats hold
        value = None
    if value is None:
        ctx.incomplete = True
    else:
        yield value


def _first_number(merged: Merged, kind: str) -> int | float | None:
    """The smallest number the bounds admit (or the next multiple), None if none is found.
    Infinite bounds: a minimum of infinity admits nothing, one of minus infinity bounds
    nothing (and the same for maxima)."""
    low = merged.number("minimum", max)
    xlow = merged.number("exclusiveMinimum", max)
    high = merged.number("maximum", min)
    xhigh = merged.number("exclusiveMaximum", min)
    if math.inf in (low, xlow) or -math.inf in (high, xhigh):
        return None
    low, xlow = (None if v == -math.inf else v for v in (low, xlow))
    start: float = 0
    if low is not None:
        start = low
    if xlow is not None and (low is None or xlow >= low):
        start = xlow + 1 if kind == "integer" else xlow + 0.5
    if kind == "integer":
        start = int(-(-start // 1))
    multiple = merged.number("multipleOf", max)
    if multiple is not None and not (0 < multiple < math.inf):
        return None  # multipleOf must be a positive number; jsonschema decides the rest
    if multiple:
        start = -(-start // multiple) * multiple
    for value in (start, start + (multiple or 1)):
        if (high is None or value <= high) and (xhigh is None or value < xhigh):
            return value
    return None


# --- The question ---------------------------------------------------------------------------------


@dataclass
class Verdict:
    """Whether a form is possible; ``example`` proves it. ``None`` holds means undecided."""

    holds: bool | None
    example: Any = None
    unmodelled: tuple[str, ...] = ()
    rejected: int = 0  # candidates that the structure admitted and jsonschema did not
    why_open: str = "search cut short"  # why an undecided verdict is undecided

    @property
    def decided_by(self) -> str:
        if self.holds is None:
            return f"undecided ({self.why_open})"
        if self.unmodelled or self.rejected:
            detail = f" ({', '.join(self.unmodelled)})" if self.unmodelled else ""
            return "example search" + detail
        return "example" if self.holds else "structure"


def has_form(body: Any, path: tuple[str, ...], form: Form) -> bool:
    """Does ``body`` leave out, null or empty the field at ``path``? (Independent of schemas.)

    Empty is `[]`, `{}` or `""` at the field, or `[]` at an array on its path: an empty
    parent list sends the field in no element at all."""
    if not path:
        if form is Form.NULL:
            return body is None
        return form is Form.EMPTY and (body == "" or
                                       (isinstance(body, (list, dict)) and len(body) == 0))
    step, rest = path[0], path[1:]
    if step == ITEMS:
        if form is Form.EMPTY and body == []:  # an empty list on the path: no element has it
            return True
        return isinstance(body, list) and any(
            (form is Form.NULL and e is None) or has_form(e, rest, form) for e in body)
    if not isinstance(body, dict):
        return False
    if step not in body:
        return form is Form.ABSENT
    if form is Form.NULL and body[step] is None:  # the field, or a parent of it, is null
        return True
    return has_form(body[step], rest, form)


def decide(schema: dict, path: tuple[str, ...], form: Form, is_valid: Any,
           budget: int = 20000) -> Verdict:
    """Search for a body valid under ``schema`` with the field at ``path`` in ``form``."""
    ctx = Context(schema, budget=min(budget, SpecBudget.left))
    try:
        return _decide(ctx, path, form, is_valid)
    finally:
        SpecBudget.spend(ctx)


class SpecBudget:
    """Search steps left for the spec being analysed, across all its fields and forms: one
    field's budget bounds one question, this bounds them all (1,000 critical fields of a
    hostile body times three forms would otherwise be 60 million steps). Reset per spec by
    ``new_spec``; real specs use a small fraction of it."""

    STEPS = 1_000_000
    left = STEPS
    used = 0  # in this process, for benchmarks

    @classmethod
    def spend(cls, ctx: Context) -> None:
        used = min(ctx.budget_given, ctx.budget_given - ctx.budget)
        cls.left = max(0, cls.left - used)
        cls.used += used


def new_spec() -> None:
    """Start the budgets of a new spec (the example search's, and jsonschema's)."""
    SpecBudget.left = SpecBudget.STEPS
    patterns.new_spec()


def _decide(ctx: Context, path: tuple[str, ...], form: Form, is_valid: Any) -> Verdict:
    rejected = 0
    for body in candidates([ctx.root], Goal(form, path), ctx):
        if not has_form(body, path, form):
            continue
        valid = is_valid(body)
        if valid is None:  # jsonschema could not answer within its bounds: no proof either way
            ctx.incomplete = True
            ctx.oracle_why = getattr(is_valid, "why", "") or "validation cut short"
            continue
        if valid:
            return Verdict(True, body, tuple(sorted(ctx.unmodelled)), rejected)
        rejected += 1
        if rejected > 200:
            ctx.incomplete = True
            break
    unmodelled = tuple(sorted(ctx.unmodelled))
    if ctx.incomplete:
        return Verdict(None, None, unmodelled, rejected, _why_open(ctx))
    if rejected and unmodelled and not _conditions_name(ctx.root, path):
        # jsonschema refused every body built, and the schema has keywords the search does
        # not build for (a sibling's `minProperties`, `contains`, `if`/`then`...): the refusal
        # may be theirs, not the field's. "Cannot be omitted" would be a silent pass. (When a
        # condition requires the field itself - `then: {required: [snis]}` - it is the field's.)
        return Verdict(None, None, unmodelled, rejected,
                       f"every body built was refused, and the search does not build for "
                       f"{', '.join(unmodelled)}")
    # Every branch combination was either ruled out by structure or searched to the end,
    # and jsonschema accepted none of the bodies built for it.
    return Verdict(False, None, unmodelled, rejected)


_CONDITIONS = ("if", "then", "else", "not", "dependentSchemas", "dependentRequired")


def _conditions_name(root: dict, path: tuple[str, ...]) -> bool:
    """Does a conditional keyword anywhere in the schema name the field, or a parent of it, in a
    `required` (under `if`/`then`/`else`/`not`/`dependentSchemas`) or a `dependentRequired`
    list? Then a refusal is plausibly about the field, and "cannot" stands."""
    names = {step for step in path if step != ITEMS}
    if not names:
        return False
    stack: list[tuple[Any, bool]] = [(root, False)]
    seen = 0
    while stack and seen < 100_000:  # bounded: the schema is bundled, its size is the spec's
        node, conditional = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend((item, conditional) for item in node)
        elif isinstance(node, dict):
            required = node.get("required")
            if conditional and isinstance(required, list) and names & set(map(str, required)):
                return True
            depends = node.get("dependentRequired")
            if isinstance(depends, dict) and any(
                    isinstance(v, list) and names & set(map(str, v)) for v in depends.values()):
                return True
            for key, value in node.items():
                stack.append((value, conditional or key in _CONDITIONS))
    return False


def _why_open(ctx: Context) -> str:
    if ctx.capped:
        return f"an example would exceed {MAX_EXAMPLE_SIZE:,} characters or elements"
    if ctx.unknown_pattern:
        return patterns.PatternUnknown.reason
    if ctx.budget_given < 1:
        return "the spec's whole search budget is spent"
    return ctx.oracle_why or "search cut short"
