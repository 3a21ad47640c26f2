"""The engine's own bounds and refusals, with generated inputs, in process (fast): the linear
regex engine, the search and validation budgets, the size cap on example values, in-place
`$ref` loops, YAML alias expansion in bytes, long integers, lone surrogates, decode errors
after a BOM, the worker cap, and exit 3 for an internal error (through the console script).
"""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linter import patterns
from linter.analysis import validator_for
from linter.config import Options
from linter.errors import PutlintError
from linter.load import analyse
from linter.reading import parse
from linter.search import MAX_EXAMPLE_SIZE, Form, SpecBudget, decide, new_spec
from linter.source import decode
from tests.hostile import spec

FAST = settings(max_examples=100, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# --- regular expressions -------------------------------------------------------------------------

_ATOMS = ["a", "b", "[ab]", "[^a]", ".", r"\d", "(a|b)", "(?:ab)", "a?", "b*"]


@st.composite
def _regexes(draw: st.DrawFn) -> str:
    """Small patterns of the constructs specs use, with bounded repeats (Python's `re` then
    runs them quickly on short texts, and is the oracle)."""
    parts = draw(st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=5))
    out = []
    for part in parts:
        quantifier = draw(st.sampled_from(["", "", "+", "*", "?", "{2}", "{1,3}"]))
        out.append(f"(?:{part}){quantifier}" if quantifier else part)
    anchors = draw(st.sampled_from([("", ""), ("^", ""), ("", "$"), ("^", "$")]))
    return anchors[0] + "".join(out) + anchors[1]


@FAST
@given(pattern=_regexes(), text=st.text(alphabet="ab1\n-", max_size=12))
def test_linear_engine_agrees_with_python_re(pattern: str, text: str) -> None:
    assume(not text.endswith("\n"))  # Python's `$` also matches before a final newline
    assert patterns.search(pattern, text) == (re.search(pattern, text) is not None)


@pytest.mark.parametrize("pattern", ["(?=a)b", "(?!a)b", "(?<=a)b", r"(a)\1", "a{1001}",
                                     "a{1500000000}", "(a{1000}){1000}", "[", "(?P<x>a)(?P=x)",
                                     "a{2000,}", "a" * 70_000])
def test_patterns_re2_cannot_run_are_unknown(pattern: str) -> None:
    assert patterns.search(pattern, "aaaa") is None
    with pytest.raises(patterns.PatternUnknown):
        patterns.must_search(pattern, "aaaa")


@FAST
@given(n=st.integers(20, 5000))
def test_backtracking_patterns_take_linear_time(n: int) -> None:
    """`^(a+)+b$` against n a's and a '!': Python's re doubles its time per character."""
    for pattern in ("^(a+)+b$", "^(a|aa)+$", "^(a|a?)+$", "(x+x+)+y"):
        assert patterns.search(pattern, "a" * n + "!") is False


def test_validator_matches_patterns_with_re2() -> None:
    is_valid = validator_for({"type": "object", "properties": {"s": {"pattern": "^(a+)+b$"}},
                              "patternProperties": {"^(a+)+$": {"type": "integer"}},
                              "additionalProperties": {"type": "string"}})
    assert is_valid({"s": "a" * 5000 + "!", "a" * 5000 + "!": "x"}) is False
    assert is_valid({"s": "aab", "a" * 5000 + "!": "x", "aaa": 1}) is True
    unknown = validator_for({"pattern": "(?=a)a"})
    assert unknown("a") is None and "look-around" in unknown.why  # type: ignore[attr-defined]


# --- the search: budgets and caps -----------------------------------------------------------------


def _body(field: dict, critical: dict | None = None) -> dict:
    return {"type": "object", "required": ["s"],
            "properties": {"s": field, "snis": critical or {"type": "array"}}}


