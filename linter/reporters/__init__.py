"""Reporters: pure functions from a run's results to text. One module per format."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from linter.config import FORMATS
from linter.engine import RunReport

__all__ = ["FORMATS", "RenderContext", "Renderer", "get_renderer"]


@dataclass(frozen=True)
class RenderContext:
    fail_on: str = "error"
    color: bool = False
    show_examples: bool = False
    tool_version: str = ""


Renderer = Callable[[RunReport, RenderContext], str]


def get_renderer(name: str) -> Renderer:
    """The render function of a format; each module is imported only when asked for."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"linter.reporters.{name}_report" if name == "json"
                                     else f"linter.reporters.{name}")
    return module.render  # type: ignore[no-any-return]
