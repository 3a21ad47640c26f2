"""`putlint explain` shows people what the test markers of a rule's examples mean, never the
markers themselves."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.registry import all_rules, get_rule
from linter.ruledoc import shown

MARKERS = ("# expect:", "expect-run:", "# putlint:", "reference-server:")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_explain_shows_no_test_marker(rule) -> None:  # type: ignore[no-untyped-def]
    text = rule.explain()
    for marker in MARKERS:
        assert marker not in text, (rule.id, marker)
    # every line the markers pointed at still says which rule is reported there
    expected = {r.strip() for spec in (rule.example, rule.use_instead)
                for m in re.finditer(r"# expect: ([A-Z0-9, ]+)", spec)
                for r in m.group(1).split(",")}
    for rule_id in expected:
        assert f"{rule_id}" in text and "reported here" in text
    if rule.fix:
        assert f"## Fix\n{rule.fix}" in text


def test_arguments_become_a_sentence() -> None:
    text = get_rule("PUT007").explain()
    assert "Run with: `putlint check SPEC --critical Certificate.snis --critical Cert.snis`." \
        in text
    assert "PUT007 is reported for the run, on no line of the spec." in text


def test_reference_server_becomes_a_sentence() -> None:
    text = get_rule("PUT301").explain()
    assert "reference server in `purge` mode" in text
    assert "python -m linter.refserver --mode purge" in text


def test_diff_examples_say_which_is_base() -> None:
    assert "Compared with `putlint diff BASE HEAD`" in get_rule("PUT205").explain()


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
plain_line = st.text(st.characters(blacklist_characters="#" + LINE_BREAKS), max_size=30) \
    .map(str.rstrip).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.tuples(plain_line, st.sampled_from(["", "PUT001", "PUT001, PUT003"])),
                min_size=1, max_size=12))
def test_only_markers_change(lines: list[tuple[str, str]]) -> None:
    """Lines without markers come through untouched; a marked line keeps its text and names
    its rules."""
    spec = "\n".join(f"{text}  # expect: {rules}" if rules else text for text, rules in lines)
    out = shown(spec, "check").text.splitlines()
    assert len(out) == len(lines)
    for got, (text, rules) in zip(out, lines, strict=True):
        assert got == (f"{text}  # {rules} reported here" if rules else text)
