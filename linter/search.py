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
import re

try:
    import re._parser as _regex_parser  # Python 3.11 and later
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser  # type: ignore[no-redef]
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

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


@dataclass
class Context:
    """Budget and bookkeeping of one search."""

    root: dict
    budget: int = 20000
    incomplete: bool = False
    unmodelled: set[str] = field(default_factory=set)

    def spend(self) -> bool:
        self.budget -= 1
        if self.budget < 0:
            self.incomplete = True
            return False
        return True

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
    for count, term in enumerate(_terms(tuple(schemas), (), frozenset(), ctx), start=1):
        if count > MAX_TERMS:
            ctx.incomplete = True
            return
        yield list(term)


def _terms(pending: tuple, atoms: tuple, refs: frozenset, ctx: Context) -> Iterator[tuple]:
    if not pending:
        yield atoms
        return
    schema, rest = pending[0], pending[1:]
    if schema is True or not isinstance(schema, (dict, bool)):
        yield from _terms(rest, atoms, refs, ctx)
        return
    if schema is False:
        return
    extra: list[Any] = []
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref not in refs:  # A and A is A: a repeated ref adds nothing
        refs = refs | {ref}
        extra.append(ctx.resolve(ref))
    extra.extend(_list(schema.get("allOf")))
    choices = [branches for key in ("anyOf", "oneOf")
               if (branches := _list(schema.get(key)))]
    for combo in itertools.product(*choices):
        yield from _terms(tuple(extra) + combo + rest, (*atoms, schema), refs, ctx)


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
                enum = _intersect(enum, [atom["const"]])
            if isinstance(atom.get("enum"), list):
                enum = _intersect(enum, atom["enum"])
            required.update(r for r in _list(atom.get("required")) if isinstance(r, str))
            read_only = read_only or atom.get("readOnly") is True
            ctx.unmodelled.update(k for k in UNMODELLED if k in atom)
        if enum is not None:
            enum = [v for v in enum if _type_of(v) in types]
            if not enum:
                return None
        if not types:
            return None
        return cls(atoms, types, enum, required, read_only)

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
                    if _search(pattern, name):
                        out.append(sub)
                        matched = True
            if not matched and "additionalProperties" in atom:
                out.append(atom["additionalProperties"])
        return out

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
        values = [a[key] for a in self.atoms
                  if isinstance(a.get(key), (int, float)) and not isinstance(a.get(key), bool)]
        return pick(values) if values else None


def _intersect(current: list[Any] | None, values: list[Any]) -> list[Any]:
    if current is None:
        return list(values)
    return [v for v in current if any(_same(v, w) for w in values)]


