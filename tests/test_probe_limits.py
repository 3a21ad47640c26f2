"""probe's bounds over real sockets: a deadline per exchange, a cap on what it reads, loopback
names never looked up, and a run that observed nothing is an error.

The hostile servers here are raw sockets on loopback (a slow drip, an endless body, a
compression bomb): wsgiref would buffer or frame what they must send byte by byte.
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.live import MAX_BODY, Session
from linter.probe import check_base_url
from linter.refserver import ReferenceApi, running
from linter.transport import guarded_client, is_loopback_host

ROOT = Path(__file__).resolve().parent.parent
PURGING = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"
FIXED = ROOT / "specs" / "konnect-certificates-fixed.yaml"
PUTLINT = str(Path(sys.executable).parent / "putlint")

Answer = Callable[[socket.socket], None]


@contextmanager
def raw_server(answer: Answer) -> Iterator[str]:
    """A loopback server that reads one request per connection and answers with `answer`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                answer(conn)
            except OSError:
                pass  # the client hung up: what these servers are for

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def drip(data: bytes, pause: float) -> Answer:
    def answer(conn: socket.socket) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(pause)
    return answer


HEADERS_DRIP = drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Slow: "
                    + b"z" * 200 + b"\r\nContent-Length: 2\r\n\r\n{}", 0.25)


def BODY_DRIP(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 400\r\n\r\n")
    drip(b'"' + b"a" * 398 + b'"', 0.25)(conn)


def endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close"
                 b"\r\n\r\n[")
    chunk = b'"' + b"a" * 65530 + b'",'
    for _ in range(1536 * 16):  # 1.5 GB unless the client hangs up first
        conn.sendall(chunk)


