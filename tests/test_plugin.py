"""The pytest plugin, run as a user runs it: the example of docs/pytest-plugin.md in a scratch
project."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from linter.refserver import ReferenceApi, running

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "docs" / "pytest-plugin.md"  # the page that shows the example
FIXED = ROOT / "specs" / "konnect-certificates-fixed.yaml"

pytest_plugins = ["pytester"]


def readme_example(name: str) -> str:
    """The code block that follows `<!-- readme-example: NAME -->` on the page, verbatim."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- readme-example: {re.escape(name)} -->\n```\w*\n(.*?)```", text,
                      re.S)
    assert match, f"{README.name} has no example {name}"
    return match.group(1)


@pytest.fixture
def scratch(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_omissions=readme_example("test_omissions.py"))
    shutil.copy(FIXED, pytester.path / FIXED.name)
    return pytester


def test_readme_example_passes_against_the_server_its_contract_describes(
        scratch: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERENCE_MODE", "reject")
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_server_that_preserves_what_the_contract_rejects_fails_with_put302(
        scratch: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin judges through probe's rules: the contract says reject (PUT302), not only
    "was data destroyed"."""
    monkeypatch.setenv("REFERENCE_MODE", "preserve")
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert "PUT302 omission-accepted [error]" in result.stdout.str()


@pytest.mark.parametrize(("fail_on", "outcome"), [("error", "passed"), ("warning", "failed")])
def test_put303_fails_a_test_only_at_its_fail_on(pytester: pytest.Pytester, fail_on: str,
                                                 outcome: str) -> None:
    """A field whose contract says preserve, against a server that rejects: PUT303 is a
    warning, so it fails the test only with fail_on="warning"."""
    spec = FIXED.read_text(encoding="utf-8").replace("on-omit: reject", "on-omit: preserve")
    assert "on-omit: preserve" in spec
    (pytester.path / "spec.yaml").write_text(spec, encoding="utf-8")
    pytester.makepyfile(test_303=f'''
import pytest
from linter.refserver import ReferenceApi

pytestmark = pytest.mark.putlint(spec="spec.yaml", fail_on="{fail_on}", forms=["absent"])
app = ReferenceApi(mode="reject")


def test_x(putlint_operation):
    putlint_operation.check(app)
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(**{outcome: 1})
    if outcome == "failed":
        assert "PUT303 omission-rejected [warning]" in result.stdout.str()


def test_readme_example_fails_against_purge_with_the_requests(scratch: pytest.Pytester,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.setenv("REFERENCE_MODE", "purge")
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "PUT301 omission-purged [error]" in out
    assert "test_omission_never_destroys_data[upsert-certificate]" in out
    # the whole sequence: prove the place empty, set up, read back, omit, read back
    for step in (r"1\. GET /v2/control-planes/[0-9a-f-]{36}/core-entities/certificates/.* -> 404",
                 r"2\. PUT /v2/control-planes/[0-9a-f-]{36}/core-entities/certificates/",
                 r"3\. GET ", r"4\. PUT .* -> 200", r"5\. GET .*\"snis\": \[\]"):
        assert re.search(step, out), step


def test_a_failure_replays_with_the_same_seed(scratch: pytest.Pytester,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERENCE_MODE", "purge")

    def failing_case() -> str:
        out = scratch.runpytest_subprocess("-p", "no:cacheprovider",
                                           "--hypothesis-seed=7").stdout.str()
        return re.search(r"Failing test case: .*?\n(.*?)\n\n", out, re.S).group(1)

    assert failing_case() == failing_case()


def test_against_a_base_url_and_an_asgi_app(pytester: pytest.Pytester) -> None:
    """The same check over real HTTP on loopback, and through an ASGI app."""
    shutil.copy(FIXED, pytester.path / FIXED.name)
    pytester.makepyfile(test_targets='''
import asyncio, json, os
import pytest
from linter.refserver import ReferenceApi, running

pytestmark = pytest.mark.putlint(spec="konnect-certificates-fixed.yaml", max_examples=5)
wsgi = ReferenceApi(mode="purge")

async def asgi(scope, receive, send):
    """A minimal ASGI face on the WSGI reference app."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    import io
    environ = {"REQUEST_METHOD": scope["method"], "PATH_INFO": scope["path"],
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    status, payload = wsgi.handle(environ)
    data = b"" if payload is None else json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})

def test_url(putlint_operation):
    with running(ReferenceApi(mode="purge")) as url:
        putlint_operation.check(url)

def test_asgi(putlint_operation):
    putlint_operation.check(asgi)
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    assert result.stdout.str().count("PUT301 omission-purged [error]") >= 2


def test_a_spec_without_critical_fields_is_a_usage_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "plain.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", encoding="utf-8")
    pytester.makepyfile(test_plain='''
import pytest
pytestmark = pytest.mark.putlint(spec="plain.yaml")
def test_x(putlint_operation):
    putlint_operation.check("http://127.0.0.1:9")
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert "no in-scope operation with critical fields" in result.stdout.str()
    assert result.ret != 0


# -- the reference server itself --------------------------------------------------------------

CERT = "/v2/control-planes/cp/core-entities/certificates/c1"


def _client(mode: str, **kwargs: float):  # type: ignore[no-untyped-def]
    import httpx

    app = ReferenceApi(mode, **kwargs)
    return app, httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t")


@pytest.mark.parametrize(("mode", "status", "left"), [
    ("reject", 400, ["a.example"]), ("preserve", 200, ["a.example"]), ("purge", 200, [])])
@pytest.mark.parametrize("omitted", [{}, {"snis": None}, {"snis": []}])
def test_reference_modes(mode: str, status: int, left: list, omitted: dict) -> None:
    app, client = _client(mode)
    assert client.put(CERT, json={"cert": "c", "key": "k", "snis": ["a.example"]}
                      ).status_code == 201
    assert client.put(CERT, json={"cert": "c", "key": "k", **omitted}).status_code == status
    assert client.get(CERT).json()["snis"] == left
    assert client.delete(CERT).status_code == 204
    assert app.store.snapshot() == {"certificates": [], "snis": []}  # SNIs go with it


def test_reference_snis_are_a_resource_of_their_own() -> None:
    _app, client = _client("preserve")
    client.put(CERT, json={"cert": "c", "key": "k", "snis": ["a.example"]})
    made = client.post("/v2/control-planes/cp/core-entities/snis",
                       json={"name": "b.example", "certificate": {"id": "c1"}})
    assert made.status_code == 201
    assert sorted(client.get(CERT).json()["snis"]) == ["a.example", "b.example"]
    other = "/v2/control-planes/cp/core-entities/certificates/c2"
    clash = client.put(other, json={"cert": "c", "key": "k", "snis": ["b.example"]})
    assert clash.status_code == 409  # an SNI name belongs to one certificate
    assert json.loads(client.get(f"/v2/control-planes/cp/core-entities/snis/{made.json()['id']}"
                                 ).text)["certificate"] == {"id": "c1"}


def test_reference_fail_rate_fails_before_doing_anything() -> None:
    app, client = _client("reject", fail_rate=1.0)
    assert client.put(CERT, json={"cert": "c", "key": "k", "snis": ["a"]}).status_code == 500
    assert app.store.snapshot() == {"certificates": [], "snis": []}


def test_reference_serves_on_loopback() -> None:
    import httpx

    with running(ReferenceApi("reject")) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.put(url + CERT, json={"cert": "c", "key": "k"}).status_code == 400


# -- the behaviour record stays in the project ---------------------------------------------------

def test_the_record_is_written_inside_the_project(scratch: pytest.Pytester,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERENCE_MODE", "reject")
    scratch.makeini("[pytest]\nputlint_record = records/behaviour.yaml\n")
    (scratch.path / "records").mkdir()
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert (scratch.path / "records" / "behaviour.yaml").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("where", ["ini-up", "ini-absolute", "ini-linked", "option-up"])
def test_a_record_out_of_the_project_is_a_usage_error(scratch: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path_factory: pytest.TempPathFactory,
                                                      where: str) -> None:
    """From the ini file (it comes with the repository) or from --putlint-record, `../`, an
    absolute path or a folder linked out is refused before any test runs; nothing written."""
    monkeypatch.setenv("REFERENCE_MODE", "reject")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (scratch.path / "out").symlink_to(elsewhere, target_is_directory=True)
    victim = elsewhere / "victim.sh"
    victim.write_text("echo mine\n", encoding="utf-8")
    args = ["-p", "no:cacheprovider"]
    value = {"ini-up": f"../{elsewhere.name}/victim.sh", "ini-absolute": str(victim),
             "ini-linked": "out/victim.sh", "option-up": f"../{elsewhere.name}/victim.sh"}[where]
    if where.startswith("ini"):
        scratch.makeini(f"[pytest]\nputlint_record = {value}\n")
    else:
        scratch.makeini("[pytest]\n")
        args.append(f"--putlint-record={value}")
    monkeypatch.chdir(scratch.path)
    result = scratch.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str() + result.stderr.str()
    assert "leads out of the project" in result.stderr.str()
    assert victim.read_text(encoding="utf-8") == "echo mine\n"
