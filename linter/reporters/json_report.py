"""JSON: the stable machine format documented in docs/reference/json-report.md.

Values JSON cannot spell (infinity, NaN, lone surrogates) are written as safe_json says.
"""

from __future__ import annotations

from linter.errors import PutlintError
from linter.findings import RunReport
from linter.reporters import RenderContext, ReportFormat
from linter.reporters.safe_json import dumps

SCHEMA_VERSION = 1



FORMAT = ReportFormat("json", ".json",
                      "The whole run as JSON (`\"version\": 1`), for scripts.")

def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "findings": [f.to_dict() for f in report.findings],
        "errors": [_problem(e) for e in report.errors],
        "warnings": [_problem(w) for w in report.warnings],
        "summary": {
            "specs": len(report.specs),
            "findings": len(report.findings),
            "errors": sum(1 for f in report.findings if f.severity == "error"),
            "warnings": sum(1 for f in report.findings if f.severity == "warning"),
            "infos": sum(1 for f in report.findings if f.severity == "info"),
            "input_errors": len(report.errors),
        },
    }
    if report.suppressed or report.stale:
        data["baseline"] = {"suppressed": report.suppressed, "stale": report.stale}
    return dumps(data, indent=2, ensure_ascii=False) + "\n"


def _problem(error: PutlintError) -> dict:
    place = error.place
    return {"message": error.message, "file": place.file if place else None,
            "line": place.line if place else None, "column": place.column if place else None}
