"""Every report parses with a strict parser for its format, whatever text and values a spec holds.

Hostile strings (control characters, ANSI and bidi sequences, lone surrogates, U+FFFE, backtick
runs, pipes, Markdown links and HTML, autolinks, @mentions, GitHub workflow commands, percent
signs) and hostile values (NaN, infinities, integers too long to write, non-text keys) are
generated into every field a report quotes from a spec; each format is then read back with
its own strict reader and checked for what it must hold:

- JSON and SARIF: `json.loads` refusing NaN/Infinity, UTF-8 that encodes, SARIF's JSON schema,
  file URIs that are RFC 3986 relative references;
- JUnit: ElementTree and minidom (expat, which refuses any character XML 1.0 cannot carry);
- Markdown: markdown-it-py (CommonMark with GFM tables) and cmarkgfm (GitHub's own renderer):
  no link, image or HTML comes from the spec, code spans hold exactly the text, table rows keep
  their five cells;
- GitHub annotations: one command per line, properties that GitHub's rules read back whole;
- text: no control character but the newline, one line per finding.
"""

from __future__ import annotations

import json
import math
import os
import re
import xml.dom.minidom
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from markdown_it import MarkdownIt

from linter.config import Options
from linter.engine import run
from linter.errors import Place, PutlintError
from linter.findings import FieldRow, Finding, OperationRow, RunReport, SpecResult
from linter.registry import get_rule
from linter.reporters import RenderContext, format_names, get_renderer
from linter.reporters.safe_json import jsonable
from linter.reporters.safe_json import text as json_text
from linter.source import printable

FORMATS = format_names()
ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"

PIECES = [
    "\x00", "\x01", "\x07", "\x1b[2J", "\x1b]8;;http://evil.example\x07", "\r", "\n", "\r\n",
    "\t", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\ud800", "\udfff",
    "\udc80", "\ufffe", "\uffff", "\U0001f600", "é", "`", "``", "```", " ", "    ", "|", "\\",
    "\\|", "<script>alert(1)</script>", "<!--", "]]>", "&", "&amp;", "&#32;", "&#0;",
    "[x](http://evil.example)", "![i](http://evil.example/i.png)", "<http://evil.example>",
    "http://evil.example", "https://evil.example/a_b", "www.evil.example", "WWW.EVIL.EXAMPLE",
    "mailto:a@b.example", "xmpp:a@b.example", "a@b.example", "@octocat", "#1", "GH-1",
    "[ref]: http://evil.example", "::error file=evil.yaml,line=1::forged", "::add-mask::x",
    "%", "%0A", "%25", ":", ",", "=", "*", "**", "_", "~~", "$x$", "- ", "+ ", "1. ", "1) ",
    "# ", "> ", "---", "===", '"', "'", "{", "}", "~", "^", "!",
    # autolinks only start after a space or at the start of a line
    " www.evil.example", " http://evil.example", " a@b.example", " xmpp:a@b.example",
    " ftp://evil.example", " [x](y)", " *a*", " _a_", " ~~a~~", " <b>",
]
KNOWN_MARKUP = ["www.evil.example", "http://evil.example", "https://evil.example/x",
                "ftp://evil.example", "a@b.example", "mailto:a@b.example", "xmpp:a@b.example",
                "[x](http://evil.example)", "![i](http://evil.example/i.png)",
                "<http://evil.example>", "<b>bold</b>", "<!-- c -->", "*em*", "_em_", "**st**",
                "~~del~~", "`code`", "$x$", "&amp;", "&#60;b&#62;", "# h", "- li", "1. li",
                "> q", "---", "***", "| a | b |", "[r]: http://evil.example", "@octocat",
                "#12", "\\*", "a  ", "    code", "x www.evil.example y", "\xa0a\xa0",
                "\u3000a \u2003"]
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates included
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHARACTER, max_size=3)),
                   max_size=6).map("".join)
name = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHARACTER, max_size=3)),
                min_size=1, max_size=6).map("".join).filter(lambda s: s.strip() != "")
