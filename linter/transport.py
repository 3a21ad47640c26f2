"""probe's HTTP transport: one deadline per exchange, loopback names never looked up.

httpx's timeouts bound each socket operation, so a server that sends one byte every half second
keeps a `--timeout 1` request alive for as long as it likes. Here every socket operation of an
exchange (connect, TLS, send, headers, body) gets what is left of one deadline, set by the
caller around the whole exchange with `deadline()`.

`localhost` and `*.localhost` are loopback by definition (RFC 6761): they are connected to at
127.0.0.1 (then ::1) without asking any resolver, since a resolver may answer otherwise. With
`loopback_only`, a connection to anything else is refused here too, whatever the URL said.

The client built here reads no proxy variables and no .netrc, and follows no redirect: requests
carrying the user's credentials go to the base URL and nowhere else.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")
_state = threading.local()


def is_loopback_host(host: str) -> bool:
    """Loopback by its text alone: an IP literal in 127/8 or ::1, `localhost`, `*.localhost`."""
    name = host.strip("[]").lower()
    if name.endswith("."):  # the absolute form, `localhost.`
        name = name[:-1]
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name == "localhost" or name.endswith(".localhost")


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Every socket operation on this thread inside the block ends by `seconds` from now."""
    previous = getattr(_state, "end", None)
    _state.end = None if seconds is None else time.monotonic() + seconds
    try:
        yield
    finally:
        _state.end = previous


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """The socket timeout to use: httpcore's, cut to what is left of the deadline."""
    end = getattr(_state, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the exchange took longer than --timeout allows")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname,
                                             _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, loopback_only: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._loopback_only = loopback_only

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[Any] | None = None) -> httpcore.NetworkStream:
        if self._loopback_only and not is_loopback_host(host):
            raise httpcore.ConnectError(f"refusing to connect to {host}: not loopback")
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        targets = [host] if literal is not None or not is_loopback_host(host) \
            else list(LOOPBACK_ADDRESSES)  # a loopback *name*: never resolved
        failure: Exception | None = None
        for target in targets:
            try:
                return _Stream(self._inner.connect_tcp(
                    target, port, _left(timeout, httpcore.ConnectTimeout), local_address,
                    socket_options))
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("probe talks TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _mapped():
            yield from self._inner

    def close(self) -> None:
        if hasattr(self._inner, "close"):
            self._inner.close()


@contextmanager
def _mapped() -> Iterator[None]:
    """httpcore's exceptions as httpx's of the same name (ReadTimeout, ConnectError...)."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TimeoutException)(str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol,
            httpcore.LocalProtocolError, httpcore.RemoteProtocolError) as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TransportError)(str(exc)) from exc


def _ssl_context() -> ssl.SSLContext:
    """certifi's roots, or the CA bundle SSL_CERT_FILE / SSL_CERT_DIR name (a test
    environment's own CA): the one part of the environment probe reads, since it only adds
    trust in certificates and sends nothing anywhere."""
    import certifi

    return ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or certifi.where(),
                                      capath=os.environ.get("SSL_CERT_DIR") or None)


class GuardedTransport(httpx.BaseTransport):
    """httpx's default transport, on a network backend that keeps the deadline."""

    def __init__(self, loopback_only: bool) -> None:
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(),
                                             network_backend=_Backend(loopback_only),
                                             retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw, content=request.stream,
            extensions=request.extensions)
        with _mapped():
            response = self._pool.handle_request(core)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_ResponseStream(response.stream),
                              extensions=response.extensions)

    def close(self) -> None:
        self._pool.close()


def guarded_client(base_url: str, headers: dict[str, str] | None, timeout: float,
                   loopback_only: bool) -> httpx.Client:
    """The client probe sends with: no environment, no redirects, uncompressed answers."""
    merged = {"Accept-Encoding": "identity", **(headers or {})}
    return httpx.Client(base_url=base_url, headers=merged, timeout=timeout, trust_env=False,
                        follow_redirects=False, transport=GuardedTransport(loopback_only))


__all__ = ["GuardedTransport", "deadline", "guarded_client", "is_loopback_host"]
