"""The result model: what a run found, as every command and every reporter sees it.

A leaf: it imports nothing of putlint's but the error type and the vocabulary, so reporters,
baselines and the commands can all depend on it without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linter.errors import PutlintError
from linter.vocab import at_least


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    pointer: str | None
    operation: dict[str, Any] | None
    media_type: str | None
    field: str | None
    example: Any = None
    has_example: bool = False
    decided_by: str | None = None
    related: tuple[dict[str, Any], ...] = ()
    exchanges: tuple[dict[str, Any], ...] = ()

    @property
    def sort_key(self) -> tuple:
        op = self.operation or {}
        return (self.file, self.line, self.column, self.rule, op.get("path", ""),
                op.get("method", ""), self.media_type or "", self.field or "", self.message)

    @property
    def example_note(self) -> str:
        """How to read the example when the body is not JSON: the search works on the body's
        data, which an XML or form body carries in its own syntax."""
        media = self.media_type or ""
        if not media or "json" in media or media == "*/*":
            return ""
        return f"its data as JSON; the API takes {media}"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule, "name": self.name, "severity": self.severity,
            "message": self.message, "file": self.file, "line": self.line,
            "column": self.column, "pointer": self.pointer, "operation": self.operation,
            "media_type": self.media_type, "field": self.field,
        }
        if self.has_example:
            out["example"] = self.example
        if self.decided_by:
            out["decided_by"] = self.decided_by
        if self.related:
            out["related"] = list(self.related)
        if self.exchanges:
            out["exchanges"] = list(self.exchanges)
        return out


@dataclass(frozen=True)
class FieldRow:
    """One critical field of one operation and media type, with what the contract allows."""

    media_type: str
    field: str
    on_omit: str
    verdicts: tuple[str, ...]  # subset of omittable / nullable / emptiable / read-only
    file: str
    line: int
    observed: str | None = None  # probe: what each omission form did ("absent: purged, ...")
    ok: bool | None = None  # probe: no finding on this field

    @property
    def verdict(self) -> str:
        if self.observed is not None:
            return self.observed
        if "read-only" in self.verdicts:
            return "read-only"
        problems = [v for v in self.verdicts if not (v == "omittable" and self.on_omit ==
                                                      "preserve")]
        if problems:
            return ", ".join(problems)
        return "preserved-by-contract" if self.on_omit == "preserve" else "required"


@dataclass(frozen=True)
class OperationRow:
    method: str
    path: str
    operation_id: str | None
    file: str
    line: int
    fields: tuple[FieldRow, ...]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class SpecResult:
    """What a run keeps of one root spec: small and picklable."""

    path: str
    findings: list[Finding]
    errors: list[PutlintError]
    warnings: list[PutlintError]
    reached_names: set[str]  # critical names that marked a request body of this spec
    real_files: list[str]
    operations: list[OperationRow]
    critical_fields: int = 0  # critical fields of in-scope request bodies (with repeats)
    named_properties: set[str] = field(default_factory=set)  # names that denote a property
    candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see load.SpecReport
    operation_ids: set[str] = field(default_factory=set)  # of every operation, in scope or not
    upsert_operations: int = 0  # in-scope (PUT/upsert) operations analysed
    declined_names: set[str] = field(default_factory=set)  # `not-critical` names that denote
    # a property of this spec


@dataclass
class RunReport:
    specs: list[SpecResult]
    findings: list[Finding]
    errors: list[PutlintError]
    warnings: list[PutlintError]
    suppressed: int = 0  # findings a baseline accepted
    stale: list[dict[str, Any]] = field(default_factory=list)  # baseline entries that no
    # longer match anything
    command: str = "check"  # or "probe", "diff": which command's rules the report is about

    def exit_code(self, fail_on: str, require_critical: bool = False) -> int:
        """2 for input errors, 1 for findings at or above ``fail_on`` (or, when critical fields
        are required, for a run that had none to check), else 0."""
        if self.errors:
            return 2
        if require_critical and not self.critical_fields:
            return 1
        return 1 if any(at_least(f.severity, fail_on) for f in self.findings) else 0

    @property
    def critical_fields(self) -> int:
        """How many critical fields of in-scope request bodies the run checked."""
        return sum(s.critical_fields for s in self.specs)

    @property
    def upsert_operations(self) -> int:
        """How many PUT/upsert operations the run analysed."""
        return sum(s.upsert_operations for s in self.specs)
