"""Which files to lint: explicit files always; in folders, the OpenAPI root documents."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from linter.errors import Place, PutlintError
from linter.refs import display_name, is_within, linked_out, project_top
from linter.source import MAX_FILE_BYTES

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_SKIP_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".tox"}
# A top-level YAML key (after a UTF-8 BOM too), a quoted key (JSON), or a key of a flow mapping
# (`{openapi: 3.0.0, ...}`).
_ROOT_KEY = re.compile(rb'(?m)^(?:\xef\xbb\xbf)?(?:openapi|swagger)\s*:'
                       rb'|["\'](?:openapi|swagger)["\']\s*:|[{,]\s*(?:openapi|swagger)\s*:')
_CHUNK = 1024 * 1024
_OVERLAP = 64  # a key cut by a chunk boundary is found in the next chunk


def looks_like_root(path: Path) -> bool:
    """A cheap test, without parsing: does the file declare `openapi:` or `swagger:`?

    Only regular files are opened, without blocking: a FIFO named `zz.yaml` would otherwise
    hang the search until something writes to it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return _declares_root(fd)
    except OSError:
        return False
    finally:
        os.close(fd)


def _declares_root(fd: int) -> bool:
    """Read the whole file (up to the input cap), not a head: Kong's Admin API spec names
    `openapi:` on line 3,626, after its components, and a head-only test skipped it silently.

    The substring test (C memmem) first: most files in a folder of specs are fragments that
    never name the key, and the regex over every byte of them took 0.08 s of 0.1 s on the corpus.
    """
    tail = b""
    read = 0
    while read <= MAX_FILE_BYTES:
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return False
        read += len(chunk)
        window = tail + chunk
        if (b"openapi" in window or b"swagger" in window) and _ROOT_KEY.search(window):
            return True
        tail = window[-_OVERLAP:]
    return False


def discover(paths: list[Path]) -> tuple[list[Path], set[Path], list[PutlintError]]:
    """(files to check in order, the ones found by searching folders, errors for bad paths).

    In a folder, a file whose real path lies outside the folder given (a symlink out of it,
    or through a symlinked folder) is refused with an error and never opened; devices, FIFOs
    and sockets are skipped unopened. A file named inside the project (the git work tree
    holding the current folder, else that folder) whose real path leaves it is refused the
    same way: the link came with the pull request, not from the pipeline's command line.
    A file named outside the project is read as named.
    """
    files: list[Path] = []
    searched: set[Path] = set()
    errors: list[PutlintError] = []
    project = project_top()
    for path in paths:
        if path.is_dir():
            found, refused = _search(path)
            files.extend(found)
            searched.update(found)
            errors.extend(refused)
        elif path.is_file() and linked_out(path, project):
            errors.append(PutlintError(
                f"a symlink that leads out of the project ({project}); not read",
                Place(display_name(path))))
        elif path.exists():
            files.append(path)
        else:
            errors.append(PutlintError("no such file or folder", Place(display_name(path))))
    unique = list(dict.fromkeys(files))
    return unique, searched, errors


def _search(top: Path) -> tuple[list[Path], list[PutlintError]]:
    real_top = Path(os.path.realpath(top))
    found: list[Path] = []
    refused: list[PutlintError] = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            candidate = Path(folder) / name
            if candidate.suffix.lower() not in SPEC_SUFFIXES:
                continue
            real = Path(os.path.realpath(candidate))
            if not is_within(real, real_top):
                refused.append(PutlintError(
                    "a symlink that leads outside the folder searched "
                    f"({display_name(top)}); not read", Place(display_name(candidate))))
                continue
            try:
                regular = stat.S_ISREG(os.stat(real).st_mode)
            except OSError:
                continue  # a dangling symlink: nothing to read
            if regular and looks_like_root(candidate):
                found.append(candidate)
    return found, refused
