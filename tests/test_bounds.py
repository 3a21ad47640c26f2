"""Work that grew with a product of two sizes of the spec, now bounded: one walk per
discriminator target (not per mapping value), one `$anchor` index per `$id` resource (not per
ref), and spec patterns whose RE2 program would make each match cost seconds refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from linter import discriminator, patterns, refs, schema_ids
from linter.config import Options
from linter.engine import run
from tests.badinputs import write_file


def findings(path: Path) -> set[tuple[str, str | None]]:
    report = run([path], Options())
    assert not report.errors, [str(e) for e in report.errors]
    return {(f.rule, f.field) for f in report.findings}


def _put(schema: dict, schemas: dict, version: str = "3.0.3") -> dict:
    return {"openapi": version, "info": {"title": "t", "version": "1"},
            "paths": {"/p/{id}": {"parameters": [{"name": "id", "in": "path", "required": True,
                                                  "schema": {"type": "string"}}],
                                  "put": {"requestBody": {"required": True, "content": {
                                      "application/json": {"schema": schema}}},
                                      "responses": {"200": {"description": "ok"},
                                                    "400": {"description": "bad"}}}}},
            "components": {"schemas": schemas}}


# -- discriminator mappings ------------------------------------------------------------------


def _union_spec(keys: int) -> dict:
    """A union of A (critical `f`, required) and B (no `f`); ``keys`` mapping values onto A."""
    mapping = {f"k{i}": "#/components/schemas/A" for i in range(keys)}
    mapping["b"] = "#/components/schemas/B"
    return _put({"$ref": "#/components/schemas/U"}, {
        "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
              "discriminator": {"propertyName": "kind", "mapping": mapping}},
        "A": {"type": "object", "required": ["kind", "f"], "allOf": [{} for _ in range(20)],
              "properties": {"kind": {"type": "string"},
                             "f": {"type": "string", "x-critical": True}}},
        "B": {"type": "object", "required": ["kind"],
              "properties": {"kind": {"type": "string", "enum": ["b"]}}}})


def test_many_mapping_values_onto_one_schema_walk_it_once(tmp_path: Path,
                                                          monkeypatch: Any) -> None:
    calls: list[tuple] = []
    original = discriminator.declares

    def counted(*args: Any, **kwargs: Any) -> bool:
        calls.append(args[:2])
        return original(*args, **kwargs)

    monkeypatch.setattr(discriminator, "declares", counted)
    few = findings(write_file(tmp_path, "few.json", json.dumps(_union_spec(1))))
    calls.clear()
    many = findings(write_file(tmp_path, "many.json", json.dumps(_union_spec(500))))
    assert many == few
    assert 0 < len(calls) <= 2, len(calls)  # A and B, each once: not once per mapping value


def test_a_union_walk_past_its_budget_prunes_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    """Within the budget, B's bodies (which have no `f`) are no witnesses: `f`, required in
    A, is not PUT001. Past it, B is taken to declare `f` as well: its bodies count, PUT001 is
    reported - more findings, never fewer (the conservative side)."""
    path = write_file(tmp_path, "u.json", json.dumps(_union_spec(3)))
    assert ("PUT001", "f") not in findings(path)
    monkeypatch.setattr(discriminator, "MAX_STEPS", 5)
    assert ("PUT001", "f") in findings(path)


# -- `$anchor` under `$id` -----------------------------------------------------------------------


def _old_anchor(data: Any, resource: tuple, name: str) -> tuple | None:
    """The walk `anchor` made once per ref before the index (the reference answer)."""
    node = data
    for token in resource:
        node = node[int(token)] if isinstance(node, list) else node[token]
    stack: list[tuple[Any, tuple]] = [(node, resource)]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            if node.get("$anchor") == name:
                return pointer
            stack.extend((v, (*pointer, str(k))) for k, v in node.items()
                         if str(k) not in schema_ids._DATA)
        elif isinstance(node, list):
            stack.extend((v, (*pointer, str(i))) for i, v in enumerate(node))
    return None


NAMES = st.sampled_from(["a", "b", "c"])
trees = st.recursive(
    st.one_of(st.integers(0, 3), st.fixed_dictionaries({"$anchor": NAMES})),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["p", "q", "$defs", "example", "items"]), inner,
                        max_size=4),
        st.builds(lambda name, rest: {"$anchor": name, **rest}, NAMES,
                  st.dictionaries(st.sampled_from(["x", "y", "const"]), inner, max_size=3))),
    max_leaves=25)


@given(trees)
@settings(max_examples=150, deadline=None, derandomize=True)
def test_the_anchor_index_answers_what_one_walk_per_ref_answered(tree: Any) -> None:
    index = schema_ids.anchors({"r": tree}, ("r",))
    for name in ["a", "b", "c", "d"]:
        assert index.get(name) == _old_anchor({"r": tree}, ("r",), name)
        assert schema_ids.anchor({"r": tree}, ("r",), name) == index.get(name)


def test_many_anchor_refs_index_their_resource_once(tmp_path: Path, monkeypatch: Any) -> None:
    calls: list[tuple] = []
    original = schema_ids.anchors

    def counted(data: Any, resource: tuple, *rest: Any) -> dict:
        calls.append(resource)
        return original(data, resource, *rest)

    monkeypatch.setattr(refs, "anchors", counted)
    big = {"$id": "https://x/s", "type": "object",
           "$defs": {"A": {"$anchor": "a", "type": "string", "x-critical": True},
                     "B": {"$anchor": "b", "type": "integer"}},
           "properties": {**{f"p{i}": {"$ref": "#a"} for i in range(200)},
                          "n": {"$ref": "#b"}}}
    found = findings(write_file(tmp_path, "anc.json", json.dumps(
        _put({"$ref": "#/components/schemas/S"}, {"S": big}, version="3.1.0"))))
    assert len(calls) == 1, calls
    assert ("PUT001", "p0") in found and ("PUT001", "p199") in found


# -- spec patterns: what one may cost --------------------------------------------------------


def test_a_pattern_past_the_program_limit_is_unknown() -> None:
    """`.{999}` x 30 (240,000 RE2 instructions; each match of its example took 0.24 s) and
    `[^/]{1,1000}` twice (few atoms, 18,000 instructions): unknown, as look-arounds are. The
    corpus's largest program and a plain `.{999}` run."""
    patterns.new_spec()
    for pattern in [".{999}" * 30 + "x", "[^/]{1,1000}[^/]{1,1000}", "(?:.{999}){20}"]:
        assert patterns.compiled(pattern) is None, pattern
        assert patterns.search(pattern, "a" * 5000) is None
    for pattern in ["^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$", ".{999}x", "^a{1000}$"]:
        program = patterns.compiled(pattern)
        assert program is not None and program.programsize <= patterns.MAX_PROGRAM
        assert patterns.search(pattern, "BU" + "0" * 32 + "a" * 1000 + "x") in (True, False)


