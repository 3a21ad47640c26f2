"""Fixes on real specs (../shared/corpus), critical marks planted on every property of every
PUT body: for each fixable finding of a bounded, fixed sample, the fixed text parses to the same
data except the keys the fix names, the rule no longer fires on that field of that operation,
and every comment of a YAML file is still there."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from linter.config import Options
from linter.fixes import apply, plan
from linter.load import analyse
from linter.reading import parse_text
from tests.planting import planted_names

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = 14  # specs; the whole test stays under a minute on 2 cores
FIXES_PER_SPEC = 6
MAX_BYTES = 400_000

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


def sample() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t")
                if r["notes"].startswith("root") and r["n_put_operations"] not in ("", "0")
                and int(r["bytes"] or 0) < MAX_BYTES]
    rows.sort(key=lambda r: r["path"])
    step = max(1, len(rows) // SAMPLE)
    return [CORPUS / r["path"] for r in rows[::step]][:SAMPLE]


def changed_paths(old: Any, new: Any, at: tuple = ()) -> list[tuple]:
    """Where two parsed documents differ (an independent diff, not the fixer's own check)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in set(old) | set(new):
            if key not in old or key not in new:
                out.append((*at, str(key)))
            else:
                out.extend(changed_paths(old[key], new[key], (*at, str(key))))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True))
                for p in changed_paths(a, b, (*at, str(i)))]
    return [] if old == new and type(old) is type(new) else [at]


_COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def comments(text: str) -> Counter:
    """Comment texts of a YAML file (lines whose `#` follows a space or starts the line, where
    no quote is open before it: a conservative reading that over-counts rather than misses)."""
    found = Counter()
    for line in text.splitlines():
        match = _COMMENT.search(line)
        if match and line[:match.start(1)].count("'") % 2 == 0 and \
                line[:match.start(1)].count('"') % 2 == 0:
            found[match.group(1).rstrip()] += 1
    return found


def about(finding) -> tuple:
    op = finding.operation or {}
    return (finding.rule, op.get("method"), op.get("path"), finding.media_type, finding.field)


@pytest.mark.parametrize("path", sample(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_fixes_change_only_their_keys_and_clear_their_finding(path: Path) -> None:
    options = Options(critical=planted_names(path, limit=60))
    report = analyse(path, options)
    if report.errors or report.workspace is None:
        pytest.skip(f"putlint cannot analyse it: {report.errors[0].message}")
    planned = [p for p in plan(report, options) if p.fix is not None]
    docs = {d.path: d for d in report.workspace.documents}
    seen: set = set()
    tried = 0
    for p in planned:
        key = tuple(e.identity for e in p.fix.edits)
        if key in seen or tried >= FIXES_PER_SPEC:
            continue
        seen.add(key)
        texts, applied = apply(docs, [p.fix])
        if not applied:
            continue  # not offered: the text could not take it with certainty
        tried += 1
        allowed = [(str(e.path), (*e.pointer, e.key)) for e in p.fix.edits]
        for file, text in texts.items():
            old = docs[file]
            new_data = parse_text(file, old.display, text).data
            for where in changed_paths(old.data, new_data):
                assert any(str(file) == f and where[:len(k)] == k for f, k in allowed), \
                    f"{p.fix.title} changed {where} in {file}"
            if not old.is_json:
                missing = comments(old.text) - comments(text)
                assert not missing, f"{p.fix.title} lost comments {missing}"
        fixed = analyse(path, options, overlay=texts)
        assert not fixed.errors
        from linter.fixes import findings

        # a finding the example search could not decide (it says so) is the search's limit,
        # not the fix's: only a finding proven by an example body counts as still firing
        still = {about(f.finding) for f in findings(fixed, options) if f.finding.has_example
                 or f.finding.rule in ("PUT005", "PUT006")}
        assert about(p.finding) not in still, f"{p.fix.title} left {about(p.finding)}"
    assert tried or not planned, "every fix was refused"


KONG_315 = CORPUS / "kong/developer.konghq.com/gateway/admin-ee/3.15/openapi.yaml"


@pytest.mark.skipif(not KONG_315.is_file(), reason="Kong EE 3.15 is not in the corpus")
def test_kong_315_put005_fix_documents_a_bad_request_not_an_unrelated_error() -> None:
    """Kong 3.15's only response components named like errors are 401s
    (`DuplicateApiKeyError` came first by name): the fix writes a plain 400 on each upsert, the
    fixed text parses, and PUT005 is gone."""
    from linter.critical import CriticalName
    from linter.fixes import chosen, findings

    options = Options(critical=[CriticalName(n) for n in (
        "Certificate.snis", "Service.ca_certificates", "Route.snis")])
    report = analyse(KONG_315, options)
    assert not report.errors
    fixes = [p.fix for p in plan(report, options) if p.finding.rule == "PUT005"]
    assert len(fixes) >= 6 and all(f is not None and f.safe for f in fixes)
    values = [e.value for f in fixes for e in f.edits]
    assert all(v == {"description": "Bad Request: a critical field is missing"}
               for v in values), values[:3]
    docs = {d.path: d for d in report.workspace.documents}
    texts, applied = apply(docs, chosen(plan(report, options), unsafe=False))
    assert len([f for f in applied if f.rule == "PUT005"]) == len(fixes)
    (text,) = texts.values()
    original = KONG_315.read_text(encoding="utf-8")
    assert text.count("DuplicateApiKeyError") == original.count("DuplicateApiKeyError")
    parse_text(KONG_315, "k315.yaml", text)  # parses
    fixed = analyse(KONG_315, options, overlay={KONG_315.resolve(): text})
    assert not fixed.errors
    assert not [p for p in findings(fixed, options) if p.finding.rule == "PUT005"]
