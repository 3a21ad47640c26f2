"""Markdown for design review: every operation x critical field with its verdict, then findings.

Made for a pull-request comment or a review meeting. Text from the spec can neither break the
table nor become markup: names and places go into code spans sized to their content, and in
prose every character that can start markup is backslash-escaped (CommonMark renders an escaped
punctuation character as itself): no emphasis, link, autolink, HTML, math, table, heading or list
can start inside it. Prose with `@` (an email autolink, a GitHub @mention) or `#` (an issue
reference) goes into a code span, since no escape stops those.
"""

from __future__ import annotations

import re

from linter.errors import PutlintError
from linter.findings import Finding, RunReport
from linter.registry import get_rule
from linter.reporters import RenderContext, ReportFormat, exchange_lines
from linter.reporters.safe_json import dumps
from linter.reporters.text import summary
from linter.source import printable

ICONS = {"required": "✅", "preserved-by-contract": "✅"}


# inline markup anywhere (GFM's autolinks: `scheme://`, `mailto:`, `xmpp:` and `www.`), and
# block markup at the start of a line (a list, a thematic break, a setext underline)
_MARKUP = re.compile(r"[\\`*_~\[\]<>&|$]|:(?=/)|(?<=(?i:mailto))"
                     r":|(?<=(?i:xmpp)):|(?<=(?i:www))\.")
_BLOCK_START = re.compile(r"^(\d{1,9})(?=[.)])|^(?=[-+=])")
_EDGE_SPACES = re.compile(r"^\s+|\s+$")  # Unicode spaces too: some parsers trim them
_BACKTICKS = re.compile(r"`+")



FORMAT = ReportFormat("markdown", ".md",
                      "A Markdown summary for a pull-request comment, every operation listed.",
                      lists_operations=True)

def cell(text: str, table: bool = False) -> str:
    """Prose from the spec, rendered as exactly its (printable) text and nothing else: safe in a
    paragraph, a list item, or (table=True) a table cell."""
    text = printable(text)
    if "@" in text or "#" in text:
        return code(text, table)
    text = _MARKUP.sub(lambda m: "\\" + m.group(), text)
    text = _BLOCK_START.sub(lambda m: (m.group(1) or "") + "\\", text, count=1)
    # leading spaces would indent (a code block), trailing ones make a line break
    return _EDGE_SPACES.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)


def code(text: str, table: bool = False) -> str:
    """A code span whose content is exactly the (printable) text: a fence longer than any run
    of backticks inside, padded when the text starts or ends with a backtick or a space."""
    text = printable(text)
    if not text:
        return "*(empty)*"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or (
        text[0] == " " and text[-1] == " " and text.strip(" ")) else ""
    if table:  # GFM splits rows at every unescaped pipe, even inside code spans
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(body: str, info: str) -> list[str]:
    """A fenced block holding ``body`` verbatim: the fence is longer than any backtick run."""
    body = printable(body, keep_newlines=True)
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(body)), default=0) + 1)
    return [fence + info, *body.split("\n"), fence]


TITLES = {"check": "putlint report",
          "probe": "putlint probe: what omissions did on the running API",
          "diff": "putlint diff: changes that make omission destructive"}


def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    out = [f"# {TITLES[report.command]}", "",
           f"**{summary(report).removeprefix('putlint: ')}**", ""]  # no spec text
    if report.command == "diff":
        out += _diff_intro(report)
    rows = [(spec, op, row) for spec in report.specs for op in spec.operations
            for row in op.fields]
    out += ["## Critical fields of PUT/upsert operations" +
            (" in head" if report.command == "diff" else ""), ""]
    if rows:
        out += ["| operation | media type | field | on omit | verdict |",
                "|---|---|---|---|---|"]
        for _spec, op, row in rows:
            safe = row.ok if row.ok is not None else row.verdict in ICONS
            icon = "✅" if safe else "❌"
            out.append(f"| {code(op.label, True)} | {cell(row.media_type, True)} | "
                       f"{code(row.field, True)} | {cell(row.on_omit, True)} | "
                       f"{icon} {cell(row.verdict, True)} |")
    else:
        out.append("No PUT/upsert operation carries a critical field. Mark fields with "
                   "`x-critical: true`, or name them with `--critical Schema.field`.")
    out.append("")
    if report.errors:
        out += ["## Input errors", "", *(_input_error(e) for e in report.errors), ""]
    if report.warnings:  # an unused config, a typo'd extension or decline: worth a reviewer's eye
        out += ["## Warnings", "", *(_input_error(w) for w in report.warnings), ""]
    if report.findings:
        out += ["## Findings", ""]
        for f in report.findings:
            out += _finding(f)
    return "\n".join(out).rstrip() + "\n"


def _input_error(error: PutlintError) -> str:
    """One list item (an input error or a warning): where (a code span, exactly
    `file:line:col`), then the message as escaped prose: a spec's file name or a parser's
    quote of it cannot become markup."""
    if error.place is None:
        return f"- {cell(error.message)}"
    return f"- {code(str(error.place))}: {cell(error.message)}"


def _diff_intro(report: RunReport) -> list[str]:
    changes = [f for f in report.findings if f.rule.startswith("PUT2")]
    new = len(report.findings) - len(changes)
    if not report.findings:
        return ["This change keeps every critical field as safe as it was. ✅", ""]
    return [f"This change makes omission more dangerous: {len(changes)} change"
            f"{'' if len(changes) == 1 else 's'} to the contract of critical fields, and "
            f"{new} check finding{'' if new == 1 else 's'} that the base version does not "
            "have. Each one below says what changed, why it is dangerous and how to fix it.",
            ""]


def _finding(f: Finding) -> list[str]:
    rule = get_rule(f.rule)
    where = f"{f.file}:{f.line}" if f.line else f.file
    title = f"### {f.rule} {f.name} ({f.severity})"
    lines = [title, "", code(where)]
    if f.operation:
        lines[-1] += f" · {code(f.operation['method'] + ' ' + f.operation['path'])}"
    if f.field:
        lines[-1] += f" · field {code(f.field)}"
    lines += ["", cell(f.message), ""]
    if rule is not None:
        lines += [f"**Why it matters:** {rule.why_bad}", ""]
    if f.exchanges:
        lines += ["What probe sent and got back:", "",
                  *code_block("\n".join(printable(line) for line in exchange_lines(f)), "text"),
                  ""]
    elif f.has_example:
        body = dumps(f.example, indent=2, sort_keys=True)
        note = f" ({cell(f.example_note)})" if f.example_note else ""
        lines += [f"A body this contract accepts{note}:", "", *code_block(body, "json"), ""]
    if rule is not None and rule.fix:
        lines += [f"**How to fix:** {rule.fix} (`putlint explain {f.rule}` shows an example.)",
                  ""]
    else:
        lines += [f"How to fix: `putlint explain {f.rule}` shows the rule's example and the fix.",
                  ""]
    return lines
