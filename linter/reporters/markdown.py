"""Markdown for design review: every operation x critical field with its verdict, then findings.

Made for a pull-request comment or a review meeting; text from the spec is escaped so it cannot
break the table or inject markup.
"""

from __future__ import annotations

import json

from linter.findings import Finding, RunReport
from linter.registry import get_rule
from linter.reporters import RenderContext, exchange_lines
from linter.reporters.text import summary
from linter.source import printable

ICONS = {"required": "✅", "preserved-by-contract": "✅"}


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, no newlines, no markup."""
    text = printable(text).replace("\\", "\\\\").replace("|", "\\|")
    for char in "`*_[]<>#":
        text = text.replace(char, "\\" + char)
    return text


def code(text: str) -> str:
    text = printable(text).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


TITLES = {"check": "putlint report",
          "probe": "putlint probe: what omissions did on the running API",
          "diff": "putlint diff: changes that make omission destructive"}


def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    out = [f"# {TITLES[report.command]}", "",
           f"**{cell(summary(report).removeprefix('putlint: '))}**", ""]
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
            out.append(f"| {code(op.label)} | {cell(row.media_type)} | {code(row.field)} | "
                       f"{row.on_omit} | {icon} {cell(row.verdict)} |")
    else:
        out.append("No PUT/upsert operation carries a critical field. Mark fields with "
                   "`x-critical: true`, or name them with `--critical Schema.field`.")
    out.append("")
    if report.errors:
        out += ["## Input errors", ""]
        out += [f"- {cell(str(e))}" for e in report.errors]
        out.append("")
    if report.findings:
        out += ["## Findings", ""]
        for f in report.findings:
            out += _finding(f)
    return "\n".join(out).rstrip() + "\n"


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
    lines = [title, "", f"{code(where)}"]
    if f.operation:
        lines[-1] += f" · {code(f.operation['method'] + ' ' + f.operation['path'])}"
    if f.field:
        lines[-1] += f" · field {code(f.field)}"
    lines += ["", cell(f.message), ""]
    if rule is not None:
        lines += [f"**Why it matters:** {rule.why_bad}", ""]
    if f.exchanges:
        lines += ["What probe sent and got back:", "", "```text",
                  *(printable(line) for line in exchange_lines(f)), "```", ""]
    elif f.has_example:
        body = json.dumps(f.example, indent=2, sort_keys=True)
        lines += ["A body this contract accepts:", "", "```json",
                  printable(body, keep_newlines=True), "```", ""]
    if rule is not None and rule.fix:
        lines += [f"**How to fix:** {rule.fix} (`putlint explain {f.rule}` shows an example.)",
                  ""]
    else:
        lines += [f"How to fix: `putlint explain {f.rule}` shows the rule's example and the fix.",
                  ""]
    return lines