@FAST
@given(pairs=st.integers(1, 200), tail=st.sampled_from([False, {}, {"type": "string"}]))
def test_branch_combinations_that_yield_nothing_count(pairs: int, tail: Any) -> None:
    """allOf of n anyOf pairs, then `false`: 2^n combinations, all empty. The search ends
    within its budget, honestly undecided or decided."""
    new_spec()
    schema = _body({"allOf": [{"anyOf": [{}, {}]}] * pairs + [tail]})
    is_valid = validator_for(schema)
    verdict = decide(schema, ("snis",), Form.ABSENT, is_valid)  # must build a value of `s`
    if tail is False:  # no body at all: never an example; undecided once past the budget
        if 2 ** pairs > 20_000:
            assert verdict.holds is None and "cut short" in verdict.decided_by, verdict
        elif 2 ** pairs < 2_000:
            assert verdict.holds is False, verdict
    else:
        assert verdict.holds is True, verdict
    assert SpecBudget.left >= SpecBudget.STEPS - 20_000 - 1


@FAST
@given(n=st.integers(1, 40_000), overlap=st.integers(0, 40_000))
def test_enum_intersection_is_linear(n: int, overlap: int) -> None:
    new_spec()
    overlap = min(overlap, n)
    first = list(range(n))
    second = [float(v) for v in range(n - overlap, 2 * n - overlap)]  # 1 == 1.0 in JSON Schema
    schema = _body({"allOf": [{"enum": first}, {"enum": second}]})
    verdict = decide(schema, ("snis",), Form.ABSENT, validator_for(schema))
    assert verdict.holds is bool(overlap), verdict


_SIZES = st.one_of(st.integers(0, 10**12), st.sampled_from([float("inf"), float("nan"), 1e308,
                                                          10**4000, -1, 2.5]))


@FAST
@given(min_length=_SIZES, min_items=_SIZES, nested=st.integers(0, 3))
def test_example_values_stay_under_the_cap(min_length: Any, min_items: Any,
                                            nested: int) -> None:
    """Whatever the size keywords ask, no example holds more than MAX_EXAMPLE_SIZE characters
    and elements, and a verdict that needed more says so."""
    new_spec()
    field: dict = {"type": "string", "minLength": min_length}
    for _ in range(nested):
        field = {"type": "array", "minItems": min_items, "items": field}
    schema = _body(field)
    verdict = decide(schema, ("snis",), Form.ABSENT, validator_for(schema))
    if verdict.holds:
        assert _weight(verdict.example) <= MAX_EXAMPLE_SIZE
    if verdict.holds is None and "exceed" not in verdict.decided_by:
        assert "cut short" in verdict.decided_by or "pattern" in verdict.decided_by
    need = _needed(min_length, min_items, nested)
    if need > 2 * MAX_EXAMPLE_SIZE:
        assert verdict.holds is not True
        assert verdict.holds is False or "exceed" in verdict.decided_by, verdict.decided_by


def _needed(min_length: Any, min_items: Any, nested: int) -> float:
    def size(v: Any) -> float:  # NaN bounds nothing; anything past 10^12 is "huge"
        return 0 if v != v or v < 0 else min(v, 10**12)
    total = size(min_length)  # the smallest value: a string that long,
    for _ in range(nested):  # in arrays that long (an empty one, when they may be empty)
        total = total * size(min_items) if size(min_items) >= 1 else 1
    return total


