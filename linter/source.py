"""Reading spec files: bytes to Python data, and back from a JSON pointer to a line and column.

Parsing is done with the fastest safe loader (``json`` for JSON, libyaml's C loader for YAML) and
keeps no positions. Positions are computed on demand, only for the nodes that findings and
errors point at: for YAML by composing the node tree once (C composer), for JSON by scanning the
text along the pointer. That keeps a clean run on a 10 MB spec free of position bookkeeping.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from linter.errors import Place, PutlintError
from linter.yaml_position import BlockLocator, Unsure

# Tests set this to compare the block-text locator with compose on every node of the corpus.
_FORCE_COMPOSE = False

Pointer = tuple[str, ...]

MAX_FILE_BYTES = 64 * 1024 * 1024
# The number of nodes a document may expand to through YAML aliases ("billion laughs").
MAX_EXPANDED_NODES = 5_000_000

_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """libyaml's safe loader with YAML 1.2 core-schema scalars and duplicate-key detection.

    OpenAPI 3.1 prescribes YAML 1.2: `on`, `yes` and `no` are strings, `2025-11-06` is a string,
    not a date. PyYAML resolves YAML 1.1, so the 1.1-only implicit resolvers are replaced.
    """

    duplicates: list[tuple[str, int, int]]

    def construct_mapping(  # type: ignore[override]
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict:
        has_merge = any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)
        mapping = super().construct_mapping(node, deep=deep)
        if not has_merge and len(mapping) != len(node.value):
            seen: set = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node)
                if key in seen:
                    mark = key_node.start_mark
                    self.duplicates.append((str(key), mark.line + 1, mark.column + 1))
                seen.add(key)
        return mapping


def _yaml12_resolvers() -> dict:
    # Drop YAML 1.1 booleans, sexagesimal numbers and timestamps; keep 1.2 core forms.
    resolvers = {
        first: [(tag, rx) for tag, rx in entries
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp",
                               "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, entries in _BASE_LOADER.yaml_implicit_resolvers.items()
    }
    core = [
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        ("tag:yaml.org,2002:int",
         re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
        ("tag:yaml.org,2002:float",
         re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "-+0123456789."),
    ]
    for tag, rx, firsts in core:
        for ch in firsts:
            resolvers.setdefault(ch, []).append((tag, rx))
    return resolvers


_Loader.yaml_implicit_resolvers = _yaml12_resolvers()


def _construct_int(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node)
    return int(value, 0) if value.lstrip("+-").startswith(("0o", "0x")) else int(value)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass
class Document:
    """One parsed spec file, with positions computed lazily from its text."""

    path: Path
    display: str
    text: str
    data: Any
    is_json: bool
    warnings: list[PutlintError] = field(default_factory=list)
    _yaml_root: Any = None
    _locator: Any = None  # a BlockLocator, False when the text is not block style
    _json_index: dict[int, Any] = field(default_factory=dict)
    _newlines: list[int] | None = None

    def place(self, pointer: Pointer) -> Place:
        """The place of the node at ``pointer``: the key of a mapping entry, else the node."""
        try:
            line, column = (self._json_position(pointer) if self.is_json
                            else self._yaml_position(pointer))
        except (RecursionError, ValueError, yaml.YAMLError):
            line, column = 1, 1
        return Place(self.display, line, column)

    def _yaml_position(self, pointer: Pointer) -> tuple[int, int]:
        # Block-style text answers most pointers without building a node tree (5.9 s of
        # compose on GitHub's description, against milliseconds); compose decides the rest.
        if self._locator is None:
            try:
                self._locator = BlockLocator(self.text)
            except Unsure:
                self._locator = False
        if self._locator and not _FORCE_COMPOSE:
            try:
                return self._locator.position(pointer)
            except Unsure:
                pass
        return self._composed_position(pointer)

    def _composed_position(self, pointer: Pointer) -> tuple[int, int]:
        if self._yaml_root is None:
            self._yaml_root = yaml.compose(self.text, Loader=_Loader)
        node = self._yaml_root
        mark = node.start_mark if node is not None else None
        for token in pointer:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in reversed(node.value):  # the last duplicate wins
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == token:
                        node, mark = value_node, key_node.start_mark
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and \
                    int(token) < len(node.value):
                node = node.value[int(token)]
                mark = node.start_mark
            else:
                break
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)

    def _json_position(self, pointer: Pointer) -> tuple[int, int]:
        text = self.text
        value_at = _skip_ws(text, 0)
        report_at = value_at  # the key of the last entry found, else the value itself
        for token in pointer:
            children = self._json_children(value_at)
            found = None
            if isinstance(children, dict):
                found = children.get(token)
            elif isinstance(children, list) and token.isdigit() and int(token) < len(children):
                at = children[int(token)]
                found = (at, at)
            if found is None:
                break
            report_at, value_at = found
        if self._newlines is None:
            self._newlines = _newline_index(text)
        return _line_col(text, report_at, self._newlines)

    def _json_children(self, offset: int) -> dict[str, tuple[int, int]] | list[int] | None:
        """The entries of the object or array starting at ``offset``, scanned once and cached.

        Caching whole containers makes N lookups cost one scan of each container on their
        paths, instead of N scans from the top of a 13 MB file.
        """
        if offset not in self._json_index:
            char = self.text[offset:offset + 1]
            if char == "{":
                self._json_index[offset] = _json_object_entries(self.text, offset)
            elif char == "[":
                self._json_index[offset] = _json_array_entries(self.text, offset)
            else:
                self._json_index[offset] = None
        return self._json_index[offset]


# Skips a JSON value: raw_decode gives where it ends. Each object becomes its length (`len`,
# a C function) instead of a dict, which makes skipping 2.4x faster (0.26 s -> 0.1 s of
# placing on GitHub's 13 MB description).
_SKIPPER = json.JSONDecoder(object_pairs_hook=len)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _json_object_entries(text: str, i: int) -> dict[str, tuple[int, int]]:
    """key -> (key offset, value offset) for the object at ``i``; the last duplicate wins."""
    entries: dict[str, tuple[int, int]] = {}
    i = _skip_ws(text, i + 1)
    while i < len(text) and text[i] == '"':
        key_at = i
        name, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        i = _skip_ws(text, _skip_ws(text, i) + 1)  # past the colon
        entries[name] = (key_at, i)
        _, i = _SKIPPER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
    return entries


def _json_array_entries(text: str, i: int) -> list[int]:
    offsets = []
    i = _skip_ws(text, i + 1)
    while i < len(text) and text[i] != "]":
        offsets.append(i)
        _, i = _SKIPPER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
    return offsets


def _line_col(text: str, offset: int, newlines: list[int] | None = None) -> tuple[int, int]:
    """1-based line and column of an offset; ``newlines`` (from _newline_index) makes it
    O(log n) instead of a scan from the top, which matters for many lookups in a big file."""
    if newlines is None:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return line, column
    before = bisect.bisect_left(newlines, offset)
    start = newlines[before - 1] + 1 if before else 0
    return before + 1, offset - start + 1


def _newline_index(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def decode(raw: bytes, display: str) -> str:
    """Bytes to text: UTF-8 (BOM optional), or UTF-16/32 when a BOM says so."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise _decode_error(raw, exc, display, codec) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(raw, exc, display, "utf-8") from None


