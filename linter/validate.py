"""`--validate`: full structural validation with openapi-spec-validator, without network access."""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from linter.errors import PutlintError
from linter.refs import Workspace, is_within
from linter.source import printable

MAX_ERRORS = 20


def start_validation(ws: Workspace) -> Callable[[], list[PutlintError]]:
    """Validate in a forked process while this one analyses; call the result for the errors.

    The validator takes seconds on big specs (11.5 s on GitHub's description) and putlint's
    own analysis a fraction of one; overlapping them keeps `--validate` from adding more than
    the validator's own time. Where fork is unavailable (Windows, or inside a daemonic
    worker) the validation simply runs here, first.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or \
            multiprocessing.current_process().daemon:
        errors = validate(ws)
        return lambda: errors
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_validate_into, args=(ws, sender), daemon=True)
    child.start()
    sender.close()

    def result() -> list[PutlintError]:
        # The child keeps its own deadline; this one only catches a child stuck in C code.
        if not receiver.poll(deadline_for(ws) + 10):
            child.kill()
            child.join()
            return [_overtime(ws)]
        try:
            errors: list[PutlintError] = receiver.recv()
        except EOFError:
            # The child died: killed, out of memory, or past a CPU limit the run is under.
            # Validating again here would spend the same again in this process (and be
            # killed by the same limit, losing the whole run's output).
            child.join()
            return [PutlintError("--validate stopped: the validator's process ended before it "
                                 "finished (out of memory or time); the spec was not fully "
                                 "validated", ws.root.place(()))]
        child.join()
        return errors

    return result


def _validate_into(ws: Workspace, sender: Any) -> None:
    sender.send(validate(ws))
    sender.close()


def validate(ws: Workspace) -> list[PutlintError]:
    """Every structural error of the spec, each with its place; [] when valid."""
    # Imported here: openapi-spec-validator takes ~0.3 s to import and most runs never need it.
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.settings import OpenAPISpecValidatorSettings
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import ValidatorDetectError

    spec = ws.root.data
    try:
        cls = get_validator_cls(spec)
    except ValidatorDetectError:
        return [PutlintError("--validate: cannot tell the OpenAPI version", ws.root.place(()))]
    # the validator's own cache of resolved $refs, as its `validate` shortcut sets it: without
    # it the same run took 13.8 s instead of 10 s on GitHub's description
    path = SchemaPath.from_dict(spec, base_uri=ws.root.path.as_uri(),
                                handlers=ConfinedHandlers(ws),
                                resolved_cache_maxsize=OpenAPISpecValidatorSettings()
                                .resolved_cache_maxsize)
    errors: list[PutlintError] = []
    cls = _linear(cls)
    try:
        with no_network(), _deadline(deadline_for(ws)):
            for error in itertools.islice(cls(path).iter_errors(), MAX_ERRORS):
                pointer = tuple(str(p) for p in getattr(error, "absolute_path", ()) or ())
                errors.append(PutlintError(f"invalid OpenAPI: {printable(error.message)}",
                                           ws.root.place(pointer)))
    except PutlintError as exc:  # a $ref the confined resolver refused, or a network attempt
        errors.append(PutlintError(f"invalid OpenAPI: {exc.message}",
                                   exc.place or ws.root.place(())))
    except _Overtime:
        errors.append(_overtime(ws))
    except RecursionError:
        errors.append(PutlintError("invalid OpenAPI: the spec is nested too deeply to validate",
                                   ws.root.place(())))
    except Exception as exc:  # the validator's own failure on a broken ref or similar
        refusal = _refusal(exc)
        if refusal is not None:  # wrapped by `referencing` on its way out
            errors.append(PutlintError(f"invalid OpenAPI: {refusal.message}",
                                       refusal.place or ws.root.place(())))
            return errors
        errors.append(PutlintError(f"invalid OpenAPI: {printable(_first_line(exc))}",
                                   ws.root.place(())))
    except BaseException as exc:  # a Rust panic from a dependency (pyo3 PanicException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        errors.append(PutlintError(f"invalid OpenAPI: the validator failed "
                                   f"({type(exc).__name__})", ws.root.place(())))
    return errors


# Seconds the validator may take: enough for GitHub's 10 MB description (11.5 s here), and at
# most 10 s for any spec under 1 MiB (the bound SECURITY.md promises for the whole run).
BASE_SECONDS = 5
SECONDS_PER_MIB = 5


def deadline_for(ws: Workspace) -> float:
    size = sum(len(doc.text) for doc in ws.documents)
    return BASE_SECONDS + SECONDS_PER_MIB * size / (1024 * 1024)


def _overtime(ws: Workspace) -> PutlintError:
    return PutlintError(f"--validate stopped after {deadline_for(ws):.0f} s, its time limit for "
                        "a spec this size: the spec was not fully validated", ws.root.place(()))


class _Overtime(BaseException):
    """Raised by the timer into the validator: a BaseException, so that no `except
    Exception` of a library swallows it."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the validator after ``seconds`` of wall time (Unix, main thread only;
    elsewhere the parent's wait in start_validation is the bound)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return

    def overtime(signum: int, frame: Any) -> None:
        raise _Overtime()

    previous = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _linear(cls: Any) -> Any:
    """The spec validator with `default`/`example` values checked by RE2 (linter.patterns):
    `pattern: '^(a+)+b$'` with `default: 'aaaa...a!'` kept Python's `re` busy for ever. A
    pattern RE2 cannot run is not checked (nothing is reported about it)."""
    from jsonschema import validators

    from linter.patterns import lenient_keywords

    value_cls = cls.keyword_validators["default"]
    checker = validators.extend(value_cls.value_validator_cls, lenient_keywords())
    linear_value = type(f"Linear{value_cls.__name__}", (value_cls,),
                        {"value_validator_cls": checker})
    return type(f"Linear{cls.__name__}", (cls,), {
        "keyword_validators": {**cls.keyword_validators, "default": linear_value}})