def _weight(value: Any) -> int:
    if isinstance(value, str):
        return len(value) + 1
    if isinstance(value, list):
        return 1 + sum(_weight(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_weight(v) for v in value.values())
    return 1


def test_validation_of_a_oneof_dag_is_metered() -> None:
    """oneOf over the same schema, 40 levels deep: 2^40 steps for jsonschema unmetered."""
    new_spec()
    defs = {f"L{i}": {"oneOf": [{"$ref": f"#/$defs/L{i + 1}"}] * 2} for i in range(40)}
    defs["L40"] = {"type": "string"}
    is_valid = validator_for({"$ref": "#/$defs/L0", "$defs": defs})
    assert is_valid("x") is None
    assert "steps" in is_valid.why  # type: ignore[attr-defined]


# --- in-place $ref loops -----------------------------------------------------------------------

_IN_PLACE = ["if", "then", "else", "not", "allOf", "anyOf", "oneOf"]
_DESCENDING = ["properties", "items", "additionalProperties"]


def _edge(keyword: str, target: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{target}"}
    if keyword in ("allOf", "anyOf", "oneOf"):
        return {keyword: [ref, {"type": "object"}]}
    if keyword == "properties":
        return {"type": "object", "properties": {"next": ref}}
    return {keyword: ref}


@FAST
@given(edges=st.lists(st.sampled_from(_IN_PLACE + _DESCENDING), min_size=1, max_size=5))
def test_in_place_ref_loops_are_refused(tmp_path_factory: pytest.TempPathFactory,
                                        edges: list[str]) -> None:
    """A cycle of schemas S0 -> S1 -> ... -> S0 through the given keywords: an input error
    exactly when no edge descends into a part of the value."""
    names = [f"S{i}" for i in range(len(edges))]
    schemas = {name: _edge(kw, names[(i + 1) % len(names)])
               for i, (name, kw) in enumerate(zip(names, edges, strict=True))}
    text = spec("{$ref: '#/components/schemas/S0'}",
                "components:\n  schemas: " + json.dumps(schemas) + "\n").replace(
                    "openapi: 3.0.3", "openapi: 3.1.0")
    path = tmp_path_factory.mktemp("loop") / "openapi.yaml"
    path.write_text(text, encoding="utf-8")
    report = analyse(path, Options())
    loops = [e for e in report.errors if "$ref loop" in e.message]
    looping = all(kw in _IN_PLACE for kw in edges)
    assert bool(loops) == looping, (edges, report.errors)
    for error in loops:
        assert error.place is not None and error.place.line > 0


# --- reading: alias bytes, long integers, surrogates, BOM ----------------------------------------


@FAST
@given(anchor=st.integers(1, 4000), uses=st.integers(1, 400), merge=st.booleans())
def test_alias_expansion_counted_in_bytes(tmp_path_factory: pytest.TempPathFactory,
                                          monkeypatch: pytest.MonkeyPatch, anchor: int,
                                          uses: int, merge: bool) -> None:
    """Both readers (yaml-rs, and PyYAML where a `<<` key sends the text) refuse a document
    whose aliases expand past the byte limit, and accept one well under it."""
    from linter import yaml_source

    monkeypatch.setattr(yaml_source, "MAX_EXPANDED_BYTES", 100_000)
    expanded = anchor * (uses + 1)
    assume(expanded < 50_000 or expanded > 200_000)  # away from the limit's bookkeeping
    extra = f"x-big: &b \"{'a' * anchor}\"\nx-uses: [" + ", ".join(["*b"] * uses) + "]\n"
    if merge:
        extra += "x-m: &m {k: 1}\nx-n: {<<: *m}\n"
    path = tmp_path_factory.mktemp("alias") / "openapi.yaml"
    path.write_text(spec("{type: string}", extra), encoding="utf-8")
    if expanded > 200_000:
        with pytest.raises(PutlintError, match="alias"):
            parse(path, "openapi.yaml")
    else:
        assert parse(path, "openapi.yaml").data["x-uses"][0] == "a" * anchor


@FAST
@given(digits=st.integers(4000, 6000), column=st.integers(0, 30), as_json=st.booleans())
def test_long_integers_are_one_error_with_their_place(tmp_path_factory: pytest.TempPathFactory,
                                                      digits: int, column: int,
                                                      as_json: bool) -> None:
    number = "7" * digits
    if as_json:
        text = '{"openapi": "3.0.3",\n "x-pad": "' + "p" * column + '", "x-n": ' + number + \
            ', "paths": {}}'
        name, line, col = "openapi.json", 2, len(' "x-pad": "' + "p" * column + '", "x-n": ') + 1
    else:  # the merge key sends it to PyYAML, whose int conversion has the limit
        text = "openapi: 3.0.3\nx-m: &m {k: 1}\nx-o: {<<: *m}\nx-n: " + " " * column + number \
            + "\npaths: {}\n"
        name, line, col = "openapi.yaml", 4, len("x-n: ") + column + 1
    path = tmp_path_factory.mktemp("int") / name
    path.write_text(text, encoding="utf-8")
    if digits <= 4300:
        assert parse(path, name).data["x-n"] == int(number)
        return
    with pytest.raises(PutlintError, match="digits") as caught:
        parse(path, name)
    assert (caught.value.place.line, caught.value.place.column) == (line, col)


_PIECES = st.lists(st.one_of(st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00",
                                              "\\\\ud800", "\\u0041", "x", "\\\\"]),
                             st.text(alphabet="abc", max_size=3)), max_size=8)


