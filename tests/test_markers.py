"""One test walks every rule's examples, every fixture and every spec in specs/.

Each spec states its expected findings as `# expect:` markers on the lines they must point at;
the set of (file, line, rule) putlint finds must equal the set of markers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.registry import all_rules
from tests.markers import check_diff, check_root, split_example

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


# Diff rules whose change, reversed, is the other's: removing a critical field (PUT206) reversed
# adds one (PUT207).
COUNTERPART = {"PUT206": "PUT207", "PUT207": "PUT206"}


def _diff_cases() -> list[Path]:
    """Fixture folders holding base/ and head/ versions of a spec (the diff rules')."""
    return [case for rule_dir in sorted(FIXTURES.iterdir()) if rule_dir.is_dir()
            for case in sorted(rule_dir.iterdir()) if (case / "base").is_dir()]


def _fixture_roots() -> list[Path]:
    roots = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(rule_dir.iterdir()):
            if (case / "base").is_dir():
                continue  # a diff case: see test_diff_fixtures
            if case.is_dir():
                roots.append(case / "openapi.yaml")
            elif case.suffix in (".yaml", ".yml", ".json"):
                roots.append(case)
    return roots


def _spec_roots() -> list[Path]:
    from linter.discover import discover

    files, _, _ = discover([ROOT / "specs"])
    return files


@pytest.mark.parametrize("root", _fixture_roots() + _spec_roots(),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_findings_match_markers(root: Path) -> None:
    want, got, report = check_root(root)
    assert not report.errors, [str(e) for e in report.errors]
    assert got.lines == want.lines
    assert got.run_level == want.run_level


def _root_of(case: Path, side: str) -> Path:
    folder = case / side
    return next(p for name in ("openapi.yaml", "openapi.json", "spec.yaml")
                for p in [folder / name] if p.is_file())


@pytest.mark.parametrize("case", _diff_cases(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_diff_fixtures(case: Path) -> None:
    """base -> head reports what head's markers say; the reverse change reports nothing."""
    base, head = _root_of(case, "base"), _root_of(case, "head")
    want, got, report = check_diff(base, head)
    assert not report.errors, [str(e) for e in report.errors]
    assert got.lines == want.lines
    assert case.parent.name in {r for _, _, r in got.lines}  # the rule the folder is named for
    _, back, reverse = check_diff(head, base)
    assert not reverse.errors
    # the reverse of a removal is an addition and vice versa: each may report the other only
    allowed = COUNTERPART.get(case.parent.name)
    assert {r for _, _, r in back.lines} <= {allowed} and back.run_level == set(), back


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
@pytest.mark.parametrize("which", ["example", "use_instead"])
def test_rule_documentation_examples_run(rule, which: str, tmp_path: Path) -> None:
    """The Example must trigger its rule where marked; Use instead must not trigger it."""
    spec = tmp_path / "spec.yaml"
    if rule.command == "diff":
        want, got, report = check_diff(*split_example(getattr(rule, which), tmp_path))
    else:
        spec.write_text(getattr(rule, which), encoding="utf-8")
        want, got, report = check_root(spec)
    assert not report.errors, [str(e) for e in report.errors]
    assert got.lines == want.lines
    assert got.run_level == want.run_level
    fired = {r for _, _, r in got.lines} | got.run_level
    if which == "example":
        assert rule.id in fired
    else:
        assert rule.id not in fired


def test_every_rule_has_pass_and_fail_fixtures() -> None:
    for rule in all_rules():
        folder = FIXTURES / rule.id
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        assert any(n.startswith("fail_") for n in names), f"{rule.id} has no fail_ fixture"
        if rule.command == "diff":
            continue  # each diff fixture is run both ways: the reverse change must pass
        assert any(n.startswith("pass_") for n in names), f"{rule.id} has no pass_ fixture"


def test_markers_are_not_vacuous() -> None:
    """The bundled specs must carry findings of several rules, so the walk tests something."""
    rules = set()
    for root in _spec_roots():
        want, _, _ = check_root(root)
        rules |= {r for _, _, r in want.lines}
    assert {"PUT001", "PUT002", "PUT003", "PUT005"} <= rules
