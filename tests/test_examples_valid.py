"""The examples users run first are valid OpenAPI: every spec in specs/ and every rule's
Example and Use instead pass `putlint check --validate` without an input error.

Nothing checked this before: five of the seven bundled specs were invalid (`{description: a,
b}` is two keys in YAML flow style) and nobody noticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markers import HEAD_SEPARATOR, split_example

from linter.config import Options
from linter.engine import run
from linter.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(p for p in (ROOT / "specs").rglob("*.yaml")
               if "openapi:" in p.read_text(encoding="utf-8")
               or "swagger:" in p.read_text(encoding="utf-8"))


def validation_errors(paths: list[Path]) -> list[str]:
    report = run(paths, Options(validate=True))
    return [str(e) for e in report.errors]


def test_the_bundled_specs_are_found() -> None:
    assert len(SPECS) >= 7


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_bundled_spec_is_valid_openapi(spec: Path) -> None:
    assert validation_errors([spec]) == []


@pytest.mark.parametrize("which", ["example", "use_instead"])
@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_example_is_valid_openapi(rule, which: str, tmp_path: Path) -> None:
    text = getattr(rule, which)
    if HEAD_SEPARATOR in text:
        paths = list(split_example(text, tmp_path))
    else:
        paths = [tmp_path / "spec.yaml"]
        paths[0].write_text(text, encoding="utf-8")
    assert validation_errors(paths) == []


def test_validation_catches_the_flow_style_mistake(tmp_path: Path) -> None:
    """The check above can fail: the mistake the bundled specs had is an input error."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
                    "      responses:\n        '200': {description: deleted, with its SNIs}\n",
                    encoding="utf-8")
    assert any("with its SNIs" in e for e in validation_errors([spec]))
