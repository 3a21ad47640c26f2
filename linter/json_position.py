"""line:column of a JSON pointer in JSON text, reading no more of the text than it must.

json's C decoder keeps no positions and has no hook for them, so a lookup walks the pointer from
the root over the text itself. For each object or array on the way it reads entries — a key with
``scanstring``, the value skipped by the C decoder — only until it meets the wanted one, and
remembers how far it got: a later lookup in the same container resumes there, and skipping a
container that was read to its end jumps straight past it. Reading every container on the way
in full instead read GitHub's description about 2.3 times for the 487 places of its planted
findings (0.07 s); reading on demand reads it about once (0.02 s).

The text must be valid JSON (the caller parsed it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

Pointer = tuple[str, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Skips one JSON value: raw_decode says where it ends. Each object becomes its length (`len`, a
# C function) instead of a dict, which makes skipping 2.4x faster than decoding.
_SKIPPER = json.JSONDecoder(object_pairs_hook=len)
# Lines are counted from checkpoints this many characters apart: a lookup counts at most this
# much text, and building the checkpoints costs one C count per block.
_BLOCK = 1 << 16


@dataclass
class _Container:
    """How far one object or array has been read."""

    is_object: bool
    resume: int  # offset of the next unread entry, or of the closing bracket
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (key, value) offsets
    items: list[int] = field(default_factory=list)  # value offsets, in order
    end: int | None = None  # just past the closing bracket, once read to the end


class JsonLocator:
    """Positions in one JSON text.

    ``unique_keys`` says the text has no duplicate keys (the parse knows): the first entry of a
    name found is then the only one, and a lookup may stop there. With duplicates the last one
    wins, as in the parsed data, so objects are read to their end.
    """

    def __init__(self, text: str, unique_keys: bool = True) -> None:
        self.text = text
        self.unique_keys = unique_keys
        self._containers: dict[int, _Container | None] = {}
        self._lines_before: list[int] = []
        self._last_newline: list[int] = []
        self._root_at = self._skip_whitespace(0)
        self._root = self._container(self._root_at)

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based line and column of the key of the last entry found along ``pointer`` (the
        value itself for an array item or the root); a path that leaves the document stops at
        the last node it reached."""
        return self.line_col(self.offset(pointer))

    def offset(self, pointer: Pointer) -> int:
        value_at = self._root_at
        report_at = value_at
        for token in pointer:
            found = self._child(value_at, token)
            if found is None:
                break
            report_at, value_at = found
        return report_at

    def line_col(self, offset: int) -> tuple[int, int]:
        text = self.text
        if not self._lines_before:
            # per block: the lines before it, and the last newline before it (a one-line text
            # would otherwise have every column searched for back to its start)
            lines, last = 0, -1
            for start in range(0, len(text) + 1, _BLOCK):
                self._lines_before.append(lines)
                self._last_newline.append(last)
                lines += text.count("\n", start, start + _BLOCK)
                last = max(last, text.rfind("\n", start, start + _BLOCK))
        block = offset // _BLOCK
        start = block * _BLOCK
        line = self._lines_before[block] + text.count("\n", start, offset) + 1
        newline = text.rfind("\n", start, offset)
        if newline < 0:
            newline = self._last_newline[block]
        return line, offset - newline

    def _child(self, at: int, token: str) -> tuple[int, int] | None:
        container = self._container(at)
        if container is None:
            return None
        if container.is_object:
            keys = container.keys
            while container.end is None and not (self.unique_keys and token in keys):
                self._read_entry(container)
            return keys.get(token)
        if not token.isdigit():
            return None
        index = int(token)
        while container.end is None and len(container.items) <= index:
            self._read_entry(container)
        if index < len(container.items):
            return container.items[index], container.items[index]
        return None

    def _container(self, at: int) -> _Container | None:
        if at not in self._containers:
            char = self.text[at:at + 1]
            if char in ("{", "["):
                container = _Container(char == "{", self._skip_whitespace(at + 1))
                self._note_end(container)
                self._containers[at] = container
            else:
                self._containers[at] = None
        return self._containers[at]

    def _read_entry(self, container: _Container) -> None:
        text, i = self.text, container.resume
        if container.is_object:
            key_at = i
            name, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = self._skip_whitespace(self._skip_whitespace(i) + 1)  # past the colon
            container.keys[name] = (key_at, i)  # a later duplicate replaces it: the last wins
        else:
            container.items.append(i)
        i = self._skip_whitespace(self._skip_value(i, index=container is self._root))
        if text.startswith(",", i):
            i = self._skip_whitespace(i + 1)
        container.resume = i
        self._note_end(container)

    def _note_end(self, container: _Container) -> None:
        i = container.resume
        if i >= len(self.text) or self.text[i] in "}]":
            container.end = i + 1

    def _skip_value(self, at: int, index: bool) -> int:
        # Every pointer passes through the root, and an OpenAPI document keeps nearly all its
        # bytes in a few top-level sections (paths, components, webhooks) that lookups go on
        # into. So the sections the root's reading passes over are read entry by entry
        # (``index``) rather than skipped whole: no lookup then skips a section that the next
        # one reads again (GitHub, findings in components before paths: 1.9x the text read,
        # now 1.0x).
        container = self._container(at) if index else self._containers.get(at)
        if container is not None:
            # part-read: finishing it costs only the rest, and later lookups find it whole
            while container.end is None:
                self._read_entry(container)
            return container.end
        return _SKIPPER.raw_decode(self.text, at)[1]

    def _skip_whitespace(self, at: int) -> int:
        return _WHITESPACE.match(self.text, at).end()  # type: ignore[union-attr]
