"""probe writes only to what it created, and says truthfully what it cleaned up.

A toy API records every request over real HTTP on loopback and knows, for each path, whether
it was there before probe ran ("theirs": seeded, or claimed by a GET that answers 200 for any
id). Hypothesis draws the spec's path shape (a singleton, an item, a nested item, a sub-resource
of an item; with or without a collection POST) and the server's behaviour (PUT upserts or
not, what a missing item's GET answers, what the collection POST returns: an id, a Location,
both, nothing, a Location outside the collection; whether DELETE works; what an omission does).
Whatever they are, no PUT/PATCH/DELETE reaches a path that was theirs without --allow-existing,
none ever DELETEs one, and what the ledger says about clean-up is what the server holds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter import live
from linter.config import Options
from linter.live import State
from linter.probe import ProbeSettings, run_probe_full
from linter.refserver import running

PUTLINT = str(Path(sys.executable).parent / "putlint")
WRITES = ("PUT", "PATCH", "DELETE", "POST")
VIRTUAL = {"name": "someone else's", "items": ["theirs"]}
SHAPES = {  # path template -> its collection (None: no collection POST possible)
    "singleton": ("/config", None),
    "item": ("/things/{id}", "/things"),
    "nested": ("/orgs/{org}/things/{id}", "/orgs/{org}/things"),
    "sub": ("/things/{id}/settings", None),
}


@dataclass(frozen=True)
class Behaviour:
    put_creates: bool = True  # PUT on a missing item creates it (an upsert)
    get_any: bool = False  # GET answers 200 for any id: every item "exists"
    missing_status: int = 404  # what GET of a missing item answers
    post_answer: str = "id"  # id | location | absolute | both | nothing | foreign | dotdot
    delete_fails: bool = False
    omission: str = "purge"  # purge | preserve | reject


def spec_for(template: str, collection: str | None, id_type: str) -> dict:
    params = [{"name": n, "in": "path", "required": True,
               "schema": {"type": id_type} if id_type != "uuid" else
               {"type": "string", "format": "uuid"}}
              for n in re.findall(r"{(\w+)}", template)]
    body = {"type": "object", "required": ["name", "items"], "properties": {
        "name": {"type": "string"},
        "items": {"type": "array", "minItems": 1, "items": {"type": "string"},
                  "x-critical": True}}}
    ok = {"200": {"description": "ok"}, "400": {"description": "items missing"}}
    paths: dict[str, Any] = {template: {
        "get": {"responses": ok}, "delete": {"responses": {"204": {"description": "gone"}}},
        "put": {"requestBody": {"required": True,
                                "content": {"application/json": {"schema": body}}},
                "responses": ok}}}
    if params:
        paths[template]["parameters"] = params
    if collection:
        paths[collection] = {"post": {"responses": {"201": {"description": "made"}}}}
        inherited = [p for p in params if "{" + p["name"] + "}" in collection]
        if inherited:
            paths[collection]["parameters"] = inherited
    return {"openapi": "3.0.3", "info": {"title": "toy", "version": "1"}, "paths": paths}


def _regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$")


class ToyApi:
    """Stores JSON documents by path; records every request, and every write to a path that
    was not probe's to write."""

    def __init__(self, template: str, collection: str | None, behaviour: Behaviour,
                 seeded: dict[str, dict], allow_existing: bool) -> None:
        self.item = _regex(template)
        self.collection = _regex(collection) if collection else None
        self.b = behaviour
        self.allow_existing = allow_existing
        self.store: dict[str, dict] = {k: dict(v) for k, v in seeded.items()}
        self.before = {k: dict(v) for k, v in seeded.items()}
        self.theirs: set[str] = set(seeded)
        self.made: set[str] = set()  # paths probe's requests created
        self.requests: list[tuple[str, str]] = []
        self.violations: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        with self.lock:
            status, body, headers = self.handle(method, path, raw)
        payload = b"" if body is None else json.dumps(body).encode()
        start_response(f"{status} X", [("Content-Type", "application/json"),
                                       ("Content-Length", str(len(payload))), *headers])
        return [payload]

    def handle(self, method: str, path: str, raw: bytes) -> tuple[int, Any, list]:
        self.requests.append((method, path))
        if path in self.theirs and method in WRITES and (
                method != "PUT" or not self.allow_existing):
            self.violations.append((method, path))
        if method == "POST":
            if self.collection is None or not self.collection.match(path):
                self.violations.append((method, path))
                return 405, None, []
            return self.post(path, raw)
        if not self.item.match(path):
            return 404, None, []
        if method == "GET":
            if path in self.store:
                return 200, self.store[path], []
            if self.b.get_any:
                self.theirs.add(path)  # it "exists": nobody may write it now
                self.before[path] = dict(VIRTUAL)
                return 200, VIRTUAL, []
            return self.b.missing_status, {"message": "no such thing"}, []
        if method == "PUT":
            return self.put(path, raw)
        if method == "DELETE":
            if self.b.delete_fails:
                return 500, {"message": "try later"}, []
            if self.store.pop(path, None) is None:
                return 404, None, []
            return 204, None, []
        return 405, None, []

    def put(self, path: str, raw: bytes) -> tuple[int, Any, list]:
        body = json.loads(raw or b"null")
        if not isinstance(body, dict):
            return 400, {"message": "an object"}, []
        omitted = not body.get("items")
        if omitted and self.b.omission == "reject":
            return 400, {"message": "items is required"}, []
        if path not in self.store and path not in self.theirs:
            if not self.b.put_creates:
                return 404, {"message": "POST to the collection"}, []
            self.made.add(path)
        old = self.store.get(path, self.before.get(path, {}))
        if omitted and self.b.omission == "preserve" and "items" in old:
            body = {**body, "items": old["items"]}
        self.store[path] = body
        return 200, body, []

    def post(self, path: str, raw: bytes) -> tuple[int, Any, list]:
        body = json.loads(raw or b"null")
        if not isinstance(body, dict):
            return 400, None, []
        ident = uuid.uuid4().hex
        item = f"{path}/{ident}"
        self.store[item] = body
        self.made.add(item)
        answer = self.b.post_answer
        headers = {"location": [("Location", item)],
                   "both": [("Location", item)],
                   # another origin, or outside the collection: not taken for an id
                   "absolute": [("Location", f"http://127.0.0.2:9{item}")],
                   "foreign": [("Location", "/elsewhere/" + ident)]}.get(answer, [])
        data = {**body, "id": ident} if answer in ("id", "both") else {}
        if answer == "dotdot":  # an id that a normalising server reads as another place
            data = {**body, "id": "../../config"}
        return 201, data, headers


