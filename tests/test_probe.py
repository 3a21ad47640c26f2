"""`putlint probe` over real HTTP on loopback, against the reference server in each mode.

Every test seeds the server with a certificate that is not probe's, and checks that the server
holds exactly what it held before once probe is done: probe writes only to what it created,
and cleans up after itself, also when interrupted or when the server fails at random.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linter.probe import check_base_url
from linter.refserver import ReferenceApi, running

ROOT = Path(__file__).resolve().parent.parent
FIXED = ROOT / "specs" / "konnect-certificates-fixed.yaml"
PURGING = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"
PUTLINT = str(Path(sys.executable).parent / "putlint")
THEIRS = "/v2/control-planes/cp-0/core-entities/certificates/theirs"


def seeded(app: ReferenceApi) -> dict:
    """Put someone else's certificate with two SNIs on the server; its state before probe."""
    import httpx

    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t")
    rate, app.fail_rate = app.fail_rate, 0.0  # seeding must not fail
    made = client.put(THEIRS, json={"cert": "c", "key": "k", "snis": ["a.test", "b.test"]})
    app.fail_rate = rate
    assert made.status_code == 201
    return app.store.snapshot()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[tuple[ReferenceApi, str, dict]]:
    app = ReferenceApi(**request.param) if hasattr(request, "param") else ReferenceApi()
    before = seeded(app)
    with running(app) as url:
        yield app, url, before
    assert app.store.snapshot() == before  # probe left the server as it found it


def probe(spec: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PUTLINT, "probe", str(spec), "--base-url", url, *args],
                          capture_output=True, text=True, timeout=120)


def findings(proc: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)["findings"]


@pytest.mark.parametrize("server", [{"mode": "purge"}], indirect=True)
@pytest.mark.parametrize("spec", [PURGING, FIXED], ids=["purge-contract", "reject-contract"])
def test_purge_is_put301_for_every_form(server: Any, spec: Path) -> None:
    _, url, _ = server
    proc = probe(spec, url, "--allow-writes", "--format", "json")
    found = findings(proc)
    assert proc.returncode == 1
    assert {f["rule"] for f in found} == {"PUT301"}
    assert sorted(f["message"].split(": ")[0].split(" ", 2)[2] for f in found) == [
        "with empty snis", "with null snis", "without snis"]
    for f in found:
        assert f["field"] == "snis" and f["line"] > 0
        steps = [(e["method"], e["status"]) for e in f["exchanges"]]
        assert ("GET", 200) in steps and steps[-1][0] == "GET"


@pytest.mark.parametrize("server", [{"mode": "reject"}], indirect=True)
def test_reject_is_clean(server: Any) -> None:
    _, url, _ = server
    proc = probe(FIXED, url, "--allow-writes", "--format", "json")
    assert findings(proc) == [] and proc.returncode == 0


@pytest.mark.parametrize("server", [{"mode": "preserve"}], indirect=True)
def test_preserve_under_a_reject_contract_is_put302(server: Any) -> None:
    _, url, _ = server
    proc = probe(FIXED, url, "--allow-writes", "--format", "json")
    assert {f["rule"] for f in findings(proc)} == {"PUT302"} and proc.returncode == 1


@pytest.mark.parametrize("server", [{"mode": "purge"}], indirect=True)
def test_without_allow_writes_nothing_is_sent(server: Any) -> None:
    app, url, _ = server
    proc = probe(PURGING, url)
    assert proc.returncode == 0
    assert "dry run, nothing sent" in proc.stdout
    assert '"snis": null' in proc.stdout and "DELETE" in proc.stdout  # the plan, with bodies
    assert app.requests == 1  # the seeding request only


def test_remote_hosts_are_refused_unless_allowed() -> None:
    proc = probe(FIXED, "https://api.example.com")
    assert proc.returncode == 2 and "--allow-remote" in proc.stderr
    assert "Traceback" not in proc.stderr
    allowed = probe(FIXED, "https://api.example.com", "--allow-remote")  # a dry run: no network
    assert allowed.returncode == 0
    for url in ("http://localhost:1", "http://127.0.0.2:1", "http://[::1]:1"):
        check_base_url(url, allow_remote=False)


@pytest.mark.parametrize("seed", range(4))
def test_random_server_errors_leave_no_trace(seed: int) -> None:
    app = ReferenceApi("purge", fail_rate=0.3, seed=seed)
    before = seeded(app)
    with running(app) as url:
        proc = probe(PURGING, url, "--allow-writes", "--format", "json")
    if proc.returncode == 2:  # every case inconclusive: said, with the reasons
        assert "probe observed no case" in proc.stderr and "Traceback" not in proc.stderr
        return_seen = []
    else:
        assert proc.returncode in (0, 1)
        return_seen = findings(proc)
    for f in return_seen:
        assert f["rule"] in ("PUT301", "PUT304")
    assert app.store.snapshot() == before


