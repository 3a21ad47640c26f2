"""What the GET of the same path returns of a critical field (PUT008's fact).

Clients that read, modify and PUT back (Terraform providers, operators, UIs) send exactly what
the GET returned: a field the GET does not return comes back missing. For each critical field
of a PUT this module answers, from the GET's 2xx response schema, whether it is returned, and
if not, why. The answer is given only when the schema says so: a GET without a documented
body, or an object without declared properties, says nothing and is left undecided (None).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from linter.bundle import Bundle, Bundler, closure
from linter.errors import PutlintError
from linter.facts import FieldFacts
from linter.model import Operation
from linter.profiles import Profile
from linter.refs import Workspace
from linter.search import ITEMS

# A spec with more distinct GET schemas than this is not bundled further for PUT008: the rule
# then stays silent rather than making one check slow (bounded work per spec).
MAX_READBACK_SCHEMAS = 200


class Readback:
    """Bundles GET response schemas once each (keyed by where they are written)."""

    def __init__(self, ws: Workspace, version: str, profile: Profile) -> None:
        # No critical names here: a name that reaches only a response schema protects nothing.
        self.bundler = Bundler(ws, version, keep=profile.schema_extensions)
        self.ws = ws
        self.profile = profile
        self.cache: dict[Any, Bundle | None] = {}

    def of(self, op: Operation, field: FieldFacts) -> FieldFacts:
        """The field's facts with `unreadable` filled in for this operation (only when the
        path has a GET: without one there is nothing to read back)."""
        if "get" not in op.siblings:
            return field
        own = self._own(field)
        why = f"GET {op.path} does not return it ({own})" if own else self._in_get(op, field)
        return field if why is None else replace(field, unreadable=why)

    def _own(self, field: FieldFacts) -> str | None:
        """The request schema itself may say the field is never returned."""
        return _never_returned(field.field.entries[-1], field.bundle.schema, self.profile)

    def _in_get(self, op: Operation, field: FieldFacts) -> str | None:
        if op.readback is None:
            return None
        bundle = self._bundle(*op.readback)
        if bundle is None:
            return None
        node = _step_to(bundle, field.field.path)
        if node is _ABSENT:
            return f"GET {op.path} does not return it"
        if node is None:
            return None
        why = _never_returned(node, bundle.schema, self.profile)
        return f"GET {op.path} does not return it ({why})" if why else None

    def _bundle(self, schema: Any, loc: Any) -> Bundle | None:
        key = loc.key
        if key not in self.cache:
            if len(self.cache) >= MAX_READBACK_SCHEMAS:
                return None
            try:
                raw, where = self.ws.deref(schema, loc)
                self.cache[key] = self.bundler.bundle(raw, where)
            except (PutlintError, RecursionError):
                self.cache[key] = None  # a broken GET schema is not this rule's to report
        return self.cache[key]


_ABSENT = object()


def _step_to(bundle: Bundle, path: tuple[str, ...]) -> Any:
    """The GET schema's node for a field path; _ABSENT when a step's object declares its
    properties and the step is not among them; None when the schema does not say."""
    nodes: list[Any] = [bundle.schema]
    for step in path:
        found: list[Any] = []
        declares = False
        for node in nodes:
            for part in closure(node, bundle.schema):
                if step == ITEMS:
                    if isinstance(part.get("items"), dict):
                        found.append(part["items"])
                    continue
                props = part.get("properties")
                if isinstance(props, dict):
                    declares = True
                    if step in props:
                        found.append(props[step])
                if part.get("additionalProperties") not in (None, False):
                    return None  # any name may be returned
        if not found:
            return _ABSENT if declares and step != ITEMS else None
        nodes = found
    return nodes[0]


def _never_returned(entry: Any, root: dict, profile: Profile) -> str | None:
    for node in closure(entry, root):
        if node.get("writeOnly") is True:
            return "writeOnly"
        if profile.secret is not None and node.get(profile.secret) is True:
            return f"{profile.secret}: true"
    return None
