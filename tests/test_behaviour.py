"""#18: probe against a server that validates like a real one, shrink and clear cases judged
by their own contract keys, and behaviour recorded so that a change fails CI (PUT306)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from linter.rules._specs import reference_api

from linter.cases import load_spec
from linter.config import Options
from linter.critical import CriticalName
from linter.probe import ProbeSettings, run_probe_full
from linter.refserver import ReferenceApi, SpecApi, running

ROOT = Path(__file__).resolve().parent.parent
PUTLINT = str(Path(sys.executable).parent / "putlint")
BUNDLED = [*sorted((ROOT / "specs").glob("*.yaml")), ROOT / "specs/kong-gateway/openapi.yaml"]
PRESERVE = "x-critical: {on-omit: preserve}"


def spec_file(tmp_path: Path, mark: str = PRESERVE, required: str = "[cert, key]",
              min_items: bool = False) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(reference_api("reject", mark=mark, required=required,
                                  min_items=min_items), encoding="utf-8")
    return path


def probe(spec: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PUTLINT, "probe", str(spec), "--base-url", url, "--allow-writes",
                           *args], capture_output=True, text=True, timeout=300)


def outcomes(run: Any) -> dict[str, str]:
    return {f"{row.path.rsplit('/', 1)[-1]} {fr.field}": fr.observed
            for s in run.report.specs for row in s.operations for fr in row.fields}


# -- set-up bodies a validating server accepts -------------------------------------------------

# The bundled spec that marks nothing critical (it shows `suggest`): its upserts are probed
# with what `suggest` proposes, and one critical field of each other upsert, so that every one
# of its write operations is set up too.
UNMARKED = {"kong-admin-unannotated.yaml": ["Certificate.snis", "Service.ca_certificates",
                                            "Route.hosts"]}


def bundled_options(spec: Path) -> Options:
    return Options(critical=[CriticalName(n) for n in UNMARKED.get(spec.name, [])])


@pytest.mark.parametrize("spec", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_set_up_passes_a_validating_server_for_every_bundled_spec(spec: Path) -> None:
    """No user-given body, no exception: every in-scope operation of every bundled spec is set
    up against a server that checks the spec's schema (formats, host names, patterns) and
    refuses empty strings, and every case of every critical field is observed."""
    options = bundled_options(spec)
    expected = {f"{op.method} {op.path}" for op in load_spec(spec, options=options).operations}
    assert expected, "a bundled spec with no operation to probe proves nothing"
    app = SpecApi(spec, options=options)
    with running(app) as url:
        run = run_probe_full(spec, options, ProbeSettings(url, allow_writes=True,
                                                          max_requests=5000))
    refused = [f.message for f in run.report.findings if f.rule == "PUT304"]
    assert not refused, refused
    rows = [row for s in run.report.specs for row in s.operations]
    assert {f"{row.method.upper()} {row.path}" for row in rows} == expected
    observed = {f"{row.path} {fr.field}": fr.observed for row in rows for fr in row.fields}
    assert observed and not [k for k, v in observed.items() if "inconclusive" in v], observed
    assert run.ledger.clean and not app.store


@pytest.mark.parametrize("spec", sorted((ROOT / "specs").glob("konnect-*.yaml")),
                         ids=lambda p: p.name)
def test_set_up_passes_the_validating_reference_server(spec: Path) -> None:
    """The Konnect specs against the certificates server itself, validating: every case is
    observed (nothing inconclusive)."""
    app = ReferenceApi("reject", validate=True)
    with running(app) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    assert not [f.message for f in run.report.findings if f.rule == "PUT304"]
    assert all("inconclusive" not in fr.observed for s in run.report.specs
               for row in s.operations for fr in row.fields)
    assert run.ledger.clean and not app.store.certificates


HOSTS = """openapi: 3.1.0
info: {title: Hosts, version: '1'}
paths:
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: it}}}
    delete: {responses: {'204': {description: gone}}}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, hosts, code, contact, site, key, ref]
              properties:
                name: {type: string}
                hosts:
                  type: array
                  items: {type: string, format: hostname}
                  x-critical: true
                code: {type: string, pattern: '^[A-Z]{3}-[0-9]{4}$'}
                contact: {type: string, format: email}
                site: {type: string, format: uri}
                key: {type: string, format: byte}
                ref: {type: string, format: uuid}
                tags: {type: array, items: {type: string, maxLength: 8}}
      responses: {'200': {description: stored}, '400': {description: refused}}
