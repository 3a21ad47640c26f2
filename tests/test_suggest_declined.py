"""Declining a suggestion (`not-critical:`) sticks, and ARM's `x-ms-mutability` / `readOnly`
beside a `$ref` keep a field a PUT cannot change out of the suggestions."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config import Options
from linter.critical import Declined
from linter.suggest import Evidence, Suggestion, suggest
from linter.suggest.writeconfig import merge
from tests.launcher import putlint

ROOT = Path(__file__).resolve().parent.parent
UNANNOTATED = ROOT / "specs" / "kong-admin-unannotated.yaml"
CORPUS = ROOT.parent / "shared" / "corpus"
ARM = CORPUS / "azure-arm"
WEBAPPS = ARM / "specification" / "web" / "resource-manager" / "Microsoft.Web" / "stable" / \
    "2021-01-15" / "WebApps.json"
needs_webapps = pytest.mark.skipif(not WEBAPPS.is_file(), reason="../shared/corpus is not here")
SNIS = "Certificate.snis"  # suggest names a property of a component schema by its path
SNIS_POINTER = "#/components/schemas/Certificate/properties/snis"




def names_of(options: Options, path: Path = UNANNOTATED, **kwargs: object) -> list[str]:
    run = suggest([path], options, top=None, min_confidence=0.0, **kwargs)  # type: ignore[arg-type]
    assert not run.errors, run.errors
    return [n for s in run.suggestions for n in s.names]


ALL = names_of(Options())


# -- declining -------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(ALL), max_size=len(ALL)))
def test_suggest_never_proposes_a_declined_field_and_keeps_every_other(declined: set[str]
                                                                        ) -> None:
    options = Options(not_critical=[Declined(n) for n in sorted(declined)])
    assert names_of(options) == [n for n in ALL if n not in declined]


def test_the_unannotated_spec_has_enough_candidates_for_the_property() -> None:
    assert len(ALL) >= 5 and SNIS in ALL


def made(name: str) -> Suggestion:
    op = SimpleNamespace(method="put", path="/c/{id}", label="PUT /c/{id}")
    return Suggestion("spec.yaml", name, ("snis",), None, "application/json",
                      operations=[op], evidence=[Evidence("managed-child", 0.6, "e")],
                      names=[name])


NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=20)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(names=st.lists(NAMES, min_size=1, max_size=5, unique=True), data=st.data())
def test_merge_never_adds_back_a_name_listed_as_declined(names: list[str], data: st.DataObject
                                                        ) -> None:
    declined = data.draw(st.lists(st.sampled_from(names), unique=True))
    base = yaml.safe_dump({"not-critical": declined, "fail-on": "error"}, allow_unicode=True)
    text, added = merge(base, [made(n) for n in names])
    assert added == [n for n in names if n not in declined]
    after = yaml.safe_load(text)
    assert after["not-critical"] == declined and after["fail-on"] == "error"
    assert not set(after.get("critical") or ()) & set(declined)


def test_a_declined_entry_survives_write_config_and_is_not_proposed_again(tmp_path: Path
                                                                          ) -> None:
    config = tmp_path / "putlint.yaml"
    first = putlint("suggest", str(UNANNOTATED), "--top", "2", "--write-config", str(config),
                    cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "not-critical:" in config.read_text(encoding="utf-8")  # the header says how
    written = yaml.safe_load(config.read_text(encoding="utf-8"))["critical"]
    assert written[0] == SNIS
    # the reviewer says no to snis: moves it from critical: to not-critical:, with a reason
    text = config.read_text(encoding="utf-8").replace(f'  - "{SNIS}"\n', "")
    text += f'not-critical:\n  - {{name: "{SNIS}", reason: "managed by the SNI API"}}\n'
    config.write_text(text, encoding="utf-8")
    for _ in range(2):
        again = putlint("suggest", str(UNANNOTATED), "--top", "2", "--write-config",
                        str(config), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert "snis" not in again.stdout.split("\n        ")[0]
        assert f"{SNIS}\n" not in again.stdout
        final = config.read_text(encoding="utf-8")
        data = yaml.safe_load(final)
        assert SNIS not in data["critical"]
        assert data["not-critical"] == [{"name": SNIS, "reason": "managed by the SNI API"}]
        rest = iter(final.splitlines())  # what the reviewer wrote stays, in its order
        assert all(any(line == other for other in rest) for line in text.splitlines())
    listed = putlint("suggest", str(UNANNOTATED), "--format", "json", cwd=tmp_path)
    assert SNIS not in listed.stdout


def test_the_declines_of_the_file_written_hold_when_the_run_reads_another(tmp_path: Path
                                                                         ) -> None:
    """--write-config into a file other than the config the run read (or none): the target's
    declines hold too, under another spelling of the name (a pointer)."""
    target = tmp_path / "team.yaml"
    target.write_text(f'not-critical:\n  - "{SNIS_POINTER}"\n', encoding="utf-8")
    proc = putlint("suggest", str(UNANNOTATED), "--write-config", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["not-critical"] == [SNIS_POINTER] and SNIS not in data["critical"]
    assert data["critical"] and SNIS not in proc.stdout + proc.stderr


# -- check -----------------------------------------------------------------------------------

MARKED = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses: {"200": {description: ok}}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
        rules:
          type: array
          items: {type: string}
          x-critical: true
"""


