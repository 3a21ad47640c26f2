"""The one rule runner: every command hands its facts here and gets findings back.

It is the only place that decides which rules run (select/ignore), what the spec suppresses
(`x-putlint-ignore` on an operation or a field), each finding's severity (overrides), its id and
its location. Rules are dispatched on the type of the facts they declare (`Rule.reads`), so a
rule about operations runs in `check`, `diff` and `probe` alike, and PUT007 in every command
that takes critical names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linter.config import Options
from linter.errors import Place
from linter.facts import RunFacts
from linter.findings import Finding
from linter.model import Operation
from linter.registry import all_rules
from linter.rule import Hit, Rule
from linter.source import pointer_text


def enabled_rules(options: Options) -> list[Rule]:
    def on(rule: Rule) -> bool:
        if any(rule.matches(token) for token in options.ignore):
            return False
        if options.select is not None:
            return any(rule.matches(token) for token in options.select)
        return rule.default_enabled

    return [r for r in all_rules() if on(r)]


def own_rules(options: Options, command: str) -> list[Rule]:
    """The enabled rules that report in ``command`` besides the run-level ones: none means a
    selection that would make the command check nothing."""
    return [r for r in enabled_rules(options)
            if r.runs_in(command) and r.reads is not RunFacts]


class Runner:
    """The rules one run applies, with the options that shape their findings."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.rules = enabled_rules(options)

    def findings(self, facts: Any) -> list[Finding]:
        """Every finding of the rules that read this type of facts."""
        found = []
        for rule in self.rules:
            if rule.reads is not type(facts):
                continue
            for hit in rule.check(facts):
                if not facts.suppresses(rule, hit.field):
                    found.append(self.finding(rule, hit, facts.operation))
        return found

    def findings_of(self, many: Iterable[Any]) -> list[Finding]:
        return [f for facts in many for f in self.findings(facts)]

    def finding(self, rule: Rule, hit: Hit, op: Operation | None) -> Finding:
        if hit.place_override is not None:
            place, pointer = hit.place_override, None
        elif hit.loc is not None:
            place, pointer = hit.loc.place(), pointer_text(hit.loc.pointer)
        else:
            place, pointer = Place("<command line>"), None
        related = tuple({"file": p.file, "line": p.line, "column": p.column, "message": m}
                        for m, loc in hit.related for p in [loc.place()])
        return Finding(
            rule=rule.id, name=rule.name,
            severity=self.options.severity.get(rule.id, hit.severity or rule.severity),
            message=hit.message, file=place.file, line=place.line, column=place.column,
            pointer=pointer,
            operation={"method": op.method.upper(), "path": op.path,
                       "operation_id": op.operation_id} if op else None,
            media_type=hit.media_type, field=hit.field, example=hit.example,
            has_example=hit.has_example, decided_by=hit.decided_by, related=related,
            exchanges=hit.exchanges)