"""


def test_set_up_passes_hostnames_and_patterns(tmp_path: Path) -> None:
    spec = tmp_path / "hosts.yaml"
    spec.write_text(HOSTS, encoding="utf-8")
    app = SpecApi(spec)
    with running(app) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    assert not [f for f in run.report.findings if f.rule == "PUT304"]
    # the schema admits [], so the server stores it: cleared (PUT301, as on-empty says reject)
    assert outcomes(run) == {"{id} hosts": "absent: rejected, null: rejected, empty: cleared, "
                             "shrink: replaced"}
    body = json.loads("{" + next(line for line in run.plan if "set up:" in line)
                      .split(" {", 1)[1])
    assert len(body["hosts"]) == 2 and all(h for h in body["hosts"])


def test_the_specs_own_example_is_the_set_up_body(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = reference_api("reject").replace(
        "              type: object\n",
        "              type: object\n              example: {cert: PEM, key: KEY, snis: "
        "[api.example.com, www.example.com]}\n", 1)
    spec.write_text(text, encoding="utf-8")
    run = run_probe_full(spec, Options(), ProbeSettings("http://127.0.0.1:9"))
    assert any('"snis": ["api.example.com", "www.example.com"]' in line for line in run.plan)


def test_the_media_types_own_example_comes_first(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = reference_api("reject").replace(
        "            schema:\n",
        "            examples:\n              short: {value: {cert: A, key: B, snis: [one.test]}}"
        "\n              full: {value: {cert: PEM, key: KEY, snis: [a.test, b.test]}}\n"
        "            schema:\n", 1)
    spec.write_text(text, encoding="utf-8")
    run = run_probe_full(spec, Options(), ProbeSettings("http://127.0.0.1:9"))
    # the one with two SNIs, so that the shrink case can run
    assert any('{"cert": "PEM", "key": "KEY", "snis": ["a.test", "b.test"]}' in line
               for line in run.plan), run.plan


def test_a_refused_set_up_reports_the_servers_answer(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"cert": "c", "key": "k", "snis": ["not a host!"]}))
    with running(ReferenceApi("preserve", validate=True)) as url:
        proc = probe(spec, url, "--body", f"PUT {_path()}={body}", "--format", "json")
    assert proc.returncode == 2
    assert "is not a host name" in proc.stdout and "set-up refused: PUT answered 400" in \
        proc.stdout


def test_a_given_body_is_sent_and_an_empty_critical_collection_in_it_refused(
        tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    good, empty = tmp_path / "good.yaml", tmp_path / "empty.json"
    good.write_text("cert: PEM\nkey: KEY\nsnis: [a.example.com, b.example.com]\n")
    empty.write_text(json.dumps({"cert": "c", "key": "k", "snis": []}))
    config = tmp_path / "putlint.yaml"
    config.write_text(f"probe:\n  bodies:\n    'PUT {_path()}': good.yaml\n")
    plan = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", "http://127.0.0.1:9",
                           "--config", str(config)], capture_output=True, text=True)
    assert plan.returncode == 0 and '"snis": ["a.example.com", "b.example.com"]' in plan.stdout
    bad = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", "http://127.0.0.1:9",
                          "--body", f"PUT {_path()}={empty}"], capture_output=True, text=True)
    assert bad.returncode == 2 and "empty snis" in bad.stderr and "Traceback" not in bad.stderr
    typo = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", "http://127.0.0.1:9",
                           "--body", f"PUT /certificate={good}"], capture_output=True, text=True)
    assert typo.returncode == 2 and "names no in-scope operation" in typo.stderr


def _path() -> str:
    return "/v2/control-planes/{cp}/core-entities/certificates/{id}"


# -- record, flip, expect: the 2025-11-06 incident as a test ------------------------------------

def test_record_then_a_flip_to_purge_fails_with_put306_on_snis(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    record, again = tmp_path / "behaviour.yaml", tmp_path / "again.yaml"
    app = ReferenceApi("preserve", clear="reject", validate=True)
    with running(app) as url:
        first = probe(spec, url, "--record", str(record))
        second = probe(spec, url, "--record", str(again))
        same = probe(spec, url, "--expect", str(record))
        app.configure(mode="purge")  # the deploy of 2025-11-06
        changed = probe(spec, url, "--expect", str(record), "--format", "json")
    assert first.returncode == 0 and second.returncode == 0, first.stdout + first.stderr
    assert record.read_bytes() == again.read_bytes()
    lines = record.read_text().splitlines()
    assert lines[2:] == sorted(lines[2:]) and len(lines) == 2 + 4
    assert '"field": "snis", "form": "absent", "outcome": "preserved"}' in lines[2]
    assert same.returncode == 0, same.stdout
    assert changed.returncode == 1
    found = json.loads(changed.stdout)["findings"]
    put306 = [f for f in found if f["rule"] == "PUT306"]
    assert len(put306) == 1 and put306[0]["field"] == "snis"
    assert "recorded preserved, now purged" in put306[0]["message"]
    assert not app.store.certificates and not app.store.snis


def test_expect_reports_new_and_disappeared_cases(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    record = tmp_path / "behaviour.yaml"
    with running(ReferenceApi("preserve", clear="reject")) as url:
        probe(spec, url, "--record", str(record))
        lines = record.read_text().splitlines()
        gone = lines[-1].replace('"snis"', '"sans"')
        record.write_text("\n".join([*lines[:-1], gone]) + "\n")
        proc = probe(spec, url, "--expect", str(record), "--format", "json")
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"]
                if f["rule"] == "PUT306"]
    assert proc.returncode == 1 and len(messages) == 2
    assert any("a new case" in m for m in messages)
    assert any("sans: shrink: recorded" in m and "no such case" in m for m in messages)


def test_the_record_holds_no_secret_and_no_identifier(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    record = tmp_path / "behaviour.yaml"
    app = ReferenceApi("preserve", clear="reject")
    with running(app) as url:
        proc = probe(spec, url, "--record", str(record), "-H",
                     "Authorization: Bearer sekr1t-t0ken-value")
    assert proc.returncode == 0, proc.stderr
    text = record.read_text()
    assert "sekr1t" not in text and "<new" not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no uuid
    assert app.requests > 10


def test_a_malformed_record_is_an_input_error(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    record = tmp_path / "behaviour.yaml"
    record.write_text("- {operation: x}\n")
    with running(ReferenceApi("preserve")) as url:
        proc = probe(spec, url, "--expect", str(record))
    assert proc.returncode == 2 and f"{record}:1" in proc.stderr
    assert "Traceback" not in proc.stderr


PLUGIN_TEST = """
import os
import pytest

