"""`--validate` never opens a connection nor a file outside the root, wherever a `$ref` stands.

A real loopback listener (a socket in a thread) records every connection; the specs put a
`$ref` to it (http, https), to a file outside the root folder (file:// and a relative path),
in each place a `$ref` can stand. The listener must see nothing, and nothing from the outside
file may reach the output.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from linter.refs import Workspace
from linter.validate import validate

PUTLINT = str(Path(sys.executable).parent / "putlint")
SECRET = "s3cr3t-outside-the-root"


class Listener:
    """Accepts on 127.0.0.1 and counts connections (any protocol: TLS starts with one too)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n'
                         b'{"type": "string", "description": "' + SECRET.encode() + b'"}')
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _refs(port: int, outside: Path) -> dict[str, str]:
    return {
        "http": f"http://127.0.0.1:{port}/meta.json",
        "https": f"https://127.0.0.1:{port}/meta.json",
        "file-url": outside.as_uri(),
        "relative-outside": "../outside.yaml",
        "ftp": f"ftp://127.0.0.1:{port}/x.json",
    }


def _spec(place: str, ref: str) -> dict:
    """A valid 3.0 spec with `ref` at `place`."""
    schema: dict = {"type": "object", "properties": {"a": {"type": "string"}}}
    op: dict = {"responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"type": "string"}}}}}}
    components: dict = {"schemas": {"S": schema}}
    if place == "parameter":
        op["parameters"] = [{"$ref": ref}]
    elif place == "parameter-schema":
        op["parameters"] = [{"name": "q", "in": "query", "schema": {"$ref": ref}}]
    elif place == "response":
        op["responses"]["200"] = {"$ref": ref}
    elif place == "response-schema":
        op["responses"]["200"]["content"]["application/json"]["schema"] = {"$ref": ref}
    elif place == "nested-schema":
        schema["properties"]["a"] = {"type": "array", "items": {"allOf": [{"$ref": ref}]}}
        op["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/S"}
    elif place == "request-body":
        op["requestBody"] = {"$ref": ref}
    elif place == "path-item":
        return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/x": {"$ref": ref}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": op}}, "components": components}


PLACES = ("parameter", "parameter-schema", "response", "response-schema", "nested-schema",
          "request-body", "path-item")
KINDS = ("http", "https", "file-url", "relative-outside", "ftp")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("ssrf")
    (base / "root").mkdir()
    (base / "outside.yaml").write_text(
        f"type: string\ndescription: {SECRET}\nname: q\nin: query\n", encoding="utf-8")
    return base


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_validate_resolves_nothing_outside(tree: Path, listener: Listener, place: str,
                                           kind: str) -> None:
    ref = _refs(listener.port, tree / "outside.yaml")[kind]
    spec = tree / "root" / f"{place}-{kind}.yaml"
    spec.write_text(yaml.safe_dump(_spec(place, ref)), encoding="utf-8")
    before = listener.connections
    errors = validate(Workspace(spec))
    assert listener.connections == before, "the validator opened a connection"
    assert errors or place == "request-body", "a $ref the resolver refused must be reported"
    said = " ".join(e.message for e in errors)
    assert SECRET not in said
    if errors:  # the validator does not follow every $ref (a GET's requestBody): nothing then
        assert "is not fetched" in said or "leaves the spec's root" in said, said
    assert all(SECRET not in str(e) for e in errors)


def test_console_script_validate_opens_no_connection(tree: Path, listener: Listener) -> None:
    """Through the real command, all places at once (the validator runs in a forked child)."""
    before = listener.connections
    for kind in ("http", "https", "file-url", "relative-outside"):
        ref = _refs(listener.port, tree / "outside.yaml")[kind]
        spec = tree / "root" / f"cli-{kind}.yaml"
        data = _spec("nested-schema", ref)
        data["paths"]["/y"] = {"get": _spec("parameter-schema", ref)["paths"]["/x"]["get"]}
        spec.write_text(yaml.safe_dump(data), encoding="utf-8")
        proc = subprocess.run([PUTLINT, "check", "--validate", str(spec)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert SECRET not in proc.stdout + proc.stderr
    assert listener.connections == before


def test_listener_sees_a_real_connection(listener: Listener) -> None:
    """The listener itself works: without it the tests above would prove nothing."""
    before = listener.connections
    with socket.create_connection(("127.0.0.1", listener.port)) as conn:
        conn.recv(10)
    assert listener.connections == before + 1


def test_inside_root_file_ref_still_validates(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text("S: {type: string}\n", encoding="utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(_spec("response-schema", "common.yaml#/S")),
                    encoding="utf-8")
    assert validate(Workspace(spec)) == []


def test_validate_has_a_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its deadline the validator is interrupted: one error saying so, never a hang."""
    from linter import validate as module

    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(_spec("response-schema", "#/components/schemas/S")),
                    encoding="utf-8")
    monkeypatch.setattr(module, "BASE_SECONDS", 0.001)
    monkeypatch.setattr(module, "SECONDS_PER_MIB", 0)
    errors = validate(Workspace(spec))
    assert len(errors) == 1 and "--validate stopped after" in errors[0].message, errors
