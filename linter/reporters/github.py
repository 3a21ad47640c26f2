"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`.

Everything quoted from a spec is escaped as GitHub prescribes (`%`, CR, LF, and in properties
`:` and `,`), so a description or key cannot end the command early or start a forged one.
"""

from __future__ import annotations

from linter.errors import PutlintError
from linter.findings import Finding, RunReport
from linter.reporters import RenderContext, ReportFormat, exchange_lines
from linter.reporters.text import summary
from linter.source import printable

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}



FORMAT = ReportFormat("github", ".txt",
                      "GitHub Actions workflow commands: annotations on the pull request.")

def escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    lines = [_problem(e, "error") for e in report.errors]
    lines += [_problem(w, "warning") for w in report.warnings]
    lines += [_finding(f) for f in report.findings]
    lines.append(escape_data(summary(report)))
    return "\n".join(lines) + "\n"


def _command(kind: str, props: dict[str, str | int], message: str) -> str:
    rendered = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items()
                        if v not in ("", 0, None))
    return f"::{kind} {rendered}::{escape_data(message)}" if rendered else \
        f"::{kind}::{escape_data(message)}"


def _finding(f: Finding) -> str:
    props: dict[str, str | int] = {}
    if f.line and not f.file.startswith("<"):
        props.update(file=f.file, line=f.line, col=f.column)
    props["title"] = f"{f.rule} {f.name}"
    message = f.message
    if f.operation:
        media = f", {f.media_type}" if f.media_type else ""
        message += f" ({f.operation['method']} {f.operation['path']}{media})"
    message = "\n".join([message, *exchange_lines(f)])
    return _command(COMMANDS[f.severity], props, message)


def _problem(problem: PutlintError, kind: str) -> str:
    props: dict[str, str | int] = {}
    if problem.place and not problem.place.file.startswith("<"):
        props.update(file=problem.place.file, line=problem.place.line,
                     col=problem.place.column)
    props["title"] = "putlint input error" if kind == "error" else "putlint warning"
    return _command(kind, props, problem.message)