pytestmark = pytest.mark.putlint(spec="spec.yaml", max_examples=5)

def test_certificates(putlint_operation):
    putlint_operation.check(os.environ["REFERENCE_URL"])
"""


def test_the_pytest_plugin_records_and_expects(pytester: pytest.Pytester, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spec_file(pytester.path)
    pytester.makepyfile(test_certs=PLUGIN_TEST)
    app = ReferenceApi("preserve", clear="reject", validate=True)
    with running(app) as url:
        monkeypatch.setenv("REFERENCE_URL", url)
        pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-record",
                                      "rec.yaml").assert_outcomes(passed=1)
        pytester.makeini("[pytest]\nputlint_expect = rec.yaml\n")
        pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
        app.configure(mode="purge")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "PUT306 behaviour-changed [error]" in out and "without snis" in out
    assert "recorded preserved, now purged" in out
    assert (pytester.path / "rec.yaml").read_text().count("\n") == 2 + 4


def test_the_plugin_names_recorded_operations_no_test_ran(pytester: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    spec_file(pytester.path)
    pytester.makepyfile(test_certs=PLUGIN_TEST)
    line = ('- {"operation": "PUT /gone/{id}", "media-type": "application/json", '
            '"field": "x", "form": "absent", "outcome": "rejected"}\n')
    with running(ReferenceApi("preserve", clear="reject")) as url:
        monkeypatch.setenv("REFERENCE_URL", url)
        pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-record", "rec.yaml")
        record = pytester.path / "rec.yaml"
        record.write_text(record.read_text() + line)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-expect",
                                               "rec.yaml")
    result.assert_outcomes(passed=1)
    assert "records operations no test ran here: PUT /gone/{id}" in result.stdout.str()


TWO_OPERATIONS = """openapi: 3.1.0
info: {title: Two resources, version: '1'}
paths:
""" + "".join(f"""  /{name}s/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    get: {{responses: {{'200': {{description: it}}}}}}
    delete: {{responses: {{'204': {{description: gone}}}}}}
    put:
      operationId: put-{name}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [hosts]
              properties:
                hosts: {{type: array, minItems: 1, items: {{type: string, format: hostname}},
                        x-critical: true}}
      responses: {{'200': {{description: stored}}, '400': {{description: refused}}}}
