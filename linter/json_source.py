"""Reading JSON specs, and line:column of a JSON pointer in JSON text.

json's C decoder keeps no positions and has no hook for them, so positions come from the text
itself. A lookup walks the pointer from the root; for each object or array on the way it reads
entries — a key with ``scanstring``, the value skipped by the C decoder — only until it meets
the wanted one, and remembers how far it got: a later lookup in the same container resumes
there, and skipping a container that was read to its end jumps straight past it.

The parse does part of that work in passing: it reads the top two levels of the document (the
root and its sections: ``paths``, ``components``, ``webhooks``) entry by entry, and hands only
what lies below them to the C decoder. That costs no measurable time on GitHub's description
and indexes the levels every lookup passes through: the 487 places of its planted findings
then take 0.016 s instead of 0.045 s (when a lookup had to skip whole sections first).
Reading a third level as well gained nothing: its entries cost as much as the skipping saved.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.errors import Place, PutlintError
from linter.source import Document, Pointer, duplicate_key_warning, line_col_at

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Skips one JSON value: raw_decode says where it ends. Each object becomes its length (`len`, a
# C function) instead of a dict, which makes skipping 2.4x faster than decoding.
_SKIPPER = json.JSONDecoder(object_pairs_hook=len)
# The levels the parse reads itself: the root (0) and its sections (1).
_PARSED_DEPTH = 1
# Lines are counted from checkpoints this many characters apart: a lookup counts at most this
# much text, and building the checkpoints costs one C count per block.
_BLOCK = 1 << 16

Decode = Callable[[str, int], tuple[Any, int]]


def parse_json(path: Path, display: str, text: str) -> Document:
    """Parse a JSON text (``parse`` chose JSON); any failure is a PutlintError."""
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
        return result

    decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_int=_parse_int)
    locator = JsonLocator(text)
    try:
        data = locator.load(decoder.raw_decode, duplicates)
    except LongInteger as exc:
        raise exc.error(text, display) from None
    except (ValueError, RecursionError):
        # Not JSON after all, or too deep: json.loads says why, with the place it says it.
        duplicates.clear()
        try:
            data = json.loads(text, object_pairs_hook=pairs_hook, parse_int=_parse_int)
        except LongInteger as exc:
            raise exc.error(text, display) from None
        except json.JSONDecodeError as exc:
            place = Place(display, exc.lineno, exc.colno)
            raise PutlintError(f"invalid JSON: {exc.msg}", place) from None
        except RecursionError:
            raise PutlintError("JSON is nested too deeply to read",
                               Place(display, 1, 1)) from None
        locator = JsonLocator(text)  # the failed load left this one part-read
    locator.unique_keys = not duplicates
    doc = Document(path, display, text, data, True, locator_type=JsonLocator,
                   _locator=locator)
    for key in duplicates:
        match = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text))
        offset = match[-1].start() if match else 0
        doc.warnings.append(duplicate_key_warning(key, Place(display, *line_col_at(text, offset))))
    return doc


class LongInteger(ValueError):
    """An integer literal longer than Python converts (sys.get_int_max_str_digits)."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal[:20])
        self.digits = len(literal.lstrip("+-"))

    def error(self, text: str, display: str) -> PutlintError:
        match = re.search(f"[0-9]{{{self.digits}}}", text)
        offset = match.start() if match else 0
        return PutlintError(f"an integer of {self.digits:,} digits; putlint reads numbers of "
                            f"at most {_MAX_DIGITS:,} digits", Place(display,
                                                                    *line_col_at(text, offset)))


_MAX_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300


def _parse_int(literal: str) -> int:
    if len(literal) > _MAX_DIGITS:
        raise LongInteger(literal)
    return int(literal)


@dataclass
class _Container:
    """How far one object or array has been read."""

    is_object: bool
    resume: int  # offset of the next unread entry, or of the closing bracket
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (key, value) offsets
    items: list[int] = field(default_factory=list)  # value offsets, in order
    end: int | None = None  # just past the closing bracket, once read to the end


