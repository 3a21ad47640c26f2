"""Omission against a live API: set up, omit, read back, clean up.

Shared by the pytest plugin (in-process apps or a URL) and `putlint probe` (a URL). Every
request goes through a Session, which records it (the evidence a report shows), enforces the
request budget and the deadline per exchange, caps what it reads of a response, and redacts the
user's credentials out of everything it records (`linter.redact`).

Writes are made only to resources this run created, and the Session's Ledger says which: before
its first write to a URL a Runner proves nothing is there (its GET answers 404 or 410), or the
collection's POST names the resource it made. A path without parameters, or an item that
exists already, is written to only with `allow_existing`; such a resource is never deleted,
only put back as its first GET showed it.
"""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import httpx

from linter.bodies import value_at
from linter.redact import Redactor, secret_parts
from linter.transport import deadline, guarded_client

if TYPE_CHECKING:
    from linter.cases import OmissionCase, OperationCases

NO_BODY = object()
MAX_SHOWN = 600  # characters of a non-JSON (or very large) response body kept as evidence
MAX_BODY = 8 << 20  # bytes of a response read at most; a larger one is not read further
MAX_JSON_EVIDENCE = 64 << 10  # a JSON answer longer than this is kept as cut text
MAX_DEPTH = 64  # JSON nested deeper is kept as text: reports and comparisons recurse
CLEANUP_TRIES = 10
CLEANUP_PAUSE = 0.05  # seconds before the first retry of a failed DELETE, doubling, at most 1 s
INTERRUPTED_SETTLE = 0.3  # seconds for a write cut short by Ctrl-C to land before a last look


class Outcome(str, Enum):
    REJECTED = "rejected"
    PRESERVED = "preserved"
    PURGED = "purged"
    CLEARED = "cleared"  # null / empty: the field emptied, nothing else changed
    REPLACED = "replaced"  # shrink: the shorter collection replaced the stored one
    KEPT = "kept"  # shrink: every stored member is still there
    INCONCLUSIVE = "inconclusive"


class BudgetExceeded(Exception):
    """--max-requests is spent."""


class UnreadableBody(Exception):
    """The response is longer than MAX_BODY, or compressed in a way probe does not read."""


@dataclass
class Exchange:
    """One request and its answer as recorded: `url`, `body` and `response` are redacted.
    `data` is the decoded answer as the server sent it, for the comparisons; it is never
    printed and is dropped once the case is judged."""

    method: str
    url: str
    body: Any = NO_BODY
    status: int | None = None
    response: Any = None
    error: str | None = None
    data: Any = None
    location: str | None = None  # the Location header, resolved against the request URL
    request_url: str = ""  # absolute, as sent (never printed: a base URL may hold secrets)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "url": self.url}
        if self.body is not NO_BODY:
            out["body"] = self.body
        out["status"] = self.status
        if self.response is not None:
            out["response"] = self.response
        if self.error:
            out["error"] = self.error
        return out

    def line(self) -> str:
        """As reports print it (the plugin's failure messages use the same words)."""
        from linter.reporters import exchange_text

        return exchange_text(self.to_dict())


class State(str, Enum):
    PENDING = "pending"  # a write was sent to an URL proven empty: it may have created it
    CREATED = "created"
    DELETING = "deleting"  # its DELETE was sent and not answered
    DELETED = "deleted"
    LEFT = "left"  # the DELETE failed
    UNIDENTIFIED = "unidentified"  # a POST made something it did not name
    EXISTING = "existing"  # existed before the run; written to under allow_existing
    RESTORED = "restored"
    NOT_RESTORED = "not restored"


@dataclass
class Written:
    """A place this run wrote to, and what became of it."""

    url: str
    state: State
    note: str = ""
    original: Any = None  # an EXISTING resource as its first GET returned it
    media_type: str = "application/json"
    touched: bool = False  # a write to an EXISTING resource may have changed it

    @property
    def settled(self) -> bool:
        """Nothing of this run is left here."""
        return self.state in (State.DELETED, State.RESTORED) or \
            (self.state is State.EXISTING and not self.touched)