""" for name in ("thing", "other"))


def test_an_operation_deselected_with_k_is_named_not_failed(pytester: pytest.Pytester,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Recorded, then left out of the expect session by `-k`: the session passes, and its
    summary names the operation that was not run (a selection is made on purpose)."""
    spec = pytester.path / "spec.yaml"
    spec.write_text(TWO_OPERATIONS, encoding="utf-8")
    pytester.makepyfile(test_things=PLUGIN_TEST)
    with running(SpecApi(spec)) as url:
        monkeypatch.setenv("REFERENCE_URL", url)
        pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-record",
                                      "rec.yaml").assert_outcomes(passed=2)
        recorded = (pytester.path / "rec.yaml").read_text()
        assert "PUT /things/{id}" in recorded and "PUT /others/{id}" in recorded
        both = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-expect",
                                             "rec.yaml")
        one = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--putlint-expect",
                                            "rec.yaml", "-k", "put-thing")
    both.assert_outcomes(passed=2)
    assert "no test ran here" not in both.stdout.str()
    one.assert_outcomes(passed=1, deselected=1)
    assert one.ret == 0
    assert "records operations no test ran here: PUT /others/{id}" in one.stdout.str()
    assert "PUT /things/{id}" not in one.stdout.str().split("no test ran here", 1)[1]


pytest_plugins = ["pytester"]


# -- shrink and clear: each server behaviour against each contract value ------------------------

SHRINK = [  # server, contract -> the outcome, and PUT305 with its severity (or None)
    ("replace", "replace", "replaced", None),
    ("replace", "reject", "replaced", "error"),
    ("replace", "keep", "replaced", "error"),
    ("reject", "replace", "rejected", "warning"),
    ("reject", "reject", "rejected", None),
    ("reject", "keep", "rejected", "warning"),
    ("keep", "replace", "kept", "warning"),
    ("keep", "reject", "kept", "warning"),
    ("keep", "keep", "kept", None),
]


@pytest.mark.parametrize(("server", "contract", "outcome", "severity"), SHRINK)
def test_shrink_matrix(tmp_path: Path, server: str, contract: str, outcome: str,
                       severity: str | None) -> None:
    spec = spec_file(tmp_path, mark=f"x-critical: {{on-omit: preserve, on-shrink: {contract}}}")
    app = ReferenceApi("preserve", clear="reject", shrink=server, validate=True)
    with running(app) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    assert outcomes(run)["{id} snis"].endswith(f"shrink: {outcome}")
    found = [(f.rule, f.severity) for f in run.report.findings]
    assert found == ([("PUT305", severity)] if severity else [])
    assert run.ledger.clean and not app.store.certificates


CLEAR = [  # server's answer to null and [], contract -> outcome, rule (or None)
    ("clear", "clear", "cleared", None),
    ("clear", "reject", "cleared", "PUT301"),
    ("reject", "clear", "rejected", "PUT303"),
    ("reject", "reject", "rejected", None),
    ("omit", "clear", "preserved", "PUT303"),  # null treated as omission: kept
    ("omit", "reject", "preserved", "PUT302"),
]


