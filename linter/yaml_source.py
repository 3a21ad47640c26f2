"""Reading YAML specs: YAML 1.2 through yaml-rs, PyYAML's C loader for what it leaves, and
line:column of a JSON pointer in YAML text.

Only imported when a YAML file is read or placed: a run over JSON specs never pays for PyYAML
(16 ms of start-up).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from pathlib import Path
from typing import Any

from linter.errors import Place, PutlintError
from linter.source import Document, Pointer, duplicate_key_warning, line_col_at
from linter.yaml_position import BlockLocator, Unsure

# The number of nodes a document may expand to through YAML aliases ("billion laughs").
MAX_EXPANDED_NODES = 5_000_000
# ... and the bytes of text (keys and string values) it may expand to: one 8 MB anchor used
# 300 times is few nodes and 2.4 GB. A document may not grow past the file size limit.
MAX_EXPANDED_BYTES = 64 * 1024 * 1024
# More `&` than this and the text is not searched for anchors: it goes to PyYAML, which shares
# aliased nodes and whose result is counted in bytes.
_MAX_AMPERSANDS = 100_000

# Tests set this to compare the block-text locator with compose on every node of the corpus.
_FORCE_COMPOSE = False

def _libyaml_loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def yaml12_loader() -> type:
    """libyaml's safe loader with YAML 1.2 core-schema scalars and duplicate-key detection.

    Built on first use: PyYAML's import is 0.02 s of a 0.25 s start-up, and yaml-rs reads
    most specs without it (see _fast_yaml).
    """
    import yaml

    base = _libyaml_loader()

    class Loader(base):  # type: ignore[misc, valid-type]
        """OpenAPI 3.1 prescribes YAML 1.2: `on`, `yes` and `no` are strings, `2025-11-06` is a
        string, not a date. PyYAML resolves YAML 1.1, so the 1.1-only implicit resolvers are
        replaced."""

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

    Loader.yaml_implicit_resolvers = _yaml12_resolvers(base)
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return Loader


def _yaml12_resolvers(base: type) -> dict:
    # Drop YAML 1.1 booleans, sexagesimal numbers and timestamps; keep 1.2 core forms.
    resolvers = {
        first: [(tag, rx) for tag, rx in entries
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp",
                               "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, entries in base.yaml_implicit_resolvers.items()
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


def _construct_int(loader: Any, node: Any) -> int:
    import yaml

    value = loader.construct_scalar(node)
    try:
        return int(value, 0) if value.lstrip("+-").startswith(("0o", "0x")) else int(value)
    except ValueError:  # past Python's int-string conversion limit (4,300 digits)
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {len(value):,} digits; putlint reads numbers of at "
            "most 4,300 digits", node.start_mark) from None


# Characters YAML does not allow in a stream (YAML 1.2 "c-printable", complemented).
_NOT_YAML_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
# The same characters within ASCII: most specs are ASCII, and this class compiles in a
# fraction of the time the full one takes (0.004 s of every start-up).
_NOT_YAML_PRINTABLE_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _not_printable(text: str) -> re.Pattern[str]:
    return _NOT_YAML_PRINTABLE_ASCII if text.isascii() else re.compile(_NOT_YAML_PRINTABLE)


def _replace_unprintable(text: str, display: str) -> tuple[str, list[PutlintError]]:
    """Read characters YAML forbids as U+FFFD, with a warning each (the first few).

    Real specs carry stray control characters in descriptions (SendGrid's has U+009F); every
    other tool reads them, so refusing the whole file would help nobody. One character for one
    keeps every offset, and so every reported position, exact.
    """
    warnings = []
    forbidden = _not_printable(text)
    for match in itertools.islice(forbidden.finditer(text), 5):
        line, col = line_col_at(text, match.start())
        warnings.append(PutlintError(
            f"control character U+{ord(match.group()):04X} is not allowed in YAML; read as "
            "U+FFFD", Place(display, line, col)))
    if warnings:
        text = forbidden.sub("\ufffd", text)
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
    if _has_aliases(text) and not _expansion_fits(text):
        # yaml-rs copies what an alias names (8 MB x 300 aliases: 2.35 GB) and limits only
        # the number of events: past the byte limit, PyYAML reads the text (sharing the
        # aliased nodes) and refuses it with its place.
        return _SLOW
    try:
        return yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIAS_LIMITS)
    except (ValueError, RecursionError, OverflowError):
        return _SLOW


_ANCHOR_NAME = re.compile(r"[^\s\[\]{},]+")
_BEFORE_PROPERTY = " \t\r\n[{,"
_AFTER_PROPERTY = " \t\r\n,]}"


def _names_after(text: str, sigil: str, wanted: set[str] | None = None) -> set[str]:
    """Names that follow ``sigil`` (`&` anchors, `*` aliases) where YAML reads a node
    property: after a separator, before a separator. A string's text may look like one too
    (`&amp;`, `*bold*`); a false match only costs the slower reader."""
    names: set[str] = set()
    at = text.find(sigil)
    while at != -1:
        if at == 0 or text[at - 1] in _BEFORE_PROPERTY:
            match = _ANCHOR_NAME.match(text, at + 1)
            if match and (match.end() == len(text) or text[match.end()] in _AFTER_PROPERTY) \
                    and (wanted is None or match.group() in wanted):
                names.add(match.group())
                if wanted is not None:
                    return names
        at = text.find(sigil, at + 1)
    return names


def _has_aliases(text: str) -> bool:
    """Does the text (probably) use an alias of an anchor it defines?"""
    if "&" not in text or "*" not in text:
        return False
    if text.count("&") > _MAX_AMPERSANDS:
        return True
    anchors = _names_after(text, "&")
    return bool(anchors) and bool(_names_after(text, "*", anchors))


def _expansion_fits(text: str) -> bool:
    """Would the text, with every alias written out, stay within MAX_EXPANDED_BYTES?

    Counted from libyaml's events, before yaml-rs builds anything: an anchored node's size is
    its span of text plus what the aliases inside it add; each alias adds the size of the
    node it names. Memory stays flat (events are streamed); a text libyaml cannot read goes
    to PyYAML, which says why.
    """
    sizes: dict[str, int] = {}
    stack: list[list] = []  # open collections: [anchor, start offset, bytes aliases add]
    added = 0  # bytes the aliases outside every collection add
    import yaml

    try:  # events need no YAML 1.2 resolvers: libyaml's own loader
        for event in yaml.parse(text, Loader=_libyaml_loader()):
            if isinstance(event, yaml.AliasEvent):
                grow = sizes.get(event.anchor, 0)
                if stack:
                    stack[-1][2] += grow
                else:
                    added += grow
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = len(event.value)
            elif isinstance(event, yaml.CollectionStartEvent):
                stack.append([event.anchor, event.start_mark.index, 0])
            elif isinstance(event, yaml.CollectionEndEvent) and stack:
                anchor, start, extra = stack.pop()
                if anchor is not None:
                    sizes[anchor] = event.end_mark.index - start + extra
                if stack:
                    stack[-1][2] += extra
                else:
                    added += extra
            if added > MAX_EXPANDED_BYTES:
                return False
    except yaml.YAMLError:
        return False
    return len(text) + added <= MAX_EXPANDED_BYTES


_SLOW = object()
try:
    import yaml_rs

    _ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=MAX_EXPANDED_NODES)
except ImportError:  # pragma: no cover - yaml-rs has wheels for the common platforms
    yaml_rs = None


def parse_yaml(path: Path, display: str, text: str) -> Document:
    """Parse a YAML text (``parse`` chose YAML); any failure is a PutlintError."""
    text, unprintable = _replace_unprintable(text, display)
    data = _fast_yaml(text) if not unprintable else _SLOW
    if data is not _SLOW:
        return Document(path, display, text, data, False, locator_type=YamlLocator)
    return _parse_yaml_slow(path, display, text, unprintable)


def _parse_yaml_slow(path: Path, display: str, text: str,
                     unprintable: list[PutlintError]) -> Document:
    import yaml

    loader = yaml12_loader()(text)
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
        line, col = line_col_at(text, exc.position)
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
    doc = Document(path, display, text, data, False, unprintable, locator_type=YamlLocator)
    for key, line, col in loader.duplicates:
        doc.warnings.append(duplicate_key_warning(key, Place(display, line, col)))
    return doc


def _check_alias_expansion(data: Any, display: str) -> None:
    """Refuse documents whose aliases expand to more nodes, or more bytes of text, than any
    real spec has. PyYAML shares an aliased node, so sizes are computed once per node."""
    sizes: dict[int, tuple[int, int]] = {}  # id -> (nodes, bytes) of the expanded node
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)) or (not done and id(node) in sizes):
            continue
        if done:
            nodes, size = 1, 0
            pairs = node.items() if isinstance(node, dict) else ((None, c) for c in node)
            for key, child in pairs:
                child_nodes, child_bytes = sizes.get(id(child)) or _scalar_size(child)
                nodes += child_nodes
                size += child_bytes + (_scalar_size(key)[1] if key is not None else 0)
            sizes[id(node)] = (nodes, size)
            if nodes > MAX_EXPANDED_NODES:
                raise PutlintError("YAML aliases expand to over "
                                   f"{MAX_EXPANDED_NODES:,} nodes (an alias bomb?)",
                                   Place(display, 1, 1))
            if size > MAX_EXPANDED_BYTES:
                raise PutlintError("YAML aliases expand to over "
                                   f"{MAX_EXPANDED_BYTES // (1024 * 1024)} MiB of text "
                                   "(an alias bomb?)", Place(display, 1, 1))
            continue
        sizes[id(node)] = (1, 0)  # cycle guard: a recursive alias counts once
        stack.append((node, True))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)))


def _scalar_size(value: Any) -> tuple[int, int]:
    """(1 node, its bytes): a string's length, a few bytes for anything else."""
    return 1, len(value) if isinstance(value, str) else 8


class YamlLocator:
    """Positions in one YAML text: from the block-style text when BlockLocator is sure, from
    PyYAML's node tree (composed once) otherwise."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._root: Any = None
        self._block: BlockLocator | None = None
        with contextlib.suppress(Unsure):  # not block style: compose answers everything
            self._block = BlockLocator(text)

    def position(self, pointer: Pointer) -> tuple[int, int]:
        # Block-style text answers most pointers without building a node tree (5.9 s of
        # compose on GitHub's description, against milliseconds); compose decides the rest.
        if self._block is not None and not _FORCE_COMPOSE:
            try:
                return self._block.position(pointer)
            except Unsure:
                pass
        import yaml

        try:
            return self.composed_position(pointer)
        except yaml.YAMLError:
            return 1, 1

    def composed_position(self, pointer: Pointer) -> tuple[int, int]:
        """The key of the last mapping entry found along ``pointer``, else the node itself."""
        import yaml

        if self._root is None:
            self._root = yaml.compose(self.text, Loader=yaml12_loader())
        node = self._root
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
