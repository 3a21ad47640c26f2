"""`$ref` resolution across the files of one spec: cycle-safe, confined, never over the network."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from linter.errors import Place, PutlintError
from linter.reading import parse, parse_text
from linter.schema_ids import anchors, base_at, embedded
from linter.source import (
    Document,
    Pointer,
    parse_pointer,
    pointer_text,
    printable,
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A $ref chain longer than this is certainly a loop or an attack; real specs use a handful.
MAX_REF_CHAIN = 64


@dataclass(frozen=True, slots=True)  # one per schema node of a bundle: no __dict__ each
class Loc:
    """Where a node lives: a document and a JSON pointer inside it."""

    doc: Document
    pointer: Pointer

    def child(self, *tokens: str | int) -> Loc:
        return Loc(self.doc, self.pointer + tuple(str(t) for t in tokens))

    def place(self) -> Place:
        return self.doc.place(self.pointer)

    @property
    def key(self) -> tuple[str, Pointer]:
        """A hashable identity that survives re-loading the same file."""
        return (str(self.doc.path), self.pointer)

    def __repr__(self) -> str:
        return f"{self.doc.display}#{pointer_text(self.pointer)}"


def display_name(path: Path | str) -> str:
    """How a file is named in messages: relative to the working directory when below it,
    else by its absolute path. A name that climbs out with `../` is neither clickable nor
    placeable: SARIF resolves it against `%SRCROOT%`, which is this folder."""
    absolute = os.path.abspath(path)
    here = os.getcwd()
    try:
        if os.path.commonpath([absolute, here]) == here:
            return os.path.relpath(absolute, here)
    except ValueError:  # another drive on Windows
        pass
    return absolute


class Workspace:
    """The documents of one root spec, loaded on first reference."""

    def __init__(self, root_path: Path, root_dir: Path | None = None,
                 overlay: dict[Path, str] | None = None) -> None:
        root_path = Path(root_path)
        # real path -> text to read instead of the file (an editor's unsaved buffers)
        self.overlay = overlay or {}
        self.root_dir = Path(os.path.realpath(root_dir or root_path.parent))
        self._docs: dict[Path, Document] = {}
        self.root = self._load(Path(os.path.realpath(root_path)), display_name(root_path))
        # OpenAPI 3.1 schemas are JSON Schema 2020-12: `$id` sets the base of the refs inside.
        data = self.root.data
        version = str(data.get("openapi", "")) if isinstance(data, dict) else ""
        self.ids_apply = version.startswith("3.") and not version.startswith("3.0")
        self._ids: dict[Path, dict[str, Pointer]] = {}
        self._anchors: dict[tuple[Path, Pointer], dict[str, Pointer]] = {}

    @property
    def documents(self) -> list[Document]:
        return list(self._docs.values())

    def _load(self, real: Path, display: str) -> Document:
        doc = self._docs.get(real)
        if doc is None:
            text = self.overlay.get(real)
            doc = parse(real, display) if text is None else parse_text(real, display, text)
            doc.path = real
            self._docs[real] = doc
        return doc

    def load_confined(self, path: Path, ref: str) -> Document:
        """The document at ``path`` (named ``ref`` in messages), if it is a regular file
        inside the root folder: the one gate every `$ref` to a file goes through, for the
        analysis and for `--validate` alike. Nothing outside the root is opened."""
        target = Path(os.path.realpath(path))
        if not is_within(target, self.root_dir):
            raise PutlintError(f"$ref '{printable(ref)}' leaves the spec's root folder "
                               f"{self.root_dir}; putlint reads no file outside it (a wider "
                               "root: --root DIR or `root:` in putlint.yaml)")
        if VCS_FOLDERS.intersection(target.relative_to(self.root_dir).parts):
            # the root defaults to the git work tree: its .git holds the remote's URL (with
            # any token in it), hooks and history, none of which is a spec
            raise PutlintError(f"$ref '{printable(ref)}' reaches into version-control "
                               "metadata; putlint reads no file there")
        if not target.is_file():
            raise PutlintError(f"$ref '{printable(ref)}': file not found (looked for "
                               f"{display_name(target)})")
        try:
            return self._load(target, display_name(target))
        except PutlintError as exc:
            raise PutlintError(f"in file referenced by $ref '{printable(ref)}': {exc}") \
                from None

    def get(self, loc: Loc) -> Any:
        """The value at ``loc``, or a PutlintError naming the missing step."""
        node = loc.doc.data
        for i, token in enumerate(loc.pointer):
            if isinstance(node, dict):
                if token in node:
                    node = node[token]
                    continue
                # YAML turns `200:` into an int key; pointers always carry text.
                alt = _int_key(token)
                if alt is not None and alt in node:
                    node = node[alt]
                    continue
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
                continue
            raise LookupError(pointer_text(loc.pointer[: i + 1]))
        return node

    def resolve(self, ref: Any, at: Loc) -> Loc:
        """The location a ``$ref`` value written at ``at`` points to."""
        if not isinstance(ref, str):
            raise PutlintError(f"$ref must be a string, not {type(ref).__name__}", at.place())
        if self.ids_apply:
            found = self._by_id(ref, at)
            if found is not None:
                return found
        if _SCHEME.match(ref):
            raise PutlintError(f"remote $ref '{ref}' is not fetched; put the referenced "
                               "document next to the spec and use a relative path", at.place())
        file_part, _, fragment = ref.partition("#")
        doc = at.doc
        if file_part:
            try:
                doc = self.load_confined(at.doc.path.parent / unquote(file_part), ref)
            except PutlintError as exc:
                raise PutlintError(exc.message, at.place()) from None
        try:
            pointer = parse_pointer(unquote(fragment))
        except ValueError as exc:
            raise PutlintError(f"$ref '{ref}': {exc}", at.place()) from None
        loc = Loc(doc, pointer)
        try:
            self.get(loc)
        except LookupError as exc:
            raise PutlintError(f"$ref '{ref}' points at nothing: {exc} does not exist",
                               at.place()) from None
        return loc

    def _by_id(self, ref: str, at: Loc) -> Loc | None:
        """The target of ``ref`` when it names a schema of this document by its `$id` (the
        `$id` of an enclosing schema included: `#/$defs/Tag` inside `$id: .../pet`), else
        None: the ref is then resolved against the document, as every other ref."""
        doc_uri = at.doc.path.as_uri()
        base, _ = base_at(at.doc.data, doc_uri, at.pointer)
        uri, fragment = urldefrag(urljoin(base, ref))
        ids = self._ids.get(at.doc.path)
        if ids is None:
            ids = self._ids[at.doc.path] = embedded(at.doc.data, doc_uri)
        resource = ids.get(uri)
        if resource is None:
            return None
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):  # `#name`: a `$anchor`
            index = self._anchors.get((at.doc.path, resource))
            if index is None:  # one walk per `$id` resource, however many refs name it
                index = self._anchors[(at.doc.path, resource)] = anchors(at.doc.data, resource)
            found = index.get(fragment)
            if found is None:
                raise PutlintError(f"$ref '{printable(ref)}' points at nothing: no $anchor "
                                   f"'{printable(fragment)}' in the schema {uri}", at.place())
            return Loc(at.doc, found)
        try:
            loc = Loc(at.doc, resource + parse_pointer(fragment))
            self.get(loc)
        except (ValueError, LookupError):
            # Not in the `$id`'s schema: many specs give a schema an `$id` and still write
            # document refs (`#/components/schemas/X`) inside it; those are read as written.
            return None
        return loc

    def deref(self, value: Any, loc: Loc) -> tuple[Any, Loc]:
        """Follow a chain of pure ``$ref`` nodes to the node they end at."""
        seen: list[Loc] = []
        while isinstance(value, dict) and "$ref" in value:
            if loc in seen or len(seen) > MAX_REF_CHAIN:
                chain = " -> ".join(repr(s) for s in [*seen, loc])
                raise PutlintError(f"$ref loop: {chain}", seen[0].place())
            seen.append(loc)
            loc = self.resolve(value["$ref"], loc.child("$ref"))
            value = self.get(loc)
        return value, loc


def _int_key(token: str) -> int | None:
    return int(token) if token.isdigit() else None


VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree holding ``folder`` (found by its `.git`, without running
    git), or None outside one."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def project_top(folder: Path | None = None) -> Path:
    """The project a run may write in: the git work tree holding ``folder`` (by default the
    current folder), else that folder; resolved. Config paths use the same rule from the
    config's folder (config._inside)."""
    here = Path(os.path.realpath(folder if folder is not None else Path.cwd()))
    return work_tree_top(here) or here


def linked_out(path: Path, project: Path) -> bool:
    """Is ``path`` named inside ``project`` while its real path lies outside it (a symlink,
    of the file or of a folder on the way, that leads out)? A path named outside is the
    user's own choice and not this."""
    named = Path(os.path.abspath(path))
    return is_within(named, project) and not is_within(Path(os.path.realpath(path)), project)


def is_within(path: Path, folder: Path) -> bool:
    """Is ``path`` ``folder`` or below it (both already resolved)?"""
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False