class Ledger:
    """Every place the run wrote to, in order: what `clean up` owes, and what it did."""

    def __init__(self) -> None:
        self.entries: list[Written] = []

    def add(self, url: str, state: State, note: str = "", **kwargs: Any) -> Written:
        entry = Written(url, state, note, **kwargs)
        self.entries.append(entry)
        return entry

    def drop(self, entry: Written) -> None:
        """A write that was refused (4xx): nothing was made."""
        self.entries.remove(entry)

    @property
    def clean(self) -> bool:
        return all(e.settled for e in self.entries)

    def report(self) -> list[str]:
        """What was and was not cleaned up, one line per place (URLs are redacted)."""
        lines = []
        for e in self.entries:
            if e.state is State.DELETED:
                lines.append(f"deleted {e.url}")
            elif e.state is State.RESTORED:
                lines.append(f"put back {e.url} (it existed before; not deleted)")
            elif e.state is State.EXISTING:
                lines.append(f"left {e.url} as it was (it existed before; not deleted)"
                             if not e.touched else
                             f"NOT put back: {e.url} existed before and was written to")
            elif e.state is State.NOT_RESTORED:
                lines.append(f"NOT put back: {e.url} existed before; {e.note}")
            elif e.state is State.DELETING:
                lines.append(f"NOT confirmed deleted: {e.url} (interrupted during its DELETE)")
            elif e.state is State.UNIDENTIFIED:
                lines.append(f"NOT deleted: {e.note}")
            else:
                detail = f" ({e.note})" if e.note else ""
                lines.append(f"NOT deleted: {e.url}{detail}")
        return lines

    def summary(self) -> str:
        """One sentence, true whatever happened."""
        if not self.entries:
            return "it wrote nothing"
        if not self.clean:
            return "NOT everything it wrote was cleaned up: " + "; ".join(
                line for line in self.report() if line.startswith("NOT"))
        deleted = sum(e.state is State.DELETED for e in self.entries)
        restored = sum(e.state is State.RESTORED for e in self.entries)
        said = []
        if deleted:
            said.append(f"every resource it created was deleted ({deleted})")
        if restored:
            said.append(f"{restored} that existed before was put back, not deleted")
        return "; ".join(said) or "it left every resource as it was"


class Session:
    """Sends requests, records them, keeps to the budget and the deadline, redacts secrets."""

    def __init__(self, client: httpx.Client, secrets: Iterable[str] = (),
                 max_requests: int | None = None, timeout: float | None = None,
                 redactor: Redactor | None = None) -> None:
        self.client = client
        # values given without their header's name are all taken for credentials
        self.redact = redactor or Redactor(
            part for s in secrets if s for part in secret_parts("authorization", s))
        self.max_requests = max_requests
        self.timeout = timeout
        self.sent = 0
        self.ledger = Ledger()
        self.interrupted = False

    def scrub(self, text: str) -> str:
        return self.redact.text(text)

    def send(self, method: str, url: str, body: Any = NO_BODY, media_type: str =
             "application/json", cleanup: bool = False) -> Exchange:
        # Clean-up may go past the budget: leaving a resource behind is worse than one more
        # request.
        if not cleanup and self.max_requests is not None and self.sent >= self.max_requests:
            raise BudgetExceeded(f"--max-requests {self.max_requests} reached")
        self.sent += 1
        exchange = Exchange(method, self.redact.text(url),
                            body if body is NO_BODY else self.redact.value(body))
        kwargs: dict[str, Any] = {}
        if body is not NO_BODY:
            if media_type.startswith("multipart/form-data") and isinstance(body, dict):
                content, content_type = multipart(body)
                kwargs["content"], kwargs["headers"] = content, {"Content-Type": content_type}
            elif "form" in media_type:
                kwargs["data"] = body
            else:
                kwargs["content"] = json.dumps(body).encode()
                kwargs["headers"] = {"Content-Type": media_type}
        try:
            with deadline(self.timeout), self.client.stream(method, url, **kwargs) as response:
                exchange.status = response.status_code
                exchange.request_url = str(response.request.url)
                if response.headers.get("location"):
                    exchange.location = urljoin(str(response.request.url),
                                                response.headers["location"])
                raw = read_capped(response, MAX_BODY)
                text = raw.decode(_charset(response, raw), errors="replace")
        except UnreadableBody as exc:
            exchange.error = str(exc)
            return exchange
        except Exception as exc:  # httpx.HTTPError, and what a broken in-process app raises
            exchange.error = self.redact.text(f"{type(exc).__name__}: {exc}")
            return exchange
        exchange.data, exchange.response = self._decode(text)
        return exchange

    def _decode(self, text: str) -> tuple[Any, Any]:
        """(the answer decoded, the answer as evidence): JSON values redacted after decoding;
        any other text, and very large JSON, redacted and cut."""
        if not text:
            return None, None
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except (ValueError, RecursionError):
            return None, self.redact.cut(text, MAX_SHOWN)
        if _depth(data) > MAX_DEPTH:
            return None, self.redact.cut(text, MAX_SHOWN)
        if len(text) > MAX_JSON_EVIDENCE:
            return data, self.redact.cut(text, MAX_SHOWN)
        return data, self.redact.value(data)


