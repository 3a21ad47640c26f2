"""A reference certificates-and-SNIs API, in the image of Kong Konnect's, for tests and demos.

Certificates carry an inline `snis` list; SNIs are also a resource of their own. What a
certificate PUT without SNIs (absent, null or an empty list) does is chosen at start-up:

* ``reject``   - 400, the stored SNIs stay (Kong's fix);
* ``preserve`` - 200, the stored SNIs stay (omission means "leave them alone");
* ``purge``    - 200, every SNI of the certificate is deleted (Konnect, 2025-11-06).

It speaks the paths of ``specs/konnect-certificates-*.yaml``. A plain WSGI application on the
standard library, so a test suite can call it in-process (``httpx.WSGITransport``) or serve it
on loopback (``running(app)``), and ``python -m linter.refserver --mode purge`` serves it for
the probe demo (docs/commands/probe.md). ``fail_rate`` makes it answer 500 at random, before
doing anything, to test clients' clean-up, and ``latency`` makes it slow.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MODES = ("reject", "preserve", "purge")
BASE = "/v2/control-planes/(?P<cp>[^/]+)/core-entities"
ROUTES = [
    (re.compile(BASE + r"/certificates/(?P<id>[^/]+)$"), "certificate"),
    (re.compile(BASE + r"/certificates$"), "certificates"),
    (re.compile(BASE + r"/snis/(?P<id>[^/]+)$"), "sni"),
    (re.compile(BASE + r"/snis$"), "snis"),
]
CERT_FIELDS = ("cert", "key", "cert_alt", "key_alt", "tags")
MAX_BODY = 1 << 20

StartResponse = Callable[..., Any]


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Store:
    certificates: dict[tuple[str, str], dict] = field(default_factory=dict)
    snis: dict[tuple[str, str], dict] = field(default_factory=dict)  # name, certificate id

    def snapshot(self) -> dict[str, Any]:
        return json.loads(json.dumps({"certificates": sorted(map(list, self.certificates)),
                                      "snis": sorted(map(list, self.snis))}))


class ReferenceApi:
    """The WSGI application. ``mode`` says what omitting `snis` does."""

    def __init__(self, mode: str = "reject", fail_rate: float = 0.0, seed: int = 0,
                 latency: float = 0.0) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.mode = mode
        self.fail_rate = fail_rate
        self.random = random.Random(seed)
        self.store = Store()
        self.lock = threading.Lock()
        self.requests = 0
        self.latency = latency  # seconds each request waits first: a slow server, for tests

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        status, body = self.handle(environ)
        payload = b"" if body is None else json.dumps(body).encode()
        start_response(f"{status} {_REASONS.get(status, 'Status')}",
                       [("Content-Type", "application/json"),
                        ("Content-Length", str(len(payload)))])
        return [payload]

    def handle(self, environ: dict) -> tuple[int, Any]:
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            self.requests += 1
            try:
                if self.fail_rate and self.random.random() < self.fail_rate:
                    raise HttpError(500, "injected failure (fail_rate)")
                return self._route(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                                   environ)
            except HttpError as exc:
                return exc.status, {"message": exc.message}

    def _route(self, method: str, path: str, environ: dict) -> tuple[int, Any]:
        for pattern, name in ROUTES:
            match = pattern.match(path)
            if match:
                handler = getattr(self, f"_{method.lower()}_{name}", None)
                if handler is None:
                    raise HttpError(405, f"{method} is not allowed here")
                args = match.groupdict()
                if method in ("PUT", "POST"):
                    args["body"] = _read_json(environ)
                return handler(**args)
        raise HttpError(404, "no such path")

    # -- certificates --------------------------------------------------------------------
    def _get_certificate(self, cp: str, id: str) -> tuple[int, Any]:
        if (cp, id) not in self.store.certificates:
            raise HttpError(404, "certificate not found")
        return 200, self._render(cp, id)

    def _put_certificate(self, cp: str, id: str, body: Any) -> tuple[int, Any]:
        fields = _certificate_fields(body)
        snis = body.get("snis")
        omitted = snis is None or snis == []
        existed = (cp, id) in self.store.certificates
        if omitted and self.mode == "reject":
            raise HttpError(400, "snis is required: send the full list of SNIs on every PUT")
        if not omitted:
            self._check_sni_names(cp, id, snis)
        self.store.certificates[(cp, id)] = {**fields, "id": id}
        if not omitted:
            self._replace_snis(cp, id, snis)
        elif self.mode == "purge":
            self._replace_snis(cp, id, [])
        return (200 if existed else 201), self._render(cp, id)

    def _post_certificates(self, cp: str, body: Any) -> tuple[int, Any]:
        return self._put_certificate(cp, str(uuid.uuid4()), body)

    def _delete_certificate(self, cp: str, id: str) -> tuple[int, Any]:
        if self.store.certificates.pop((cp, id), None) is None:
            raise HttpError(404, "certificate not found")
        self._replace_snis(cp, id, [])
        return 204, None

    def _render(self, cp: str, id: str) -> dict:
        cert = dict(self.store.certificates[(cp, id)])
        cert["snis"] = [s["name"] for (c, _), s in self.store.snis.items()
                        if c == cp and s["certificate"] == id]
        return cert

    def _check_sni_names(self, cp: str, cert_id: str, names: Any) -> None:
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise HttpError(400, "snis must be a list of host names")
        for (c, _), sni in self.store.snis.items():
            if c == cp and sni["name"] in names and sni["certificate"] != cert_id:
                raise HttpError(409, f"SNI {sni['name']} belongs to another certificate")

    def _replace_snis(self, cp: str, cert_id: str, names: list[str]) -> None:
        mine = {k: s for k, s in self.store.snis.items()
                if k[0] == cp and s["certificate"] == cert_id}
        for key, sni in mine.items():
            if sni["name"] not in names:
                del self.store.snis[key]
        kept = {s["name"] for s in mine.values()}
        for name in dict.fromkeys(names):
            if name not in kept:
                self.store.snis[(cp, str(uuid.uuid4()))] = {"name": name,
                                                             "certificate": cert_id}

    # -- SNIs, managed on their own (as the Kong Operator does) ----------------------------
    def _get_sni(self, cp: str, id: str) -> tuple[int, Any]:
        sni = self.store.snis.get((cp, id))
        if sni is None:
            raise HttpError(404, "SNI not found")
        return 200, {"id": id, "name": sni["name"], "certificate": {"id": sni["certificate"]}}

    def _post_snis(self, cp: str, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise HttpError(400, "an SNI needs a name")
        cert = body.get("certificate")
        cert_id = cert.get("id") if isinstance(cert, dict) else None
        if (cp, cert_id) not in self.store.certificates:
            raise HttpError(400, "certificate.id must name an existing certificate")
        self._check_sni_names(cp, str(cert_id), [body["name"]])
        sni_id = str(uuid.uuid4())
        self.store.snis[(cp, sni_id)] = {"name": body["name"], "certificate": cert_id}
        return 201, self._get_sni(cp, sni_id)[1]

    def _delete_sni(self, cp: str, id: str) -> tuple[int, Any]:
        if self.store.snis.pop((cp, id), None) is None:
            raise HttpError(404, "SNI not found")
        return 204, None


_REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request",
            404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            413: "Payload Too Large", 500: "Internal Server Error"}


def _read_json(environ: dict) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise HttpError(413, "body too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise HttpError(400, "the body is not JSON") from None


def _certificate_fields(body: Any) -> dict:
    if not isinstance(body, dict):
        raise HttpError(400, "a certificate is a JSON object")
    for name in ("cert", "key"):
        if not isinstance(body.get(name), str):
            raise HttpError(400, f"{name} is required and must be a string")
    return {k: body[k] for k in CERT_FIELDS if k in body}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests and demos print what the client saw, not an access log


@contextmanager
def running(app: ReferenceApi, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` on loopback in a thread; yields its base URL."""
    server = make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linter.refserver", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=MODES, default="reject")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    app = ReferenceApi(args.mode, args.fail_rate)
    server = make_server(args.host, args.port, app, server_class=_Server,
                         handler_class=_QuietHandler)
    print(f"reference API ({args.mode}) on http://{args.host}:{server.server_port}", flush=True)
    with suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
