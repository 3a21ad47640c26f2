"""docs/pictures.py's pure parts: what a terminal shows becomes the HTML that is photographed
(the photographs themselves need Chromium and are not made in CI)."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("docs_pictures", ROOT / "docs" / "pictures.py")
assert spec and spec.loader
pictures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pictures)


def test_putlint_colours_a_terminal_and_the_colours_become_html() -> None:
    out = pictures.in_terminal(["check", "specs/konnect-certificates-2025-11-06.yaml"])
    assert "\x1b[" in out  # a pseudo-terminal gets putlint's colours
    page = pictures.ansi_to_html(out)
    assert "\x1b" not in page
    assert '<span style="' in page and "[error]</span>" in page
    assert page.count("<span") == page.count("</span>")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.text(max_size=10),
                          st.sampled_from(["\x1b[31m", "\x1b[1;33m", "\x1b[0m", "\x1b[m"]))))
def test_text_is_escaped_and_spans_balance(parts: list[str]) -> None:
    text = "".join(parts)
    page = pictures.ansi_to_html(text)
    assert page.count("<span") == page.count("</span>")
    # what is left without our spans is the text itself, escaped: nothing of it became markup
    bare = re.sub(r'<span style="[^"<>]*">|</span>', "", page)
    assert "<" not in bare and html.unescape(bare) == pictures.ANSI.sub("", text)


def test_a_carriage_return_overwrites_as_a_terminal_does() -> None:
    shown = pictures.as_shown("[..] 0/9 a.yaml\x1b[K\r[##] 1/9 b.yaml\x1b[K\r\x1b[Kdone\r\nnext\n")
    assert shown == "done\nnext\n"