def multipart(body: dict[str, Any]) -> tuple[bytes, str]:
    """`body` as multipart/form-data (the body and its Content-Type): the media type the
    operation declares, which a server may insist on (httpx sends fields without files
    url-encoded). A list is one part per member (`collectionFormat: multi`), an object its
    JSON text, null an empty value - as httpx encodes the url-encoded form."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in body.items():
        for member in value if isinstance(value, list) else [value]:
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; "
                         f"name=\"{_quoted(str(name))}\"\r\n\r\n".encode()
                         + _form_text(member).encode() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def _quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")


def _form_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The body, decoded from gzip/deflate, read only up to `cap` bytes."""
    size = response.headers.get("content-length", "")
    if size.isdigit() and int(size) > cap:
        raise UnreadableBody(f"the response body is {int(size)} bytes, more than probe "
                             f"reads ({cap >> 20} MiB)")
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise UnreadableBody(f"the response is compressed with {coding[:40]!r}, which "
                             "probe does not read (it asks for identity)")
    inflate = zlib.decompressobj(47) if coding not in ("", "identity") else None
    out = bytearray()
    try:
        chunks = iter(response.iter_raw())
        first = next(chunks, b"")
    except httpx.StreamConsumed:  # a transport that read the body already: in memory
        chunks, first = iter(()), response.content
    for chunk in itertools.chain([first], chunks):
        data = chunk
        while data:
            if inflate is None:
                piece, data = data, b""
            else:
                try:
                    piece = inflate.decompress(data, cap + 1 - len(out))
                except zlib.error as exc:
                    raise UnreadableBody(f"the response body does not inflate ({exc})") \
                        from None
                data = inflate.unconsumed_tail
            out += piece
            if len(out) > cap:
                raise UnreadableBody(f"the response body is longer than {cap >> 20} MiB; "
                                     "probe stopped reading it")
            if inflate is not None and not piece:
                break
    return bytes(out)


def _charset(response: httpx.Response, raw: bytes = b"") -> str:
    """The answer's encoding: its declared charset, else what a byte-order mark or the zero
    bytes of UTF-16 text say, else UTF-8. Read wrongly, UTF-16 puts a NUL between the
    characters of an echoed secret, and no redaction matches it."""
    import codecs

    name = response.charset_encoding
    if name is None:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if len(raw) >= 4 and not any(raw[1::2]):
            return "utf-16-le"
        if len(raw) >= 4 and not any(raw[0::2]):
            return "utf-16-be"
        return "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> Any:
    number = float(text)
    return number if number not in (float("inf"), float("-inf")) else text


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            stack += [(v, level + 1) for v in (node.values() if isinstance(node, dict)
                                               else node)]
    return deepest


@dataclass
class Observation:
    """What one omission case did to the resource, with the requests that show it."""

    case: OmissionCase
    outcome: Outcome
    reason: str
    exchanges: list[Exchange] = field(default_factory=list)

    def story(self) -> str:
        lines = [f"{self.case.describe()}: {self.outcome.value} ({self.reason})"]
        lines += [f"  {i}. {e.line()}" for i, e in enumerate(self.exchanges, 1)]
        return "\n".join(lines)


