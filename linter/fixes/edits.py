"""Structural edits: what a fix changes in a spec's data, independent of how the text is laid out.

A fix is a few of these. The text layers (yaml_text, json_text) turn each one into a minimal
text replacement; `expected` applies it to the parsed data, so that every text edit can be
checked against what it was meant to do before anything is written.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.fixes.render import Refused, yaml_flow

Pointer = tuple[str, ...]

ADD_TO_LIST = "add-to-list"  # append `values` to the list at mapping[key]; create it if absent
SET_KEY = "set-key"  # mapping[key] = value (added when absent, replaced when a scalar)
DELETE_KEY = "delete-key"  # remove mapping[key]
REMOVE_FROM_LIST = "remove-from-list"  # remove `value` from the list at mapping[key]


@dataclass(frozen=True)
class Edit:
    """One change to the mapping at ``pointer`` in the file ``path``."""

    path: Path  # the real (resolved) path of the file
    pointer: Pointer
    kind: str
    key: str
    value: Any = None  # SET_KEY: the new value; REMOVE_FROM_LIST: the item; ADD_TO_LIST: a tuple

    @property
    def identity(self) -> tuple:
        """A hashable form (values may be mappings)."""
        return (str(self.path), self.pointer, self.kind, self.key,
                json.dumps(self.value, sort_keys=True, default=str))

    @property
    def target(self) -> tuple[str, Pointer]:
        return (str(self.path), self.pointer)

    def describe(self) -> str:
        if self.kind == ADD_TO_LIST:
            return f"add {', '.join(map(str, self.value))} to `{self.key}`"
        if self.kind == SET_KEY:
            return f"set `{self.key}: {yaml_flow(self.value)}`"
        if self.kind == DELETE_KEY:
            return f"remove `{self.key}`"
        return f"remove {self.value!r} from `{self.key}`"


def node_at(data: Any, pointer: Pointer) -> Any:
    """The node at ``pointer``; YAML's integer keys (`200:`) answer to their text."""
    node = data
    for token in pointer:
        if isinstance(node, dict):
            if token in node:
                node = node[token]
            elif token.lstrip("-").isdigit() and int(token) in node:
                node = node[int(token)]
            else:
                raise KeyError(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node


def merge(edits: list[Edit]) -> list[Edit]:
    """One edit per change: duplicates dropped, additions to the same list joined (so that two
    fields added to a schema without `required` make one new list, not two)."""
    out: list[Edit] = []
    lists: dict[tuple, int] = {}
    for edit in edits:
        if edit.kind == ADD_TO_LIST:
            where = (edit.target, edit.key)
            if where in lists:
                old = out[lists[where]]
                values = old.value + tuple(v for v in edit.value if v not in old.value)
                out[lists[where]] = Edit(old.path, old.pointer, old.kind, old.key, values)
                continue
            lists[where] = len(out)
        if edit not in out:
            out.append(edit)
    return out


def apply_to(node: Any, edit: Edit) -> None:
    """Apply one edit to the mapping ``node`` in place (the data a text edit must produce)."""
    if not isinstance(node, dict):
        raise Refused("not a mapping")
    if edit.kind == ADD_TO_LIST:
        current = node.get(edit.key)
        if current is None and edit.key not in node:
            node[edit.key] = list(edit.value)
        elif isinstance(current, list):
            current.extend(edit.value)
        else:
            raise Refused(f"`{edit.key}` is not a list")
    elif edit.kind == SET_KEY:
        node[edit.key] = copy.deepcopy(edit.value)
    elif edit.kind == DELETE_KEY:
        node.pop(edit.key, None)
    elif edit.kind == REMOVE_FROM_LIST:
        current = node.get(edit.key)
        if not isinstance(current, list) or edit.value not in current:
            raise Refused(f"`{edit.key}` has no {edit.value!r}")
        current.remove(edit.value)


def verify(old: Any, new: Any, edits: list[Edit]) -> bool:
    """Does ``new`` hold exactly ``old`` with ``edits`` applied, and nothing else changed?

    Each edited mapping is compared with its expected state, then put back from ``old`` into
    ``new`` (which is a fresh parse the caller owns), and the whole documents are compared.
    """
    by_pointer: dict[Pointer, list[Edit]] = {}
    for edit in edits:
        by_pointer.setdefault(edit.pointer, []).append(edit)
    try:
        for pointer, group in by_pointer.items():
            expected = copy.deepcopy(node_at(old, pointer))
            for edit in group:
                apply_to(expected, edit)
            if node_at(new, pointer) != expected:
                return False
        for pointer in sorted(by_pointer, key=len):
            if not pointer:
                new = copy.deepcopy(old)
                continue
            parent = node_at(new, pointer[:-1])
            key: Any = pointer[-1]
            if isinstance(parent, list) or (key not in parent and key.lstrip("-").isdigit()):
                key = int(key)
            parent[key] = node_at(old, pointer)
    except (KeyError, Refused, ValueError, TypeError):
        return False
    return bool(new == old)