def _refusal(exc: BaseException) -> PutlintError | None:
    """The PutlintError (a refused $ref) behind a library's exception, if there is one."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 16:
        if isinstance(current, PutlintError):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ConfinedHandlers(dict):
    """The validator's `$ref` handlers: one for EVERY scheme, all through the Workspace.

    jsonschema_path falls back to urllib (or requests) for any scheme missing from its
    handlers, so a dict with only "file" would still fetch `http:` refs. This mapping claims
    every scheme: `file:` URIs are read by putlint's own confined loader (realpath inside the
    root folder, regular files only); any other scheme is refused without being touched.
    """

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def __contains__(self, scheme: object) -> bool:
        return True

    def __bool__(self) -> bool:  # empty as a dict, but never "no handlers given"
        return True

    def __getitem__(self, scheme: str) -> Callable[[str], Any]:
        return self._file if scheme == "file" else self._refuse

    def get(self, scheme: str, default: Any = None) -> Callable[[str], Any]:  # type: ignore[override]
        return self[scheme]

    def _refuse(self, uri: str) -> Any:
        raise PutlintError(f"remote $ref '{printable(uri)}' is not fetched", self.ws.root.place(()))

    def _file(self, uri: str) -> Any:
        parts = urlparse(uri)
        if parts.netloc not in ("", "localhost"):
            self._refuse(uri)
        return self.ws.load_confined(Path(unquote(parts.path)), printable(uri)).data


_guard_on = False


def _audit(event: str, args: tuple) -> None:
    if not _guard_on:
        return
    if event == "urllib.Request" and _own_resource(str(args[0])):
        return  # openapi-spec-validator reads its packaged meta-schemas through urllib
    if event.startswith(("socket.", "urllib.Request", "http.client.")):
        raise PutlintError(f"--validate tried to reach the network ({event}); refused")


def _own_resource(url: str) -> bool:
    """A file: URL inside the installed openapi-spec-validator package."""
    import openapi_spec_validator

    parts = urlparse(url)
    folder = Path(openapi_spec_validator.__file__).resolve().parent
    return parts.scheme == "file" and parts.netloc in ("", "localhost") and \
        is_within(Path(unquote(parts.path)).resolve(), folder)


@contextlib.contextmanager
def no_network() -> Iterator[None]:
    """Refuse any socket the validator (or a dependency of it) tries to open, whatever path
    the attempt takes: a second line behind ConfinedHandlers, should a library grow a new
    way to fetch. An audit hook cannot be removed, so it is added once and switched."""
    global _guard_on, _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _guard_on = True
    try:
        yield
    finally:
        _guard_on = False


_hooked = False
