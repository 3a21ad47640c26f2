"""Ctrl-C and SIGTERM: probe cleans up, and says exactly what it did and did not clean up.

CI cancels a job with SIGTERM; a user presses Ctrl-C, sometimes twice. Whenever the signal
comes, the last lines name what was deleted and what was not, by path, and never claim more.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from linter.refserver import ReferenceApi, running

ROOT = Path(__file__).resolve().parent.parent
PURGING = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"
PUTLINT = str(Path(sys.executable).parent / "putlint")
CERTS = "/core-entities/certificates/"


class SlowDelete:
    """The reference API, where each DELETE first waits `hang` seconds: the window in which
    an interrupt lands during clean-up. `deletes` counts the DELETEs that arrived."""

    def __init__(self, app: ReferenceApi, hang: float) -> None:
        self.app = app
        self.hang = hang
        self.deletes = 0
        self.arrived = threading.Event()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "DELETE":
            self.deletes += 1
            self.arrived.set()
            time.sleep(self.hang)
        return self.app(environ, start_response)


def start(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([PUTLINT, "probe", str(PURGING), "--base-url", url,
                             "--allow-writes", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_run_cleans_up_and_says_so(sig: int) -> None:
    app = ReferenceApi("purge", latency=0.05)
    with running(app) as url:
        run = start(url)
        wait_for(lambda: app.requests >= 4)  # set up, in the cases
        run.send_signal(sig)
        _, err = run.communicate(timeout=60)
    assert run.returncode == 2 and "Traceback" not in err
    assert "probe interrupted; every resource it created was deleted (1)" in err
    assert "deleted /v2/control-planes/" in err and CERTS in err  # which one, by path
    assert app.store.snapshot() == {"certificates": [], "snis": []}


def test_an_interrupt_during_the_clean_up_delete_is_told_truthfully() -> None:
    """The DELETE is in flight when Ctrl-C lands: probe tries it once more; that try times
    out too, so the run says the certificate was NOT deleted, and names it."""
    app = ReferenceApi("purge")
    slow = SlowDelete(app, hang=3.0)
    with running(slow) as url:  # type: ignore[arg-type]
        run = start(url, "--timeout", "1")
        wait_for(slow.arrived.is_set)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=60)
    assert run.returncode == 2 and "Traceback" not in err
    assert "every resource it created was deleted" not in err
    assert "NOT everything it wrote was cleaned up" in err
    assert "NOT deleted: /v2/control-planes/" in err and CERTS in err
    assert slow.deletes == 2  # the interrupted DELETE, and one more try


def test_a_second_interrupt_stops_the_clean_up_and_is_told_truthfully() -> None:
    app = ReferenceApi("purge", latency=0.05)
    slow = SlowDelete(app, hang=5.0)
    with running(slow) as url:  # type: ignore[arg-type]
        run = start(url)
        wait_for(lambda: app.requests >= 4)
        run.send_signal(signal.SIGINT)  # stop the cases: clean-up begins
        wait_for(slow.arrived.is_set)
        started = time.monotonic()
        run.send_signal(signal.SIGTERM)  # and stop that too
        _, err = run.communicate(timeout=60)
        quick = time.monotonic() - started
    assert run.returncode == 2 and "Traceback" not in err
    assert quick < 4  # it did not wait for the DELETE to be answered
    assert "every resource it created was deleted" not in err
    assert "NOT confirmed deleted: /v2/control-planes/" in err
    assert "(interrupted during its DELETE)" in err


@pytest.mark.parametrize("lands_late", [True, False])
def test_a_write_that_lands_after_the_interrupted_clean_up_is_deleted_too(
        monkeypatch: pytest.MonkeyPatch, lands_late: bool) -> None:
    """Ctrl-C cut a PUT short, but the server still handles it, after the clean-up's DELETE:
    the resource is back. After an interrupt the clean-up looks once more and deletes it
    again; the ledger says deleted only when it is gone."""
    import httpx

    from linter import live

    monkeypatch.setattr(live, "INTERRUPTED_SETTLE", 0.0)
    store = {"present": True}
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if request.method == "DELETE":
            # the first DELETE is answered, then the cut-short PUT lands and stores it again
            store["present"] = lands_late and seen.count("DELETE") == 1
            return httpx.Response(204)
        return httpx.Response(200 if store["present"] else 404, json={"id": "x"})

    session = live.Session(httpx.Client(transport=httpx.MockTransport(server)))
    session.interrupted = True
    runner = live.Runner(session, op=None)  # type: ignore[arg-type]
    entry = live.Written("http://127.0.0.1/things/x", live.State.CREATED)
    runner._settle(entry, [])
    assert entry.state is live.State.DELETED and not store["present"]
    assert seen == (["DELETE", "GET", "DELETE"] if lands_late else ["DELETE", "GET"])
