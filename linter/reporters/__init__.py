"""Reporters: pure functions from a run's results to text. One module per format."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from linter.config import FORMATS
from linter.findings import Finding, RunReport

__all__ = ["FORMATS", "RenderContext", "Renderer", "exchange_lines", "exchange_text",
           "get_renderer"]


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


def get_renderer(name: str) -> Renderer:
    """The render function of a format; each module is imported only when asked for."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"linter.reporters.{name}_report" if name == "json"
                                     else f"linter.reporters.{name}")
    return module.render  # type: ignore[no-any-return]