@st.composite
def scenarios(draw: st.DrawFn) -> tuple:
    shape = draw(st.sampled_from(sorted(SHAPES)))
    template, collection = SHAPES[shape]
    if collection and not draw(st.booleans()):
        collection = None
    behaviour = Behaviour(
        put_creates=draw(st.booleans()), get_any=draw(st.booleans()),
        missing_status=draw(st.sampled_from([404, 410, 403, 500])),
        post_answer=draw(st.sampled_from(["id", "location", "absolute", "both", "nothing",
                                          "foreign", "dotdot"])),
        delete_fails=draw(st.booleans()),
        omission=draw(st.sampled_from(["purge", "preserve", "reject"])))
    seeded = {}
    if shape == "singleton" and draw(st.booleans()):
        seeded["/config"] = {"name": "production", "items": ["a", "b"]}
    elif shape != "singleton":
        seeded[re.sub(r"{\w+}", "theirs", template)] = {"name": "theirs", "items": ["x"]}
    id_type = draw(st.sampled_from(["string", "integer", "uuid"]))
    return template, collection, behaviour, seeded, id_type, draw(st.booleans())


def probe_toy(tmp: Path, template: str, collection: str | None, behaviour: Behaviour,
              seeded: dict, id_type: str, allow_existing: bool) -> tuple[ToyApi, Any]:
    spec = tmp / f"spec-{uuid.uuid4().hex[:8]}.json"
    spec.write_text(json.dumps(spec_for(template, collection, id_type)), encoding="utf-8")
    api = ToyApi(template, collection, behaviour, seeded, allow_existing)
    with running(api) as url, patch.object(live, "CLEANUP_PAUSE", 0.0):  # type: ignore
        run = run_probe_full(spec, Options(), ProbeSettings(
            url, allow_writes=True, allow_existing=allow_existing, timeout=5))
    return api, run


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.nested_given, HealthCheck.too_slow])
@given(scenario=scenarios())
def test_probe_never_writes_what_it_did_not_create(tmp_path_factory: pytest.TempPathFactory,
                                                   scenario: tuple) -> None:
    template, collection, _, seeded, _, allow_existing = scenario
    api, run = probe_toy(tmp_path_factory.mktemp("toy"), *scenario)
    assert api.violations == [], api.requests
    writes = [r for r in api.requests if r[0] in WRITES]
    if template == "/config" and not allow_existing:
        assert writes == []  # a singleton is never written without the flag
        assert "--allow-existing" in str(run.unobserved)
    # what existed before is as it was (put back when --allow-existing wrote to it)
    for path, content in api.before.items():
        assert api.store.get(path, VIRTUAL if path not in seeded else None) == content, path
    # the ledger tells the truth about every place probe made
    lines = "\n".join(run.ledger.report())
    for entry in run.ledger.entries:
        if entry.state is State.DELETED:
            assert entry.url not in api.store
    for path in api.made:
        if path in api.store:  # left behind: the ledger says so, by path or as unnamed
            assert run.ledger.clean is False
            assert f"NOT deleted: {path}" in lines or (
                "without an id or a Location" in lines and collection
                and path.startswith(collection.split("{")[0]))
    if run.ledger.clean:
        assert not (api.made & set(api.store))


