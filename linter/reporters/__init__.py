"""Reporters: pure functions from a run's results to text. One module per format."""

from __future__ import annotations

from collections.abc import Callable

from linter.engine import RunReport

Renderer = Callable[[RunReport], str]


def get_renderer(name: str, *, color: bool = False, show_examples: bool = False) -> Renderer:
    if name == "json":
        from linter.reporters import json as json_reporter

        return json_reporter.render
    from linter.reporters import text

    return lambda report: text.render(report, color=color, show_examples=show_examples)


FORMATS = ("text", "json")
