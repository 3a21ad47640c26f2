"""Terminal text: one line per finding, `path:line:col: RULE [severity] message (context)`."""

from __future__ import annotations

from linter.errors import PutlintError
from linter.findings import Finding, RunReport
from linter.reporters import RenderContext, ReportFormat, exchange_lines
from linter.reporters.safe_json import dumps
from linter.source import printable

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"



FORMAT = ReportFormat("text", ".txt",
                      "Lines for a terminal or a log: file:line:column, rule, severity, message.")

def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    ctx = ctx or RenderContext()
    color, show_examples = ctx.color, ctx.show_examples
    lines = problem_lines(report.errors, "error") + problem_lines(report.warnings, "warning")
    for finding in report.findings:
        lines.append(_line(finding, color))
        lines += ["    " + printable(line) for line in exchange_lines(finding)]
        if show_examples and finding.has_example and not finding.exchanges:
            note = f" ({finding.example_note})" if finding.example_note else ""
            lines.append(f"    example body{printable(note)}: " +
                         printable(dumps(finding.example, sort_keys=True)))
    for entry in report.stale:
        lines.append(printable("baseline: stale entry, nothing matches it any more: "
                               + describe_key(entry)))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def describe_key(entry: dict) -> str:
    """`PUT001 PUT /x application/json snis`: a baseline entry, whatever keys it lacks."""
    parts = [str(entry.get("rule", "?"))]
    if entry.get("method"):
        parts.append(f"{entry['method']} {entry.get('path') or ''}".rstrip())
    parts += [str(p) for p in (entry.get("media_type"), entry.get("field")) if p]
    return " ".join(parts)


def problem_lines(problems: list[PutlintError], kind: str) -> list[str]:
    """`file:line:col: error: message` lines, with spec text made safe for a terminal."""
    return [printable(f"{p.place or '<input>'}: {kind}: {p.message}") for p in problems]


def _line(f: Finding, color: bool) -> str:
    severity = f"[{f.severity}]"
    if color:
        severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
    context = []
    if f.operation:
        context.append(f"{f.operation['method']} {f.operation['path']}")
    if f.media_type:
        context.append(f.media_type)
    if f.field:
        context.append(f"field {f.field}")
    if f.decided_by and f.decided_by.startswith(("example search", "undecided")):
        context.append(f"decided by {f.decided_by}")
    where = f"{f.file}:{f.line}:{f.column}" if f.line else f.file
    tail = f" ({', '.join(context)})" if context else ""
    return printable(f"{where}: {f.rule} ") + severity + printable(f" {f.message}{tail}")


def summary(report: RunReport) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s)
              for s in ("error", "warning", "info")}
    files = len(report.specs)
    parts = [f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items() if n]
    found = ", ".join(parts) if parts else "no findings"
    verb = {"probe": "probed", "diff": "compared"}.get(report.command, "checked")
    text = f"putlint: {files} spec{'' if files == 1 else 's'} {verb}, {found}"
    if report.suppressed:
        text += f" ({report.suppressed} more accepted by the baseline)"
    if report.errors:
        n = len(report.errors)
        text += f"; {n} input error{'' if n == 1 else 's'}"
    if report.command == "check" and report.specs and not report.critical_fields \
            and not report.errors:
        # "no findings" about a spec with nothing to check would read as a pass
        if not report.upsert_operations:
            text += ("; no PUT or upsert operation was found (mark a POST upsert with "
                     "x-upsert: true or list it under upsert-operations)")
        else:
            text += ("; no critical field was checked: mark fields with x-critical or "
                     "`critical:` in putlint.yaml (`putlint suggest` proposes them)")
    return text