def claims_huge(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1610612736\r\n\r\n[")
    time.sleep(2)


BOMB = gzip.compress(b"0" * (64 << 20), compresslevel=9)


def bomb(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
                 b"gzip\r\nContent-Length: " + str(len(BOMB)).encode() + b"\r\n\r\n" + BOMB)


def send_once(url: str, timeout: float = 5.0) -> tuple[float, object]:
    client = guarded_client(url, {}, timeout, loopback_only=True)
    try:
        started = time.monotonic()
        exchange = Session(client, timeout=timeout).send("GET", "/thing")
        return time.monotonic() - started, exchange
    finally:
        client.close()


@pytest.mark.parametrize("answer", [HEADERS_DRIP, BODY_DRIP], ids=["headers", "body"])
def test_the_timeout_is_a_deadline_for_the_whole_exchange(answer: Answer) -> None:
    """One byte every 0.25 s: each read is quick, the exchange is not. 1 s is 1 s."""
    with raw_server(answer) as url:
        elapsed, exchange = send_once(url, timeout=1.0)
    assert elapsed < 1.6, elapsed
    assert "Timeout" in str(exchange.error)  # type: ignore[attr-defined]


def test_probe_timeout_bounds_the_run_through_the_console_script() -> None:
    with raw_server(BODY_DRIP) as url:
        started = time.monotonic()
        proc = subprocess.run([PUTLINT, "probe", str(FIXED), "--base-url", url,
                               "--allow-writes", "--timeout", "1"], capture_output=True,
                              text=True, timeout=120)
        elapsed = time.monotonic() - started
    # one exchange (the GET proving the place empty) times out after 1 s; nothing was
    # observed, so exit 2 with the reason. Without the deadline this takes 100 s.
    assert proc.returncode == 2 and "ReadTimeout" in proc.stdout, proc.stdout
    assert elapsed < 15, elapsed


@pytest.mark.parametrize("answer", [endless, claims_huge, bomb],
                         ids=["endless", "content-length", "gzip-bomb"])
def test_a_huge_answer_is_not_read_past_the_cap(answer: Answer) -> None:
    with raw_server(answer) as url:
        elapsed, exchange = send_once(url)
    error = str(exchange.error)  # type: ignore[attr-defined]
    assert f"{MAX_BODY >> 20} MiB" in error and exchange.response is None  # type: ignore
    assert elapsed < 5


def test_a_huge_answer_keeps_probe_small() -> None:
    """Through the console script, measured by the kernel: peak RSS stays far below what
    reading 1.5 GB would take."""
    with raw_server(endless) as url:
        run = subprocess.Popen([PUTLINT, "probe", str(FIXED), "--base-url", url,
                                "--allow-writes"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        _, status, usage = os.wait4(run.pid, 0)
        err = run.stderr.read().decode() if run.stderr else ""
        out = run.stdout.read().decode() if run.stdout else ""
    assert os.waitstatus_to_exitcode(status) == 2, err
    assert "longer than 8 MiB" in out  # the reason nothing was observed, in the text report
    assert usage.ru_maxrss < 400 * 1024, usage.ru_maxrss  # KiB on Linux


labels = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?\Z")


@settings(max_examples=200, deadline=None)
@given(names=st.lists(labels, min_size=1, max_size=4), suffix=st.sampled_from(
    ["localhost", "localhost.", "LOCALHOST", "localhost.example", "notlocalhost", "com"]))
def test_loopback_is_decided_by_the_name_alone(names: list[str], suffix: str) -> None:
    host = ".".join([*names, suffix])
    expected = suffix.lower().rstrip(".") == "localhost"
    assert is_loopback_host(host) is expected


@given(a=st.integers(0, 255), b=st.integers(0, 255), c=st.integers(0, 255),
       first=st.integers(0, 255))
def test_loopback_addresses(a: int, b: int, c: int, first: int) -> None:
    assert is_loopback_host(f"{first}.{a}.{b}.{c}") is (first == 127)
    assert is_loopback_host("::1") and is_loopback_host("[::1]")


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """getaddrinfo that answers numeric hosts only, and records every name asked for."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        asked.append(str(host))
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in str(host) else socket.AF_INET,
                             str(host))
        except OSError:
            raise socket.gaierror(f"no DNS in this test ({host})") from None
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("name", ["localhost", "api.localhost", "a.b.LOCALHOST",
                                  "localhost."])
def test_localhost_names_connect_to_loopback_without_dns(no_dns: list[str],
                                                         name: str) -> None:
    app = ReferenceApi("reject")
    with running(app) as url:
        port = url.rsplit(":", 1)[1]
        base = f"http://{name}:{port}"
        check_base_url(base, allow_remote=False)
        client = guarded_client(base, {}, 5.0, loopback_only=True)
        with client:
            exchange = Session(client, timeout=5.0).send(
                "GET", "/v2/control-planes/cp/core-entities/certificates/x")
    assert exchange.status == 404, exchange.error
    assert all(host in ("127.0.0.1", "::1") for host in no_dns), no_dns


def test_loopback_only_refuses_other_hosts_at_the_socket(no_dns: list[str]) -> None:
    client = guarded_client("http://192.0.2.1:9", {}, 5.0, loopback_only=True)
    with client:
        started = time.monotonic()
        exchange = Session(client, timeout=5.0).send("GET", "/")
    assert "not loopback" in str(exchange.error) and time.monotonic() - started < 1
    assert no_dns == []


def test_probe_against_a_localhost_name_through_the_console_script() -> None:
    app = ReferenceApi("purge")
    with running(app) as url:
        port = url.rsplit(":", 1)[1]
        proc = subprocess.run([PUTLINT, "probe", str(PURGING), "--base-url",
                               f"http://certificates.localhost:{port}", "--allow-writes"],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "PUT301" in proc.stdout, proc.stderr
    assert app.store.snapshot() == {"certificates": [], "snis": []}


def test_a_closed_port_is_an_error_not_a_pass() -> None:
    """#14: a run that observed no case at all exits 2 with the reason."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    proc = subprocess.run([PUTLINT, "probe", str(FIXED), "--base-url",
                           f"http://127.0.0.1:{port}", "--allow-writes"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout.count("PUT304") == 4  # absent, null, empty, shrink
    # the reason, once, as the text report's input error
    assert proc.stdout.count("probe observed no case") == 1 and "ConnectError" in proc.stdout
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 3
    assert "probe observed no case" not in proc.stderr


def test_a_spec_with_nothing_to_probe_is_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "plain.yaml"
    text = FIXED.read_text(encoding="utf-8")
    marked = "          x-critical:\n            on-omit: reject\n"
    assert marked in text
    spec.write_text(text.replace(marked, "          x-not-critical:\n"), encoding="utf-8")
    app = ReferenceApi("purge")
    with running(app) as url:
        proc = subprocess.run([PUTLINT, "probe", str(spec), "--base-url", url,
                               "--allow-writes"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "nothing to probe" in proc.stdout, proc.stdout
    assert app.requests == 0


def test_proxy_variables_and_redirects_lead_nowhere() -> None:
    """Requests carrying the credentials go to the base URL only: no proxy from the
    environment, no redirect followed."""
    seen: list[str] = []

    def record(conn: socket.socket) -> None:
        seen.append("connection")
        conn.sendall(b"HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\n")

    with raw_server(record) as elsewhere:
        def redirect(conn: socket.socket) -> None:
            conn.sendall(f"HTTP/1.1 307 X\r\nLocation: {elsewhere}/x\r\nContent-Length: 0\r\n"
                         "\r\n".encode())

        env = {**os.environ, "HTTP_PROXY": elsewhere, "HTTPS_PROXY": elsewhere,
               "ALL_PROXY": elsewhere, "http_proxy": elsewhere, "NO_PROXY": ""}
        app = ReferenceApi("purge")
        with running(app) as url:
            proxied = subprocess.run([PUTLINT, "probe", str(PURGING), "--base-url", url,
                                      "--allow-writes", "-H", "Authorization: Bearer tok"],
                                     capture_output=True, text=True, timeout=120, env=env)
        with raw_server(redirect) as url:
            redirected = subprocess.run([PUTLINT, "probe", str(PURGING), "--base-url", url,
                                         "--allow-writes"], capture_output=True, text=True,
                                        timeout=120)
    assert proxied.returncode == 1 and "PUT301" in proxied.stdout, proxied.stderr
    assert redirected.returncode == 2 and "GET answered 307" in redirected.stdout
    assert seen == []
