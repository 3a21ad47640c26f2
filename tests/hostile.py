"""Hostile spec generators, each growing with a size: the tests run them through the console
script under CPU and memory limits, and benchmarks/hostile.py measures them up to the 64 MiB
input cap.

Every generator writes one file of about ``size`` bytes. Where the attack itself is small (a
`minLength` of 10^11), the spec is padded with a long description, so that each generator
covers the whole range of sizes; where it can grow (enums, branches, names, anchors), it grows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"


def spec(s: str, extra: str = "", pad: int = 0, head: str = HEAD) -> str:
    """`spec S` of the issue: PUT /c with a required field `s` of schema S (flow YAML) and a
    critical `snis`; ``extra`` goes at the end, ``pad`` characters of description pad it."""
    padding = f"x-pad: '{'p' * max(0, pad)}'\n" if pad > 0 else ""
    return (head + padding + "paths:\n  /c:\n    put:\n      requestBody:\n        required: true\n"
            "        content:\n          application/json:\n            schema:\n"
            "              type: object\n              required: [s]\n              properties:\n"
            f"                s: {s}\n"
            "                snis: {type: array, x-critical: true}\n"
            "      responses: {'400': {description: bad}}\n" + extra)


def padded(s: str, size: int, extra: str = "") -> str:
    base = spec(s, extra)
    return spec(s, extra, pad=size - len(base) - 10)


def _json_spec(schema: dict, size: int) -> str:
    data = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/c": {"put": {
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["s"], "properties": {
                "s": schema, "snis": {"type": "array", "x-critical": True}}}}}},
        "responses": {"400": {"description": "bad"}}}}}}
    text = json.dumps(data)
    data["x-pad"] = "p" * max(0, size - len(text) - 20)
    return json.dumps(data)


# --- the generators ---------------------------------------------------------------------------


def redos_pattern(size: int) -> str:
    """A backtracking pattern, with a `minLength` and a default that keep it busy."""
    k = max(32, size // 2)
    return padded("{type: string, minLength: 32, pattern: '^(a+)+b$', "
                  f"default: '{'a' * k}!'}}", size)


def redos_property_name(size: int) -> str:
    """`patternProperties` with a backtracking pattern and a long property name to match."""
    name = "a" * max(40, size // 3) + "!"
    return _json_spec({"type": "object", "required": [name],
                       "properties": {name: {"type": "string"}},
                       "patternProperties": {"^(a+)+$": {"type": "integer"}}}, size)


def branch_explosion(size: int) -> str:
    """allOf of many anyOf pairs, then `false`: every combination yields nothing."""
    count = max(40, size // 20)
    return spec("{allOf: [" + ", ".join(["{anyOf: [{}, {}]}"] * count) + ", false]}")


def enum_intersection(size: int) -> str:
    """Two large enums under allOf (pairwise intersection is quadratic)."""
    count = max(20_000, size // 19)
    first = list(range(count))
    second = list(range(count // 2, count + count // 2))
    return _json_spec({"allOf": [{"enum": first}, {"enum": second}]}, size)


def one_of_dag(size: int) -> str:
    """oneOf over the same schema, level after level: a validator that walks both branches of
    every level does 2^levels work."""
    levels = 40
    defs = "".join(f"    L{i}: {{oneOf: [{{$ref: '#/components/schemas/L{i + 1}'}}, "
                   f"{{$ref: '#/components/schemas/L{i + 1}'}}]}}\n" for i in range(levels))
    defs += f"    L{levels}: {{type: string}}\n"
    return padded("{$ref: '#/components/schemas/L0'}", size,
                  "components:\n  schemas:\n" + defs)


def huge_min_length(size: int) -> str:
    return padded("{type: string, minLength: 100000000000}", size)


def huge_min_items(size: int) -> str:
    return padded("{type: array, minItems: 300000000, items: {type: string}}", size)


def huge_repeat(size: int) -> str:
    return padded("{type: string, pattern: '^a{1500000000}$'}", size)


def nested_min_items(size: int) -> str:
    """Arrays of arrays of strings, each level at a million: small in text, 10^18 in value."""
    return padded("{type: array, minItems: 1000000, items: {type: array, minItems: 1000000, "
                  "items: {type: string, minLength: 1000000}}}", size)


def many_long_fields(size: int) -> str:
    """Many required fields, each a long string: the values together are past any cap."""
    count = max(100, size // 60)
    props = ", ".join(f"f{i}: {{type: string, minLength: 900000}}" for i in range(count))
    names = ", ".join(f"f{i}" for i in range(count))
    return spec(f"{{type: object, required: [{names}], properties: {{{props}}}}}")


def alias_bytes(size: int) -> str:
    """One big anchor used 300 times (few nodes, many bytes)."""
    anchor = "a" * max(1000, size - 4000)
    uses = "x-uses: [" + ", ".join(["*b"] * 300) + "]\n"
    return spec("{type: string}", f"x-big: &b \"{anchor}\"\n" + uses)


def alias_bytes_merge(size: int) -> str:
    """The same through PyYAML (a `<<` merge key sends the file there)."""
    anchor = "a" * max(1000, size - 4000)
    uses = "x-uses: [" + ", ".join(["*b"] * 300) + "]\n"
    return spec("{type: string}", f"x-big: &b \"{anchor}\"\nx-m: &m {{k: 1}}\n"
                "x-n: {<<: *m}\n" + uses)


def long_integer_json(size: int) -> str:
    return _json_spec({"type": "integer", "maximum": "DIGITS"}, size).replace(
        '"DIGITS"', "9" * 5000)


def long_integer_yaml(size: int) -> str:
    """On the PyYAML path (merge key)."""
    return padded("{type: integer, maximum: " + "9" * 5000 + "}", size,
                  "x-m: &m {k: 1}\nx-n: {<<: *m}\n")


def non_finite(size: int) -> str:
    return padded("{type: string, minLength: .inf, maxLength: .nan, pattern: '^a+$'}", size)


def huge_float_json(size: int) -> str:
    return _json_spec({"type": "integer", "minimum": "BIG", "multipleOf": "BIG"}, size).replace(
        '"BIG"', "1e400")


def lone_surrogate(size: int) -> str:
    return _json_spec({"type": "string"}, size).replace('"/c"', '"/c\\ud800"')


def in_place_loop(size: int) -> str:
    """A schema reaching itself through if/then/else without descending into a value."""
    return padded("{$ref: '#/components/schemas/L'}", size,
                  "components:\n  schemas:\n    L:\n      type: object\n"
                  "      if: {$ref: '#/components/schemas/L'}\n"
                  "      then: {$ref: '#/components/schemas/L'}\n"
                  "      else: {$ref: '#/components/schemas/L'}\n")


def dense_flow(size: int) -> str:
    """Nothing but structure: `[{}, {}, ...]`, about 60 to 200 bytes of parser memory per
    4 bytes of text."""
    return spec("{type: string}", "x-l: [" + "{}, " * max(1, (size - 400) // 4) + "{}]\n")


def _put_json(schema: dict, schemas: dict, version: str = "3.0.3") -> dict:
    return {"openapi": version, "info": {"title": "t", "version": "1"},
            "paths": {"/c": {"put": {"requestBody": {"required": True, "content": {
                "application/json": {"schema": schema}}},
                "responses": {"400": {"description": "bad"}}}}},
            "components": {"schemas": schemas}}


def discriminator_mapping(size: int) -> str:
    """N mapping values onto one schema with a K-part `allOf` (a walk of the target per value
    was N x K)."""
    n = k = max(100, size // 37)
    return json.dumps(_put_json({"$ref": "#/components/schemas/U"}, {
        "U": {"oneOf": [{"$ref": "#/components/schemas/S"}, {"$ref": "#/components/schemas/T"}],
              "discriminator": {"propertyName": "kind", "mapping": {
                  f"k{i}": "#/components/schemas/S" for i in range(n)}}},
        "S": {"type": "object", "allOf": [{} for _ in range(k)] + [{"properties": {
            "name": {"type": "string", "x-critical": True}}}]},
        "T": {"type": "object", "properties": {"kind": {"type": "string"}}}}),
        separators=(",", ":"))


def anchor_refs(size: int) -> str:
    """OpenAPI 3.1: N `$ref: '#a'` inside an `$id` schema of K more nodes (a walk of the
    resource per ref was N x K)."""
    n = k = max(100, size // 27)
    big = {"$id": "https://x/s", "type": "object",
           "$defs": {"A": {"$anchor": "a", "type": "string"}},
           "properties": {**{f"p{i}": {"$ref": "#a"} for i in range(n)},
                          "snis": {"type": "array", "x-critical": True}},
           "x-pad": [[0] for _ in range(k)]}
    return json.dumps(_put_json({"$ref": "#/components/schemas/S"}, {"S": big}, "3.1.0"),
                      separators=(",", ":"))


def _pattern_props(size: int, pattern: Callable[[int], str]) -> str:
    count = max(10, size // 70)
    props: dict = {f"p{i}": {"type": "string", "pattern": pattern(i)} for i in range(count)}
    props["snis"] = {"type": "array", "x-critical": True}
    return json.dumps(_put_json({"type": "object", "required": [f"p{i}" for i in range(count)],
                                 "properties": props}, {}), separators=(",", ":"))


def long_patterns(size: int) -> str:
    """Required strings whose patterns are long programs (`.{999}` twice: 16,000 RE2
    instructions, unanchored): each match against the example costs 10^7 steps and more."""
    return _pattern_props(size, lambda i: ".{999}.{999}" + f"x{i}")


def long_patterns_anchored(size: int) -> str:
    """The same anchored (RE2 matches them fast): many programs kept at once."""
    return _pattern_props(size, lambda i: "^.{999}.{990}" + f"x{i}$")


def long_pattern(size: int) -> str:
    """One `.{999}` x 30 pattern: a 240,000-instruction program; padded."""
    return padded("{type: string, pattern: '" + ".{999}" * 30 + "x'}", size)


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[int], str]
    suffix: str  # .yaml or .json
    codes: frozenset[int]  # the exit codes putlint may give (never 3, never a signal)
    says: str = ""  # what the output must contain

    def write(self, folder: Path, size: int) -> Path:
        path = folder / f"{self.name}-{size}{self.suffix}"
        path.write_text(self.make(size), encoding="utf-8")
        return path


FINDINGS = frozenset({1})
INPUT_ERROR = frozenset({2})
UNDECIDED = "undecided"

GENERATORS = [
    Hostile("redos-pattern", redos_pattern, ".yaml", FINDINGS),
    Hostile("redos-property-name", redos_property_name, ".json", FINDINGS),
    Hostile("branch-explosion", branch_explosion, ".yaml", FINDINGS, UNDECIDED),
    Hostile("enum-intersection", enum_intersection, ".json", FINDINGS),
    Hostile("oneof-dag", one_of_dag, ".yaml", FINDINGS),
    Hostile("huge-minlength", huge_min_length, ".yaml", FINDINGS, "would exceed"),
    Hostile("huge-minitems", huge_min_items, ".yaml", FINDINGS, "would exceed"),
    Hostile("huge-repeat", huge_repeat, ".yaml", FINDINGS, "does not run"),
    Hostile("nested-minitems", nested_min_items, ".yaml", FINDINGS, "would exceed"),
    Hostile("many-long-fields", many_long_fields, ".yaml", FINDINGS, UNDECIDED),
    Hostile("alias-bytes", alias_bytes, ".yaml", frozenset({1, 2})),
    Hostile("alias-bytes-pyyaml", alias_bytes_merge, ".yaml", frozenset({1, 2})),
    Hostile("long-integer-json", long_integer_json, ".json", INPUT_ERROR, "digits"),
    Hostile("long-integer-yaml", long_integer_yaml, ".yaml", INPUT_ERROR, "digits"),
    Hostile("non-finite", non_finite, ".yaml", FINDINGS),
    Hostile("huge-float-json", huge_float_json, ".json", FINDINGS),
    Hostile("lone-surrogate", lone_surrogate, ".json", FINDINGS, "\\ud800"),
    Hostile("in-place-loop", in_place_loop, ".yaml", INPUT_ERROR, "$ref loop"),
    Hostile("dense-flow", dense_flow, ".yaml", FINDINGS),
    Hostile("discriminator-mapping", discriminator_mapping, ".json", FINDINGS),
    Hostile("anchor-refs", anchor_refs, ".json", FINDINGS),
    Hostile("long-pattern", long_pattern, ".yaml", FINDINGS, UNDECIDED),
    Hostile("long-patterns", long_patterns, ".json", FINDINGS, UNDECIDED),
    Hostile("long-patterns-anchored", long_patterns_anchored, ".json", FINDINGS, UNDECIDED),
]
