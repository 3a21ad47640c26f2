"""Line and column of a JSON pointer in block-style YAML, read from the text itself.

Composing a YAML node tree just to learn where a few findings are costs most of a run on big
specs: PyYAML's `compose` takes 5.9 s on GitHub's 10 MB description, where the whole analysis
takes under 1 s. Specs are almost all block-style YAML, in which indentation alone says where
each mapping key and sequence item is, so this module walks the lines along the pointer,
reading only the entries of the levels it passes through.

It answers exactly what `compose` would (the key of a mapping entry, the start of a sequence
item, the last node found when the pointer goes further than the document) or, whenever the
text leaves any doubt - flow collections, anchors, aliases, tags, complex keys, tabs, multi-line
quoted keys or values at a level it reads, several documents - it answers None, and the
caller composes. A test compares both on every node of every YAML spec of the corpus.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

Pointer = tuple[str, ...]

# ASCII: YAML's white space is the space and the tab, never U+00A0 (`0\xa0: x` is the key
# "0\xa0"), which Python's \s and str.strip() would take for it.
_PLAIN_KEY = re.compile(r"([^\s#'\"{\[\]}&*!|>%@`,?-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)",
                        re.ASCII)
_UNSURE_VALUE = re.compile(r"^(?:[&*!{\[|>]|[?-](?:\s|$))", re.ASCII)  # not a plain scalar
_WHITE = " \t\r\n"


class Unsure(Exception):
    """The text is not plain block style here: let `compose` answer."""


@dataclass
class _Entry:
    line: int  # 0-based
    col: int  # 0-based column of the key (mapping) or of the item's content (sequence)
    rest: str  # what follows `key:` or `- ` on the line, comment included
    end: int  # the first line after this entry's block


class BlockLocator:
    def __init__(self, text: str) -> None:
        # CR LF is one break for YAML too; a lone CR, NEL, LS and PS are breaks that
        # str.split would not see
        text = text.replace("\r\n", "\n")
        if "\t" in text or "\n..." in text or any(c in text for c in "\r\x85\u2028\u2029"):
            raise Unsure()
        self.text = text
        self.lines = text.split("\n")
        # where each line starts, to hand line ranges to the regexes of _heads
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines),
                                                initial=0))
        self._levels: dict[tuple[int, int, int], tuple[str, object]] = {}
        self.root_line = self._first_content(0, len(self.lines))

    def _first_content(self, start: int, end: int) -> int:
        for i in range(start, end):
            stripped = self.lines[i].strip(_WHITE)
            if not stripped or stripped.startswith("#"):
                continue
            if i == start == 0 and stripped.startswith("%"):
                raise Unsure()
            if stripped == "---":
                continue
            if stripped.startswith("--- "):
                raise Unsure()
            return i
        raise Unsure()

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column), as `compose` marks would give."""
        line = self.root_line
        col = _indent(self.lines[line])
        start, end, inline = line, len(self.lines), None
        first_col = col  # the column the first entry of the current block starts at
        for token in pointer:
            if inline is not None:
                if inline and _UNSURE_VALUE.match(inline):
                    raise Unsure()
                break  # a scalar: compose stops at the last node found
            kind, entries = self._level(start, end, first_col)
            if kind == "map":
                entry = entries.get(token)  # type: ignore[union-attr]
            else:
                index = int(token) if token.isdigit() else -1
                entry = entries[index] if 0 <= index < len(entries) else None  # type: ignore[index]
            if entry is None:
                break
            line, col = entry.line, entry.col
            rest = _strip_comment(entry.rest)
            if kind == "seq" and rest and not rest.startswith("- ") and rest != "-":
                key = _key_of(rest)
                if key is not None:  # `- key: value`: a mapping starts on the item's line
                    start, end, inline, first_col = entry.line, entry.end, None, entry.col
                    continue
                if ": " in rest or rest.endswith(":"):
                    raise Unsure()  # a key this reader does not parse (escapes, ...)
            if rest:
                if kind == "seq" and (rest.startswith("- ") or rest == "-"):
                    raise Unsure()  # nested `- - x`
                inline = rest
                continue
            inline = None
            nxt = self._next_content(entry.line + 1, entry.end)
            if nxt is None:  # an empty value (null)
                inline = ""
                continue
            start, end, first_col = nxt, entry.end, _indent(self.lines[nxt])
            if kind == "seq":
                line, col = nxt, first_col  # `-` alone: the item starts on the next line
        return line + 1, col + 1

    def _heads(self, start: int, end: int, col: int) -> Iterator[int]:
        """The lines of [start, end) whose content starts at column `col`: `start` itself,
        then those a regex finds (a line-by-line loop in Python took 0.3 s on GitHub's
        description, most of a run). Blank and comment lines are not heads."""
        first = self.lines[start]
        if first.strip(_WHITE) and not first.strip(_WHITE).startswith("#"):
            yield start
        # from the newline that ends `start`: patterns that begin with a literal "\n" are
        # found several times faster than `^` in MULTILINE mode
        low = self.starts[start + 1] - 1 if start + 1 < len(self.starts) else len(self.text)
        high = min(self.starts[end] if end < len(self.starts) else len(self.text),
                   len(self.text))
        if low >= high:
            return
        if col and _dedented(col).search(self.text, low, high):
            raise Unsure()  # the block ends early: not the layout expected
        for match in _at_column(col).finditer(self.text, low, high):
            yield bisect.bisect_right(self.starts, match.start() + 1) - 1

    def _closing_line(self, line: int, value: str, end: int) -> int:
        """The line where the quoted scalar opened by `value` (on `line`) closes."""
        quote, rest = value[0], value[1:]
        for j in range(line + 1, end):
            # joined with a space: a backslash ending a line escapes the space, never a quote
            rest = rest + " " + self.lines[j].lstrip(" ")
            closed = _closing(quote + rest, 1)
            if closed is not None:
                after = (quote + rest)[closed + 1:].strip(_WHITE)
                if after and not after.startswith("#"):
                    raise Unsure()
                return j
        raise Unsure()

    def _next_content(self, start: int, end: int) -> int | None:
        for i in range(start, end):
            stripped = self.lines[i].strip(_WHITE)
            if stripped and not stripped.startswith("#"):
                return i
        return None

    def _level(self, start: int, end: int, col: int) -> tuple[str, object]:
        """The entries of the block starting at line `start` whose entries sit at `col`."""
        key = (start, end, col)
        if key not in self._levels:
            self._levels[key] = self._read_level(start, end, col)
        return self._levels[key]

    def _read_level(self, start: int, end: int, col: int) -> tuple[str, object]:
        heads: list[tuple[int, int, str]] = []  # (line, content column, text after the head)
        kind = None
        skip_to = -1
        for i in self._heads(start, end, col):
            if i <= skip_to:
                continue
            # the first line may be a `- key:` item whose mapping starts at `col`, after the dash
            content = self.lines[i][col:]
            indent = col
            if content == "-" or content.startswith("- "):
                if kind == "map":
                    # `key:` then `- item` at the key's own indentation: an indentless
                    # sequence, the value of the key before it
                    continue
                this = "seq"
                after = content[1:].lstrip(" ")
                heads.append((i, indent + len(content) - len(after), after))
            else:
                this = "map"
                heads.append((i, indent, content))
            if kind not in (None, this):
                raise Unsure()
            kind = this
            value = _inline_value(heads[-1][2], this)
            if value[:1] in ("'", '"') and _closing(value, 1) is None:
                # a quoted scalar over several lines: its lines are not entries
                skip_to = self._closing_line(i, value, end)
        if kind is None:
            raise Unsure()
        entries: list[_Entry] = []
        for n, (line, content_col, text) in enumerate(heads):
            stop = heads[n + 1][0] if n + 1 < len(heads) else end
            entries.append(_Entry(line, content_col, text, stop))
        if kind == "seq":
            for entry in entries:
                _check_inline(_strip_comment(entry.rest))
            return "seq", entries
        by_key: dict[str, _Entry] = {}
        for entry in entries:
            parsed = _split_key(entry.rest)
            if parsed is None:
                raise Unsure()
            name, rest = parsed
            _check_inline(_strip_comment(rest))
            by_key[name] = _Entry(entry.line, entry.col, rest, entry.end)  # the last one wins
        return "map", by_key