class SetUpFailed(Exception):
    def __init__(self, reason: str, exchanges: list[Exchange]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exchanges = exchanges


def fixed_value(schema: Any) -> str | None:
    """The value a path parameter with `const` or `enum` must take (its first member): a
    made-up one names no place the server has. None when the parameter is free."""
    schema = schema if isinstance(schema, dict) else {}
    members = [schema["const"]] if "const" in schema else schema.get("enum")
    for member in members if isinstance(members, list) else []:
        if isinstance(member, (str, int)) and not isinstance(member, bool) and \
                _SAFE_ID.match(str(member)):
            return str(member)
    return None


def has_free_parameter(path: str, params: dict[str, Any]) -> bool:
    """Does the path name its place with a parameter probe can make new? One that admits only
    fixed values (`enum`, `const`) names a place others may use, as a path without any does."""
    return any("{" + name + "}" in path and fixed_value(s) is None for name, s in params.items())


def fresh_value(schema: Any) -> str:
    """A new identifier for a path parameter: nobody else's resource can live there. A
    parameter that admits only fixed values takes one (the others make the place new)."""
    fixed = fixed_value(schema)
    if fixed is not None:
        return fixed
    schema = schema if isinstance(schema, dict) else {}
    if schema.get("type") == "integer":
        return str(uuid.uuid4().int % 9_000_000_000 + 1_000_000_000)
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    return f"putlint-{uuid.uuid4().hex[:12]}"


def expand(template: str, params: dict[str, str]) -> str:
    out = template
    for name, value in params.items():
        out = out.replace("{" + name + "}", quote(value, safe=""))
    return out


@dataclass
class Resource:
    """A resource this run may write to, at `url` (see the Ledger entry for whose it is)."""

    url: str
    media_type: str
    full: Any
    log: list[Exchange] = field(default_factory=list)
    entry: Written | None = None


class Runner:
    """Proves, creates, omits, reads back and cleans up, for one operation."""

    def __init__(self, session: Session, op: OperationCases,
                 allow_existing: bool = False) -> None:
        self.session = session
        self.op = op
        self.allow_existing = allow_existing
        self.mine: list[Written] = []

    def _send(self, log: list[Exchange], *args: Any, **kwargs: Any) -> Exchange:
        exchange = self.session.send(*args, **kwargs)
        log.append(exchange)
        return exchange

    def _write(self, log: list[Exchange], entry: Written | None, *args: Any,
               **kwargs: Any) -> Exchange:
        """A write to a place of the ledger; an existing resource counts as changed unless
        the server plainly refused (4xx)."""
        existing = entry is not None and entry.state is State.EXISTING
        was = entry.touched if entry is not None else False
        if existing:
            entry.touched = True  # before sending: an interrupt may leave the answer unknown
        exchange = self._send(log, *args, **kwargs)
        if existing and _refused(exchange):
            entry.touched = was
        return exchange

    def set_up(self, full: Any, media_type: str) -> Resource:
        """A resource holding `full` at a place proven empty: the PUT itself (an upsert), or
        the collection's POST, which names what it made."""
        log: list[Exchange] = []
        if "get" not in self.op.siblings:
            raise SetUpFailed("the path has no GET: probe could neither prove the resource "
                              "new nor read it back, so it wrote nothing", log)
        params = {name: fresh_value(s) for name, s in self.op.path_params.items()}
        url = expand(self.op.path, params)
        shared = not has_free_parameter(self.op.path, self.op.path_params)
        before = self._send(log, "GET", url)
        exists = _ok(before)
        if not exists and before.status not in (404, 410):
            raise SetUpFailed(f"could not prove {before.url} empty before writing to it: "
                              f"{_status(before)}", log)
        if (shared or exists) and not self.allow_existing:
            what = (f"{before.url} is a path without parameters (or only fixed ones): what "
                    "lives there is not probe's" if shared else
                    f"{before.url} exists already (GET answered {before.status})")
            raise SetUpFailed(f"{what}; probe writes only to resources it creates "
                              "(--allow-existing lets it write here)", log)
        if exists and not isinstance(before.data, (dict, list)):
            raise SetUpFailed(f"{before.url} exists, and its GET returned no JSON that probe "
                              "could put back afterwards: it is not written to", log)
        if exists:
            entry = self._own(url, State.EXISTING, original=before.data,
                              media_type=media_type)
        else:
            entry = self._own(url, State.PENDING, f"{self.op.method} was sent")
        first = self._write(log, entry, self.op.method, url, full, media_type)
        if _ok(first):
            if entry.state is State.PENDING:
                entry.state = State.CREATED
            return Resource(url, media_type, full, log, entry)
        if entry.state is State.PENDING and _refused(first):
            self._disown(entry)  # refused: nothing was made there
            if first.status in (404, 405) and self.op.facts.op.create_path:
                return self._post(log, params, full, media_type)
        raise SetUpFailed(f"set-up refused: {_answer(log[-1])}", log)

    def _post(self, log: list[Exchange], params: dict[str, str], full: Any,
              media_type: str) -> Resource:
        collection = expand(str(self.op.facts.op.create_path), params)
        entry = self._own(collection, State.UNIDENTIFIED,
                          f"POST {self.session.scrub(collection)} was sent and may have "
                          "created a resource probe cannot name")
        made = self._send(log, "POST", collection, full, media_type)
        if _refused(made):
            self._disown(entry)
            raise SetUpFailed(f"set-up refused: {_answer(made)}", log)
        last = self.op.path.rstrip("/").rpartition("/")[2][1:-1]
        ident = _created_id(made, last)
        if ident is None:
            if _ok(made):
                entry.note = (f"POST {made.url} answered {made.status} without an id or a "
                              "Location: probe cannot tell what it created, so could not "
                              "delete it")
            raise SetUpFailed(f"set-up: {_status(made)}" if not _ok(made) else
                              "set-up: the collection's POST named no id or Location", log)
        url = expand(self.op.path, {**params, last: ident})
        entry.url, entry.state, entry.note = url, State.CREATED, "made by the collection's POST"
        return Resource(url, media_type, full, log, entry)

    def _own(self, url: str, state: State, note: str = "", **kwargs: Any) -> Written:
        entry = self.session.ledger.add(url, state, note, **kwargs)
        self.mine.append(entry)
        return entry

    def _disown(self, entry: Written) -> None:
        self.mine.remove(entry)
        self.session.ledger.drop(entry)

    def observe(self, resource: Resource, case: OmissionCase) -> Observation:
        """Send the omission variant to `resource` and read back what happened."""
        log = list(resource.log)
        resource.log = []

        def done(outcome: Outcome, reason: str) -> Observation:
            for exchange in log:
                exchange.data = None  # judged: only the redacted evidence is kept
            return Observation(case, outcome, self.session.scrub(reason), log)

        if "get" not in self.op.siblings:
            return done(Outcome.INCONCLUSIVE, "no GET on this path to read the resource back")
        before = self._send(log, "GET", resource.url)
        found, stored = value_at(before.data, case.path)
        if not _ok(before) or not found:
            return done(Outcome.INCONCLUSIVE, f"reading back after set-up: {_status(before)}"
                        if not _ok(before) else f"the GET does not return {case.target}")
        if stored is None or stored == [] or stored == {}:
            # the set-up (or the restore after the last case) did not take: an omission now
            # would "preserve" nothing, and prove nothing
            return done(Outcome.INCONCLUSIVE, f"the resource holds no {case.target} to lose")
        if case.shrink and (not isinstance(stored, (list, dict)) or len(stored) < 2):
            return done(Outcome.INCONCLUSIVE, f"the resource holds {_short(stored)}: fewer "
                        f"than two members of {case.target} to shrink")
        sent = self._write(log, resource.entry, self.op.method, resource.url, case.variant,
                           resource.media_type)
        if sent.error is None and sent.status is not None and 400 <= sent.status < 500:
            return done(Outcome.REJECTED, f"answered {sent.status}")
        if not _ok(sent):
            return done(Outcome.INCONCLUSIVE, f"the omission got {_status(sent)}")
        after = self._send(log, "GET", resource.url)
        if after.error is None and after.status in (404, 410):
            return done(Outcome.PURGED, "the resource is gone")
        if not _ok(after):
            return done(Outcome.INCONCLUSIVE, f"reading back: {_status(after)}")
        found, now = value_at(after.data, case.path)
        if case.shrink:
            return done(*_shrunk(case, stored, found, now))
        if found and _same(now, stored):
            return done(Outcome.PRESERVED, f"{case.target} is still {_short(stored)}")
        now_text = _short(now) if found else "gone"
        if case.form.value != "absent" and (not found or now in (None, [], {}, "")):
            if _same(_without(after.data, case.path), _without(before.data, case.path)):
                return done(Outcome.CLEARED, f"{case.target} was {_short(stored)}, now "
                            f"{now_text}; nothing else changed")
            return done(Outcome.PURGED, f"{case.target} was {_short(stored)}, now {now_text}, "
                        "and other fields changed too")
        return done(Outcome.PURGED, f"{case.target} was {_short(stored)}, now {now_text}")

    def restore(self, resource: Resource) -> None:
        self._write(resource.log, resource.entry, self.op.method, resource.url, resource.full,
                    resource.media_type)

    def clean_up(self) -> list[Exchange]:
        """DELETE what this runner created (retried, since servers fail at times), and put
        back what existed before. An interrupt here does not stop it: the rest still gets
        one try each; a second interrupt does."""
        log: list[Exchange] = []
        for entry in reversed(self.mine):
            try:
                self._settle(entry, log)
            except KeyboardInterrupt:
                if self.session.interrupted:
                    raise
                self.session.interrupted = True
                self._settle(entry, log)  # once more: the answer to the first was lost
        self.mine = [e for e in self.mine if not e.settled]
        if self.session.interrupted:
            raise KeyboardInterrupt
        return log

    def _settle(self, entry: Written, log: list[Exchange]) -> None:
        if entry.state is State.EXISTING:
            if entry.touched:
                self._put_back(entry, log)
            return
        if entry.state not in (State.PENDING, State.CREATED, State.DELETING, State.LEFT):
            return
        tries = 1 if self.session.interrupted else CLEANUP_TRIES
        for attempt in range(tries):
            entry.state = State.DELETING
            gone = self._send(log, "DELETE", entry.url, cleanup=True)
            if _gone(gone) and self.session.interrupted and self._came_back(entry, log):
                # the write the interrupt cut short reached the server after the DELETE
                gone = self._send(log, "DELETE", entry.url, cleanup=True)
            if _gone(gone):
                entry.state = State.DELETED
                return
            entry.state, entry.note = State.LEFT, f"DELETE: {_status(gone)}"
            if attempt + 1 < tries:
                time.sleep(min(CLEANUP_PAUSE * 2 ** attempt, 1.0))

    def _came_back(self, entry: Written, log: list[Exchange]) -> bool:
        """After an interrupt, is the resource there again? A write in flight when Ctrl-C came
        is still handled by the server, possibly after the clean-up's DELETE: looked at once
        more, after a pause as long as a few exchanges."""
        time.sleep(INTERRUPTED_SETTLE)
        return _ok(self._send(log, "GET", entry.url, cleanup=True))

    def _put_back(self, entry: Written, log: list[Exchange]) -> None:
        if entry.original is None:
            entry.state, entry.note = State.NOT_RESTORED, "its GET returned no JSON to put back"
            return
        back = self._send(log, self.op.method, entry.url, entry.original, entry.media_type,
                          cleanup=True)
        if _ok(back):
            entry.state = State.RESTORED
        else:
            entry.state, entry.note = State.NOT_RESTORED, f"putting it back: {_status(back)}"

    @contextmanager
    def resource(self, full: Any, media_type: str) -> Iterator[Resource]:
        """A resource for the cases, cleaned up on the way out whatever happens (Ctrl-C and
        SIGTERM included)."""
        try:
            yield self.set_up(full, media_type)
        except KeyboardInterrupt:
            self.session.interrupted = True
            raise
        finally:
            self.clean_up()


def _created_id(made: Exchange, last: str) -> str | None:
    """The id of what the collection's POST made: its Location when that is an item of this
    collection, else `id` (or the path parameter's name) in the JSON answer."""
    if not _ok(made):
        return None
    if made.location:
        where, base = urlsplit(made.location), urlsplit(made.request_url)
        prefix = base.path.rstrip("/") + "/"
        rest = where.path[len(prefix):] if where.path.startswith(prefix) else ""
        if (where.scheme, where.netloc) == (base.scheme, base.netloc) and \
                not where.query and _SAFE_ID.match(unquote(rest.rstrip("/"))):
            return unquote(rest.rstrip("/"))
    if isinstance(made.data, dict):
        for key in ("id", last):
            ident = made.data.get(key)
            if isinstance(ident, (str, int)) and not isinstance(ident, bool) and \
                    _SAFE_ID.match(str(ident)):
                return str(ident)
    return None


# An id probe will put into a path: one segment that no server can read as another place
# (no `/`, no `%`, not `.` or `..`, which a server normalising paths would resolve upward).
# \Z, not $: `$` also matches before a final newline, and an id "victim\n" would reach
# /things/victim on a server that trims it.
_SAFE_ID = re.compile(r"\A(?!\.{1,2}\Z)[A-Za-z0-9._~:@+-]{1,256}\Z")


def _ok(exchange: Exchange) -> bool:
    return exchange.error is None and exchange.status is not None and \
        200 <= exchange.status < 300


def _refused(exchange: Exchange) -> bool:
    """A 4xx: the server said no before doing anything (the status line is enough)."""
    return exchange.status is not None and 400 <= exchange.status < 500


def _gone(exchange: Exchange) -> bool:
    """A DELETE that took, or found nothing there (its status line is enough)."""
    return exchange.status is not None and (200 <= exchange.status < 300
                                            or exchange.status in (404, 410))


def _status(exchange: Exchange) -> str:
    return exchange.error or f"{exchange.method} answered {exchange.status}"


def _shrunk(case: OmissionCase, stored: Any, found: bool, now: Any) -> tuple[Outcome, str]:
    """What a shorter collection did: replaced the stored one, kept every stored member, or
    lost more than it left out."""
    sent = value_at(case.variant, case.path)[1]
    was = f"{case.target} was {_short(stored)}, sent {_short(sent)}"
    if not found:
        return Outcome.PURGED, f"{was}, now gone"
    if _members(stored) <= _members(now):
        return Outcome.KEPT, f"{was}, still {_short(now)}"
    if _same(now, sent):
        return Outcome.REPLACED, f"{was}, now {_short(now)}"
    return Outcome.PURGED, f"{was}, now {_short(now)}: members it sent were lost too"


def _members(value: Any) -> set[str]:
    """The members of a collection, comparable whatever the order."""
    if isinstance(value, dict):
        return {_canonical([k, v]) for k, v in value.items()}
    if isinstance(value, list):
        return {_canonical(v) for v in value}
    return {_canonical(value)}


def _without(body: Any, path: tuple[str, ...]) -> Any:
    """`body` without the field at `path` (the rest of a resource, to compare)."""
    from linter.bodies import with_form
    from linter.search import Form

    rest = with_form(body, path, Form.ABSENT)
    return body if rest is None else rest


def _answer(exchange: Exchange) -> str:
    """The status and what the server said (redacted, cut): why a set-up was refused."""
    said = exchange.response
    if said is None:
        return _status(exchange)
    text = said if isinstance(said, str) else _canonical(said)
    return f"{_status(exchange)}: {text[:300]}"


def _same(a: Any, b: Any) -> bool:
    """Equal, ignoring the order of list elements (servers may sort what they store)."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(_canonical, a)) == sorted(map(_canonical, b))
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _short(value: Any) -> str:
    text = _canonical(value)
    return text if len(text) <= 80 else text[:77] + "..."


def client_for(target: Any, headers: dict[str, str] | None = None,
               timeout: float = 10.0) -> httpx.Client:
    """An httpx client for a base URL, a WSGI or ASGI app, or a client given as is."""
    if isinstance(target, httpx.Client):
        return target
    if isinstance(target, str):
        return guarded_client(target, headers, timeout, loopback_only=False)
    if _is_asgi(target):
        return httpx.Client(transport=_SyncAsgi(target), base_url="http://testserver",
                            headers=headers, timeout=timeout)
    if callable(target):
        return httpx.Client(transport=httpx.WSGITransport(app=target),
                            base_url="http://testserver", headers=headers, timeout=timeout)
    raise TypeError("target must be a base URL, a WSGI or ASGI app, or an httpx.Client")


def _is_asgi(app: Any) -> bool:
    import inspect

    # an ASGI app is a coroutine function, or an object whose __call__ is one
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(
        type(app).__call__ if not inspect.isfunction(app) else app)


class _SyncAsgi(httpx.BaseTransport):
    """httpx's ASGITransport is async only; tests here are sync, so run it on a private loop."""

    def __init__(self, app: Any) -> None:
        import asyncio

        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def go() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            # a stream, not `content=`: httpx reads `content` at once, and probe streams
            return httpx.Response(response.status_code, headers=response.headers,
                                  stream=httpx.ByteStream(content))

        return self._loop.run_until_complete(go())

    def close(self) -> None:
        self._loop.close()