# integers past Python's 4,300-digit str() limit, made on demand (a strategy holding one could
# not even be printed)
long_integers = st.sampled_from([4400, -5000]).map(lambda e: 10 ** abs(e) * (1 if e > 0 else -1))
numbers = st.one_of(st.integers(), long_integers, st.sampled_from([2**64, 2**53 + 1]),
                    st.floats(allow_nan=True, allow_infinity=True))
values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, hostile),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(hostile, st.integers(), st.none(),
                                  st.sampled_from([math.inf, -math.inf, 1.5, True])),
                        inner, max_size=3)),
    max_leaves=8)


def _finding(rule_id: str, file: str, message: str, operation: dict | None, media: str | None,
             field: str | None, example: Any, exchanges: tuple = (),
             related: tuple = ()) -> Finding:
    rule = get_rule(rule_id)
    assert rule is not None
    return Finding(rule.id, rule.name, rule.severity, message, file, 3, 5, "/paths/x",
                   operation, media, field, example, True, "example", related, exchanges)


@st.composite
def hostile_reports(draw: st.DrawFn) -> RunReport:
    """A run whose every spec-derived field is hostile: findings with and without operation,
    example and exchanges, input errors, warnings, baseline entries, table rows."""
    file, path, media, field = draw(name), "/" + draw(hostile), draw(name), draw(name)
    operation = {"method": "PUT", "path": path, "operation_id": draw(st.none() | hostile)}
    example = draw(values)
    exchange = {"method": "PUT", "url": "http://127.0.0.1" + path, "body": example,
                "status": 200, "response": draw(st.one_of(values, hostile))}
    related = ({"file": draw(name), "line": 9, "column": 2, "message": draw(hostile)},)
    findings = [
        _finding("PUT001", file, draw(hostile), operation, media, field, example,
                 related=related),
        _finding("PUT003", file, draw(hostile), operation, media, field, draw(values),
                 exchanges=(exchange,)),
        _finding("PUT005", file, draw(hostile), operation, None, None, None),
        _finding("PUT007", "<config>", draw(hostile), None, None, None, None),
    ]
    errors = [PutlintError(draw(hostile), Place(draw(name), 2, 3)), PutlintError(draw(hostile))]
    warnings = [PutlintError(draw(hostile), Place(file, 4, 1))]
    row = FieldRow(media, field, "reject", ("omittable", "emptiable"), file, 7)
    op_row = OperationRow("put", path, operation["operation_id"], file, 5, (row,))
    spec = SpecResult(file, findings, errors, warnings, set(), [file], [op_row])
    stale = [{"rule": "PUT001", "method": "PUT", "path": draw(hostile),
              "media_type": draw(hostile), "field": draw(hostile)}]
    return RunReport([spec], findings, errors, warnings, suppressed=1, stale=stale)


# -- strict readers, one per format ------------------------------------------------------------

def _refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def strict_json(text: str) -> Any:
    text.encode("utf-8")  # strict: a lone surrogate raises
    data = json.loads(text, parse_constant=_refuse_constant)
    for string in _strings(data):
        assert not re.search("[\ud800-\udfff]", string), string
    return data


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def check_json(report: RunReport, text: str) -> None:
    data = strict_json(text)
    assert len(data["findings"]) == len(report.findings)
    for got, finding in zip(data["findings"], report.findings, strict=True):
        assert got["message"] == json_text(finding.message)
        assert got["file"] == json_text(finding.file)
        assert got["field"] == (json_text(finding.field) if finding.field else None)
        if finding.has_example:
            assert got["example"] == jsonable(finding.example)
        if finding.operation:
            assert got["operation"]["path"] == json_text(finding.operation["path"])
    assert [e["message"] for e in data["errors"]] == [json_text(e.message)
                                                       for e in report.errors]


_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})"
                            r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