@functools.lru_cache(maxsize=64)
def _at_column(col: int) -> re.Pattern[str]:
    return re.compile(rf"\n {{{col}}}[^ \n#]")


@functools.lru_cache(maxsize=64)
def _dedented(col: int) -> re.Pattern[str]:
    return re.compile(rf"\n {{0,{col - 1}}}[^ \n#]")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _closing(text: str, start: int) -> int | None:
    """The index of the quote that closes the scalar text[0] opens, searching from `start`."""
    quote = text[0]
    closed = text.find(quote, start)
    while closed != -1:
        if quote == "'" and text[closed + 1:closed + 2] == "'":
            closed = text.find(quote, closed + 2)  # '' is an escaped quote
        elif quote == '"' and _escaped(text, closed):
            closed = text.find(quote, closed + 1)
        else:
            return closed
    return None


def _inline_value(head: str, kind: str) -> str:
    """What follows the key (or the dash) on an entry's first line."""
    if kind == "map":
        parsed = _split_key(head)
        return parsed[1] if parsed else ""
    parsed = _split_key(head) if head[:1] not in ("'", '"') else None
    return parsed[1] if parsed else head


def _check_inline(rest: str) -> None:
    """A flow collection that its line does not close makes the level unsure (a quoted
    scalar over several lines is skipped by the reader of the level)."""
    if rest[:1] in ("[", "{") and rest.count(rest[0]) != rest.count("]" if rest[0] == "["
                                                                   else "}"):
        raise Unsure()


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index > 0 and text[index - 1] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


def _key_of(text: str) -> str | None:
    parsed = _split_key(text)
    return parsed[0] if parsed else None


def _split_key(text: str) -> tuple[str, str] | None:
    """('key', rest) of `key: rest`, with the key unquoted; None when it is no simple key."""
    if text.startswith(("'", '"')):
        quote = text[0]
        i = 1
        out = []
        while i < len(text):
            char = text[i]
            if quote == "'" and char == "'":
                if text[i + 1:i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                break
            if quote == '"' and char == "\\":
                return None  # escapes in keys: compose knows them all
            if quote == '"' and char == '"':
                break
            out.append(char)
            i += 1
        else:
            return None
        after = text[i + 1:].lstrip(" ")
        if not after.startswith(":") or (len(after) > 1 and after[1] not in " \t"):
            return None
        return "".join(out), after[1:].strip(_WHITE)
    match = _PLAIN_KEY.match(text)
    if not match:
        return None
    return match.group(1).rstrip(_WHITE), text[match.end():].strip(_WHITE)


def _strip_comment(rest: str) -> str:
    """The value without a trailing ` # comment` (only for unquoted, simple values)."""
    if not rest or rest[0] in "\"'":
        return rest
    if rest.startswith("#"):  # `key:  # comment`: the value is the block below
        return ""
    cut = rest.find(" #")
    return rest[:cut].rstrip(_WHITE) if cut != -1 else rest