def test_an_interrupted_run_cleans_up() -> None:
    app = ReferenceApi("purge", latency=0.05)
    before = seeded(app)
    with running(app) as url:
        run = subprocess.Popen([PUTLINT, "probe", str(PURGING), "--base-url", url,
                                "--allow-writes"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while app.requests < 4 and time.monotonic() < deadline:  # mid-way through the cases
            time.sleep(0.01)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=60)
    assert run.returncode == 2
    assert "interrupted" in err and "Traceback" not in err
    assert app.store.snapshot() == before


@pytest.mark.parametrize("server", [{"mode": "purge"}], indirect=True)
def test_max_requests_bounds_the_run_and_clean_up_still_happens(server: Any) -> None:
    app, url, _ = server
    # proof (GET), set-up (PUT), then read, omit, read back and restore for the first case:
    # six requests observe one case, and the budget stops the second (and the third, and the
    # shrink case)
    proc = probe(PURGING, url, "--allow-writes", "--max-requests", "6", "--format", "json")
    found = findings(proc)
    assert [f["rule"] for f in found] == ["PUT301", "PUT304", "PUT304", "PUT304"]
    assert all("--max-requests 6 reached" in f["message"] for f in found[1:])
    assert app.requests - 1 <= 6 + 1  # the budget, plus the clean-up's DELETE


@pytest.mark.parametrize("server", [{"mode": "reject", "latency": 0.5}], indirect=True)
def test_timeouts_are_inconclusive(server: Any) -> None:
    _, url, _ = server
    proc = probe(FIXED, url, "--allow-writes", "--timeout", "0.1", "--format", "json")
    # nothing could be observed: the report says why for each case, and the run is an error
    # (exit 2) with the reasons, not a pass
    assert proc.returncode == 2
    found = findings(proc)
    assert {f["rule"] for f in found} == {"PUT304"} and len(found) == 4  # with the shrink case
    assert all("Timeout" in f["message"] for f in found)
    assert "probe observed no case" in proc.stderr and "ReadTimeout" in proc.stderr
    assert "Traceback" not in proc.stderr
    time.sleep(1.5)  # the server still finishes what the client gave up on, the DELETE too


class EchoingApi:
    """The reference API, answering with the request's credentials in every JSON body: the
    worst case for secrecy, since probe records responses as evidence."""

    def __init__(self, app: ReferenceApi) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        status, body = self.app.handle(environ)
        if isinstance(body, dict):
            body = {**body, "seen": [environ.get("HTTP_AUTHORIZATION"),
                                     environ.get("HTTP_X_API_KEY")]}
        payload = json.dumps(body).encode() if body is not None else b""
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [payload]


def test_header_values_never_appear_in_any_output(tmp_path: Path) -> None:
    secrets = ("Bearer TOPSECRET-42", "KEY-SECRET-99")
    app = ReferenceApi("purge")
    with running(EchoingApi(app)) as url:  # type: ignore[arg-type]
        outputs = []
        for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
            out = tmp_path / f"report.{fmt}"
            proc = probe(PURGING, url, "--allow-writes", "-H", f"Authorization: {secrets[0]}",
                         "-H", f"X-Api-Key: {secrets[1]}", "--format", fmt, "--output",
                         str(out))
            assert proc.returncode == 1, proc.stderr
            outputs += [proc.stdout, proc.stderr, out.read_text(encoding="utf-8")]
            assert "PUT301" in outputs[-1]
            # every format carries the request/response sequence of each purge
            assert "/core-entities/certificates/" in outputs[-1], fmt
            assert re.search(r'-(>|&gt;) 200|"status": 200', outputs[-1]), fmt
            if fmt == "sarif":
                from tests.test_reporters import _sarif_validator

                assert not list(_sarif_validator().iter_errors(json.loads(outputs[-1])))
        dry = probe(PURGING, url, "-H", f"Authorization: {secrets[0]}")
        outputs += [dry.stdout, dry.stderr]
    text = "\n".join(outputs)
    for secret in (*secrets, "TOPSECRET", "KEY-SECRET"):
        assert secret not in text
    assert "***" in text  # the echoed credentials were scrubbed, not merely absent
    assert app.store.snapshot() == {"certificates": [], "snis": []}


class CreateWithPost:
    """The reference API where PUT only replaces: new certificates come from the collection's
    POST, which picks the id (a common REST shape)."""

    def __init__(self, app: ReferenceApi) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        cp_id = path.split("/")[3] if path.count("/") > 3 else ""
        cert_id = path.rsplit("/", 1)[-1]
        if method == "PUT" and (cp_id, cert_id) not in self.app.store.certificates:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"message": "no such certificate; POST to the collection"}']
        return self.app(environ, start_response)


def test_set_up_through_the_collection_post(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    collection = ("  /v2/control-planes/{controlPlaneId}/core-entities/certificates:\n"
                  "    post:\n      responses: {'201': {description: created}}\n")
    spec.write_text(FIXED.read_text(encoding="utf-8").replace(
        "paths:\n", "paths:\n" + collection, 1), encoding="utf-8")
    app = ReferenceApi("purge")
    with running(CreateWithPost(app)) as url:  # type: ignore[arg-type]
        proc = probe(spec, url, "--allow-writes", "--format", "json")
    found = findings(proc)
    assert {f["rule"] for f in found} == {"PUT301"}
    first = found[0]["exchanges"]
    assert [(e["method"], e["status"]) for e in first[:3]] == [
        ("GET", 404), ("PUT", 404), ("POST", 201)]  # proved empty, refused, made by the POST
    assert app.store.snapshot() == {"certificates": [], "snis": []}  # deleted by its new id
