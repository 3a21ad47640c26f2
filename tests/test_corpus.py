"""Real public specs (../shared/corpus): putlint ends with 0, 1 or 2 and never a traceback."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.analysis import validator_for
from linter.config import Options
from linter.engine import result_of
from linter.load import analyse
from linter.runner import Runner
from linter.search import Form
from tests.planting import planted_names
from tests.test_agreement import _form_of

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


def corpus_roots() -> list[Path]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [CORPUS / r["path"] for r in rows if r["notes"].startswith("root")]


def test_whole_corpus_in_one_invocation() -> None:
    """One run over every file: bad files are named, good ones still checked, exit 2."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "putlint"), "check", "--format", "json",
         str(CORPUS)], capture_output=True, text=True, timeout=900)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert data["summary"]["specs"] >= 400
    for error in data["errors"]:
        assert "/nasty/" in error["file"], error
        assert error["line"], error  # every input error says where


def test_every_root_with_planted_marks() -> None:
    """Every property of every PUT body marked critical: the analysis runs everywhere, and
    every PUT001-PUT003 verdict's example is valid and really omits, nulls or empties."""
    checked = examples = 0
    for path in corpus_roots():
        options = Options(critical=planted_names(path))
        report = analyse(path, options)
        Runner(options).findings_of(report.operations)  # must not raise either
        for facts in report.operations:
            for _, field in facts.fields():
                is_valid = validator_for(field.bundle.schema)
                for form, verdict in ((Form.ABSENT, field.omittable),
                                      (Form.NULL, field.nullable),
                                      (Form.EMPTY, field.emptiable)):
                    if verdict.holds:
                        examples += 1
                        assert is_valid(verdict.example), (path, field.path, form)
                        assert _form_of(verdict.example, field.field.path, form)
        checked += 1
    assert checked == len(corpus_roots())
    assert examples > 1000  # the planted marks really exercise the analysis


def test_findings_do_not_depend_on_the_yaml_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """yaml-rs is the fast path and PyYAML the fallback: on every YAML root of the corpus,
    with critical marks planted, both give the same findings."""
    import linter.yaml_source as yaml_source

    yaml_roots = [p for p in corpus_roots() if p.suffix in (".yaml", ".yml")]
    options_of = {p: Options(critical=planted_names(p)) for p in yaml_roots}

    def findings(path: Path) -> list[dict]:
        options = options_of[path]
        return [f.to_dict() for f in result_of(analyse(path, options), options).findings]

    fast = {p: findings(p) for p in yaml_roots}
    monkeypatch.setattr(yaml_source, "yaml_rs", None)
    compared = 0
    for path in yaml_roots:
        assert findings(path) == fast[path], path
        compared += bool(fast[path])
    assert compared > 50
