"""JSON Schema `$id`: the base URI a `$ref` is resolved against, inside one OpenAPI 3.1 document.

In OpenAPI 3.1 a schema may declare `$id`; the refs inside it are then relative to that URI:
`#/$defs/Tag` under `$id: https://example.com/pet` is `https://example.com/pet#/$defs/Tag`, the
`$defs` of the schema that declares the `$id`, not of the document. A ref may also name another
schema of the document by its `$id` (`$ref: owner`, `$ref: https://example.com/owner`). These
helpers find such targets in the document's own data: nothing is fetched, no file is read.
(refs.py decides what happens to a URI that no schema of the document declares.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag, urljoin

from linter.source import Pointer

# Keywords whose values are data, not schemas: a `$id` key in an example is no identifier
# (Box's examples have `"$id": "01234500-..."`).
_DATA = frozenset({"example", "examples", "const", "enum", "default"})


def _id_of(node: Any) -> str | None:
    value = node.get("$id") if isinstance(node, dict) else None
    return value if isinstance(value, str) else None


def base_at(data: Any, doc_uri: str, pointer: Pointer) -> tuple[str, Pointer | None]:
    """The base URI in force at ``pointer``, and the pointer of the schema whose `$id` set it
    (None when no `$id` encloses the pointer: the document's own URI is the base)."""
    base, resource = doc_uri, None
    node = data
    path: list[str] = []
    for token in (None, *pointer):
        if token is not None:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                break
            path.append(token)
            if token in _DATA:
                break
        declared = _id_of(node)
        if declared is not None:
            base, resource = urldefrag(urljoin(base, declared))[0], tuple(path)
    return base, resource


def embedded(data: Any, doc_uri: str, limit: int = 1_000_000) -> dict[str, Pointer]:
    """Every schema of the document that declares an `$id`: its absolute URI -> its pointer.
    Walks at most ``limit`` nodes (the document is already in memory; this bounds the time)."""
    found: dict[str, Pointer] = {}
    stack: list[tuple[Any, str, Pointer]] = [(data, doc_uri, ())]
    seen = 0
    while stack and seen < limit:
        node, base, pointer = stack.pop()
        seen += 1
        declared = _id_of(node)
        if declared is not None:
            base = urldefrag(urljoin(base, declared))[0]
            found.setdefault(base, pointer)
        if isinstance(node, dict):
            stack.extend((v, base, (*pointer, str(k))) for k, v in node.items()
                         if str(k) not in _DATA)
        elif isinstance(node, list):
            stack.extend((v, base, (*pointer, str(i))) for i, v in enumerate(node))
    return found


def anchors(data: Any, resource: Pointer, limit: int = 1_000_000) -> dict[str, Pointer]:
    """Every `$anchor` inside the resource at ``resource``: its name -> the pointer of the
    first schema (in walk order) that declares it. One walk of at most ``limit`` nodes per
    resource: callers keep the index, so N `$ref: '#name'` cost one walk, not N."""
    node = data
    for token in resource:
        node = node[int(token)] if isinstance(node, list) else node[token]
    found: dict[str, Pointer] = {}
    stack: list[tuple[Any, Pointer]] = [(node, resource)]
    seen = 0
    while stack and seen < limit:
        node, pointer = stack.pop()
        seen += 1
        if isinstance(node, dict):
            name = node.get("$anchor")
            if isinstance(name, str):
                found.setdefault(name, pointer)
            stack.extend((v, (*pointer, str(k))) for k, v in node.items()
                         if str(k) not in _DATA)
        elif isinstance(node, list):
            stack.extend((v, (*pointer, str(i))) for i, v in enumerate(node))
    return found


def anchor(data: Any, resource: Pointer, name: str, limit: int = 1_000_000) -> Pointer | None:
    """The pointer of the schema with `$anchor: name` inside the resource at ``resource``
    (one lookup; a caller resolving many refs keeps `anchors()` instead)."""
    return anchors(data, resource, limit).get(name)