def test_check_treats_a_declined_field_as_not_critical(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(MARKED, encoding="utf-8")
    before = putlint("check", "api.yaml", cwd=tmp_path)
    assert before.returncode == 1 and "PUT001" in before.stdout, before.stdout
    for name in ("Thing.rules", "#/components/schemas/Thing/properties/rules"):
        (tmp_path / "putlint.yaml").write_text(f"not-critical: ['{name}']\n", encoding="utf-8")
        after = putlint("check", "api.yaml", "--require-critical", cwd=tmp_path)
        assert after.returncode == 1 and "PUT0" not in after.stdout, after.stdout
        assert "no critical field was checked" in after.stdout + after.stderr
        assert "marks no field" not in after.stdout + after.stderr


@pytest.mark.parametrize(("critical", "declined"), [
    ("Thing.rules", "Thing.rules"),  # the same words: found when the config is read
    ("Thing.rules", "#/components/schemas/Thing/properties/rules"),  # one field, two names
])
def test_a_field_both_critical_and_declined_is_an_error_naming_both(tmp_path: Path,
                                                                   critical: str,
                                                                   declined: str) -> None:
    (tmp_path / "api.yaml").write_text(MARKED.replace("x-critical: true", "minItems: 0"),
                                       encoding="utf-8")
    (tmp_path / "putlint.yaml").write_text(
        f"fail-on: error\ncritical:\n  - '{critical}'\nnot-critical:\n  - '{declined}'\n",
        encoding="utf-8")
    for command in ("check", "suggest"):
        proc = putlint(command, "api.yaml", cwd=tmp_path)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        line = next(ln for ln in (proc.stdout + proc.stderr).splitlines()
                    if "declined here" in ln)
        assert line.startswith("putlint.yaml:5:") and "putlint.yaml:3:" in line
        assert "Traceback" not in proc.stderr


def test_a_critical_name_on_the_command_line_meets_a_decline_in_the_file(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "api.yaml").write_text(MARKED, encoding="utf-8")
    (tmp_path / "putlint.yaml").write_text("not-critical: [Thing.rules]\n", encoding="utf-8")
    proc = putlint("check", "api.yaml", "--critical", "Thing.rules", cwd=tmp_path)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "declined here" in said
    assert "critical at --critical" in said and "PUT007" not in said


@pytest.mark.parametrize("value", ["Thing.rules", "[{name: 1}]", "[{name: a, on-omit: purge}]",
                                   "[[a]]"])
def test_a_malformed_decline_list_is_one_error_with_its_line(tmp_path: Path, value: str) -> None:
    (tmp_path / "api.yaml").write_text(MARKED, encoding="utf-8")
    (tmp_path / "putlint.yaml").write_text(f"fail-on: error\nnot-critical: {value}\n",
                                           encoding="utf-8")
    proc = putlint("check", "api.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("putlint.yaml:2:"), proc.stderr
    assert "not-critical" in proc.stderr


def test_putlint_config_shows_the_declines(tmp_path: Path) -> None:
    (tmp_path / "putlint.yaml").write_text(
        "not-critical:\n  - a.b\n  - {name: c.d, reason: why}\n", encoding="utf-8")
    proc = putlint("config", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("not-critical:"))
    assert yaml.safe_load(line.split("#")[0])["not-critical"] == ["a.b", {"name": "c.d",
                                                                          "reason": "why"}]


# -- x-ms-mutability and readOnly beside a $ref ------------------------------------------------

def arm_spec(tmp_path: Path, beside: dict) -> Path:
    """A Swagger 2.0 ARM-style PUT whose `rules` is a `$ref` with `beside` as its siblings;
    the API also writes the rules on their own (managed-child evidence)."""
    spec = {
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}": {"put": {
                "parameters": [{"name": "body", "in": "body", "required": True,
                                "schema": {"$ref": "#/definitions/Thing"}}],
                "responses": {"200": {"description": "ok"},
                              "default": {"description": "error",
                                          "schema": {"type": "object"}}}}},
            "/things/{id}/rules": {"post": {"responses": {"201": {"description": "ok"}}}},
        },
        "definitions": {
            "Thing": {"type": "object", "properties": {
                "name": {"type": "string"},
                "rules": {"$ref": "#/definitions/Rules", **beside}}},
            "Rules": {"type": "array", "items": {"type": "string"}},
        },
    }
    out = tmp_path / "arm.json"
    out.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return out


@pytest.mark.parametrize("beside", [{"x-ms-mutability": ["create", "read"]},
                                    {"x-ms-mutability": ["read"]}, {"readOnly": True}])
