"""Facts per (operation, media type, critical field): omittable, nullable, emptiable, read-only.

Rules never look at schemas; they read these facts. The facts come from a bundled request
schema (bundle.py) and the example search (search.py), whose every positive answer is a body
that jsonschema accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from linter.bundle import Bundle, closure
from linter.discriminator import unions_on, witness_filter
from linter.errors import PutlintError
from linter.facts import CriticalField, FieldFacts, Mark
from linter.profiles import NONE, Profile
from linter.refs import Loc
from linter.search import ITEMS, Form, decide
from linter.vocab import CONTRACT_CHOICES, CONTRACT_KEY_NAMES, contract_attr

MAX_CRITICAL_PATHS = 1000


def parse_mark(value: Any, where: Loc | None = None) -> Mark | None:
    """`true`, `false` or a contract object; None when the value says "not critical".

    Anything else is an input error: `'true'`, `yes` (a string in YAML 1.2), `1` or a list
    would otherwise leave the field unguarded without a word.
    """
    if isinstance(value, Mark):  # a contract the configuration gave (critical.py)
        return value
    if value is True:
        return Mark()
    if value is False:
        return None
    place = where.child("x-critical").place() if where else None
    if not isinstance(value, dict):
        raise PutlintError(f"x-critical must be true, false or a contract object such as "
                           f"{{on-omit: reject}}, not {_shown(value)}", place)
    unknown = [str(k) for k in value if k not in CONTRACT_KEY_NAMES]
    if unknown:
        raise PutlintError(f"x-critical has an unknown key '{unknown[0]}' (known: "
                           f"{', '.join(CONTRACT_KEY_NAMES)})", place)
    values: dict[str, Any] = {}
    for key in CONTRACT_CHOICES:
        given = value.get(key.name, key.default)
        if given not in key.values:
            raise PutlintError(f"x-critical {key.name} must be one of {', '.join(key.values)}, "
                               f"not {_shown(given)}", place)
        values[contract_attr(key.name)] = given
    reason = value.get("reason")
    stated = frozenset(k for k in value if k in CONTRACT_KEY_NAMES and k != "reason")
    return Mark(reason=str(reason) if reason is not None else None, stated=stated, **values)


def _shown(value: Any) -> str:
    """A spec value as a message quotes it: its YAML-ish spelling, kept short."""
    text = repr(value) if isinstance(value, str) else str(value).lower() \
        if isinstance(value, bool) or value is None else str(value)
    if value is None:
        text = "null"
    return text if len(text) <= 40 else text[:37] + "..."


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
        if _in_scope(f, bundle):
            unique.setdefault(f.path, f)
    return list(unique.values())


def _in_scope(f: CriticalField, bundle: Bundle) -> bool:
    """Does the body reach a field marked by a dotted name the way the name says: through
    the component it starts at, then its steps? (critical.scopes.) When that cannot be told,
    the mark holds."""
    scope = bundle.scoped.get(id(f.mark_node))
    if scope is None:
        return True
    component, steps = scope
    named = [i for i, step in enumerate(f.path) if step != ITEMS]
    if len(named) < len(steps) or [f.path[i] for i in named[-len(steps):]] != list(steps):
        return False
    start = named[-len(steps)]
    if start == 0:
        parent = bundle.schema
    elif f.path[start - 1] == ITEMS:  # an array's items: the array's schema, looked into
        parent = f.entries[start - 2] if start >= 2 else bundle.schema
        parents = [part["items"] for part in closure(parent, bundle.schema) if "items" in part]
        return any(_made_of(p, component, bundle) for p in parents)
    else:
        parent = f.entries[start - 1]
    return _made_of(parent, component, bundle)


def _made_of(node: Any, component: tuple[str, tuple[str, ...]], bundle: Bundle) -> bool:
    for part in closure(node, bundle.schema):
        loc = bundle.loc_of(part)
        if loc is not None and loc.key == component:
            return True
    return False


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


def validator_for(schema: dict, formats: bool = False) -> Callable[[Any], bool | None]:
    """A jsonschema 2020-12 validity check; a schema jsonschema cannot use accepts nothing.

    ``formats`` also checks `format` (generated bodies must be real uuids and dates; the
    contract analysis treats `format` as jsonschema does by default, as an annotation).
    Bounded (linter.patterns.checker): None when the answer cannot be had within the bounds;
    the analysis (no formats) draws on the spec's budget, generated bodies only on their own.
    """
    from linter.patterns import checker

    return checker(schema, formats, per_spec=not formats)  # type: ignore[no-any-return]


def field_facts(bundle: Bundle, profile: Profile = NONE,
                memo: dict | None = None) -> list[FieldFacts]:
    """The facts of each critical field. ``memo`` (the language server's, kept between runs)
    remembers the verdicts of each bundled schema by its content, so a schema an edit did not
    change is not searched again."""
    fields = critical_fields(bundle)
    if not fields:
        return []
    known: dict | None = None
    if memo is not None:
        import json

        # The discriminators live beside the schema (bundle.unions) and change verdicts too.
        key = json.dumps([bundle.schema, sorted(map(str, bundle.unions.values()))],
                         sort_keys=True, default=str)
        known = memo.setdefault(key, {})
    is_valid = None
    out = []
    for f in fields:
        kept = kept_why(f.entries[-1], bundle.schema, profile)
        if kept is not None:  # preserved by the API's convention, whatever the mark says
            f = replace(f, mark=replace(f.mark, on_omit="preserve", note=kept))
        why = read_only_why(f.entries[-1], bundle.schema, profile)
        verdicts = known.get(f.path) if known is not None else None
        if verdicts is None:
            is_valid = is_valid or _built_when_asked(bundle.schema)
            check = _of_branches_with(f.path, bundle, is_valid)
            verdicts = {form: decide(bundle.schema, f.path, form, check) for form in Form}
            if known is not None:
                known[f.path] = verdicts
        out.append(FieldFacts(f, bundle, why is not None, verdicts[Form.ABSENT],
                              verdicts[Form.NULL], verdicts[Form.EMPTY], read_only_why=why,
                              kept_why=kept))
    return out


def _built_when_asked(schema: dict) -> Callable[[Any], bool | None]:
    """validator_for(schema), built on the first body the search asks about: a field the
    search decides from the schema alone (required, no null, minItems) asks about none, and
    a spec whose fields are all such is checked without importing jsonschema (0.04 s of a
    0.3 s start-up)."""
    built: list[Callable[[Any], bool | None]] = []

    def is_valid(body: Any) -> bool | None:
        if not built:
            built.append(validator_for(schema))
        answer = built[0](body)
        is_valid.why = getattr(built[0], "why", "")  # type: ignore[attr-defined]
        return answer

    is_valid.why = ""  # type: ignore[attr-defined]
    return is_valid


def _of_branches_with(path: tuple[str, ...], bundle: Bundle,
                      is_valid: Callable[[Any], bool | None]) -> Callable[[Any], bool | None]:
    """The witness check for one field: valid, and of a discriminated branch that has the
    field wherever a discriminator selects the branch (linter.discriminator)."""
    unions = unions_on(bundle, path)
    if not unions:
        return is_valid
    keep = witness_filter(unions)

    def check(body: Any) -> bool | None:
        return is_valid(body) if keep(body) else False
    return check


def read_only_why(entry: Any, root: dict, profile: Profile) -> str | None:
    """Why a request can never carry this property: `readOnly`, or the profile's extension
    that lists the operations a field may be sent in, without `update` (and without a value
    that says the PUT keeps it: kept_why)."""
    nodes = list(closure(entry, root))
    if any(n.get("readOnly") is True for n in nodes):
        return "readOnly"
    listed = _not_updatable(nodes, profile)
    if listed is not None and not set(listed) & set(profile.kept_when):
        return _listing(listed, profile)
    return None


def kept_why(entry: Any, root: dict, profile: Profile) -> str | None:
    """Why every PUT keeps this property whatever the body says: the profile's extension lists
    it as set at creation only (ARM's `x-ms-mutability: [create, read]`)."""
    listed = _not_updatable(list(closure(entry, root)), profile)
    if listed is None or not set(listed) & set(profile.kept_when):
        return None
    return f"{_listing(listed, profile)}: set at creation, kept by every later PUT " \
           f"(profile {profile.name})"


def _not_updatable(nodes: list[dict], profile: Profile) -> list[str] | None:
    """The profile extension's listing on the property when it leaves out `update`."""
    if profile.updatable is None:
        return None
    extension, value = profile.updatable
    for node in nodes:
        listed = node.get(extension)
        if isinstance(listed, list) and value not in listed:
            return [str(v) for v in listed]
    return None


def _listing(listed: list[str], profile: Profile) -> str:
    extension, value = profile.updatable  # type: ignore[misc]
    return f"{extension}: [{', '.join(listed)}], without {value}"
