"""SARIF 2.1.0, as GitHub code scanning reads it.

Locations are relative to the working directory (`%SRCROOT%`); a file outside it gets an
absolute `file://` URI with no `uriBaseId` (SARIF 3.4.4: a base id goes only with a relative
reference, and a `../` path would climb out of the root code scanning places files in);
fingerprints are built from what
a finding is about (rule, operation, media type, field), never from its line, so moving code
around does not make GitHub see new alerts.
"""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from linter.errors import PutlintError
from linter.findings import Finding, RunReport
from linter.registry import all_rules
from linter.reporters import RenderContext, ReportFormat, exchange_lines
from linter.reporters.safe_json import dumps
from linter.urls import DOCUMENTATION, rule_page

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}



FORMAT = ReportFormat("sarif", ".sarif",
                      "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.")

def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    ctx = ctx or RenderContext()
    rules = [r for r in all_rules() if r.runs_in(report.command)]
    index = {rule.id: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "putlint",
            "informationUri": DOCUMENTATION,
            "version": ctx.tool_version or "0",
            "rules": [_rule(rule) for rule in rules],
        }},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"description": {
            "text": "The folder putlint ran in; result paths are relative to it (a file "
                    "outside it has an absolute file URI)."}}},
        "results": [_result(f, index) for f in report.findings],
        "invocations": [{
            "executionSuccessful": not report.errors,
            "toolExecutionNotifications": [_notification(e, "error") for e in report.errors]
            + [_notification(w, "warning") for w in report.warnings],
        }],
    }
    sarif = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Any) -> dict[str, Any]:
    markdown = rule.explain()
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what_it_does},
        "help": {"text": f"{rule.what_it_does}\n\n{rule.why_bad}", "markdown": markdown},
        "helpUri": rule_page(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity],
                                 "enabled": rule.default_enabled},
        "properties": {"tags": ["api-contract", "openapi", "data-loss"]},
    }


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _uri(file: str) -> str:
    """A relative URI reference: every character outside RFC 3986's unreserved set and `/`
    percent-encoded (UTF-8), so a space, `%`, `#` or `:` in a file name stays part of the path."""
    return quote(PurePath(file).as_posix().encode("utf-8", "surrogatepass"), safe="/")


def _artifact(file: str) -> dict[str, Any]:
    """A file below `%SRCROOT%` relative to it; any other by its absolute `file://` URI."""
    path = PurePath(file)
    if not path.is_absolute() and ".." not in path.parts:
        return {"uri": _uri(file), "uriBaseId": "%SRCROOT%"}
    absolute = PurePath(os.path.abspath(file)).as_posix()
    if not absolute.startswith("/"):  # `C:/x` on Windows: file:///C:/x
        absolute = "/" + absolute
    return {"uri": "file://" + quote(absolute.encode("utf-8", "surrogatepass"), safe="/:")}


def _location(file: str, line: int, column: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line:
        physical["region"] = {"startLine": line, "startColumn": max(column, 1)}
    return {"physicalLocation": physical}


def fingerprint(f: Finding) -> str:
    op = f.operation or {}
    key = "\x1f".join([f.rule, op.get("method", ""), op.get("path", ""), f.media_type or "",
                       f.field or "", "" if f.operation else f.message])
    # surrogatepass: a lone surrogate from a YAML escape still gives its own fingerprint
    import hashlib  # here, not at the top: discovering the formats must stay cheap

    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = f.message
    if f.operation:
        text += f" ({f.operation['method']} {f.operation['path']}"
        text += f", {f.media_type}" if f.media_type else ""
        text += ")"
    if f.exchanges:
        text += "\n" + "\n".join(exchange_lines(f))
    elif f.has_example:
        text += "\nA body the contract accepts: " + dumps(f.example, sort_keys=True)
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "partialFingerprints": {"putlintFinding/v1": fingerprint(f)},
    }
    if f.line and not f.file.startswith("<"):
        result["locations"] = [_location(f.file, f.line, f.column)]
    related = [r for r in f.related if (r["file"], r["line"]) != (f.file, f.line)]
    if related:
        result["relatedLocations"] = [
            {"id": i, **_location(r["file"], r["line"], r["column"]),
             "message": {"text": r["message"]}} for i, r in enumerate(related, start=1)]
    props: dict[str, Any] = {}
    if f.operation:
        props["operation"] = f.operation
    if f.field:
        props["field"] = f.field
    if f.has_example:
        props["example"] = f.example
    if f.decided_by:
        props["decidedBy"] = f.decided_by
    if f.exchanges:
        props["exchanges"] = list(f.exchanges)
    if props:
        result["properties"] = props
    return result


def _notification(problem: PutlintError, level: str) -> dict[str, Any]:
    out: dict[str, Any] = {"level": level, "message": {"text": problem.message}}
    place = problem.place
    if place and not place.file.startswith("<"):
        out["locations"] = [_location(place.file, place.line, place.column)]
    return out
