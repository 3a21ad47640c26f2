"""Positions of findings are exact, however they are found.

YAML: positions come from BlockLocator (linter/yaml_position.py) when it is sure, and from
PyYAML's compose otherwise; these tests hold it to compose on every kind of YAML that
yaml.safe_dump writes, and on sampled nodes of every YAML file of the corpus.

JSON: JsonLocator (linter/json_source.py) reads containers only as far as a lookup needs and
resumes there; these tests hold it to a reference that reads every container whole, in any
order of lookups, with duplicate keys, in any layout of whitespace.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from linter import reading, yaml_source
from linter.json_source import JsonLocator
from linter.yaml_position import BlockLocator, Unsure
from tests.test_corpus import CORPUS

Pointer = tuple[str, ...]


def composing(text: str) -> yaml_source.YamlLocator:
    """A locator that answers positions through compose (composed once, then reused)."""
    return yaml_source.YamlLocator(text)


def pointers(node: Any, prefix: Pointer = ()) -> list[Pointer]:
    """Every node of a composed tree, and one step past each (a pointer that goes too far)."""
    out = [prefix, (*prefix, "missing")]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out += pointers(value, (*prefix, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            out += pointers(value, (*prefix, str(i)))
    return out


def compare(text: str, sample: list[Pointer] | None = None) -> tuple[int, int]:
    """(answered, declined); fails on any answer that differs from compose."""
    root = yaml.compose(text, Loader=yaml_source.yaml12_loader())
    try:
        locator = BlockLocator(text)
    except Unsure:
        return 0, 1
    answered = declined = 0
    reference = composing(text)
    for pointer in sample if sample is not None else pointers(root):
        try:
            got = locator.position(pointer)
        except Unsure:
            declined += 1
            continue
        assert got == reference.composed_position(pointer), (pointer, text[:2000])
        answered += 1
    return answered, declined


keys = st.one_of(st.text(min_size=1, max_size=12),
                 st.sampled_from(["200", "on", "a b", "x: y", "#c", "- d", "'q'", '"d"',
                                  "/paths/{id}", "application/json", "null", "~", "k:"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=90),
                    st.sampled_from(["multi\nline", "a: b", "# not a comment", "'", '"',
                                     "- item", "x" * 120, "trailing \\", "{a}", "[b]"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents.filter(lambda d: isinstance(d, (dict, list)) and d),
       st.sampled_from([2, 3, 4]), st.sampled_from([20, 60, 4096]),
       st.sampled_from([None, '"', "'"]), st.booleans())
@example({"0": None, "0\xa0": None}, 2, 60, None, True)  # U+00A0 is no YAML white space
def test_agrees_with_compose_on_dumped_yaml(data: Any, indent: int, width: int,
                                             style: str | None, unicode: bool) -> None:
    text = yaml.safe_dump(data, indent=indent, width=width, default_style=style,
                          allow_unicode=unicode, default_flow_style=False, sort_keys=False)
    compare(text)


@pytest.mark.parametrize("text", [
    "a: 1\nb:\n  c: 2\n",
    "tags:\n- name: x\n  description: y\n- name: z\nnext: 1\n",
    "'200':\n  description: ok\n\"4XX\": {description: bad}\n",
    "d: \"line one\n  line two: not a key\"\ne: 1\n",
    "s: |\n  k: not a key\n  - nor an item\nt: 2\n",
    "a: 1\na: 2\n",
    "---\nx:\n  -\n    y: 1\n",
    "x: &anchor\n  y: 1\nz: *anchor\n",
])
def test_agrees_on_the_usual_shapes(text: str) -> None:
    compare(text)


def test_declines_what_it_cannot_read() -> None:
    for text, pointer in [("x: &a\n  y: 1\n", ("x", "y")), ("x: {y: 1}\n", ("x", "y")),
                          ("x:\n\t- 1\n", ("x", "0")), ("? complex\n: v\n", ("complex",)),
                          ("x: [1,\n  2]\n", ("x", "1"))]:
        with pytest.raises(Unsure):
            BlockLocator(text).position(pointer)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_agrees_with_compose_on_the_corpus() -> None:
    """200 sampled nodes of every YAML file of the corpus under 3 MB (compose is the slow part);
    the locator must answer the great majority."""
    rng = random.Random(7)
    answered = declined = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or "/nasty/" in str(path) or \
                path.stat().st_size > 3_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            root = yaml.compose(text, Loader=yaml_source.yaml12_loader())
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            continue
        if root is None:
            continue
        every = pointers(root)
        got = compare(text, rng.sample(every, min(len(every), 200)))
        answered += got[0]
        declined += got[1]
    assert answered > 100_000 and answered / (answered + declined) > 0.85


def test_findings_do_not_depend_on_how_positions_are_found(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """The bundled specs, every finding: the same file:line:col through compose."""
    from linter.config import Options
    from linter.discover import discover
    from linter.engine import run

    files, searched, _ = discover([Path(__file__).resolve().parent.parent / "specs"])
    fast = [f.to_dict() for f in run(files, Options(), searched).findings]
    monkeypatch.setattr(yaml_source, "_FORCE_COMPOSE", True)
    assert [f.to_dict() for f in run(files, Options(), searched).findings] == fast


# --- JSON ------------------------------------------------------------------------------------

# An object is a list of pairs, so that a key may repeat (the last one wins, as in json.loads).
json_keys = st.one_of(st.sampled_from(["a", "b", "put", "/x/{id}", "é", 'q"', "1"]),
                      st.text(max_size=6))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=12), st.sampled_from(["{", "]", '"a": 1', "\\"]))
json_trees = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(lambda items: ("array", items)),
    st.lists(st.tuples(json_keys, inner), max_size=4).map(lambda pairs: ("object", pairs))),
    max_leaves=30)
layouts = st.sampled_from(["", " ", "\n", "\n    ", " \t\r\n "])


def render(tree: Any, space: str, ascii_only: bool) -> str:
    if isinstance(tree, tuple) and tree[0] == "array":
        inner = f",{space}".join(render(item, space, ascii_only) for item in tree[1])
        return f"[{space}{inner}{space}]"
    if isinstance(tree, tuple):
        inner = f",{space}".join(
            f"{json.dumps(key, ensure_ascii=ascii_only)}{space}:{space}"
            f"{render(value, space, ascii_only)}" for key, value in tree[1])
        return f"{{{space}{inner}{space}}}"
    return json.dumps(tree, ensure_ascii=ascii_only)


def reference_index(text: str) -> Any:
    """Every node of a JSON text, read whole: (offset, children), where children is a dict of
    key -> (key offset, node) (the last duplicate wins), a list of nodes, or None."""
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def node(i: int) -> tuple[Any, int]:
        if text[i] not in "{[":
            return (i, None), decoder.raw_decode(text, i)[1]
        closing, start = ("}" if text[i] == "{" else "]"), i
        children: Any = {} if text[i] == "{" else []
        i = skip(i + 1)
        while text[i] != closing:
            if closing == "}":
                key_at = i
                key, i = json.decoder.scanstring(text, i + 1)
                i = skip(skip(i) + 1)
                child, i = node(i)
                children[key] = (key_at, child)
            else:
                child, i = node(i)
                children.append(child)
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
        return (start, children), i + 1

    return node(skip(0))[0]


def reference_offset(root: Any, pointer: Pointer) -> int:
    report, current = root[0], root
    for token in pointer:
        children = current[1]
        if isinstance(children, dict) and token in children:
            report, current = children[token]
        elif isinstance(children, list) and token.isdigit() and int(token) < len(children):
            current = children[int(token)]
            report = current[0]
        else:
            break
    return report


def reference_pointers(node: Any, prefix: Pointer = ()) -> list[Pointer]:
    out = [prefix, (*prefix, "missing"), (*prefix, "7")]
    children = node[1]
    if isinstance(children, dict):
        for key, (_, child) in children.items():
            out += reference_pointers(child, (*prefix, key))
    elif isinstance(children, list):
        for i, child in enumerate(children):
            out += reference_pointers(child, (*prefix, str(i)))
    return out


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(json_trees.filter(lambda t: isinstance(t, tuple)), layouts, st.booleans(), st.randoms())
def test_json_positions_agree_with_a_whole_read(tree: Any, space: str, ascii_only: bool,
                                                 rng: random.Random) -> None:
    text = render(tree, space, ascii_only) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.json"
        path.write_text(text, encoding="utf-8")
        document = reading.parse(path, "x.json")
    assert document.is_json
    root = reference_index(text)
    lookups = reference_pointers(root)
    rng.shuffle(lookups)  # a lookup may find its containers part-read by the ones before it
    for pointer in lookups:
        offset = reference_offset(root, pointer)
        expected = (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))
        place = document.place(pointer)
        assert (place.line, place.column) == expected, (pointer, text)


def test_json_lookups_stop_early_only_without_duplicates() -> None:
    """With unique keys a lookup stops at its key; a duplicate later in the object makes the
    parse say so, and the lookup then finds the last one, as json.loads does."""
    text = '{"a": 1, "big": [' + ", ".join(["0"] * 50) + '], "a": 2}'
    locator = JsonLocator(text, unique_keys=True)
    assert locator.offset(("a",)) == 1
    assert locator._containers[0].end is None  # the array was never read
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.json"
        path.write_text(text, encoding="utf-8")
        document = reading.parse(path, "x.json")
    assert not document.locator().unique_keys and document.warnings
    assert document.place(("a",)).column == text.rindex('"a"') + 1


def test_json_positions_across_blocks() -> None:
    """Lines are counted from checkpoints 64 KiB apart: a text of several blocks, one long
    line first and then many short ones, every node against the whole read."""
    wide = json.dumps({f"k{i}": "x" * 50 for i in range(3000)})  # ~170 KB on one line
    tall = json.dumps({f"n{i}": [i, {"v": i}] for i in range(3000)}, indent=2)
    text = '{\n"wide": ' + wide + ',\n"tall": ' + tall + "}\n"
    assert len(text) > 4 * 65536
    locator = JsonLocator(text)
    root = reference_index(text)
    for pointer in reference_pointers(root):
        offset = reference_offset(root, pointer)
        expected = (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))
        assert locator.position(pointer) == expected, pointer
