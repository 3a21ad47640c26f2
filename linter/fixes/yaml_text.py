"""Structural edits as minimal replacements in YAML text.

Positions come from PyYAML's node tree (composed once per text): each node knows where it
starts and ends. An entry is added after the last line of its mapping's content, at the column
of its first key; a list item after the last item, at the column of its dash; flow collections
get `, item` before their closing bracket. Deleting an entry removes its lines and keeps the
comments on them. Whatever the text leaves in doubt (aliases, a key sharing its line with a
sequence dash) raises Refused, and the fix is not offered.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

from linter.fixes.edits import ADD_TO_LIST, DELETE_KEY, REMOVE_FROM_LIST, SET_KEY, Edit, Refused
from linter.fixes.render import yaml_flow, yaml_scalar
from linter.yaml_source import yaml12_loader

Replacement = tuple[int, int, str]


@functools.lru_cache(maxsize=4)
def _compose(text: str) -> Any:
    try:
        return yaml.compose(text, Loader=yaml12_loader())
    except (yaml.YAMLError, RecursionError) as exc:
        raise Refused(f"cannot read the YAML: {exc}") from None


def replacements(text: str, edits: list[Edit]) -> list[Replacement]:
    root = _compose(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    return [_replacement(text, root, edit, newline) for edit in edits]


def _find(root: Any, pointer: tuple[str, ...]) -> Any:
    node = root
    for token in pointer:
        if isinstance(node, yaml.MappingNode):
            entry = _entry(node, token)
            if entry is None:
                raise Refused(f"no key {token}")
            node = entry[1]
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and \
                int(token) < len(node.value):
            node = node.value[int(token)]
        else:
            raise Refused(f"cannot follow {token}")
    return node


def _entry(node: yaml.MappingNode, key: str) -> tuple[Any, Any] | None:
    for key_node, value_node in reversed(node.value):  # the last duplicate wins
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _content_end(node: Any, text: str) -> int:
    """Where the node's last character of content is (before trailing breaks and comments)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        if node.style in ("|", ">"):
            while end > node.start_mark.index and text[end - 1] in " \t\r\n":
                end -= 1
        return end
    if node.flow_style or not node.value:
        return int(node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        key, value = node.value[-1]
        if value.start_mark.index < key.end_mark.index:  # an alias: its marks are elsewhere
            raise Refused("an alias ends this mapping")
        return max(_content_end(value, text), key.end_mark.index)
    last = node.value[-1]
    if len(node.value) > 1 and last.start_mark.index < node.value[-2].end_mark.index:
        raise Refused("an alias ends this list")
    return _content_end(last, text)


def _line_end(text: str, at: int) -> int:
    """The end of the line holding ``at``, before its line break."""
    end = text.find("\n", at)
    if end < 0:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _quote_of(nodes: list[Any]) -> str | None:
    styles = {n.style for n in nodes if isinstance(n, yaml.ScalarNode)}
    return styles.pop() if len(styles) == 1 and styles <= {'"', "'"} else None


def _replacement(text: str, root: Any, edit: Edit, newline: str) -> Replacement:
    mapping = _find(root, edit.pointer)
    if not isinstance(mapping, yaml.MappingNode):
        raise Refused("the edit's target is not a mapping")
    entry = _entry(mapping, edit.key)
    if edit.kind == ADD_TO_LIST:
        if entry is None:
            return _add_entry(text, mapping, edit.key, list(edit.value), newline)
        if not isinstance(entry[1], yaml.SequenceNode):
            raise Refused(f"`{edit.key}` is not a list")
        return _append_item(text, entry[1], list(edit.value), newline)
    if edit.kind == SET_KEY:
        if entry is None:
            return _add_entry(text, mapping, edit.key, edit.value, newline)
        value = entry[1]
        if not isinstance(value, yaml.ScalarNode) or value.start_mark.index < \
                entry[0].end_mark.index:
            raise Refused(f"`{edit.key}` is not a plain value")
        return (value.start_mark.index, value.end_mark.index, yaml_flow(edit.value))
    if entry is None:
        raise Refused(f"no `{edit.key}` to remove from")
    if edit.kind == DELETE_KEY:
        index = next(i for i, (k, _) in enumerate(mapping.value) if k is entry[0])
        return _remove(text, mapping, index, newline)
    if edit.kind == REMOVE_FROM_LIST:
        seq = entry[1]
        if not isinstance(seq, yaml.SequenceNode):
            raise Refused(f"`{edit.key}` is not a list")
        index = next((i for i, n in enumerate(seq.value) if isinstance(n, yaml.ScalarNode)
                      and _scalar_is(n, edit.value)), None)
        if index is None:
            raise Refused(f"`{edit.key}` has no {edit.value!r}")
        return _remove(text, seq, index, newline)
    raise Refused(f"unknown edit {edit.kind}")


def _scalar_is(node: yaml.ScalarNode, value: Any) -> bool:
    if value is None:
        return node.style is None and node.value in ("null", "Null", "NULL", "~", "")
    return node.value == str(value)


def _add_entry(text: str, mapping: yaml.MappingNode, key: str, value: Any,
               newline: str) -> Replacement:
    keys = [k for k, _ in mapping.value]
    quote = _quote_of(keys) if key.isdigit() else None
    if key.isdigit() and quote is None:
        quote = "'"  # `400:` would be read as a number
    line = f"{yaml_scalar(key, quote)}: {yaml_flow(value)}"
    if mapping.flow_style:
        if not mapping.value:
            at = mapping.start_mark.index + 1
            return (at, at, line)
        at = _content_end(mapping.value[-1][1], text)
        return (at, at, ", " + line)
    if not mapping.value:
        raise Refused("an empty block mapping")
    column = keys[0].start_mark.column
    at = _line_end(text, _content_end(mapping, text))
    return (at, at, newline + " " * column + line)


def _append_item(text: str, seq: yaml.SequenceNode, values: list[Any],
                 newline: str) -> Replacement:
    quote = _quote_of(seq.value)
    items = [yaml_flow(v, quote) for v in values]
    if seq.flow_style:
        if not seq.value:
            at = seq.start_mark.index + 1
            return (at, at, ", ".join(items))
        at = _content_end(seq.value[-1], text)
        return (at, at, "".join(", " + i for i in items))
    column = seq.start_mark.column  # a block sequence starts at its first dash
    if text[seq.start_mark.index] != "-":
        raise Refused("cannot find the list's dash")
    at = _line_end(text, _content_end(seq, text))
    return (at, at, "".join(newline + " " * column + "- " + i for i in items))


def _remove(text: str, node: Any, index: int, newline: str) -> Replacement:
    """Remove entry (mapping) or item (sequence) ``index`` of a collection."""
    if isinstance(node, yaml.MappingNode):
        starts = [k.start_mark.index for k, _ in node.value]
        ends = [max(_content_end(v, text), k.end_mark.index) for k, v in node.value]
    else:
        starts = [n.start_mark.index for n in node.value]
        ends = [_content_end(n, text) for n in node.value]
    if node.flow_style:
        if len(starts) == 1:
            start, end = starts[0], ends[0]
        elif index > 0:
            start, end = ends[index - 1], ends[index]
        else:
            start, end = starts[0], starts[1]
        if "#" in text[start:end] and _comments(text[start:end]):
            raise Refused("a comment inside the flow collection")
        return (start, end, "")
    line_start = text.rfind("\n", 0, starts[index]) + 1
    lead = text[line_start:starts[index]]
    if isinstance(node, yaml.SequenceNode):
        if lead.strip() != "-":
            raise Refused("the item shares its line")
    elif lead.strip():
        raise Refused("the entry shares its line with a sequence dash")
    end = text.find("\n", ends[index])
    end = len(text) if end < 0 else end + 1
    kept = _comments(text[line_start:end])
    indent = " " * (len(lead) - len(lead.lstrip()))
    return (line_start, end, "".join(indent + c + newline for c in kept))


_COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def _comments(region: str) -> list[str]:
    """The comments in some whole lines of YAML (quotes are tracked, so `'#'` is no comment)."""
    out = []
    for line in region.splitlines():
        quote = None
        for i, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
                quote = ch
            elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
                out.append(line[i:].rstrip())
                break
    return out
