"""Omission against a live API: set up a resource, omit, read back, clean up.

Shared by the pytest plugin (in-process apps or a URL) and `putlint probe` (a URL). Every
request goes through a Session, which records it (the evidence a report shows), enforces the
request budget, and scrubs the user's secret header values out of everything it records.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from linter.bodies import value_at

if TYPE_CHECKING:
    from linter.cases import OmissionCase, OperationCases

NO_BODY = object()
MAX_SHOWN = 600  # characters of a response body kept as evidence
CLEANUP_TRIES = 10
CLEANUP_PAUSE = 0.05  # seconds before the first retry of a failed DELETE, doubling, at most 1 s


class Outcome(str, Enum):
    REJECTED = "rejected"
    PRESERVED = "preserved"
    PURGED = "purged"
    INCONCLUSIVE = "inconclusive"


class BudgetExceeded(Exception):
    """--max-requests is spent."""


@dataclass
class Exchange:
    method: str
    url: str
    body: Any = NO_BODY
    status: int | None = None
    response: Any = None
    error: str | None = None

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


class Session:
    """Sends requests, records them, keeps to the budget, scrubs secrets."""

    def __init__(self, client: httpx.Client, secrets: Iterable[str] = (),
                 max_requests: int | None = None) -> None:
        self.client = client
        self.secrets = [s for s in secrets if s]
        self.max_requests = max_requests
        self.sent = 0

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def send(self, method: str, url: str, body: Any = NO_BODY, media_type: str =
             "application/json", cleanup: bool = False) -> Exchange:
        # Clean-up may go past the budget: leaving a resource behind is worse than one more
        # request.
        if not cleanup and self.max_requests is not None and self.sent >= self.max_requests:
            raise BudgetExceeded(f"--max-requests {self.max_requests} reached")
        self.sent += 1
        exchange = Exchange(method, url, body)
        kwargs: dict[str, Any] = {}
        if body is not NO_BODY:
            if "form" in media_type:
                kwargs["data"] = body
            else:
                kwargs["content"] = json.dumps(body).encode()
                kwargs["headers"] = {"Content-Type": media_type}
        try:
            response = self.client.request(method, url, **kwargs)
        except Exception as exc:  # httpx.HTTPError, and what a broken in-process app raises
            exchange.error = self.scrub(f"{type(exc).__name__}: {exc}")
            return exchange
        exchange.status = response.status_code
        exchange.response = self._evidence(response.text)
        return exchange

    def _evidence(self, text: str) -> Any:
        text = self.scrub(text)
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text[:MAX_SHOWN]


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


def fresh_value(schema: Any) -> str:
    """A new identifier for a path parameter: nobody else's resource can live there."""
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
    """A resource this run created, at `url`; only such resources are ever written to."""

    url: str
    media_type: str
    full: Any
    log: list[Exchange] = field(default_factory=list)


class Runner:
    """Creates, omits, reads back and deletes, for one operation."""

    def __init__(self, session: Session, op: OperationCases) -> None:
        self.session = session
        self.op = op
        self.created: list[Resource] = []

    def _send(self, log: list[Exchange], *args: Any, **kwargs: Any) -> Exchange:
        exchange = self.session.send(*args, **kwargs)
        log.append(exchange)
        return exchange

    def set_up(self, full: Any, media_type: str) -> Resource:
        """A new resource holding `full`: the PUT itself (an upsert) or the collection's POST."""
        log: list[Exchange] = []
        params = {name: fresh_value(s) for name, s in self.op.path_params.items()}
        url = expand(self.op.path, params)
        first = self._send(log, self.op.method, url, full, media_type)
        # recorded before knowing whether it worked: a 500 may still have created it
        self.created.append(Resource(url, media_type, full, log))
        if _ok(first):
            return self.created[-1]
        if first.status in (404, 405) and self.op.facts.op.create_path:
            self.created.pop()
            made = self._send(log, "POST", expand(self.op.facts.op.create_path, params),
                              full, media_type)
            ident = made.response.get("id") if isinstance(made.response, dict) else None
            if _ok(made) and ident is not None:
                last = self.op.path.rstrip("/").rpartition("/")[2][1:-1]
                self.created.append(Resource(expand(self.op.path, {**params,
                                                                   last: str(ident)}),
                                             media_type, full, log))
                return self.created[-1]
        raise SetUpFailed(f"set-up refused: {_status(log[-1])}", log)

    def observe(self, resource: Resource, case: OmissionCase) -> Observation:
        """Send the omission variant to `resource` and read back what happened."""
        log = list(resource.log)
        resource.log = []

        def done(outcome: Outcome, reason: str) -> Observation:
            return Observation(case, outcome, reason, log)

        if "get" not in self.op.siblings:
            return done(Outcome.INCONCLUSIVE, "no GET on this path to read the resource back")
        before = self._send(log, "GET", resource.url)
        found, stored = value_at(before.response, case.path)
        if not _ok(before) or not found:
            return done(Outcome.INCONCLUSIVE, f"reading back after set-up: {_status(before)}"
                        if not _ok(before) else f"the GET does not return {case.target}")
        if stored is None or stored == [] or stored == {}:
            # the set-up (or the restore after the last case) did not take: an omission now
            # would "preserve" nothing, and prove nothing
            return done(Outcome.INCONCLUSIVE, f"the resource holds no {case.target} to lose")
        sent = self._send(log, self.op.method, resource.url, case.variant, resource.media_type)
        if sent.status is not None and 400 <= sent.status < 500:
            return done(Outcome.REJECTED, f"answered {sent.status}")
        if not _ok(sent):
            return done(Outcome.INCONCLUSIVE, f"the omission got {_status(sent)}")
        after = self._send(log, "GET", resource.url)
        if after.status in (404, 410):
            return done(Outcome.PURGED, "the resource is gone")
        if not _ok(after):
            return done(Outcome.INCONCLUSIVE, f"reading back: {_status(after)}")
        found, now = value_at(after.response, case.path)
        if found and _same(now, stored):
            return done(Outcome.PRESERVED, f"{case.target} is still {_short(stored)}")
        now_text = _short(now) if found else "gone"
        return done(Outcome.PURGED, f"{case.target} was {_short(stored)}, now {now_text}")

    def restore(self, resource: Resource) -> None:
        self._send(resource.log, self.op.method, resource.url, resource.full,
                   resource.media_type)

    def clean_up(self) -> list[Exchange]:
        """DELETE everything this runner created; retried, since servers fail at times."""
        log: list[Exchange] = []
        while self.created:
            resource = self.created.pop()
            for attempt in range(CLEANUP_TRIES):
                gone = self._send(log, "DELETE", resource.url, cleanup=True)
                if _ok(gone) or gone.status in (404, 410):
                    break
                time.sleep(min(CLEANUP_PAUSE * 2 ** attempt, 1.0))
        return log

    @contextmanager
    def resource(self, full: Any, media_type: str) -> Iterator[Resource]:
        """A created resource, deleted on the way out whatever happens (Ctrl-C included)."""
        try:
            yield self.set_up(full, media_type)
        finally:
            self.clean_up()


def _ok(exchange: Exchange) -> bool:
    return exchange.status is not None and 200 <= exchange.status < 300


def _status(exchange: Exchange) -> str:
    return exchange.error or f"{exchange.method} answered {exchange.status}"


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
        return httpx.Client(base_url=target, headers=headers, timeout=timeout)
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
            return httpx.Response(response.status_code, headers=response.headers,
                                  content=content)

        return self._loop.run_until_complete(go())

    def close(self) -> None:
        self._loop.close()
