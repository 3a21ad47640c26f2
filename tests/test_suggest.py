"""`putlint suggest` and PUT101: the Kong case first, the round trip through --write-config, and
precision on hand-labelled specs."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linter.suggest import child_collection, sibling_collection

ROOT = Path(__file__).resolve().parent.parent
PUTLINT = str(Path(sys.executable).parent / "putlint")
UNANNOTATED = ROOT / "specs" / "kong-admin-unannotated.yaml"
KONG = ROOT / "specs" / "kong-gateway"


def putlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run([PUTLINT, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_snis_is_the_top_suggestion_of_the_unannotated_kong_spec() -> None:
    proc = putlint("suggest", str(UNANNOTATED), "--format", "json")
    assert proc.returncode == 0
    found = json.loads(proc.stdout)["suggestions"]
    top = found[0]
    assert (top["operation"]["path"], top["field"]) == ("/certificates/{certificate_id}", "snis")
    assert any("/certificates/{certificate_id}/snis" in e for e in top["evidence"])
    assert top["confidence"] > max(s["confidence"] for s in found[1:])
    text = putlint("suggest", str(UNANNOTATED)).stdout
    assert text.splitlines()[0].split()[-1] == "snis" and "- the API also manages" in text


def test_write_config_round_trip_reports_what_the_annotated_spec_reports(tmp_path: Path) -> None:
    """Strip every x-critical from the annotated Kong spec; suggest writes a config; check with
    it reports exactly what check reports on the annotated original."""
    plain = tmp_path / "kong-gateway"
    shutil.copytree(KONG, plain)
    for path in plain.rglob("*.yaml"):
        path.write_text(re.sub(r"\n\s*x-critical: true", "", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    assert "x-critical" not in "".join(p.read_text() for p in plain.rglob("*.yaml"))
    config = tmp_path / "review" / "putlint.yaml"  # not above the spec: found by no search
    config.parent.mkdir()
    putlint("suggest", "openapi.yaml", "--write-config", str(config), cwd=plain)
    written = config.read_text(encoding="utf-8")
    assert re.search(r"^  # 0\.\d\d PUT /certificates/\{certificate_id\} snis: ", written, re.M)
    assert yaml.safe_load(written)["critical"] == [
        "schemas/certificate.yaml#/Certificate/properties/snis"]

    def findings(folder: Path, *args: str) -> list[tuple]:
        out = json.loads(putlint("check", "openapi.yaml", "-f", "json", *args, cwd=folder).stdout)
        return sorted((f["rule"], f["file"], f["line"], f["field"], f["media_type"])
                      for f in out["findings"])

    annotated = findings(KONG)
    assert annotated and findings(plain, "--config", str(config)) == annotated
    assert findings(plain) == []  # without the config nothing is critical


def test_put101_is_off_by_default_and_finds_the_child_collection() -> None:
    assert "PUT101" not in putlint("check", str(UNANNOTATED)).stdout
    proc = putlint("check", str(UNANNOTATED), "--select", "PUT101", "-f", "json")
    found = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["field"], f["severity"]) for f in found] == [("PUT101", "snis", "info")]
    assert proc.returncode == 0  # info never fails a run at the default --fail-on


def test_collection_paths() -> None:
    paths = ["/certificates/{certificate_id}/snis", "/snis/{id}", "/a/{x}/target-groups"]
    assert child_collection("/certificates/{id}", "snis", paths) == paths[0]
    assert child_collection("/a/{id}", "target_groups", paths) == paths[2]
    assert child_collection("/certificates/{id}", "tags", paths) is None
    assert sibling_collection("/certificates/{id}", "snis", paths) == "/snis/{id}"
    assert sibling_collection("/certificates", "snis", paths) is None


def _precision_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "suggest_precision", ROOT / "benchmarks" / "suggest_precision.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["suggest_precision"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpus").is_dir(),
                    reason="../shared/corpus is not here")
def test_labelled_precision_does_not_regress() -> None:
    """Every suggestion on the labelled specs has a hand label, and precision holds."""
    scores = _precision_module().score()
    assert [u for s in scores for u in s.unlabelled] == []
    total = sum(s.suggested for s in scores)
    hits = sum(s.critical for s in scores)
    assert total >= 50 and hits / total >= 0.75
    by_spec = {s.spec: s for s in scores}
    assert by_spec["specs/kong-admin-unannotated.yaml"].precision == 1.0