@pytest.mark.parametrize("profile", [None, "azure-arm"])
def test_a_field_a_put_cannot_change_beside_its_ref_is_no_candidate(tmp_path: Path,
                                                                    beside: dict,
                                                                    profile: str | None) -> None:
    path = arm_spec(tmp_path, beside)
    assert names_of(Options(profile=profile), path) == []
    writable = arm_spec(tmp_path, {"x-ms-mutability": ["create", "read", "update"]})
    assert names_of(Options(profile=profile), writable) == ["Thing.rules"]


def test_the_same_words_in_the_ref_target_are_read_too(tmp_path: Path) -> None:
    path = arm_spec(tmp_path, {})
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["definitions"]["Rules"]["x-ms-mutability"] = ["create", "read"]
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert names_of(Options(profile="azure-arm"), path) == []


@pytest.mark.parametrize(("beside", "expected"), [
    ({}, {"PUT001", "PUT003"}),  # the control: the words are what changes the verdict
    ({"x-ms-mutability": ["create", "read"]}, set()),  # ARM keeps a create-only field on PUT
    ({"readOnly": True}, {"PUT004"}),
])
def test_check_reads_the_same_words_beside_a_ref(tmp_path: Path, beside: dict,
                                                 expected: set[str]) -> None:
    """check had no such blind spot (the bundle keeps a $ref's siblings); kept that way. Under
    azure-arm a create-only field is kept by PUT (profiles.py), a read-only one is PUT004."""
    path = arm_spec(tmp_path, beside)
    proc = putlint("check", str(path), "--profile", "azure-arm", "--critical", "Thing.rules",
                   "-f", "json", cwd=tmp_path)
    found = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert found == expected, proc.stdout
    assert proc.returncode == (1 if expected else 0), proc.stdout + proc.stderr
    if "readOnly" in beside:
        assert "readOnly" in proc.stdout


@needs_webapps
def test_app_service_host_environment_is_not_proposed() -> None:
    """WebApps.json: `hostingEnvironmentProfile` is `{$ref, x-ms-mutability: [create, read]}`
    (the trial's report); the other SiteConfig candidates stay."""
    run = suggest([WEBAPPS], replace(Options(), profile="azure-arm"), top=None,
                  min_confidence=0.0, root_dir=ARM)
    fields = {s.field for s in run.suggestions}
    assert "properties.hostingEnvironmentProfile" not in fields
    assert {"properties.apiManagementConfig", "properties.ipSecurityRestrictions"} <= fields
    proc = putlint("suggest", str(WEBAPPS), "--root", str(ARM), "--profile", "azure-arm")
    assert proc.returncode == 0 and "hostingEnvironmentProfile" not in proc.stdout
    assert "ipSecurityRestrictions" in proc.stdout


# -- a decline that declines nothing -----------------------------------------------------------

@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(ALL), max_size=4),
       st.sets(st.text("abcxyz", min_size=1, max_size=6), max_size=3))
def test_only_declines_that_denote_nothing_are_warned(real: set[str], typos: set[str]) -> None:
    """Every `not-critical` name that denotes no property gets one warning at its line, in
    suggest and in check alike; a name that denotes one gets none."""
    from linter.engine import run

    stale = {f"Nope{t}.field" for t in typos}
    declines = [Declined(n, origin=None) for n in sorted(real | stale)]
    options = Options(not_critical=declines)
    said = {str(w.message).split("'")[1]
            for w in suggest([UNANNOTATED], options, top=None).warnings}
    assert said == stale
    checked = {str(w.message).split("'")[1] for w in run([UNANNOTATED], options).warnings
               if "not-critical name" in str(w.message)}
    assert checked == stale


def test_a_stale_decline_is_named_with_its_config_line(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(UNANNOTATED.read_text())
    (tmp_path / "putlint.yaml").write_text(
        "not-critical:\n  - Certificate.tags\n  - {name: Certifcate.snis, reason: typo}\n")
    for command in (["check"], ["suggest"], ["suggest", "--write-config", "putlint.yaml"]):
        proc = putlint(*command, "spec.yaml", cwd=tmp_path)
        lines = [line for line in proc.stderr.splitlines() + proc.stdout.splitlines()
                 if "warning: not-critical name" in line]
        assert lines == ["putlint.yaml:3:5: warning: not-critical name 'Certifcate.snis' "
                         "denotes no property of the specs checked, so it declines nothing "
                         "(a typo? names are written as in `critical`)"], (command, proc)
        assert proc.returncode == 0, (command, proc)


def test_write_config_creates_no_file_when_there_is_nothing_to_write(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text((ROOT / "specs" / "konnect-certificates-fixed.yaml").read_text())
    proc = putlint("suggest", "spec.yaml", "--write-config", "new.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc
    assert "no entries to write; new.yaml not created" in proc.stderr
    assert not (tmp_path / "new.yaml").exists()