def _decode_error(raw: bytes, exc: UnicodeDecodeError, display: str, codec: str) -> PutlintError:
    line = raw.count(b"\n", 0, exc.start) + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    name = codec.upper().replace("-SIG", "")
    return PutlintError(f"not valid {name} (byte 0x{raw[exc.start]:02x});"
                        " save the file as UTF-8", Place(display, line, column))


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def parse(path: Path, display: str) -> Document:
    """Read and parse one file; any failure is a PutlintError with its place."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PutlintError(f"file is {size // (1024 * 1024)} MiB, over the "
                               f"{MAX_FILE_BYTES // (1024 * 1024)} MiB limit", Place(display))
        raw = path.read_bytes()
    except OSError as exc:
        raise PutlintError(f"cannot read file: {exc.strerror or exc}", Place(display)) from None
    text = decode(raw, display)
    if not text.strip():
        raise PutlintError("file is empty", Place(display, 1, 1))
    if "\x00" in text:
        raise PutlintError("file contains NUL bytes; it is not a YAML or JSON text",
                           Place(display, text.count("\n", 0, text.index("\x00")) + 1, 1))
    if looks_like_json(text):
        try:
            return _parse_json(path, display, text)
        except PutlintError:
            if path.suffix.lower() == ".json":
                raise
            # Flow-style YAML also starts with "{": give YAML its chance before failing.
    return _parse_yaml(path, display, text)


def _parse_json(path: Path, display: str, text: str) -> Document:
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

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        place = Place(display, exc.lineno, exc.colno)
        raise PutlintError(f"invalid JSON: {exc.msg}", place) from None
    except RecursionError:
        raise PutlintError("JSON is nested too deeply to read", Place(display, 1, 1)) from None
    doc = Document(path, display, text, data, True)
    for key in duplicates:
        match = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text))
        offset = match[-1].start() if match else 0
        line, col = _line_col(text, offset)
        doc.warnings.append(PutlintError(
            f"duplicate key '{printable(key)}': the last value wins", Place(display, line, col)))
    return doc


# Characters YAML does not allow in a stream (YAML 1.2 "c-printable", complemented).
_NOT_YAML_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _replace_unprintable(text: str, display: str) -> tuple[str, list[PutlintError]]:
    """Read characters YAML forbids as U+FFFD, with a warning each (the first few).

    Real specs carry stray control characters in descriptions (SendGrid's has U+009F); every
    other tool reads them, so refusing the whole file would help nobody. One character for one
    keeps every offset, and so every reported position, exact.
    """
    warnings = []
    for match in itertools.islice(_NOT_YAML_PRINTABLE.finditer(text), 5):
        line, col = _line_col(text, match.start())
        warnings.append(PutlintError(
            f"control character U+{ord(match.group()):04X} is not allowed in YAML; read as "
            "U+FFFD", Place(display, line, col)))
    if warnings:
        text = _NOT_YAML_PRINTABLE.sub("\ufffd", text)
    return text, warnings


_DOCUMENT_START = re.compile(r"(?m)^---(?:[ \t]|$)")
# A plain scalar of digits with underscores (`16_9`, an aspect ratio in Ticketmaster's spec) is
# a string in YAML 1.2; yaml-rs reads it as the number 169.
_DIGIT_UNDERSCORE = re.compile(r"[0-9]_[0-9]")
_UNDERSCORED_NUMBER = re.compile(r"(?m)(?:^|[\s\[{,:-])[-+]?[0-9]+(?:_[0-9]+)+[ \t]*(?:$|[,\]}#])")


def _fast_yaml(text: str) -> Any:
    """The document through yaml-rs (Rust), or _SLOW when PyYAML must read it.

    yaml-rs reads GitHub's 10 MB description in 0.3 s and 120 MiB where PyYAML's C loader
    takes 6 s and far more memory. PyYAML stays for what yaml-rs does not do as putlint needs:
    `<<` merge keys (gone from YAML 1.2, still meant by authors), streams of several documents,
    numbers with underscores (strings in YAML 1.2), and every refusal (duplicate keys, syntax
    errors, alias bombs, forbidden characters), whose messages, places and warnings then all
    come from one loader.
    """
    # _UNDERSCORED_NUMBER takes 0.16 s on a 10 MB text; a digit, "_", digit anywhere is
    # rare and found in 0.03 s, so the exact test runs only then
    if yaml_rs is None or "<<" in text or (_DIGIT_UNDERSCORE.search(text) and
                                           _UNDERSCORED_NUMBER.search(text)):
        return _SLOW
    starts = _DOCUMENT_START.findall(text)
    if len(starts) > 1 or (starts and not text.lstrip().startswith("---")):
        return _SLOW
    try:
        return yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIAS_LIMITS)
    except (ValueError, RecursionError, OverflowError):
        return _SLOW


_SLOW = object()
try:
    import yaml_rs

    _ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=MAX_EXPANDED_NODES)
except ImportError:  # pragma: no cover - yaml-rs has wheels for the common platforms
    yaml_rs = None


def _parse_yaml(path: Path, display: str, text: str) -> Document:
    text, unprintable = _replace_unprintable(text, display)
    data = _fast_yaml(text) if not unprintable else _SLOW
    if data is not _SLOW:
        return Document(path, display, text, data, False)
    return _parse_yaml_slow(path, display, text, unprintable)


def _parse_yaml_slow(path: Path, display: str, text: str,
                     unprintable: list[PutlintError]) -> Document:
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        last = text.count("\n") + (0 if text.endswith("\n") else 1)
        if line > last:  # libyaml puts the end of the stream on a line after the last one
            line, column = last, len(text.rstrip("\n").rsplit("\n", 1)[-1]) + 1
        raise PutlintError(f"invalid YAML: {problem}", Place(display, line, column)) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise PutlintError(f"invalid YAML: {exc.reason}", Place(display, line, col)) from None
    except yaml.YAMLError as exc:
        raise PutlintError(f"invalid YAML: {exc}".splitlines()[0], Place(display, 1, 1)) \
            from None
    except RecursionError:
        raise PutlintError("YAML is nested too deeply to read", Place(display, 1, 1)) from None
    finally:
        loader.dispose()
    if "*" in text and "&" in text:
        _check_alias_expansion(data, display)
    doc = Document(path, display, text, data, False, unprintable)
    for key, line, col in loader.duplicates:
        doc.warnings.append(PutlintError(
            f"duplicate key '{printable(key)}': the last value wins", Place(display, line, col)))
    return doc


def _check_alias_expansion(data: Any, display: str) -> None:
    """Refuse documents whose aliases expand to more nodes than any real spec has."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)) or (not done and id(node) in sizes):
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[id(node)] = total
            if total > MAX_EXPANDED_NODES:
                raise PutlintError("YAML aliases expand to over "
                                   f"{MAX_EXPANDED_NODES:,} nodes (an alias bomb?)",
                                   Place(display, 1, 1))
            continue
        sizes[id(node)] = 1  # cycle guard: a recursive alias counts once
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """Escape control characters (and so ANSI sequences) in text quoted from a spec."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)



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
