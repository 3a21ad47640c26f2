"""One request schema as a self-contained, normalised JSON Schema 2020-12 document.

OpenAPI 2.0, 3.0 and 3.1 schemas differ in small ways that matter to the verdicts (`nullable`,
`x-nullable`, boolean `exclusiveMinimum`, tuple `items`, required `readOnly` properties).
Normalising once means the analysis, the example search and the jsonschema oracle all reason
about the same schema. Every `$ref` target (in any file) becomes an entry of `$defs`, so
recursive schemas stay finite, and each normalised node remembers where its source was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linter.errors import PutlintError
from linter.refs import Loc, Workspace
from linter.vocab import SCHEMA_ANNOTATIONS, near_annotation

if TYPE_CHECKING:
    from linter.critical import CriticalName

# Keywords whose value is one schema.
_ONE = ("additionalProperties", "additionalItems", "not", "contains", "propertyNames",
        "if", "then", "else", "unevaluatedProperties", "unevaluatedItems")
# Keywords whose value is a list of schemas.
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
# Keywords whose value maps names to schemas.
_MAP = ("properties", "patternProperties", "dependentSchemas")
# Assertions and annotations copied as they are.
_PLAIN = ("type", "enum", "const", "required", "minItems", "maxItems", "uniqueItems",
          "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "format",
          "minimum", "maximum", "multipleOf", "dependentRequired", "minContains",
          "maxContains", "readOnly", "writeOnly", "default",
          "example", "examples")  # data, for the set-up bodies probe sends (bodies.py)
# putlint's own schema extensions travel with the schema (declared in vocab.ANNOTATIONS).
OWN_EXTENSIONS = SCHEMA_ANNOTATIONS
# A Swagger 2.0 parameter used as a schema (formData) carries these non-schema fields.
_PARAMETER_FIELDS = ("in", "name", "required", "allowEmptyValue", "collectionFormat")
# Keywords whose subschema is a test (its failure matters), not a description of a value:
# a schema there keeps JSON Schema's meaning, so that `not: {...}` is not turned inside out.
_TESTS = ("not", "if", "contains", "propertyNames")
# Keywords through which a schema takes its type from other schemas.
_COMPOSED = ("$ref", "allOf", "anyOf", "oneOf")
# What a Swagger 2.0 / OpenAPI 3.0 schema without `type` becomes: any value but null. The
# search reads this exact subschema as "null excluded" (search._excludes_null); jsonschema reads
# it as written, so the example search and the oracle agree.
NOT_NULL = {"type": "null"}
# Keywords whose malformed value would change a verdict: each is checked, said at its place and
# read the way that finds a problem rather than hides one (_State._well_formed).
_FLAGS = ("nullable", "x-nullable", "readOnly", "writeOnly")
_COUNTS = ("minItems", "minLength", "minProperties")
_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")
# YAML 1.1 spellings (PyYAML, SnakeYAML and go-yaml v2 read them as booleans; YAML 1.2 as
# strings): a flag written so means what those loaders read.
_YES = ("true", "yes", "y", "on")
_NO = ("false", "no", "n", "off")
_DROP = object()  # a keyword read as absent


@dataclass
class Bundle:
    schema: dict
    origin: dict[int, Loc] = field(default_factory=dict)
    # OpenAPI `discriminator`s: id of a bundled node with `oneOf`/`anyOf` -> its property
    # name and, for each value of it, the branch (`#/$defs/dN`) that value selects.
    unions: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)
    # Nodes marked only by a `Schema.dotted.path` name: id -> (the key of the component the
    # name starts at, its steps). The mark holds where the body reaches the node that way.
    scoped: dict[int, tuple[tuple[str, tuple[str, ...]], tuple[str, ...]]] = field(
        default_factory=dict)

    def loc_of(self, node: Any) -> Loc | None:
        return self.origin.get(id(node))


class Bundler:
    """Bundles request schemas of one spec; external critical marks are injected by location."""

    def __init__(self, ws: Workspace, version: str,
                 marks: dict[tuple[str, tuple[str, ...]], CriticalName] | None = None,
                 keep: tuple[str, ...] = (),
                 scopes: dict[str, tuple[tuple[str, tuple[str, ...]], tuple[str, ...]]]
                 | None = None, declined: set | None = None) -> None:
        self.ws = ws
        self.version = version
        self.marks = marks or {}
        self.scopes = scopes or {}  # critical.scopes: where each dotted name applies
        # Locations of fields the config declines (`not-critical:`): marked `x-critical: false`
        # whatever the spec says there, so check and suggest read them as decided, not critical.
        self.declined = declined or set()
        # putlint's own extensions, and those a profile reads (`x-ms-secret`)
        self.keep = frozenset(OWN_EXTENSIONS) | frozenset(keep)
        # Every other `x-` key met (a profile hint looks for a family's prefix).
        self.extensions: set[str] = set()
        # The schema nodes a critical name marks (id of the bundled node -> the name), and
        # every node written with its own `x-critical` (id -> where): the pipeline compares
        # both with the critical fields the analysis really found, so that a mark that
        # reaches no field (on a body's root, on `items`, in `additionalProperties`) is said.
        self.named_nodes: dict[int, str] = {}
        self.own_marks: dict[int, Loc] = {}
        # `x-critcal` and other near misses of an annotation, and malformed keywords
        # (`required: snis`, `nullable: "true"`), keyed by where they stand.
        self.typos: dict[tuple[str, tuple[str, ...]], PutlintError] = {}

    def bundle(self, value: Any, loc: Loc) -> Bundle:
        state = _State(self, Bundle({}))
        root = state.normalise(value, loc)
        defs: dict[str, Any] = {}
        while state.queue:
            name, target_value, target_loc = state.queue.pop()
            defs[name] = state.normalise(target_value, target_loc)
        if isinstance(root, dict):
            schema = dict(root)
            state.bundle.origin[id(schema)] = loc
            if id(root) in state.bundle.unions:  # the copy is the union now
                state.bundle.unions[id(schema)] = state.bundle.unions.pop(id(root))
        else:  # a boolean schema at the root
            schema = {"allOf": [root]}
        if defs:
            schema["$defs"] = defs
        state.bundle.schema = schema
        _refuse_in_place_loops(state.bundle)
        return state.bundle


# Keywords that apply a schema to the very value being checked (not to a part of it).
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_MANY = ("allOf", "anyOf", "oneOf")


def _refuse_in_place_loops(bundle: Bundle) -> None:
    """A schema that reaches itself through `$ref` without descending into a property or an
    item (`L: {if: {$ref: L}}`, `A: {allOf: [{$ref: A}]}`) applies itself to the same value
    without end: every validator recurses until it fails (jsonschema's failure surfaced as a
    Rust panic from a dependency). Such a schema validates nothing; it is an input error."""
    defs = bundle.schema.get("$defs", {})
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for start in [bundle.schema, *defs.values()]:
        if not isinstance(start, dict) or id(start) in state:
            continue
        stack: list[tuple[dict, Iterator[Any]]] = [(start, _in_place(start, defs))]
        state[id(start)] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[id(node)] = 2
                stack.pop()
            elif state.get(id(child)) == 1:
                loc = bundle.loc_of(child) or bundle.loc_of(node)
                raise PutlintError(
                    "$ref loop through allOf/anyOf/oneOf/not/if/then/else: the schema applies "
                    "itself to the same value without end", loc.place() if loc else None)
            elif id(child) not in state:
                state[id(child)] = 1
                stack.append((child, _in_place(child, defs)))


def _in_place(node: dict, defs: dict) -> Iterator[dict]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = defs.get(ref[len("#/$defs/"):])
        if isinstance(target, dict):
            yield target
    for key in _IN_PLACE_ONE:
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in _IN_PLACE_MANY:
        for sub in node.get(key) or ():
            if isinstance(sub, dict):
                yield sub
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, dict):
        yield from (sub for sub in dependent.values() if isinstance(sub, dict))


class _State:
    def __init__(self, bundler: Bundler, bundle: Bundle) -> None:
        self.bundler = bundler
        self.bundle = bundle
        self.def_names: dict[tuple[str, tuple[str, ...]], str] = {}
        self.queue: list[tuple[str, Any, Loc]] = []
        self.memo: dict[int, Any] = {}
        # "#/$defs/dN" -> the raw schema it stands for, to look through refs before it is built.
        self.def_sources: dict[str, Any] = {}
        self.def_locs: dict[str, Loc] = {}  # "#/$defs/dN" -> where its schema was written

    def ref(self, target: Loc) -> dict:
        key = target.key
        name = self.def_names.get(key)
        if name is None:
            name = self.def_names[key] = f"d{len(self.def_names)}"
            raw = self.bundler.ws.get(target)
            self.bundler.ws.deref(raw, target)  # a chain of bare $refs that loops is an error
            self.queue.append((name, raw, target))
            self.def_sources[f"#/$defs/{name}"] = raw
            self.def_locs[f"#/$defs/{name}"] = target
        return {"$ref": f"#/$defs/{name}"}

    def normalise(self, value: Any, loc: Loc, test: bool = False) -> Any:
        """The 2020-12 form of one schema; ``test`` is true under `not`, `if`, `contains`
        and `propertyNames`, where a schema is a condition rather than a value's schema."""
        if isinstance(value, Loc):  # a reference resolved by the model (form parameters)
            out = self.ref(value)
            self.bundle.origin[id(out)] = value
            return out
        if isinstance(value, bool):
            return value
        if not isinstance(value, dict):
            return {}  # not a schema: constrains nothing
        if id(value) in self.memo:  # YAML aliases share nodes: keep them shared
            return self.memo[id(value)]
        out: dict[str, Any] = {}
        self.memo[id(value)] = out
        self.bundle.origin[id(out)] = loc
        version = self.bundler.version
        is_parameter = "in" in value and isinstance(value.get("required"), bool)
        flags = {key: self._flag(key, value[key], loc) for key in _FLAGS if key in value}
        for key, sub in value.items():
            if is_parameter and key in _PARAMETER_FIELDS:
                continue
            if key in ("type", "required", *_COUNTS):
                sub = self._well_formed(key, sub, loc)
                if sub is _DROP:
                    continue
            if key in flags:
                sub = flags[key]
            if key == "$ref":
                out.update(self.ref(self.bundler.ws.resolve(sub, loc.child("$ref"))))
            elif key in _MAP and isinstance(sub, dict):
                # The map itself may be a $ref (DigitalOcean: `properties: {$ref: ...}`): a
                # map of schemas, not a property named `$ref` - which a schema may have
                # (Kubernetes' JSONSchemaProps): then its value is a schema, not a string.
                map_loc = loc.child(key)
                if isinstance(sub.get("$ref"), str):
                    sub, map_loc = self.bundler.ws.deref(sub, map_loc)
                if isinstance(sub, dict):
                    out[key] = {str(n): self.normalise(s, map_loc.child(n))
                                for n, s in sub.items()}
            elif key in _MANY and isinstance(sub, list):
                out[key] = [self.normalise(s, loc.child(key, i)) for i, s in enumerate(sub)]
            elif key in _ONE:
                out[key] = self.normalise(sub, loc.child(key), test=key in _TESTS)
            elif key == "items":
                if isinstance(sub, list):  # draft-4 tuple form
                    out["prefixItems"] = [self.normalise(s, loc.child(key, i))
                                          for i, s in enumerate(sub)]
                else:
                    out["items"] = self.normalise(sub, loc.child(key))
            elif key in ("exclusiveMinimum", "exclusiveMaximum"):
                self._exclusive(out, key, sub, value)
            elif key == "type":
                if sub == "file" and version == "2.0":
                    continue
                out[key] = sub
            elif key in _PLAIN or key in self.bundler.keep:
                out[key] = sub
            elif isinstance(key, str) and key.startswith("x-"):
                self.bundler.extensions.add(key)
                self._typo(key, loc)
        self._drop_read_only_required(out)
        self._discriminator(value, out, loc)
        if not test and version in ("2.0", "3.0") and _takes_no_null(value):
            if _describes_an_object(value):
                out["type"] = "object"
            else:
                _exclude_null(out)
        if loc.key in self.bundler.declined:
            out["x-critical"] = False
        elif value.get("x-critical", False) is not False:
            self.bundler.own_marks[id(out)] = loc
        name = self.bundler.marks.get(loc.key)
        if name is not None:
            self.bundler.named_nodes[id(out)] = name.name
            mark = name.mark_over(value.get("x-critical"))
            if mark is not None:
                out["x-critical"] = mark
            scope = self.bundler.scopes.get(name.name)
            if scope is not None and value.get("x-critical", False) is False:
                self.bundle.scoped[id(out)] = scope
        if flags.get("nullable") is True or flags.get("x-nullable") is True:
            # OpenAPI 3.0 `nullable` (and 2.0 `x-nullable`) admit null whatever else the schema
            # says. Kong's 3.1 spec uses it too; the author's intent is honoured in every version.
            wrapper = {"anyOf": [out, {"type": "null"}]}
            self.bundle.origin[id(wrapper)] = loc
            self.memo[id(value)] = wrapper
            return wrapper
        return out

    def _discriminator(self, value: dict, out: dict, loc: Loc) -> None:
        """Record which branch each value of an OpenAPI `discriminator` selects: its `mapping`
        (a `$ref` or a schema name), else the name of each branch's component schema."""
        spec = value.get("discriminator")
        if self.bundler.version == "2.0" or not isinstance(spec, dict):
            return  # Swagger 2.0's discriminator (a property name) has no oneOf: nothing to pick
        name = spec.get("propertyName")
        branches = [b for key in ("oneOf", "anyOf") for b in out.get(key) or ()]
        if not isinstance(name, str) or not branches:
            return
        selects: dict[str, str] = {}
        for branch in branches:  # implicit values: the component names of the branches
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            target = self.def_locs.get(ref) if isinstance(ref, str) else None
            if target is not None and target.pointer[:-1] in (("components", "schemas"),
                                                              ("definitions",)):
                selects[target.pointer[-1]] = ref
        mapping = spec.get("mapping")
        for key, target in (mapping.items() if isinstance(mapping, dict) else ()):
            if not isinstance(target, str):
                continue
            if "#" not in target and "/" not in target and not target.endswith((".json", ".yaml")):
                target = f"#/components/schemas/{target}"  # a bare schema name
            try:
                where = self.bundler.ws.resolve(target, loc.child("discriminator", "mapping",
                                                                  str(key)))
            except PutlintError:
                continue  # a mapping to nothing names no branch; the spec's validator says so
            selects[str(key)] = self.ref(where)["$ref"]
        self.bundle.unions[id(out)] = (name, selects)

    def _flag(self, key: str, value: Any, loc: Loc) -> bool:
        """A boolean keyword's value; any other value is said, and read as its YAML 1.1
        spelling means (`yes`, `"true"`), else as true: true is the reading that finds a
        problem (null admitted, a field that cannot be sent)."""
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower() if isinstance(value, (str, int)) else None
        reading = _flag_reading(value)
        said = "false" if not reading else "true"
        why = "what the word says" if word in (*_YES, *_NO) else \
            "the reading that hides no finding"
        self._said(key, loc, f"{key} must be true or false, not {value!r}; putlint reads it "
                             f"as {said} ({why})")
        return reading

    def _well_formed(self, key: str, value: Any, loc: Loc) -> Any:
        """The value of `type`, `required` or a minimum count as putlint reads it: a malformed
        one is said at its place and read as absent (`required: snis` requires nothing,
        `minItems: "1"` allows an empty array, `type: strng` allows any value), so that it
        can only add findings, never hide one."""
        if key == "required":
            if isinstance(value, list) and all(isinstance(n, str) for n in value):
                return value
            expected = "a list of property names (required: [a, b])"
        elif key == "type":
            names = value if isinstance(value, list) else [value]
            known = (*_TYPES, "file") if self.bundler.version == "2.0" else _TYPES
            if names and all(isinstance(n, str) and n in known for n in names):
                return value
            expected = f"one of {', '.join(known)} (or a list of them)"
        else:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
            if isinstance(value, float) and value.is_integer() and value >= 0:
                return int(value)
            expected = "a non-negative integer"
        self._said(key, loc, f"{key} must be {expected}, not {value!r}; putlint reads it "
                             "as absent")
        return _DROP

    def _said(self, key: str, loc: Loc, message: str) -> None:
        where = loc.child(key)
        self.bundler.typos.setdefault(where.key, PutlintError(message, where.place()))

    def _typo(self, key: str, loc: Loc) -> None:
        intended = near_annotation(key)
        if intended is not None:
            where = loc.child(key)
            self.bundler.typos.setdefault(where.key, PutlintError(
                f"'{key}' is not an extension putlint reads; did you mean '{intended}'?",
                where.place()))

    @staticmethod
    def _exclusive(out: dict, key: str, sub: Any, value: dict) -> None:
        if isinstance(sub, bool):  # draft-4 / OpenAPI 3.0 form: a flag on minimum/maximum
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if sub and isinstance(value.get(bound), (int, float)):
                out[key] = value[bound]
                out.pop(bound, None)
            return
        out[key] = sub

    def _drop_read_only_required(self, out: dict) -> None:
        """A required readOnly property is not required in a request (OpenAPI 3.0 rule)."""
        required = out.get("required")
        properties = out.get("properties")
        if not isinstance(required, list) or not isinstance(properties, dict):
            return
        kept = [name for name in required
                if not (isinstance(name, str) and self._is_read_only(properties.get(name)))]
        if len(kept) != len(required):
            out["required"] = kept

    def _is_read_only(self, schema: Any, depth: int = 0) -> bool:
        if not isinstance(schema, dict) or depth > 16:
            return False
        if "readOnly" in schema and _flag_reading(schema["readOnly"]):
            return True  # a malformed readOnly reads as normalise reads it (_flag)
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref in self.def_sources:
            return self._is_read_only(self.def_sources[ref], depth + 1)
        return any(self._is_read_only(s, depth + 1) for s in schema.get("allOf", []))


