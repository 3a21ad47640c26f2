"""A reference certificates-and-SNIs API, in the image of Kong Konnect's, for tests and demos.

Certificates carry an inline `snis` list; SNIs are also a resource of their own. What a
certificate PUT without SNIs (absent, null or an empty list) does is chosen at start-up:

* ``reject``   - 400, the stored SNIs stay (Kong's fix);
* ``preserve`` - 200, the stored SNIs stay (omission means "leave them alone");
* ``purge``    - 200, every SNI of the certificate is deleted (Konnect, 2025-11-06).

Two more behaviours, each chosen at start-up and switchable at run time (``configure``, or
``PUT /_refserver`` with a JSON object of them):

* ``clear`` - what null or an empty list does: ``omit`` (as omitting it: ``mode`` decides;
  the default), ``reject`` (400) or ``clear`` (the SNIs are deleted, nothing else changes);
* ``shrink`` - what a shorter, non-empty list does: ``replace`` (the SNIs left out are
  deleted; the default), ``reject`` (400 when a stored SNI is missing) or ``keep`` (the stored
  SNIs stay, new ones are added).

``validate=True`` checks bodies as a real server does: no empty strings, and SNIs that are
host names (RFC 1123).

It speaks the paths of ``specs/konnect-certificates-*.yaml``. A plain WSGI application on the
standard library, so a test suite can call it in-process (``httpx.WSGITransport``) or serve it
on loopback (``running(app)``), and ``python -m linter.refserver --mode purge`` serves it for
the probe demo (docs/commands/probe.md). ``fail_rate`` makes it answer 500 at random, before
doing anything, to test clients' clean-up, and ``latency`` makes it slow.

``SpecApi`` (``python -m linter.refserver --spec FILE``) serves any spec's in-scope operations
instead: a store that validates writes (schema, forms, path parameters) as a real server does.
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
from email.parser import BytesParser
from email.policy import HTTP
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MODES = ("reject", "preserve", "purge")
CLEARS = ("omit", "reject", "clear")
SHRINKS = ("replace", "reject", "keep")
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?$")
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
                 latency: float = 0.0, clear: str = "omit", shrink: str = "replace",
                 validate: bool = False) -> None:
        self.mode, self.clear, self.shrink, self.validate = "reject", "omit", "replace", False
        self.configure(mode=mode, clear=clear, shrink=shrink, validate=validate)
        self.fail_rate = fail_rate
        self.random = random.Random(seed)
        self.store = Store()
        self.lock = threading.Lock()
        self.requests = 0
        self.latency = latency  # seconds each request waits first: a slow server, for tests

    def configure(self, **behaviours: Any) -> None:
        """Switch behaviours at run time (a test flips `mode` between two probe runs)."""
        allowed = {"mode": MODES, "clear": CLEARS, "shrink": SHRINKS, "validate": (True, False)}
        for name, value in behaviours.items():
            if name not in allowed or value not in allowed[name] or \
                    (name == "validate") != isinstance(value, bool):
                raise ValueError(f"{name} must be one of "
                                 f"{', '.join(map(str, allowed.get(name, ())))}")
        for name, value in behaviours.items():
            setattr(self, name, value)

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
        if path == "/_refserver":  # the switch, for demos that run the server in a process
            if method == "PUT":
                body = _read_json(environ)
                if not isinstance(body, dict):
                    raise HttpError(400, "send a JSON object: {\"mode\": \"purge\"}")
                try:
                    self.configure(**body)
                except ValueError as exc:
                    raise HttpError(400, str(exc)) from None
            elif method != "GET":
                raise HttpError(405, f"{method} is not allowed here")
            return 200, {"mode": self.mode, "clear": self.clear, "shrink": self.shrink,
                         "validate": self.validate}
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
        if self.validate:
            _no_empty_strings(body, "")
        absent = "snis" not in body
        snis = body.get("snis")
        cleared = not absent and (snis is None or snis == [])
        # null and [] count as omission unless `clear` says otherwise
        omitted = absent or (cleared and self.clear == "omit")
        existed = (cp, id) in self.store.certificates
        if (omitted and self.mode == "reject") or (cleared and self.clear == "reject"):
            raise HttpError(400, "snis is required: send the full list of SNIs on every PUT")
        if not omitted and not cleared:
            self._check_sni_names(cp, id, snis)
            stored = set(self._render(cp, id)["snis"]) if existed else set()
            missing = stored - set(snis)
            if missing and self.shrink == "reject":
                raise HttpError(400, "snis leaves out stored SNIs: delete them on their own")
            if self.shrink == "keep":
                snis = [*sorted(stored), *snis]
        self.store.certificates[(cp, id)] = {**fields, "id": id}
        if not omitted and not cleared:
            self._replace_snis(cp, id, snis)
        elif (cleared and self.clear == "clear") or (omitted and self.mode == "purge"):
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
        if self.validate:
            wrong = [n for n in names if not HOSTNAME.match(n)]
            if wrong:
                raise HttpError(400, f"snis: {wrong[0][:80]!r} is not a host name")
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
    raw = _read_raw(environ)
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise HttpError(400, "the body is not JSON") from None


def _read_body(environ: dict, schema: Any) -> Any:
    """The request body as JSON data: JSON, or a form (url-encoded or multipart) read by the
    operation's schema - a field the schema makes an array is every value sent for it."""
    kind = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _read_json(environ)
    raw = _read_raw(environ)
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + environ["CONTENT_TYPE"].encode("latin-1") + b"\r\n\r\n" + raw)
        if not message.is_multipart():
            raise HttpError(400, "the body is not multipart/form-data")
        pairs = [(part.get_param("name", header="content-disposition") or "",
                  part.get_payload(decode=True).decode("utf-8", "replace"))
                 for part in message.iter_parts()]
    else:
        pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    form: dict[str, Any] = {}
    for name, value in pairs:
        sub = _local(props.get(name), schema)
        if sub.get("type") == "array":
            form.setdefault(name, []).append(_typed(value, _local(sub.get("items"), schema)))
        else:
            form[name] = _typed(value, sub)
    return form


