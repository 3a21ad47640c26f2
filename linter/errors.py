"""The one error type putlint raises for bad input, always with a place to point at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A position in a source file; line and column are 1-based, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


class PutlintError(Exception):
    """Input putlint cannot work with: reported as one line, exit code 2, never a traceback."""

    def __init__(self, message: str, place: Place | None = None) -> None:
        super().__init__(message, place)  # both in args, so the error survives pickling
        self.message = message
        self.place = place

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message