@pytest.mark.parametrize("shape", ["item", "nested", "sub"])
def test_a_plain_upsert_api_is_probed_and_left_clean(tmp_path: Path, shape: str) -> None:
    """Not vacuous: where the place can be proven empty, probe does observe the cases."""
    template, collection = SHAPES[shape]
    seeded = {re.sub(r"{\w+}", "theirs", template): {"name": "theirs", "items": ["x"]}}
    api, run = probe_toy(tmp_path, template, collection, Behaviour(), seeded, "string", False)
    assert run.unobserved is None
    assert {f.rule for f in run.report.findings} == {"PUT301"}
    assert run.ledger.clean and not api.made & set(api.store) and api.violations == []
    assert api.store == seeded


@pytest.mark.parametrize("answer", ["id", "location", "both"])
def test_the_collection_post_names_what_it_made(tmp_path: Path, answer: str) -> None:
    template, collection = SHAPES["item"]
    api, run = probe_toy(tmp_path, template, collection,
                         Behaviour(put_creates=False, post_answer=answer), {}, "string", False)
    assert run.unobserved is None and run.ledger.clean
    assert api.store == {} and api.violations == []


@pytest.mark.parametrize("answer", ["nothing", "foreign", "absolute", "dotdot"])
def test_a_post_that_names_nothing_is_reported_left_behind(tmp_path: Path,
                                                           answer: str) -> None:
    template, collection = SHAPES["item"]
    api, run = probe_toy(tmp_path, template, collection,
                         Behaviour(put_creates=False, post_answer=answer), {}, "string", False)
    assert api.violations == []
    assert [m for m, _ in api.requests if m in WRITES] == ["PUT", "POST"]  # then it stopped
    assert not run.ledger.clean
    assert "without an id or a Location" in "\n".join(run.ledger.report())
    assert run.unobserved is not None


def test_a_singleton_is_refused_then_put_back_with_allow_existing(tmp_path: Path) -> None:
    """Through the console script: refused (exit 2, the reason, no request at all); with
    --allow-existing written to, never deleted, and put back as it was."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(spec_for("/config", None, "string")), encoding="utf-8")
    config = {"name": "production", "items": ["a", "b"]}
    api = ToyApi("/config", None, Behaviour(), {"/config": config}, allow_existing=True)
    with running(api) as url:  # type: ignore[arg-type]
        refused = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", url,
                                  "--allow-writes"], capture_output=True, text=True,
                                 timeout=120)
        assert refused.returncode == 2 and "--allow-existing" in refused.stdout
        assert api.requests == []
        allowed = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", url,
                                  "--allow-writes", "--allow-existing", "--format", "json"],
                                 capture_output=True, text=True, timeout=120)
    assert allowed.returncode == 1, allowed.stderr
    assert {f["rule"] for f in json.loads(allowed.stdout)["findings"]} == {"PUT301"}
    assert ("DELETE", "/config") not in api.requests and ("PUT", "/config") in api.requests
    assert api.store == {"/config": config}
    assert "1 that existed before was put back, not deleted" in allowed.stderr