class JsonLocator:
    """Positions in one JSON text, and the parse that indexes its top levels on the way.

    ``unique_keys`` says the text has no duplicate keys (the parse finds out): the first entry
    of a name found is then the only one, and a lookup may stop there. Otherwise the last one
    wins, as in the parsed data, so objects are read to their end; that is the default, which
    is right for any text.
    """

    def __init__(self, text: str, unique_keys: bool = False) -> None:
        self.text = text
        self.unique_keys = unique_keys
        self._containers: dict[int, _Container | None] = {}
        self._lines_before: list[int] = []
        self._last_newline: list[int] = []
        self._root_at = self._skip_whitespace(0)

    # --- parsing -------------------------------------------------------------------------

    def load(self, decode: Decode, duplicates: list[str]) -> Any:
        """The text decoded exactly as ``json.loads`` decodes it with the same hook.

        ``decode`` (a raw_decode) reads everything below the top levels; duplicate keys of the
        top levels are added to ``duplicates``. Anything that is not JSON raises ValueError
        (the caller lets json.loads name the problem).
        """
        value, end = self._load(self._root_at, 0, decode, duplicates)
        if self._skip_whitespace(end) != len(self.text):
            raise ValueError("extra data after the document")
        return value

    def _load(self, at: int, depth: int, decode: Decode,
              duplicates: list[str]) -> tuple[Any, int]:
        container = self._container(at) if depth <= _PARSED_DEPTH else None
        if container is None:
            return decode(self.text, at)
        result: Any = {} if container.is_object else []
        while container.end is None:
            name, value_at = self._entry_start(container)
            value, value_end = self._load(value_at, depth + 1, decode, duplicates)
            if name is None:
                result.append(value)
            else:
                if name in result:
                    duplicates.append(name)
                result[name] = value  # keeps the first one's place and the last one's value
            self._entry_end(container, value_end)
        return result, container.end

    # --- positions -----------------------------------------------------------------------

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

    def _read_entry(self, container: _Container) -> None:
        _, value_at = self._entry_start(container)
        self._entry_end(container, self._skip_value(value_at))

    def _skip_value(self, at: int) -> int:
        container = self._containers.get(at)
        if container is not None:
            # part-read: finishing it costs only the rest, and later lookups find it whole
            while container.end is None:
                self._read_entry(container)
            return container.end
        return _SKIPPER.raw_decode(self.text, at)[1]

    # --- reading entries (strict: the parse relies on it to refuse what is not JSON) ------

    def _container(self, at: int) -> _Container | None:
        if at not in self._containers:
            char = self.text[at:at + 1]
            if char in ("{", "["):
                container = _Container(char == "{", self._skip_whitespace(at + 1))
                if self.text.startswith("}" if container.is_object else "]",
                                        container.resume):
                    container.end = container.resume + 1
                self._containers[at] = container
            else:
                self._containers[at] = None
        return self._containers[at]

    def _entry_start(self, container: _Container) -> tuple[str | None, int]:
        """The key of the next entry (None in an array) and the offset of its value."""
        text, i = self.text, container.resume
        if not container.is_object:
            container.items.append(i)
            return None, i
        if not text.startswith('"', i):
            raise ValueError("expected a key")
        name, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        i = self._skip_whitespace(i)
        if not text.startswith(":", i):
            raise ValueError("expected ':'")
        value_at = self._skip_whitespace(i + 1)
        container.keys[name] = (container.resume, value_at)  # a later duplicate wins
        return name, value_at

    def _entry_end(self, container: _Container, value_end: int) -> None:
        """Past a value: a comma and the next entry, or the closing bracket."""
        text = self.text
        closing = "}" if container.is_object else "]"
        i = self._skip_whitespace(value_end)
        if text.startswith(",", i):  # a bracket after it fails as the next key or value
            container.resume = self._skip_whitespace(i + 1)
        elif text.startswith(closing, i):
            container.resume, container.end = i, i + 1
        else:
            raise ValueError(f"expected ',' or '{closing}'")

    def _skip_whitespace(self, at: int) -> int:
        return _WHITESPACE.match(self.text, at).end()  # type: ignore[union-attr]
