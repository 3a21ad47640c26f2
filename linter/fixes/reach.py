"""Which operations a location in the spec belongs to: a fix there changes all of them.

Every operation of the spec (every method, in scope or not) is walked once: its request
(requestBody, parameters) and its responses, following `$ref`s into components and other
files. The `$ref` targets a subtree names are found once per target and cached, so a spec
whose thousand operations share a few hundred schemas is read about once.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from linter.errors import PutlintError
from linter.model import Scope, path_items
from linter.refs import Loc, Workspace

Key = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Use:
    """One operation's use of a location: through its request or through its responses."""

    label: str  # "GET /certificates/{id}"
    part: str  # "request" or "response"
    upsert: bool  # a PUT or upsert in putlint's scope

    def describe(self) -> str:
        return f"{self.label} ({self.part})"


class Reach:
    def __init__(self, ws: Workspace, scope: Scope) -> None:
        self.ws = ws
        self.scope = scope
        self._refs: dict[Key, tuple[Loc, ...]] = {}  # a subtree's $ref targets
        self._uses: list[tuple[Use, Loc, frozenset[Key], tuple[Loc, ...]]] | None = None

    def uses(self, loc: Loc) -> list[Use]:
        """The operations whose request or responses reach ``loc`` (itself or a subtree of it
        being reached counts: the edit lands inside what they read)."""
        path, pointer = loc.key
        found = []
        for use, own, _keys, targets in self._all():
            inside = [own, *targets]
            if any(str(t.doc.path) == path and pointer[:len(t.pointer)] == t.pointer
                   for t in inside):
                found.append(use)
        return list(dict.fromkeys(found))

    def _all(self) -> list[tuple[Use, Loc, frozenset[Key], tuple[Loc, ...]]]:
        if self._uses is None:
            self._uses = []
            for label, method, node, loc in self._operations():
                upsert = self.scope.includes(method, node)
                for part, keys in (("request", ("requestBody", "parameters")),
                                   ("response", ("responses",))):
                    for key in keys:
                        if key in node:
                            start = loc.child(key)
                            targets = self._closure(start, node[key])
                            self._uses.append((Use(label, part, upsert), start,
                                               frozenset(t.key for t in targets), targets))
        return self._uses

    def _operations(self) -> list[tuple[str, str, dict, Loc]]:
        out = []
        for item in path_items(self.ws):  # `paths` and `x-ms-paths`, `$ref` siblings merged
            for method, (raw, where) in item.operations.items():
                try:
                    node, loc = self.ws.deref(raw, where)
                except PutlintError:
                    continue
                if isinstance(node, dict):
                    out.append((f"{method.upper()} {item.path}", method, node, loc))
            # path-level parameters (of the item and of its `$ref`'d one): every method's
            lists: dict[tuple[str, tuple[str, ...]], tuple[Loc, list[Any]]] = {}
            for raw, where in item.parameters:
                parent = Loc(where.doc, where.pointer[:-2])
                lists.setdefault(parent.key, (parent, []))[1].append(raw)
            for parent, params in lists.values():
                for method in sorted(item.methods):
                    out.append((f"{method.upper()} {item.path}", method,
                                {"parameters": params}, parent))
        return out

    def _closure(self, loc: Loc, value: Any) -> tuple[Loc, ...]:
        """Every $ref target reachable from ``value`` (written at ``loc``), transitively."""
        seen: dict[Key, Loc] = {}
        stack = list(self._direct(loc, value))
        while stack:
            target = stack.pop()
            if target.key in seen:
                continue
            seen[target.key] = target
            stack.extend(self._targets_of(target))
        return tuple(seen.values())

    def _targets_of(self, target: Loc) -> tuple[Loc, ...]:
        if target.key not in self._refs:
            self._refs[target.key] = ()  # a cycle back here adds nothing new
            try:
                value = self.ws.get(target)
            except LookupError:
                value = None
            self._refs[target.key] = self._direct(target, value)
        return self._refs[target.key]

    def _direct(self, loc: Loc, value: Any) -> tuple[Loc, ...]:
        """The $ref targets written in the subtree of ``value``, not followed further."""
        out = []
        stack = [(loc.pointer, value)]
        while stack:
            pointer, node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    with contextlib.suppress(PutlintError):
                        out.append(self.ws.resolve(ref, Loc(loc.doc, (*pointer, "$ref"))))
                stack.extend(((*pointer, str(k)), v) for k, v in node.items()
                             if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend(((*pointer, str(i)), v) for i, v in enumerate(node)
                             if isinstance(v, (dict, list)))
        return tuple(out)