@FAST
@given(key=_PIECES, value=_PIECES)
def test_lone_surrogates_are_read_as_json_reads_them(
        tmp_path_factory: pytest.TempPathFactory, key: list[str], value: list[str]) -> None:
    """A lone surrogate escape is valid JSON text: the data is exactly what json.loads makes
    of it (the reports escape such characters; tests/test_report_formats.py)."""
    text = '{"openapi": "3.0.3",\n"paths": {"/' + "".join(key) + '": {}},\n"x": "' + \
        "".join(value) + '"}'
    path = tmp_path_factory.mktemp("sur") / "openapi.json"
    path.write_text(text, encoding="utf-8")
    assert parse(path, "openapi.json").data == json.loads(text)


@FAST
@given(lines=st.lists(st.text(alphabet="abc: ", max_size=20), min_size=1, max_size=6),
       where=st.integers(0, 200), bad=st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\xe9"]))
def test_decode_error_after_a_bom_names_line_column_and_byte(lines: list[str], where: int,
                                                              bad: bytes) -> None:
    text = "\n".join(lines).encode()
    where = min(where, len(text))
    raw = codecs.BOM_UTF8 + text[:where] + bad + b" " + text[where:]
    with pytest.raises(PutlintError) as caught:
        decode(raw, "f.yaml")
    before = text[:where]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    place = caught.value.place
    assert (place.line, place.column) == (line, column), caught.value
    assert f"0x{bad[0]:02x}" in caught.value.message


# --- processes and exit codes ------------------------------------------------------------------


def test_jobs_capped_at_the_cpus_available(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    import concurrent.futures

    from linter import engine

    made: list[int] = []

    class Recorder(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            made.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recorder)
    monkeypatch.setattr(engine.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"s{i}.yaml")
        paths[-1].write_text(spec("{type: string}"), encoding="utf-8")
    engine.run(paths, Options(), jobs=1000)
    assert made == [2]


def _dies_on_crash(path: Path, options: Options) -> Any:
    """check_spec, except that a spec named crash*.yaml kills its process as a Rust abort in
    yaml-rs past a memory limit does (no exception, no clean-up)."""
    import os

    from linter.engine import result_of

    if path.name.startswith("crash"):
        os._exit(134)
    return result_of(analyse(path, options), options)


def test_a_worker_that_dies_loses_only_its_own_spec(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    """With `jobs: 2` (from a pull request's config) a dead worker broke the whole pool: every
    spec lost, exit 3. Now each spec not yet done is checked again in a process of its own:
    only the one that kills its process is an input error; the others report as usual."""
    from linter import engine

    monkeypatch.setattr(engine, "check_spec", _dies_on_crash)  # inherited by forked workers
    paths = []
    for name in ("a.yaml", "crash.yaml", "b.yaml", "c.yaml"):
        paths.append(tmp_path / name)
        paths[-1].write_text(spec("{type: array, items: {type: string}}"), encoding="utf-8")
    serial = engine.run([p for p in paths if p.name != "crash.yaml"], Options())
    report = engine.run(paths, Options(), jobs=2)
    assert [str(e) for e in report.errors] == [
        f"{engine.display_name(paths[1])}:1:1: {engine.WORKER_DIED}"], report.errors
    assert [(f.file, f.rule, f.line) for f in report.findings] == \
        [(f.file, f.rule, f.line) for f in serial.findings]
    assert report.findings and report.exit_code("error") == 2


@given(jobs=st.integers(1, 10_000))
def test_usable_jobs_never_past_the_affinity(jobs: int) -> None:
    import os

    from linter.engine import usable_jobs

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1
    assert usable_jobs(jobs) == min(jobs, cpus)


BUG = """\
import sys
import linter.engine
class Panic(BaseException):
    pass
def boom(*args, **kwargs):
    raise {error}
linter.engine.run = boom
sys.argv = ["putlint", "check", sys.argv[1]]
from linter.cli import main
main()
"""


@pytest.mark.parametrize("error", ["RuntimeError('a bug\\nsecond line')", "Panic('rust')",
                                   "MemoryError()", "RecursionError()"])
def test_internal_error_is_one_line_and_exit_3(tmp_path: Path, error: str) -> None:
    (tmp_path / "s.yaml").write_text(spec("{type: string}"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", BUG.format(error=error), "s.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("putlint: internal error ("), lines


@settings(FAST, max_examples=25)
@given(levels=st.integers(1, 60), width=st.integers(1, 3))
def test_generation_schema_is_bounded(levels: int, width: int) -> None:
    """Inlining $refs for generated bodies (probe, the pytest plugin): a DAG that doubles at
    each level is refused with one PutlintError once past the node budget, never expanded."""
    from linter.bodies import MAX_INLINE_NODES, generation_schema

    defs = {f"L{i}": {"oneOf": [{"$ref": f"#/$defs/L{i + 1}"}] * width} for i in range(levels)}
    defs[f"L{levels}"] = {"type": "string"}
    nodes = sum(width ** i for i in range(levels + 1))
    try:
        generation_schema({"$ref": "#/$defs/L0", "$defs": defs}, [])
    except PutlintError as exc:
        assert "too large" in exc.message
        assert nodes > MAX_INLINE_NODES // 8
    else:
        assert nodes * 4 < MAX_INLINE_NODES * 8


@settings(FAST, max_examples=25)
@given(parts=st.integers(1, 60), branches=st.integers(1, 4))
def test_strategy_merge_keeps_branch_products_bounded(parts: int, branches: int) -> None:
    from linter.strategies import MAX_BRANCHES, merge

    merged = merge({"allOf": [{"anyOf": [{"type": "string"}] * branches}] * parts})
    assert 1 <= len(merged["anyOf"]) <= MAX_BRANCHES
    assert len(merged["anyOf"]) == min(MAX_BRANCHES, branches ** parts)


@FAST
@given(items=st.integers(100, 3000), form=st.sampled_from(["[{}, ", "- x\n", "[1, "]))
def test_texts_denser_than_any_spec_are_refused_before_parsing(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, items: int,
        form: str) -> None:
    """A text with more brackets, lines and commas than MAX_STRUCTURE is refused before a
    parser sees it (scaled down here: 2,000 instead of 6 million)."""
    from linter import source

    monkeypatch.setattr(source, "MAX_STRUCTURE", 2_000)
    body = {"[{}, ": "x-l: [" + "{}, " * items + "{}]\n",
            "- x\n": "x-l:\n" + "- x\n" * items,
            "[1, ": "x-l: [" + "1, " * items + "1]\n"}[form]
    path = tmp_path_factory.mktemp("dense") / "openapi.yaml"
    path.write_text(spec("{type: string}", body), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    count = sum(text.count(c) for c in "{[\n,")
    if count > 2_000 and len(text) > 2_000:
        with pytest.raises(PutlintError, match="denser than any real spec"):
            parse(path, "openapi.yaml")
    else:
        assert len(parse(path, "openapi.yaml").data["x-l"]) == items + (form != "- x\n")


def test_the_densest_real_spec_is_far_under_the_limit() -> None:
    from linter.source import MAX_STRUCTURE

    github = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / \
        "github-2026" / "api.github.com.json"
    if not github.exists():
        pytest.skip("corpus not present")
    text = github.read_text(encoding="utf-8")
    count = sum(text.count(c) for c in "{[\n,")
    assert count * (64 * 1024 * 1024) / len(text) < MAX_STRUCTURE  # even at the 64 MiB cap
