"""Reading spec files: which parser a file needs, and what all parsed documents share.

``parse`` reads and decodes the bytes and hands the text to ``json_source`` or ``yaml_source``
(each imported only when a file needs it). A Document keeps no positions: they are computed on
demand, only for the nodes that findings and errors point at, by its locator
(``json_source.JsonLocator``, ``yaml_source.YamlLocator``).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.errors import Place, PutlintError

Pointer = tuple[str, ...]

MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class Document:
    """One parsed spec file, with positions computed lazily from its text."""

    path: Path
    display: str
    text: str
    data: Any
    is_json: bool
    warnings: list[PutlintError] = field(default_factory=list)
    # The reader that made the document says how to place its nodes (JsonLocator,
    # YamlLocator): this module stays below the readers and never imports them.
    locator_type: Callable[[str], Any] | None = None
    _locator: Any = None  # made on the first place(), or handed over by the reader

    def place(self, pointer: Pointer) -> Place:
        """The place of the node at ``pointer``: the key of a mapping entry, else the node."""
        try:
            line, column = self.locator().position(pointer)
        except (RecursionError, ValueError):
            line, column = 1, 1
        return Place(self.display, line, column)

    def locator(self) -> Any:
        if self._locator is None:
            if self.locator_type is None:
                raise ValueError("a document made without a reader cannot place nodes")
            self._locator = self.locator_type(self.text)
        return self._locator


def duplicate_key_warning(key: str, place: Place) -> PutlintError:
    """The one warning both readers give for a key a mapping repeats."""
    return PutlintError(f"duplicate key '{printable(key)}': the last value wins", place)


def line_col_at(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset (for one-off places; JsonLocator for many)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def decode(raw: bytes, display: str) -> str:
    """Bytes to text: UTF-8 (BOM optional), or UTF-16/32 when a BOM says so."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            # UTF-8 is decoded after its BOM, so that the error's offset is one in `raw`
            # (utf-8-sig counts from after the BOM: the column and byte named were 3 off).
            start = len(bom) if codec == "utf-8" else 0
            try:
                return raw[start:].decode(codec) if start else raw.decode(codec)
            except UnicodeDecodeError as exc:
                exc.start += start
                raise _decode_error(raw, exc, display, codec) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(raw, exc, display, "utf-8") from None


def _decode_error(raw: bytes, exc: UnicodeDecodeError, display: str, codec: str) -> PutlintError:
    line = raw.count(b"\n", 0, exc.start) + 1
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    if line_start == 0 and raw.startswith(codecs.BOM_UTF8):
        line_start = len(codecs.BOM_UTF8)  # the BOM is no column of the text
    column = exc.start - line_start + 1
    name = codec.upper()
    return PutlintError(f"not valid {name} (byte 0x{raw[exc.start]:02x});"
                        " save the file as UTF-8", Place(display, line, column))


_JSON_START = re.compile(r"\s*[{\[]")


def looks_like_json(text: str) -> bool:
    return _JSON_START.match(text) is not None


def read_regular(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is refused.

    A device (`ln -s /dev/zero spec.yaml`: size 0, endless data), a FIFO (blocks the open
    until a writer comes) or a folder is refused by its type, before it is read; the open is
    non-blocking and the type checked again on the open file, in case the path was swapped
    in between. The size is checked before reading, and the read stops past the limit.
    """
    try:
        info = os.stat(path)  # follows symlinks: the type of what would be read
        if not stat.S_ISREG(info.st_mode):
            raise PutlintError(f"not a regular file ({_kind(info.st_mode)}); putlint reads "
                               "only regular files", Place(display))
        _check_size(info.st_size, limit, display)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise PutlintError(f"not a regular file ({_kind(info.st_mode)}); putlint "
                                   "reads only regular files", Place(display))
            _check_size(info.st_size, limit, display)
            with os.fdopen(os.dup(fd), "rb") as handle:
                # read(n) allocates n bytes first: ask for the file's size, not the limit (64
                # MiB for every 2 KB spec and config); a file that grew meanwhile is read on,
                # still only up to the limit
                want = min(info.st_size, limit) + 1
                raw = handle.read(want)
                if len(raw) == want and want <= limit:
                    raw += handle.read(limit + 1 - want)
        finally:
            os.close(fd)
    except OSError as exc:
        raise PutlintError(f"cannot read file: {printable(exc.strerror or str(exc))}",
                           Place(display)) from None
    _check_size(len(raw), limit, display)
    return raw


def _check_size(size: int, limit: int, display: str) -> None:
    if size > limit:
        raise PutlintError(f"file is {size // (1024 * 1024)} MiB, over the "
                           f"{limit // (1024 * 1024)} MiB limit", Place(display))


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


# Brackets, lines and commas a text may have: each can start a node, and a node costs the
# parsers 60 to 200 bytes. GitHub's 13 MB description has 617,000; a spec of its density at
# the 64 MiB cap, 3 million. Only a text denser than any spec (64 MiB of `[{}, {}, ...]`, or of
# `-` lines) goes past this, and would take gigabytes to parse.
MAX_STRUCTURE = 6_000_000


def check_density(text: str, display: str) -> None:
    if len(text) <= MAX_STRUCTURE:  # too short to have that many
        return
    count = text.count("{") + text.count("[") + text.count("\n") + text.count(",")
    if count > MAX_STRUCTURE:
        raise PutlintError(f"the text has {count:,} brackets, lines and commas, over the "
                           f"{MAX_STRUCTURE:,} putlint reads: denser than any real spec",
                           Place(display, 1, 1))


# Control characters (and so ANSI sequences), the bidirectional and line-separator controls that
# make a log line read differently from what it holds, surrogates (no UTF-8 stream can carry
# one: a write would raise) and U+FFFE/U+FFFF (which XML 1.0 cannot carry).
_UNSAFE = (r"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
           r"\ud800-\udfff\ufffe\uffff")
_CONTROL = re.compile(rf"[\n{_UNSAFE}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[{_UNSAFE}]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """Text quoted from a spec made safe for a terminal, a log and XML: each unsafe character
    becomes its Python escape (``\\x1b``, ``\\u202e``, ``\\ud800``), visible and one line."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _SHORT:
        return _SHORT[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_SHORT = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}



def pointer_text(pointer: Pointer) -> str:
    """RFC 6901 text of a pointer tuple."""
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in pointer)


def parse_pointer(fragment: str) -> Pointer:
    """A URI fragment (already percent-decoded) to a pointer tuple."""
    if fragment in ("", "/"):
        return () if fragment == "" else ("",)
    if not fragment.startswith("/"):
        raise ValueError(f"'{fragment}' is not a JSON pointer")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in fragment[1:].split("/"))
