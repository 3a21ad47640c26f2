"""Which files to lint: explicit files always; in folders, the OpenAPI root documents."""

from __future__ import annotations

import os
import re
from pathlib import Path

from linter.errors import Place, PutlintError
from linter.refs import display_name

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_SKIP_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".tox"}
_ROOT_KEY = re.compile(rb'(?m)^(?:openapi|swagger)\s*:|["\'](?:openapi|swagger)["\']\s*:')


def looks_like_root(path: Path) -> bool:
    """A cheap test, without parsing: does the file declare `openapi:` or `swagger:`?"""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return False
    # The substring test (C memmem) first: most files in a folder of specs are fragments that
    # never name the key, and the regex over their 64 KiB took 0.08 s of 0.1 s on the corpus.
    return (b"openapi" in head or b"swagger" in head) and _ROOT_KEY.search(head) is not None


def discover(paths: list[Path]) -> tuple[list[Path], set[Path], list[PutlintError]]:
    """(files to check in order, the ones found by searching folders, errors for bad paths)."""
    files: list[Path] = []
    searched: set[Path] = set()
    errors: list[PutlintError] = []
    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(folder) / name
                    if candidate.suffix.lower() in SPEC_SUFFIXES and looks_like_root(candidate):
                        files.append(candidate)
                        searched.add(candidate)
        elif path.exists():
            files.append(path)
        else:
            errors.append(PutlintError("no such file or folder", Place(display_name(path))))
    unique = list(dict.fromkeys(files))
    return unique, searched, errors
