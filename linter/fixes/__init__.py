"""Fixes for findings, shared by `putlint check --fix` and the language server.

`plan` runs the operation rules over an analysis (as the engine does) and pairs each finding
with its fix: structural edits (edits.py) found by the rule's builder (builders.py), judged
safe or unsafe by which other operations read the edited node (reach.py). `apply` turns fixes
into minimal text replacements (yaml_text.py, json_text.py), checks that each changed text
parses to exactly the intended data, and returns the new texts; nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linter.config import Options
from linter.errors import PutlintError
from linter.facts import OperationFacts
from linter.findings import Finding
from linter.fixes.builders import BUILDERS
from linter.fixes.edits import Edit, Refused, merge, verify
from linter.fixes.reach import Reach
from linter.load import SpecReport
from linter.model import Scope
from linter.reading import parse_text
from linter.refs import Loc, Workspace
from linter.rule import Hit
from linter.runner import Runner
from linter.source import Document

Replacement = tuple[int, int, str]
# What a spec of an unexpected shape raises in a builder or a text layer: the fix is not made
_SHAPES = (KeyError, IndexError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True)
class Fix:
    rule: str
    edits: tuple[Edit, ...]
    others: tuple[str, ...] = ()  # the other operations it changes that make it unsafe

    @property
    def safe(self) -> bool:
        return not self.others

    @property
    def title(self) -> str:
        what = "; ".join(e.describe() for e in self.edits)
        text = f"{self.rule}: {what}"
        if self.others:
            text += f" (unsafe: also changes {', '.join(self.others)})"
        return text


@dataclass
class Planned:
    finding: Finding
    hit: Hit
    facts: OperationFacts
    fix: Fix | None = None


def findings(report: SpecReport, options: Options) -> list[Planned]:
    """Every finding of the operation rules on one analysed spec, with the facts behind it
    (the engine's loop, keeping what a fix needs)."""
    runner = Runner(options)
    out = []
    for facts in report.operations:
        for rule in runner.rules:
            if rule.reads is not type(facts):
                continue
            for hit in rule.check(facts):
                if not facts.suppresses(rule, hit.field):
                    out.append(Planned(runner.finding(rule, hit, facts.operation), hit, facts))
    return out


def plan(report: SpecReport, options: Options,
         found: list[Planned] | None = None) -> list[Planned]:
    """The findings of ``report`` (or ``found``, already computed), each with its fix."""
    found = findings(report, options) if found is None else found
    ws = report.workspace
    if ws is None:
        return found
    reach = Reach(ws, Scope(options.upsert_operations))
    for p in found:
        builder = BUILDERS.get(p.finding.rule)
        try:
            edits = builder(p.hit, p.facts, ws) if builder is not None else None
        except _SHAPES:  # a spec shaped unlike any the builder knows: no fix, the finding stays
            edits = None
        if edits:
            p.fix = Fix(p.finding.rule, tuple(edits),
                        _others(reach, ws, edits, p.facts.op.label))
    return found


def _others(reach: Reach, ws: Workspace, edits: list[Edit], label: str) -> tuple[str, ...]:
    """The uses by other operations that make the edits unsafe: any use but another upsert's
    request (which the same finding asks to change)."""
    docs = {d.path: d for d in ws.documents}
    out: list[str] = []
    for edit in edits:
        for use in reach.uses(Loc(docs[edit.path], edit.pointer)):
            if use.label != label and not (use.upsert and use.part == "request"):
                out.append(use.describe())
    return tuple(dict.fromkeys(out))


def chosen(planned: Iterable[Planned], unsafe: bool) -> list[Fix]:
    """The distinct fixes to apply: safe ones, and unsafe ones too when asked."""
    out: dict[tuple, Fix] = {}
    for p in planned:
        if p.fix is not None and (p.fix.safe or unsafe):
            out.setdefault(tuple(e.identity for e in p.fix.edits), p.fix)
    return list(out.values())


def replacements(doc: Document, text: str, edits: list[Edit]) -> list[Replacement]:
    """Text replacements in ``text`` (the current text of ``doc``) for edits of that file."""
    if doc.is_json:
        from linter.fixes import json_text

        return json_text.replacements(text, edits)
    from linter.fixes import yaml_text

    return yaml_text.replacements(text, edits)


def apply(docs: dict[Path, Document], fixes: list[Fix]) -> tuple[dict[Path, str], list[Fix]]:
    """The new text of every file the fixes change, and the fixes that were applied.

    Fixes are applied in rounds: each round takes the fixes whose replacements do not overlap,
    applies them together and checks the result; a round that fails the check is retried one
    fix at a time, and a fix that fails alone is dropped.
    """
    texts = {path: doc.text for path, doc in docs.items()}
    datas = {path: doc.data for path, doc in docs.items()}
    applied: list[Fix] = []
    pending = list(fixes)
    while pending:
        round_fixes, deferred = _round(docs, texts, pending)
        if not round_fixes:
            break
        done = _apply_round(docs, texts, datas, round_fixes)
        if done is None and len(round_fixes) > 1:
            for fix in round_fixes:
                if _apply_round(docs, texts, datas, [fix]) is not None:
                    applied.append(fix)
        elif done is not None:
            applied.extend(round_fixes)
        pending = deferred
    changed = {path: text for path, text in texts.items() if text != docs[path].text}
    return changed, applied


def line_edits(old: str, new: str) -> list[Replacement]:
    """The changed line blocks between two texts, as replacements in ``old`` (an editor gets
    these, not the whole file)."""
    import difflib

    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    out = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append((starts[i1], starts[i2], "".join(new_lines[j1:j2])))
    return out


def _round(docs: dict[Path, Document], texts: dict[Path, str],
           pending: list[Fix]) -> tuple[list[Fix], list[Fix]]:
    taken: list[Fix] = []
    deferred: list[Fix] = []
    spans: dict[Path, list[Replacement]] = {}
    for fix in pending:
        try:
            mine = _fix_replacements(docs, texts, fix)
        except (Refused, *_SHAPES):
            continue  # the text cannot take this fix: it is not applied
        if any(_overlap(r, s) for path, reps in mine.items() for r in reps
               for s in spans.get(path, ())):
            deferred.append(fix)
            continue
        taken.append(fix)
        for path, reps in mine.items():
            spans.setdefault(path, []).extend(reps)
    return taken, deferred


def _fix_replacements(docs: dict[Path, Document], texts: dict[Path, str],
                      fix: Fix) -> dict[Path, list[Replacement]]:
    out: dict[Path, list[Replacement]] = {}
    for edit in fix.edits:
        out.setdefault(edit.path, []).extend(
            replacements(docs[edit.path], texts[edit.path], [edit]))
    return out


def _overlap(a: Replacement, b: Replacement) -> bool:
    if a[0] == a[1] and b[0] == b[1]:
        return False  # two insertions: both go in, side by side
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def _apply_round(docs: dict[Path, Document], texts: dict[Path, str], datas: dict,
                 fixes: list[Fix]) -> list[Fix] | None:
    """Apply the fixes together; None (and nothing changed) when the result is not exactly
    the intended data."""
    edits = merge([e for fix in fixes for e in fix.edits])
    by_path: dict[Path, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    new_texts, new_datas = {}, {}
    try:
        for path, group in by_path.items():
            text = texts[path]
            for start, end, new in sorted(replacements(docs[path], text, group), reverse=True):
                text = text[:start] + new + text[end:]
            fresh = parse_text(path, docs[path].display, text)
            if not verify(datas[path], fresh.data, group):
                return None
            new_texts[path] = text
            new_datas[path] = parse_text(path, docs[path].display, text).data
    except (Refused, PutlintError, RecursionError, *_SHAPES):
        return None
    texts.update(new_texts)
    datas.update(new_datas)
    return fixes
