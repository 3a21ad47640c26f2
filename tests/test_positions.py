"""The block-text YAML locator answers exactly what compose answers, or declines.

Positions of findings come from BlockLocator (linter/yaml_position.py) when it is sure, and
from PyYAML's compose otherwise; these tests hold it to compose on every kind of YAML that
yaml.safe_dump writes, and on sampled nodes of every YAML file of the corpus.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter import source
from linter.yaml_position import BlockLocator, Unsure
from tests.test_corpus import CORPUS

Pointer = tuple[str, ...]


def composing(text: str) -> source.Document:
    """A document that answers positions through compose (composed once, then reused)."""
    return source.Document(Path("x.yaml"), "x.yaml", text, None, False)


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
    root = yaml.compose(text, Loader=source._Loader)
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
        assert got == reference._composed_position(pointer), (pointer, text[:2000])
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
            root = yaml.compose(text, Loader=source._Loader)
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
    monkeypatch.setattr(source, "_FORCE_COMPOSE", True)
    assert [f.to_dict() for f in run(files, Options(), searched).findings] == fast
