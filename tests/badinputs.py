"""The bad-input suite: hostile and broken specs, each with the outcome putlint must give.

`build(folder)` writes every case into ``folder`` and returns them; the tests run each through
the real console script, and all of them together with the corpus in one invocation.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
PUT = (HEAD + "paths:\n  /x/{id}:\n    put:\n      requestBody:\n        required: true\n"
       "        content:\n          application/json:\n            schema: {$ref: 'REF'}\n"
       "      responses: {'400': {description: bad}}\n")


def put(ref: str) -> str:
    return PUT.replace("REF", ref)
COMPONENTS = ("components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
              "    B: {$ref: '#/components/schemas/A'}\n"
              "    C:\n      type: object\n      properties:\n"
              "        snis: {type: array, items: {}, x-critical: true}\n")


@dataclass(frozen=True)
class Case:
    name: str  # the file (or folder) name
    exit_code: int
    says: str  # what the one-line message (or finding) must contain
    line: int | None = None  # the line the message must name, where there is one


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to folder/name, making folders as needed."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def build(folder: Path, write: bool = True) -> list[Case]:
    """The cases; with ``write``, their files are written into ``folder`` too."""
    cases: list[tuple[str, str | bytes, Case]] = [
        ("truncated.yaml", HEAD + "paths:\n  /x:\n    put: {requestBody: {content: {",
         Case("truncated.yaml", 2, "invalid YAML", 5)),
        ("indentation.yaml", HEAD + "paths:\n  /x:\n    put:\n   get: {}\n",
         Case("indentation.yaml", 2, "invalid YAML", 6)),
        ("tabs.yaml", HEAD + "paths:\n\t/x: {}\n", Case("tabs.yaml", 2, "invalid YAML", 4)),
        ("unclosed-flow.yaml", HEAD + "paths: {/x: [1, 2\n",
         Case("unclosed-flow.yaml", 2, "invalid YAML", 3)),
        ("truncated.json", '{"openapi": "3.0.3",\n "paths": {"/x": ',
         Case("truncated.json", 2, "invalid JSON", 2)),
        ("escape.json", '{"openapi": "3.0.3",\n "info": {"title": "\\q"}, "paths": {}}',
         Case("escape.json", 2, "invalid JSON: Invalid \\escape", 2)),
        ("latin1.yaml", HEAD.encode() + b"paths: {}\nx-note: caf\xe9\n",
         Case("latin1.yaml", 2, "not valid UTF-8", 4)),
        ("utf16-bom.yaml", (HEAD + "paths: {}\n").encode("utf-16"),
         Case("utf16-bom.yaml", 0, "1 spec checked, no findings")),
        ("utf16-no-bom.yaml", (HEAD + "paths: {}\n").encode("utf-16-le"),
         Case("utf16-no-bom.yaml", 2, "NUL bytes", 1)),
        ("utf8-bom.json", b"\xef\xbb\xbf" + b'{"openapi": "3.0.3", "paths": {}}',
         Case("utf8-bom.json", 0, "1 spec checked, no findings")),
        ("garbage.bin.yaml", bytes(range(256)) * 8,
         Case("garbage.bin.yaml", 2, "not valid UTF-8", 2)),
        ("empty.yaml", "", Case("empty.yaml", 2, "file is empty", 1)),
        ("list.yaml", "- openapi\n- 3.0.3\n", Case("list.yaml", 2, "the root is list", 1)),
        ("scalar.yaml", "openapi 3.0.3\n", Case("scalar.yaml", 2, "the root is str", 1)),
        ("not-openapi.json", '{"name": "my-app", "openapi_like": true}',
         Case("not-openapi.json", 2, "not an OpenAPI document", 1)),
        ("no-paths.yaml", HEAD, Case("no-paths.yaml", 2, "'paths' is required", 1)),
        ("duplicates.yaml", HEAD + "paths: {}\ninfo: {title: u, version: '2'}\n",
         Case("duplicates.yaml", 0, "duplicate key 'info': the last value wins", 4)),
        ("ref-missing-pointer.yaml", put("#/components/schemas/Nope") + COMPONENTS,
         Case("ref-missing-pointer.yaml", 2, "points at nothing", 10)),
        ("ref-missing-file.yaml", put("gone.yaml#/C"),
         Case("ref-missing-file.yaml", 2, "file not found", 10)),
        ("ref-loop.yaml", put("#/components/schemas/A") + COMPONENTS,
         Case("ref-loop.yaml", 2, "$ref loop", 10)),
        ("ref-remote.yaml", put("https://example.com/schemas.yaml#/C"),
         Case("ref-remote.yaml", 2, "is not fetched", 10)),
        ("ref-escape.yaml", put("../../../../../../etc/passwd"),
         Case("ref-escape.yaml", 2, "leaves the spec's root folder", 10)),
        ("alias-bomb.yaml", HEAD + "paths: {}\n" + _bomb(),
         Case("alias-bomb.yaml", 2, "alias bomb", 1)),
        ("deep.yaml", HEAD + "paths: {}\nx-deep: " + "[" * 10_000 + "]" * 10_000 + "\n",
         Case("deep.yaml", 2, "nesting depth", 4)),
        ("deep.json", '{"openapi": "3.0.3", "paths": {}, "x": ' + "[" * 10_000 +
         "]" * 10_000 + "}", Case("deep.json", 2, "nested too deeply", 1)),
        ("control-chars.yaml", put("#/components/schemas/C").replace(
            "{$ref: '#/components/schemas/C'}",
            "{type: object, properties: {\"evil\\e[31mkey\\u0007\": "
            "{type: array, x-critical: true, description: \"\\e]0;title\\a\"}}}"),
         Case("control-chars.yaml", 1, "\\x1b[31mkey\\x07", 11)),
    ]
    found = [case for _, _, case in cases]
    found.append(Case("symlink/openapi.yaml", 2, "leaves the spec's root folder", 10))
    found.append(Case("huge.yaml", 2, "over the 64 MiB limit", None))
    found.append(Case("many-operations.json", 1, "PUT001", None))
    if write:
        for name, content, _ in cases:
            write_file(folder, name, content)
        outside = folder.parent / (folder.name + "-outside.yaml")
        write_file(folder.parent, outside.name, "C: {type: object}\n")
        write_file(folder / "symlink", "openapi.yaml", put("link.yaml#/C"))
        link = folder / "symlink" / "link.yaml"
        if not link.exists():
            os.symlink(outside, link)
        _write_big(folder)
        _write_many(folder)
    return found


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def _write_big(folder: Path) -> None:
    """A 100 MB spec: a valid head, then a long description (sparse writes are not enough:
    putlint must refuse it by size, before reading)."""
    path = folder / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEAD + "paths: {}\nx-blob: ")
        chunk = "a" * (1 << 20)
        for _ in range(100):
            handle.write(chunk)
        handle.write("\n")


def _write_many(folder: Path) -> None:
    """100,000 PUT operations sharing one body, one of them with an omittable critical field."""
    paths = {f"/r{i}/{{id}}": {"put": {
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/R"}}}},
        "responses": {"400": {"description": "bad"}}}} for i in range(100_000)}
    paths["/odd/{id}"] = {"put": {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "hosts": {"type": "array", "items": {}, "x-critical": True}}}}}},
        "responses": {"400": {"description": "bad"}}}}
    spec = {"openapi": "3.0.3", "info": {"title": "many", "version": "1"}, "paths": paths,
            "components": {"schemas": {"R": {"type": "object", "required": ["hosts"],
                                             "properties": {"hosts": {
                                                 "type": "array", "minItems": 1,
                                                 "items": {"type": "string"},
                                                 "x-critical": True}}}}}}
    (folder / "many-operations.json").write_text(json.dumps(spec), encoding="utf-8")
