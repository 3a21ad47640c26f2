"""JUnit XML: one suite per spec, one test case per operation checked, failures for findings.

Findings below the fail level are kept in the case's system-out, so a CI page shows them
without turning the run red.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from linter.findings import Finding, RunReport
from linter.reporters import RenderContext, ReportFormat, exchange_lines
from linter.source import printable
from linter.vocab import SEVERITY_RANK

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET



FORMAT = ReportFormat("junit", ".xml",
                      "JUnit XML: one test case per operation checked, failing on findings.",
                      lists_operations=True)

def render(report: RunReport, ctx: RenderContext | None = None) -> str:
    import xml.etree.ElementTree as ET  # here: discovering the formats must stay cheap

    ctx = ctx or RenderContext()
    threshold = SEVERITY_RANK[ctx.fail_on]
    # Findings by the spec that produced them (two specs may share a method and path), and
    # only those the report kept (a baseline may have accepted some).
    kept = {id(f) for f in report.findings}
    by_operation: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    placed: set[int] = set()
    for spec in report.specs:
        for f in sorted(spec.findings, key=lambda f: f.sort_key):
            if f.operation and id(f) in kept:
                by_operation[(spec.path, f.operation["method"], f.operation["path"])].append(f)
                placed.add(id(f))
    loose = [f for f in report.findings if id(f) not in placed]
    root = ET.Element("testsuites", name="putlint")
    for spec in report.specs:
        suite = ET.SubElement(root, "testsuite", name=spec.path)
        for error in spec.errors:
            case = ET.SubElement(suite, "testcase", classname=spec.path, name="read spec")
            node = ET.SubElement(case, "error", type="input-error", message=error.message)
            node.text = str(error)
        for op in spec.operations:
            case = ET.SubElement(suite, "testcase", classname=spec.path,
                                 name=op.label + (f" ({op.operation_id})" if op.operation_id
                                                  else ""),
                                 file=op.file, line=str(op.line))
            _fill(case, by_operation.pop((spec.path, op.method.upper(), op.path), []), threshold)
        _count(suite)
    if loose or by_operation:
        suite = ET.SubElement(root, "testsuite", name="putlint")
        case = ET.SubElement(suite, "testcase", classname="putlint", name="configuration")
        _fill(case, loose + [f for fs in by_operation.values() for f in fs], threshold)
        _count(suite)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    ET.indent(root)
    # XML 1.0 cannot carry most control characters, surrogates, U+FFFE or U+FFFF, and
    # ElementTree writes them as they are: escape them visibly in the finished document, where
    # only text from the spec can hold them (markup is ASCII, newlines in attributes are &#10;).
    body = printable(ET.tostring(root, "unicode"), keep_newlines=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _fill(case: ET.Element, findings: list[Finding], threshold: int) -> None:
    import xml.etree.ElementTree as ET

    failing = [f for f in findings if SEVERITY_RANK[f.severity] >= threshold]
    passing = [f for f in findings if SEVERITY_RANK[f.severity] < threshold]
    for f in failing:
        node = ET.SubElement(case, "failure", type=f.rule, message=f.message)
        node.text = _describe(f)
    if passing:
        ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in passing)


def _describe(f: Finding) -> str:
    where = f"{f.file}:{f.line}:{f.column}" if f.line else f.file
    text = f"{where}: {f.rule} [{f.severity}] {f.message}"
    if f.field:
        text += f" (field {f.field}, {f.media_type})"
    return "\n".join([text, *exchange_lines(f)])


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(len(c.findall("failure")) > 0 for c in cases)))
    suite.set("errors", str(sum(len(c.findall("error")) > 0 for c in cases)))