def _same(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (
        _type_of(a) in ("integer", "number") and _type_of(b) in ("integer", "number") and a == b)


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


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


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
        if merged.allows("array") and (merged.number("minItems", max) or 0) <= 0:
            yield []
        if merged.allows("object") and not merged.required:
            yield {}


def _array_towards(merged: Merged, goal: Goal, ctx: Context, depth: int) -> Iterator[Any]:
    if not merged.allows("array") or (merged.number("maxItems", min) or 1) < 1:
        return
    items = merged.item_schemas()
    elements: Iterator[Any]
    if goal.form is Form.NULL and len(goal.path) > 1:
        elements = itertools.chain(
            candidates(items, Goal(Form.NULL, ()), ctx, depth + 1),
            candidates(items, goal.rest(), ctx, depth + 1))
    else:
        elements = candidates(items, goal.rest(), ctx, depth + 1)
    padding = max(0, int(merged.number("minItems", max) or 0) - 1)
    filler = list(itertools.islice(candidates(items, None, ctx, depth + 1, explore=False), 1)) \
        if padding else []
    if padding and not filler:
        return
    for element in itertools.islice(elements, VALUES_PER_SLOT):
        if ctx.spend():
            yield [element] + filler * padding


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
        if any(k in atom for atom in atoms for k in UNMODELLED):
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
    low = int(merged.number("minItems", max) or 0)
    high = merged.number("maxItems", min)
    if high is not None and high < low:
        return
    if low == 0:
        yield []
    items = merged.item_schemas()
    if high is not None and high < max(low, 1):
        return
    for element in itertools.islice(candidates(items, None, ctx, depth + 1, False, trail), 2):
        yield [element] * max(low, 1)


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
    low = int(merged.number("minLength", max) or 0)
    high = merged.number("maxLength", min)
    formats = [a["format"] for a in merged.atoms if isinstance(a.get("format"), str)]
    patterns = [a["pattern"] for a in merged.atoms if isinstance(a.get("pattern"), str)]
    pool = [_FORMAT_SAMPLES[f] for f in formats if f in _FORMAT_SAMPLES]
    pool += ["a" * max(low, 1), "example", "A1", "0"]
    if patterns:
        pool += [s for s in (_from_pattern(p) for p in patterns) if s is not None]
    for text in pool:
        if len(text) < low or (high is not None and len(text) > high):
            continue
        if all(_search(p, text) for p in patterns):
            yield text
            return
    ctx.incomplete = True  # no string found, which proves nothing


@functools.lru_cache(maxsize=512)
def _from_pattern(pattern: str) -> str | None:
    """A string matching a regex: the shortest one the regex's own parse tree spells out,
    else one from hypothesis.

    The parse tree covers the patterns specs use (literals, classes, repeats, groups,
    alternatives, anchors) and costs microseconds; importing hypothesis costs 0.2 s, a third
    of a run on GitHub's description, so it is imported only for a pattern the tree cannot
    spell (look-arounds, back-references). Callers check the string against the pattern.
    """
    text = _spelled(pattern)
    if text is not None and _search(pattern, text):
        return text
    return _from_hypothesis(pattern)


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


def _spelled(pattern: str) -> str | None:
    try:
        return _spell(_regex_parser.parse(pattern))
    except Exception:  # a dialect Python's re does not read
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
    return "".join(out)


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
    low = merged.number("minimum", max)
    xlow = merged.number("exclusiveMinimum", max)
    high = merged.number("maximum", min)
    xhigh = merged.number("exclusiveMaximum", min)
    start: float = 0
    if low is not None:
        start = low
    if xlow is not None and (low is None or xlow >= low):
        start = xlow + 1 if kind == "integer" else xlow + 0.5
    if kind == "integer":
        start = int(-(-start // 1))
    multiple = merged.number("multipleOf", max)
    if multiple:
        start = -(-start // multiple) * multiple
    for value in (start, start + (multiple or 1)):
        if (high is None or value <= high) and (xhigh is None or value < xhigh):
            yield value
            return
    ctx.incomplete = True


# --- The question ---------------------------------------------------------------------------------


@dataclass
class Verdict:
    """Whether a form is possible; ``example`` proves it. ``None`` holds means undecided."""

    holds: bool | None
    example: Any = None
    unmodelled: tuple[str, ...] = ()
    rejected: int = 0  # candidates that the structure admitted and jsonschema did not

    @property
    def decided_by(self) -> str:
        if self.holds is None:
            return "undecided (search cut short)"
        if self.unmodelled or self.rejected:
            detail = f" ({', '.join(self.unmodelled)})" if self.unmodelled else ""
            return "example search" + detail
        return "example" if self.holds else "structure"


def has_form(body: Any, path: tuple[str, ...], form: Form) -> bool:
    """Does ``body`` leave out, null or empty the field at ``path``? (Independent of schemas.)"""
    if not path:
        if form is Form.NULL:
            return body is None
        return form is Form.EMPTY and isinstance(body, (list, dict)) and len(body) == 0
    step, rest = path[0], path[1:]
    if step == ITEMS:
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
    ctx = Context(schema, budget=budget)
    rejected = 0
    for body in candidates([schema], Goal(form, path), ctx):
        if not has_form(body, path, form):
            continue
        if is_valid(body):
            return Verdict(True, body, tuple(sorted(ctx.unmodelled)), rejected)
        rejected += 1
        if rejected > 200:
            ctx.incomplete = True
            break
    unmodelled = tuple(sorted(ctx.unmodelled))
    if ctx.incomplete:
        return Verdict(None, None, unmodelled, rejected)
    # Every branch combination was either ruled out by structure or searched to the end,
    # and jsonschema accepted none of the bodies built for it.
    return Verdict(False, None, unmodelled, rejected)