def _flag_reading(value: Any) -> bool:
    """What a boolean keyword's value means to putlint: itself, a YAML 1.1 word for false
    (`no`, `off`, `"false"`) or 0 as false, any other value as true."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    return not (word in _NO or word == "0")


def _takes_no_null(value: dict) -> bool:
    """Is this Swagger 2.0 / OpenAPI 3.0 schema one that admits no null of its own?

    Those versions have no null type: a value may be null only where `nullable: true` (3.0)
    or `x-nullable: true` (2.0, as AutoRest reads it) says so - the reading of every mainstream
    code generator and of AutoRest, even without a `type` (`properties` alone, `{}`). A schema
    made of others (`$ref`, `allOf`/`anyOf`/`oneOf`) takes its answer from them instead, so a
    nullable schema reached through `$ref` or `allOf` stays nullable. (OpenAPI 3.1 is JSON
    Schema: there a schema without `type` admits null, and is left as written.)
    """
    return "type" not in value and not any(key in value for key in _COMPOSED)


# Keywords that describe only objects, and keywords that describe any other type.
_OBJECT_WORDS = ("properties", "additionalProperties", "patternProperties", "required",
                 "minProperties", "maxProperties")
_OTHER_WORDS = ("items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength",
                "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
                "exclusiveMaximum", "multipleOf", "enum", "const")


def _describes_an_object(value: dict) -> bool:
    """A 2.0/3.0 schema without `type` whose keywords all describe objects (`properties`,
    `required`, ...) is an object, as AutoRest and the code generators read it (Azure's
    `VaultProperties` is `properties` alone). JSON Schema would let `[]` or `"a"` through it,
    and putlint said "`properties` can be sent empty; add minItems: 1" of a vault's
    `properties` object. In 3.1 (JSON Schema) such a schema stays as written."""
    return any(key in value for key in _OBJECT_WORDS) and \
        not any(key in value for key in _OTHER_WORDS)


def _exclude_null(out: dict) -> None:
    if "not" not in out:
        out["not"] = dict(NOT_NULL)
    else:  # the schema has a `not` of its own; it has no `allOf` (else it would be composed)
        out["allOf"] = [{"not": dict(NOT_NULL)}]


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