def check_sarif(report: RunReport, text: str) -> None:
    data = strict_json(text)
    validator = Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    error = next(iter(validator.iter_errors(data)), None)
    assert error is None, error.message if error else ""
    results = data["runs"][0]["results"]
    assert len(results) == len(report.findings)
    for result in results:
        for location in result.get("locations", []) + result.get("relatedLocations", []):
            artifact = location["physicalLocation"]["artifactLocation"]
            uri = artifact["uri"]
            if "uriBaseId" in artifact:  # below the folder putlint ran in, relative to it
                assert artifact["uriBaseId"] == "%SRCROOT%"
                assert _URI_REFERENCE.fullmatch(uri), uri  # no scheme: `:` never before a `/`
                assert ".." not in uri.split("/"), uri  # never climbing out of the root
            else:  # elsewhere: an absolute file URI
                assert uri.startswith("file:///"), uri
                assert _URI_REFERENCE.fullmatch(uri[len("file://"):]), uri
    notes = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        json_text(p.message) for p in [*report.errors, *report.warnings]]


_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHAR_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")


def check_junit(report: RunReport, text: str) -> None:
    assert not _NOT_XML_CHAR.search(text), _NOT_XML_CHAR.search(text)
    for ref in _CHAR_REFERENCE.findall(text):
        code = int(ref[1:], 16) if ref.startswith("x") else int(ref)
        assert not _NOT_XML_CHAR.match(chr(code)), ref
    root = ET.fromstring(text.encode("utf-8"))
    xml.dom.minidom.parseString(text.encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    operations = sum(len(s.operations) for s in report.specs)
    assert len([c for c in cases if c.get("name") not in ("read spec", "configuration")]) \
        == operations
    failures = [f.get("type") for f in root.iter("failure")]
    assert sorted(failures) == sorted(f.rule for f in report.findings if f.severity == "error")


def check_github(report: RunReport, text: str) -> None:
    lines = text.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert "\r" not in text
    assert len(lines) == len(report.errors) + len(report.warnings) + len(report.findings) + 1
    files = {f.file for f in report.findings} | {e.place.file for e in report.errors
                                                  if e.place}
    for line in lines[:-1]:
        match = re.fullmatch(r"::(error|warning|notice)(?: ([^:]*))?::(.*)", line)
        assert match, line
        for prop in (match.group(2) or "").split(","):
            key, _, value = prop.partition("=")
            assert key in ("file", "line", "col", "title"), prop
            assert "," not in value and ":" not in value
            if key == "file":  # GitHub's unescaping gives back the (printable) name
                assert _gh_unescape(value) in {_gh_printable(f) for f in files}
        assert not _UNSAFE_TEXT.search(match.group(3))
    assert lines[-1].startswith("putlint: ")


_GH_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _gh_unescape(value: str) -> str:
    return re.sub("%(?:25|0D|0A|3A|2C)", lambda m: _GH_ESCAPES[m.group()], value)


def _gh_printable(text: str) -> str:
    """What GitHub shows of a property: the text with control characters escaped."""
    return "\r".join("\n".join(printable(p) for p in part.split("\n"))
                     for part in text.split("\r"))


_UNSAFE_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def check_text(report: RunReport, text: str) -> None:
    text.encode("utf-8")
    assert not _UNSAFE_TEXT.search(text), _UNSAFE_TEXT.search(text)
    finding_lines = [line for line in text.split("\n")
                     if re.search(r": PUT\d{3} \[(error|warning|info)\] ", line)]
    assert len(finding_lines) == len(report.findings)


_MD_ALLOWED_TAGS = {"h1", "h2", "h3", "p", "strong", "em", "code", "pre", "ul", "li", "table",
                    "thead", "tbody", "tr", "th", "td"}


class _Html(HTMLParser):
    """The tags of cmarkgfm's HTML, every comment (`raw HTML omitted`), the table cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.comments: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def check_markdown(report: RunReport, text: str) -> None:
    text.encode("utf-8")
    assert not _UNSAFE_TEXT.search(text)
    rows = [(op, row) for spec in report.specs for op in spec.operations for row in op.fields]
    # GitHub's renderer: no tag the report does not write itself, no raw HTML, table cells
    # holding exactly the names
    html = _Html()
    html.feed(cmarkgfm.github_flavored_markdown_to_html(text))
    assert not html.comments, html.comments  # cmark-gfm's "raw HTML omitted"
    tags = {tag for tag, _ in html.tags}
    assert tags <= _MD_ALLOWED_TAGS, tags - _MD_ALLOWED_TAGS
    # the only attribute: the language of the report's own code blocks
    assert all(attrs in ([], [("lang", "json")], [("lang", "text")]) for _, attrs in html.tags)
    body_rows = [r for r in html.rows if r]
    assert len(body_rows) == len(rows)
    for cells, (op, row) in zip(body_rows, rows, strict=True):
        assert len(cells) == 5, cells
        assert cells[0] == printable(op.label)
        assert cells[1] == printable(row.media_type)
        assert cells[2] == printable(row.field)
    # CommonMark (markdown-it-py): no link, image or HTML token; the code spans hold the names
    # exactly; each finding's message is a paragraph whose text is exactly the message
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    inline = [t for t in tokens if t.type == "inline"]
    children = [c for t in inline for c in (t.children or [])]
    kinds = {c.type for c in children} | {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}, kinds
    spans = {c.content for c in children if c.type == "code_inline"}
    for f in report.findings:
        assert printable(f"{f.file}:{f.line}") in spans
        if f.operation:
            assert printable(f"{f.operation['method']} {f.operation['path']}") in spans
        if f.field:
            assert printable(f.field) in spans
    paragraphs = {_plain(t) for t in inline}
    for f in report.findings:
        if f.message.strip():
            assert printable(f.message) in paragraphs, printable(f.message)
    # every input error is a list item under its heading: its place exactly in a code span,
    # then exactly its message
    headings = [_plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert ("Input errors" in headings) == bool(report.errors)
    assert ("Warnings" in headings) == bool(report.warnings)
    items = [_plain(tokens[i + 2]) for i, t in enumerate(tokens)
             if t.type == "list_item_open" and tokens[i + 1].type == "paragraph_open"]
    for e in [*report.errors, *report.warnings]:
        if e.place is not None:
            assert printable(str(e.place)) in spans
        shown = printable(f"{e.place}: {e.message}" if e.place else e.message)
        if e.message.strip():
            assert shown in items, (shown, items)
        else:
            assert any(item.startswith(shown.rstrip()) for item in items), (shown, items)


def _plain(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


CHECKS = {"json": check_json, "sarif": check_sarif, "junit": check_junit,
          "github": check_github, "markdown": check_markdown, "text": check_text}
assert set(CHECKS) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(report=hostile_reports())
def test_every_format_parses_whatever_the_report_holds(fmt: str, report: RunReport) -> None:
    text = get_renderer(fmt)(report, RenderContext(show_examples=True, tool_version="1"))
    CHECKS[fmt](report, text)


# -- the same through real specs: hostile names and values in a spec file ----------------------

def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (surrogates as \\u escapes)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def yaml_value(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float):
        return ".nan" if math.isnan(value) else ".inf" if value == math.inf else \
            "-.inf" if value == -math.inf else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return yaml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{yaml_value(str(k))}: {yaml_value(v)}"
                           for k, v in value.items()) + "}"


spec_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), hostile,
              st.floats(allow_nan=True, allow_infinity=True)),
    lambda inner: st.one_of(st.lists(inner, max_size=2),
                            st.dictionaries(hostile, inner, max_size=2)),
    max_leaves=5)


def hostile_spec(path: str, operation_id: str, field: str, media: str, value: Any) -> str:
    return f"""\
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  {yaml_string(path)}:
    put:
      operationId: {yaml_string(operation_id)}
      requestBody:
        required: true
        content:
          {yaml_string(media)}:
            schema:
              type: object
              required: [s]
              properties:
                s: {{const: {yaml_value(value)}}}
                {yaml_string(field)}: {{type: array, x-critical: true}}
      responses: {{'200': {{description: ok}}}}
"""


def json_value(value: Any) -> str:
    """JSON text of ``value``, infinities written as 1e400 (which JSON readers take for one)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null" if math.isnan(value) else "1e400" if value > 0 else "-1e400"
    if isinstance(value, list):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {json_value(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(value)  # ASCII: surrogates as \\u escapes, which JSON readers keep


def hostile_json_spec(path: str, operation_id: str, field: str, media: str,
                      value: Any) -> str:
    schema = {"type": "object", "required": ["s"],
              "properties": {"s": {"const": "@@VALUE@@"},
                             field: {"type": "array", "x-critical": True}}}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {path: {"put": {
        "operationId": operation_id,
        "requestBody": {"required": True, "content": {media: {"schema": schema}}},
        "responses": {"200": {"description": "ok"}}}}}}
    return json.dumps(spec).replace('"@@VALUE@@"', json_value(value))


def _file_name(text: str, suffix: str) -> str:
    cleaned = "".join(c for c in text if c not in "/\x00" and not 0xD800 <= ord(c) <= 0xDFFF)
    return (cleaned[:40] or "x") + suffix


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(path=hostile, operation_id=hostile, field=name, media=name, value=spec_values,
       file=name, as_json=st.booleans())
def test_hostile_specs_give_reports_every_strict_parser_reads(
        tmp_path_factory: pytest.TempPathFactory, path: str, operation_id: str, field: str,
        media: str, value: Any, file: str, as_json: bool) -> None:
    """YAML (escapes for every character, `.inf`, `.nan`) and JSON (lone surrogates, `1e400`)."""
    folder = tmp_path_factory.mktemp("spec")
    spec = folder / _file_name(file, ".json" if as_json else ".yaml")
    write = hostile_json_spec if as_json else hostile_spec
    spec.write_text(write("/" + path, operation_id, field, media, value), encoding="utf-8")
    report = run([spec], Options(reports=[("markdown", None)]))
    for fmt in FORMATS:
        text = get_renderer(fmt)(report, RenderContext(show_examples=True, tool_version="1"))
        CHECKS[fmt](report, text)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(file=name, broken=hostile, as_json=st.booleans())
def test_unreadable_specs_are_listed_by_every_format(
        tmp_path_factory: pytest.TempPathFactory, file: str, broken: str, as_json: bool) -> None:
    """A spec that cannot be read, under a hostile file name, with hostile text where the
    parser quotes it: an input error each format lists (Markdown too), read back strictly."""
    folder = tmp_path_factory.mktemp("broken")
    spec = folder / _file_name(file, ".json" if as_json else ".yaml")
    text = ('{"openapi": "3.0.3", "paths": ' if as_json else "openapi: 3.0.3\npaths: [\n") + \
        broken.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    spec.write_text(text, encoding="utf-8")
    good = folder / "good.yaml"
    good.write_text(hostile_spec("/c", "put-c", "snis", "application/json", 1),
                    encoding="utf-8")
    report = run([spec, good], Options(reports=[("markdown", None)]))
    assume(report.errors)  # the hostile text may close what the prefix opened
    for fmt in FORMATS:
        rendered = get_renderer(fmt)(report, RenderContext(show_examples=True, tool_version="1"))
        CHECKS[fmt](report, rendered)


ISSUE_CASES = {  # issue 15, item 8: each broke one format on main
    "infinity": ("/c", "put-c", "snis", ".inf"),
    "control character in a path": ("/c\\u0001", "put-c", "snis", "1"),
    "non-character in an operationId": ("/c", "op\\ufffe", "snis", "1"),
    "code span break-out": ("/c/``[x](http://evil.example)``/`", "put", "s``[y](h)``", "1"),
    "lone surrogate": ("/c\\ud800", "op\\udfff", "snis\\ud800", '"\\ud800"'),
}


@pytest.mark.parametrize("case", sorted(ISSUE_CASES))
def test_issue_examples_through_the_console_script(tmp_path: Path, case: str) -> None:
    """Every format written by `putlint check -f F -o FILE`, read back by its strict parser."""
    import subprocess
    import sys

    path, operation_id, field, value = ISSUE_CASES[case]
    spec = tmp_path / "api.yaml"
    spec.write_text(f"""\
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  "{path}":
    put:
      operationId: "{operation_id}"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [s]
              properties:
                s: {{const: {value}}}
                "{field}": {{type: array, x-critical: true}}
      responses: {{'200': {{description: ok}}}}
""", encoding="utf-8")
    args = [a for fmt in FORMATS for a in ("-f", fmt, "-o", f"report.{fmt}")]
    proc = subprocess.run([str(Path(sys.executable).parent / "putlint"), "check", "api.yaml",
                           "--show-examples", *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    old = Path.cwd()
    os.chdir(tmp_path)  # the report's file names are relative, as on the command line
    try:
        report = run([Path("api.yaml")], Options(reports=[("markdown", None)]))
    finally:
        os.chdir(old)
    assert proc.returncode == report.exit_code("error"), proc.stdout + proc.stderr
    for fmt in FORMATS:
        CHECKS[fmt](report, (tmp_path / f"report.{fmt}").read_text(encoding="utf-8"))
    if case == "infinity":
        data = json.loads((tmp_path / "report.json").read_text())
        assert data["findings"][0]["example"] == {"s": "Infinity"}


# -- the Markdown building blocks, on their own and in every place the report puts them --------

def _cmark_html(source: str) -> _Html:
    html = _Html()
    html.feed(cmarkgfm.github_flavored_markdown_to_html(source))
    return html


def _cmark_code(source: str) -> list[str]:
    """The text of every <code> element cmark-gfm renders."""
    import html as html_module

    rendered = cmarkgfm.github_flavored_markdown_to_html(source)
    return [html_module.unescape(m) for m in re.findall(r"<code>(.*?)</code>", rendered,
                                                        flags=re.S)]


PLACES = {  # how the report embeds a piece: a paragraph, a list item, a table cell
    "paragraph": ("{}\n", False),
    "list item": ("- {}\n", False),
    "table cell": ("| a | b |\n|---|---|\n| {} | x |\n", True),
}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.one_of(st.sampled_from(KNOWN_MARKUP), hostile.filter(lambda s: s != "")),
       place=st.sampled_from(sorted(PLACES)))
def test_a_code_span_holds_exactly_its_text(text: str, place: str) -> None:
    from linter.reporters.markdown import code

    layout, table = PLACES[place]
    source = layout.format(code(text, table))
    expected = printable(text)
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    spans = [c.content for t in tokens for c in (t.children or []) if c.type == "code_inline"]
    assert spans == [expected], (source, spans)
    assert _cmark_code(source) == [expected], source
    html = _cmark_html(source)
    assert not html.comments and all(tag != "a" for tag, _ in html.tags)
    if table:
        assert html.rows[-1] == [expected, "x"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.one_of(st.sampled_from(KNOWN_MARKUP), hostile),
       place=st.sampled_from(sorted(PLACES)))
def test_prose_from_a_spec_renders_as_its_text_and_nothing_else(text: str, place: str) -> None:
    from linter.reporters.markdown import cell

    layout, table = PLACES[place]
    source = layout.format(cell(text, table))
    expected = printable(text)
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "em_open",
                        "strong_open", "s_open", "heading_open", "code_block", "fence",
                        "blockquote_open", "hr", "ordered_list_open"}, (source, kinds)
    html = _cmark_html(source)
    assert not html.comments, source
    tags = {tag for tag, _ in html.tags}
    assert tags <= {"p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code"}, \
        (source, tags)
    if place == "paragraph" and expected.strip():
        assert [_plain(t) for t in tokens if t.type == "inline"] == [expected], source
    if table:
        assert html.rows[-1] == [expected, "x"], source
