"""Reporters: pure functions from a run's results to text. One module per format.

Formats are discovered like rules: every module here that declares a `FORMAT` (its name, the
suffix of a file it writes, whether it lists every operation checked) and a `render` function is
a format; there is no second list to edit. Modules keep heavy imports (hashlib, xml) inside
their functions, so discovering them costs the start-up almost nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from linter.findings import Finding, RunReport

__all__ = ["RenderContext", "Renderer", "ReportFormat", "exchange_lines", "exchange_text",
           "format_names", "formats", "get_renderer"]


@dataclass(frozen=True)
class ReportFormat:
    """What a reporter module declares about its format."""

    name: str  # as `--format` and the config's `reports:` spell it
    suffix: str  # of a report file written with `--output`, in examples and docs
    doc: str
    lists_operations: bool = False  # lists every operation checked, not only findings


@dataclass(frozen=True)
class RenderContext:
    fail_on: str = "error"
    color: bool = False
    show_examples: bool = False
    tool_version: str = ""


Renderer = Callable[[RunReport, RenderContext], str]


def exchange_lines(finding: Finding) -> list[str]:
    """A probe finding's requests and responses, numbered: `2. GET /x -> 200 {...}`.

    Header values never reach a finding (probe records no headers and scrubs the user's
    secrets from response bodies), so these lines are safe to print anywhere.
    """
    return [f"{number}. {exchange_text(exchange)}"
            for number, exchange in enumerate(finding.exchanges, start=1)]


def exchange_text(exchange: dict) -> str:
    """`PUT /x {"a": 1} -> 200 {...}`: one request and its answer, from its recorded form."""
    from linter.reporters.safe_json import dumps

    sent = f" {dumps(exchange['body'], sort_keys=True)}" if "body" in exchange else ""
    got = exchange.get("error") or str(exchange.get("status"))
    if exchange.get("response") is not None:
        response = exchange["response"]
        got += " " + (response if isinstance(response, str)
                      else dumps(response, sort_keys=True))
    return f"{exchange['method']} {exchange['url']}{sent} -> {got}"


@cache
def _discovered() -> dict[str, tuple[ReportFormat, Renderer]]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        declared = getattr(module, "FORMAT", None)
        if isinstance(declared, ReportFormat):
            found[declared.name] = (declared, module.render)
    # text first (the terminal's format), then by name
    return dict(sorted(found.items(), key=lambda item: (item[0] != "text", item[0])))


def formats() -> dict[str, ReportFormat]:
    return {name: fmt for name, (fmt, _) in _discovered().items()}


def format_names() -> tuple[str, ...]:
    return tuple(_discovered())


def get_renderer(name: str) -> Renderer:
    """The render function of a format."""
    try:
        return _discovered()[name][1]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None
