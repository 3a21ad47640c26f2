"""Structural edits as minimal replacements in JSON text.

The path to the edited object is read from the text (keys with json's scanstring, values
skipped by the C decoder), so a fix on a 10 MB description reads only the containers it
passes through. A new entry copies the layout of its neighbours: the whitespace between two
entries (a line break and the indentation, or one space) and the spacing around the colon.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from linter.fixes.edits import ADD_TO_LIST, DELETE_KEY, REMOVE_FROM_LIST, SET_KEY, Edit, Refused
from linter.fixes.render import json_value

Replacement = tuple[int, int, str]

_WS = re.compile(r"[ \t\n\r]*")
_SKIPPER = json.JSONDecoder(object_pairs_hook=len)


@dataclass
class _Item:
    key: str | None
    start: int  # the key's opening quote (objects) or the value (arrays)
    colon: str  # the text from the key's end to the value (objects)
    value_start: int
    value_end: int


@dataclass
class _Container:
    start: int  # the bracket
    end: int  # after the closing bracket
    is_object: bool
    items: list[_Item]


def _skip_ws(text: str, at: int) -> int:
    return _WS.match(text, at).end()  # type: ignore[union-attr]


def _value_end(text: str, at: int) -> int:
    try:
        return int(_SKIPPER.raw_decode(text, at)[1])
    except (ValueError, RecursionError):
        raise Refused("cannot read the JSON value") from None


def _container(text: str, at: int) -> _Container:
    opening = text[at:at + 1]
    if opening not in ("{", "["):
        raise Refused("not an object or array")
    is_object = opening == "{"
    closing = "}" if is_object else "]"
    items: list[_Item] = []
    i = _skip_ws(text, at + 1)
    if text[i:i + 1] == closing:
        return _Container(at, i + 1, is_object, items)
    while True:
        key, start, colon = None, i, ""
        if is_object:
            if text[i:i + 1] != '"':
                raise Refused("a key that is not a string")
            key, key_end = scanstring(text, i + 1)
            j = _skip_ws(text, key_end)
            if text[j:j + 1] != ":":
                raise Refused("no colon after a key")
            i = _skip_ws(text, j + 1)
            colon = text[key_end:i]
        value_end = _value_end(text, i)
        items.append(_Item(key, start, colon, i, value_end))
        i = _skip_ws(text, value_end)
        if text[i:i + 1] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if text[i:i + 1] == closing:
            return _Container(at, i + 1, is_object, items)
        raise Refused("malformed JSON")


def _find(text: str, pointer: tuple[str, ...]) -> _Container:
    at = _skip_ws(text, 0)
    for token in pointer:
        box = _container(text, at)
        if box.is_object:
            found = [item for item in box.items if item.key == token]
            if not found:
                raise Refused(f"no key {token}")
            at = found[-1].value_start  # the last duplicate wins, as in json.loads
        elif token.isdigit() and int(token) < len(box.items):
            at = box.items[int(token)].value_start
        else:
            raise Refused(f"cannot follow {token}")
    return _container(text, at)


def replacements(text: str, edits: list[Edit]) -> list[Replacement]:
    return [_replacement(text, edit) for edit in edits]


def _replacement(text: str, edit: Edit) -> Replacement:
    box = _find(text, edit.pointer)
    if not box.is_object:
        raise Refused("the edit's target is not an object")
    found = [i for i, item in enumerate(box.items) if item.key == edit.key]
    index = found[-1] if found else None
    if edit.kind == ADD_TO_LIST:
        if index is None:
            return _add(text, box, edit.key, list(edit.value))
        inner = _container(text, box.items[index].value_start)
        if inner.is_object:
            raise Refused(f"`{edit.key}` is not a list")
        return _add(text, inner, None, list(edit.value))
    if edit.kind == SET_KEY:
        if index is None:
            return _add(text, box, edit.key, edit.value)
        item = box.items[index]
        if text[item.value_start] in "{[":
            raise Refused(f"`{edit.key}` is not a plain value")
        return (item.value_start, item.value_end, json_value(edit.value))
    if index is None:
        raise Refused(f"no `{edit.key}` to remove from")
    if edit.kind == DELETE_KEY:
        return _remove(box, index)
    if edit.kind == REMOVE_FROM_LIST:
        inner = _container(text, box.items[index].value_start)
        values = [json.loads(text[i.value_start:i.value_end]) for i in inner.items]
        if inner.is_object or edit.value not in values:
            raise Refused(f"`{edit.key}` has no {edit.value!r}")
        return _remove(inner, values.index(edit.value))
    raise Refused(f"unknown edit {edit.kind}")


def _add(text: str, box: _Container, key: str | None, value: Any) -> Replacement:
    """Add an entry (``key`` given) or items (the values of ``value``) at the end of ``box``."""
    colon = box.items[0].colon if box.items and box.is_object else ": "
    if box.is_object:
        pieces = [json.dumps(key, ensure_ascii=False) + colon + json_value(value, colon)]
    else:
        pieces = [json_value(v) for v in value]
    if not box.items:
        at = box.start + 1
        return (at, at, ", ".join(pieces))
    if len(box.items) > 1:
        gap = text[box.items[0].value_end:box.items[1].start]
        separator = gap[gap.index(",") + 1:] if "," in gap else " "
    else:  # one entry: it sits where the layout puts every entry
        separator = text[box.start + 1:box.items[0].start] or " "
    at = box.items[-1].value_end
    return (at, at, "".join("," + separator + piece for piece in pieces))


def _remove(box: _Container, index: int) -> Replacement:
    items = box.items
    if len(items) == 1:
        return (items[0].start, items[0].value_end, "")
    if index > 0:
        return (items[index - 1].value_end, items[index].value_end, "")
    return (items[0].start, items[1].start, "")