@pytest.mark.parametrize(("server", "contract", "outcome", "rule"), CLEAR)
def test_clear_matrix(tmp_path: Path, server: str, contract: str, outcome: str,
                      rule: str | None) -> None:
    """null and [] are judged by on-null / on-empty, never by on-omit (preserve here)."""
    spec = spec_file(tmp_path, mark=f"x-critical: {{on-omit: preserve, on-null: {contract}, "
                     f"on-empty: {contract}}}")
    app = ReferenceApi("preserve", clear=server, validate=True)
    with running(app) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    observed = outcomes(run)["{id} snis"]
    assert f"null: {outcome}, empty: {outcome}" in observed and "absent: preserved" in observed
    found = sorted({f.rule for f in run.report.findings})
    assert found == ([rule] if rule else [])


def test_a_clear_that_changes_other_fields_is_a_purge(tmp_path: Path) -> None:
    """Where the contract says clear, the field must be emptied and nothing else changed."""

    class Sloppy(ReferenceApi):
        def _put_certificate(self, cp: str, id: str, body: Any) -> tuple[int, Any]:
            if body.get("snis") is None and "snis" in body:
                body = {**body, "tags": ["wiped"]}
            return super()._put_certificate(cp, id, body)

    spec = spec_file(tmp_path, mark="x-critical: {on-omit: preserve, on-null: clear, "
                     "on-empty: clear}")
    with running(Sloppy("preserve", clear="clear")) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    purged = [f for f in run.report.findings if f.rule == "PUT301"]
    assert len(purged) == 1 and "other fields changed too" in purged[0].message


SETTINGS = """openapi: 3.1.0
info: {title: Settings, version: '1'}
paths:
  /sites/{id}/settings:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: them}}}
    delete: {responses: {'204': {description: gone}}}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [properties]
              properties:
                properties:
                  type: object
                  additionalProperties: {type: string}
                  x-critical: {on-shrink: keep}
      responses: {'200': {description: stored}, '400': {description: refused}}
"""


def test_a_map_is_shrunk_too(tmp_path: Path) -> None:
    """App Service settings: a shorter map replaces the stored one (the store replaces), where
    the contract says keep: PUT305, an error."""
    spec = tmp_path / "settings.yaml"
    spec.write_text(SETTINGS, encoding="utf-8")
    app = SpecApi(spec)
    with running(app) as url:
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    assert outcomes(run)["settings properties"].endswith("shrink: replaced")
    found = [(f.rule, f.severity) for f in run.report.findings if f.rule == "PUT305"]
    assert found == [("PUT305", "error")] and not app.store


def test_record_and_expect_wait_for_allow_writes(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    record = tmp_path / "behaviour.yaml"
    proc = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", "http://127.0.0.1:9",
                           "--record", str(record)], capture_output=True, text=True)
    assert proc.returncode == 0 and "take effect with --allow-writes" in proc.stdout
    assert not record.exists()


def test_the_reference_server_is_switched_over_http() -> None:
    import httpx

    app = ReferenceApi("preserve")
    with running(app) as url, httpx.Client(base_url=url) as client:
        assert client.put("/_refserver", json={"mode": "purge", "shrink": "keep"}).json() == \
            {"mode": "purge", "clear": "omit", "shrink": "keep", "validate": False}
        assert (app.mode, app.shrink) == ("purge", "keep")
        assert client.put("/_refserver", json={"mode": "delete-all"}).status_code == 400
        assert client.put("/_refserver", json=["purge"]).status_code == 400
        assert app.mode == "purge"


def test_a_validating_reference_server_refuses_what_a_real_one_refuses() -> None:
    import httpx

    cert = "/v2/control-planes/cp/core-entities/certificates/c1"
    with running(ReferenceApi("reject", validate=True)) as url, \
            httpx.Client(base_url=url) as client:
        assert client.put(cert, json={"cert": "", "key": "k", "snis": ["a.test"]}) \
            .status_code == 400
        assert client.put(cert, json={"cert": "c", "key": "k", "snis": ["-bad-.test"]}) \
            .status_code == 400
        assert client.put(cert, json={"cert": "c", "key": "k", "snis": ["ok.test"]}) \
            .status_code == 201