@given(st.lists(st.sampled_from(["a", ".", "[a-z]", "(?:ab|c)", r"\d"]), min_size=1,
                max_size=4), st.lists(st.integers(1, 1000), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None, derandomize=True)
def test_a_pattern_runs_only_if_its_program_is_within_the_limit(atoms: list[str],
                                                                counts: list[int]) -> None:
    """Against RE2's own count (with its default memory): a program within the limit runs,
    one past it never does."""
    import re2

    pattern = "".join(f"{atom}{{{count}}}" for atom, count in zip(atoms, counts, strict=False))
    options = re2.Options()
    options.log_errors = False
    try:
        size = re2.compile(pattern, options).programsize
    except re2.error:
        size = None
    patterns.new_spec()
    program = patterns.compiled(pattern)
    if size is None or size > patterns.MAX_PROGRAM:
        assert program is None
    else:
        assert program is not None and program.programsize == size


def test_each_match_is_charged_program_size_times_text_length() -> None:
    patterns.new_spec()
    pattern = ".{999}x"
    program = patterns.compiled(pattern)
    assert program is not None
    before = patterns._Programs.cells_left
    assert patterns.search(pattern, "a" * 3000) is False
    assert before - patterns._Programs.cells_left == program.programsize * 3001
    # A match the spec can no longer pay for is not run: unknown, until the next spec.
    patterns._Programs.cells_left = program.programsize * 10
    assert patterns.search(pattern, "a" * 3000) is None
    assert patterns.search(pattern, "a" * 5) is False
    patterns.new_spec()
    assert patterns.search(pattern, "a" * 999 + "x") is True


def test_the_program_cache_is_bounded_by_total_size() -> None:
    """1,500 anchored `.{999}`-sized programs once stayed cached together (818 MiB)."""
    patterns.new_spec()
    for i in range(400):
        pattern = f"^.{{999}}.{{900}}x{i}$"
        assert patterns.compiled(pattern) is not None
        assert patterns._Programs.weight <= patterns.CACHE_WEIGHT
        if i % 100 == 0:
            patterns.new_spec()
    assert len(patterns._Programs.cache) <= patterns.CACHE_WEIGHT // patterns._ENTRY_WEIGHT
    assert patterns._Programs.weight == sum(patterns._weight(p)
                                            for p in patterns._Programs.cache.values())


def test_an_example_the_budget_cut_short_is_not_kept_for_the_next_spec() -> None:
    from linter import search

    pattern = "^q.{998}z$"
    patterns.new_spec()
    patterns._Programs.cells_left = 10  # the spec has spent its RE2 budget
    assert search._from_pattern(pattern) is None
    patterns.new_spec()
    text = search._from_pattern(pattern)
    assert text is not None and patterns.search(pattern, text) is True