def _local(schema: Any, root: Any) -> dict[str, Any]:
    """`schema`, through its local `$ref`s (a bundled schema's `#/$defs/...`); {} if none."""
    for _ in range(32):  # a cycle of refs ends here
        if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str) or \
                not schema["$ref"].startswith("#/"):
            break
        target: Any = root
        for key in schema["$ref"][2:].split("/"):
            target = target.get(key) if isinstance(target, dict) else None
        schema = target
    return schema if isinstance(schema, dict) else {}


def _typed(text: str, schema: Any) -> Any:
    """A form value as the schema's type says (a form carries only text)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    with suppress(ValueError):
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _read_raw(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise HttpError(413, "body too large")
    return environ["wsgi.input"].read(length) if length else b""


def _no_empty_strings(value: Any, where: str) -> None:
    """A validating server refuses an empty string anywhere in a body."""
    if value == "":
        raise HttpError(400, f"{where or 'the body'} must not be empty")
    if isinstance(value, dict):
        for key, sub in value.items():
            _no_empty_strings(sub, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _no_empty_strings(sub, f"{where}[{i}]")


def _certificate_fields(body: Any) -> dict:
    if not isinstance(body, dict):
        raise HttpError(400, "a certificate is a JSON object")
    for name in ("cert", "key"):
        if not isinstance(body.get(name), str):
            raise HttpError(400, f"{name} is required and must be a string")
    return {k: body[k] for k in CERT_FIELDS if k in body}


class SpecApi:
    """Any spec's in-scope operations as an in-memory store that validates like a real server:
    each write must match the operation's request schema (formats checked, host names
    included), with no empty string anywhere. GET, DELETE and the collection's POST work on
    every path of those operations. What omission does is whatever the body says: a PUT
    replaces what was stored. For tests that probe's set-up passes a real server's checks."""

    def __init__(self, spec_path: Any, options: Any = None) -> None:
        from linter.cases import load_spec

        spec = load_spec(spec_path, options=options)
        self.items: list[tuple[re.Pattern[str], str, Callable[[Any], list[str]]]] = []
        self.schemas: dict[str, Any] = {}  # each item's request schema, to read forms by
        # its path parameters: name, schema and checker, as a real server routes
        self.params: dict[str, list[tuple[str, Any, Callable[[Any], list[str]]]]] = {}
        self.collections: list[tuple[re.Pattern[str], re.Pattern[str], str]] = []
        for op in spec.operations:
            item = _template(op.path)
            check = _checker(op.default_media().schema)
            self.items.append((item, op.method, check))
            self.schemas[item.pattern] = op.default_media().schema
            self.params[item.pattern] = [
                (name, schema, _checker(schema)) for name in re.findall(r"\{([^}/]+)\}", op.path)
                for schema in [_value_schema(op.path_params.get(name))]]
            if op.facts.op.create_path:
                self.collections.append((_template(op.facts.op.create_path), item, op.path))
        self.store: dict[str, Any] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:
            try:
                status, body, headers = self._handle(environ)
            except HttpError as exc:
                status, body, headers = exc.status, {"message": exc.message}, []
        payload = b"" if body is None else json.dumps(body).encode()
        start_response(f"{status} {_REASONS.get(status, 'Status')}",
                       [("Content-Type", "application/json"),
                        ("Content-Length", str(len(payload))), *headers])
        return [payload]

    def _handle(self, environ: dict) -> tuple[int, Any, list[tuple[str, str]]]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        for item, write, check in self.items:
            match = item.match(path)
            if not match:
                continue
            for (name, schema, valid), value in zip(self.params[item.pattern], match.groups(),
                                                    strict=True):
                if valid(_typed(unquote(value), schema)):
                    raise HttpError(404, f"no such {name}")
            if method == "GET":
                if path not in self.store:
                    raise HttpError(404, "not found")
                return 200, self.store[path], []
            if method == "DELETE":
                if self.store.pop(path, None) is None:
                    raise HttpError(404, "not found")
                return 204, None, []
            if method == write:
                body = self._valid(_read_body(environ, self.schemas[item.pattern]), check)
                existed = path in self.store
                self.store[path] = body
                return (200 if existed else 201), body, []
            raise HttpError(405, f"{method} is not allowed here")
        for collection, item, _ in self.collections:
            if collection.match(path) and method == "POST":
                check = next(c for i, _, c in self.items if i is item)
                body = self._valid(_read_body(environ, self.schemas[item.pattern]), check)
                new = f"{path.rstrip('/')}/{uuid.uuid4()}"
                self.store[new] = body
                return 201, {**body, "id": new.rpartition("/")[2]} if isinstance(
                    body, dict) else body, [("Location", new)]
        raise HttpError(404, "no such path")

    @staticmethod
    def _valid(body: Any, check: Callable[[Any], list[str]]) -> Any:
        _no_empty_strings(body, "")
        errors = check(body)
        if errors:
            raise HttpError(400, f"the body does not match the schema: {errors[0]}")
        return body


def _template(path: str) -> re.Pattern[str]:
    """A path template as a regex: each `{name}` one segment (a group)."""
    parts = re.split(r"\{[^}/]+\}", path)
    return re.compile("^" + "([^/]+)".join(map(re.escape, parts)) + "/?$")


# What of a path parameter's schema (3.x `schema`, or the 2.0 parameter itself) says which
# values name a resource.
_VALUE_KEYS = ("type", "enum", "const", "format", "pattern", "minLength", "maxLength",
               "minimum", "maximum")


def _value_schema(schema: Any) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k in _VALUE_KEYS} \
        if isinstance(schema, dict) else {}


def _checker(schema: Any) -> Callable[[Any], list[str]]:
    """The schema's errors for a body: formats checked, `hostname` by RFC 1123."""
    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker()
    formats.checks("hostname")(lambda v: not isinstance(v, str) or bool(HOSTNAME.match(v)))
    validator = Draft202012Validator(schema, format_checker=formats)
    return lambda body: [e.message[:200] for e in validator.iter_errors(body)][:3]


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
    parser.add_argument("--clear", choices=CLEARS, default="omit")
    parser.add_argument("--shrink", choices=SHRINKS, default="replace")
    parser.add_argument("--validate", action="store_true",
                        help="refuse empty strings and SNIs that are no host names")
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--spec", metavar="FILE",
                        help="serve this spec's in-scope operations instead (SpecApi: a store "
                        "that validates each write against the spec; the options above do not "
                        "apply)")
    args = parser.parse_args(argv)
    app: Any
    if args.spec:
        from linter.errors import PutlintError

        try:
            app = SpecApi(args.spec)
        except PutlintError as exc:
            parser.exit(2, f"python -m linter.refserver: {exc.place or args.spec}: "
                        f"{exc.message}\n")
        what = f"{args.spec}, validating"
    else:
        app = ReferenceApi(args.mode, args.fail_rate, clear=args.clear, shrink=args.shrink,
                           validate=args.validate)
        what = args.mode
    server = make_server(args.host, args.port, app, server_class=_Server,
                         handler_class=_QuietHandler)
    print(f"reference API ({what}) on http://{args.host}:{server.server_port}", flush=True)
    with suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