KINDS = """openapi: 3.1.0
info: {title: Kinds, version: '1'}
paths:
  /stores/{store}/kinds/{kind}:
    parameters:
      - {name: store, in: path, required: true, schema: {type: string}}
      - {name: kind, in: path, required: true, schema: {type: string, enum: [add, remove]}}
    get: {responses: {'200': {description: it}}}
    put:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [name, hosts]
              properties:
                name: {type: string}
                size: {type: integer}
                hosts: {type: array, minItems: 1, items: {type: string, format: hostname},
                        x-critical: true}
      responses: {'200': {description: stored}, '400': {description: refused}}
  /settings/{kind}:
    parameters:
      - {name: kind, in: path, required: true, schema: {type: string, enum: [main, backup]}}
    get: {responses: {'200': {description: it}}}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [hosts]
              properties:
                hosts: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses: {'200': {description: stored}, '400': {description: refused}}
"""


def test_a_fixed_path_parameter_takes_an_admitted_value(tmp_path: Path) -> None:
    """An `enum` path parameter gets one of its values (a made-up one names no place the
    server has: a validating server answers 404); a path whose only parameters are fixed names
    a place others may use, as a path without any: nothing is written there. The form body is
    sent as the multipart/form-data the operation declares, one part per list member."""
    import httpx

    spec = tmp_path / "kinds.yaml"
    spec.write_text(KINDS, encoding="utf-8")
    app = SpecApi(spec)
    with running(app) as url:
        with httpx.Client(base_url=url) as client:
            assert client.get("/stores/s1/kinds/other").status_code == 404
            assert client.get("/stores/s1/kinds/add").status_code == 404  # nothing stored
        run = run_probe_full(spec, Options(), ProbeSettings(url, allow_writes=True))
    by_path = {row.path: {fr.field: fr.observed for fr in row.fields}
               for s in run.report.specs for row in s.operations}
    assert by_path["/stores/{store}/kinds/{kind}"] == {
        "hosts": "absent: rejected, null: rejected, empty: rejected, shrink: replaced"}
    refused = [f.message for f in run.report.findings if f.rule == "PUT304"]
    assert refused and all("/settings/{kind}" in m and "only fixed ones" in m
                           for m in refused), refused
    assert not any(url.rstrip("/") + "/settings/" in str(e) for e in run.ledger.report())
    assert run.ledger.clean and not app.store


def test_the_reference_server_reads_a_form_by_the_schema(tmp_path: Path) -> None:
    import httpx

    from linter.live import multipart

    spec = tmp_path / "kinds.yaml"
    spec.write_text(KINDS, encoding="utf-8")
    body = {"name": 'a "quoted" name', "size": 3, "hosts": ["a.test", "b.test"]}
    content, content_type = multipart(body)
    with running(SpecApi(spec)) as url, httpx.Client(base_url=url) as client:
        made = client.put("/stores/s1/kinds/remove", content=content,
                          headers={"Content-Type": content_type})
        assert made.status_code == 201, made.text
        assert client.get("/stores/s1/kinds/remove").json() == body
        one = client.put("/stores/s1/kinds/remove", data={"name": "n", "hosts": "c.test"})
        assert one.status_code == 200 and one.json()["hosts"] == ["c.test"]
        bad = client.put("/stores/s1/kinds/remove", data={"name": "n", "hosts": "-no-"})
        assert bad.status_code == 400


@pytest.mark.parametrize("spec", [s for s in BUNDLED if s.name not in UNMARKED],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_probe_from_the_console_against_the_served_spec(spec: Path) -> None:
    """As a new user: `python -m linter.refserver --spec FILE` serves the spec, the console
    script probes it, and every case is conclusive (no PUT304), with nothing left behind."""
    server = subprocess.Popen([sys.executable, "-m", "linter.refserver", "--spec", str(spec),
                               "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = re.search(r"http://[0-9.:]+", server.stdout.readline())
        assert url, "the server printed no address"
        proc = probe(spec, url.group(0))
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), out
    assert "PUT304" not in out and "inconclusive" not in out, out
    assert "every resource it created was deleted" in out, out


def test_the_served_spec_must_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\npaths: [\n", encoding="utf-8")
    for spec in (broken, tmp_path / "missing.yaml"):
        proc = subprocess.run([sys.executable, "-m", "linter.refserver", "--spec", str(spec),
                               "--port", "0"], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1 and str(spec) in proc.stderr, proc.stderr
