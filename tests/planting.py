"""Plant critical marks on real specs: every property of every in-scope request body.

Shared by the corpus tests and the benchmark; it uses the public engine pieces only.
"""

from __future__ import annotations

from pathlib import Path

from linter.critical import CriticalName
from linter.errors import PutlintError
from linter.model import ApiView, Scope
from linter.refs import Loc, Workspace
from linter.source import pointer_text


def planted_names(path: Path, limit: int = 400) -> list[CriticalName]:
    """JSON-pointer names of the top-level properties of each in-scope body (root file only)."""
    try:
        ws = Workspace(path)
        api = ApiView(ws, Scope())
        names: dict[str, None] = {}
        for op in api.operations():
            for body in op.bodies:
                try:
                    schema, loc = ws.deref(body.schema, body.schema_loc)
                except PutlintError:
                    continue
                if loc.doc is not ws.root or not isinstance(schema, dict):
                    continue
                props = schema.get("properties")
                if isinstance(props, dict):
                    for name, value in props.items():
                        if isinstance(value, Loc):  # a Swagger 2.0 form parameter
                            if value.doc is ws.root:
                                names["#" + pointer_text(value.pointer)] = None
                            continue
                        names["#" + pointer_text((*loc.pointer, "properties", str(name)))] = None
        return [CriticalName(n) for n in list(names)[:limit]]
    except (PutlintError, RecursionError):
        return []
