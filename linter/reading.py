"""Reading a spec file: bytes -> text -> the JSON or the YAML reader -> a Document.

The dispatcher sits above `source` (the Document and what both readers share) and the two
readers, so nothing below imports upward. The YAML reader, and so PyYAML, is imported only for
a text that is not JSON: a run over JSON specs never pays for it.
"""

from __future__ import annotations

from pathlib import Path

from linter.errors import Place, PutlintError
from linter.source import Document, check_density, decode, looks_like_json, read_regular


def parse(path: Path, display: str) -> Document:
    """Read and parse one file; any failure is a PutlintError with its place."""
    return parse_text(path, display, decode(read_regular(path, display), display))


def parse_text(path: Path, display: str, text: str) -> Document:
    """Parse a decoded text as ``parse`` would the file (an editor's unsaved buffer, a fix)."""
    if text.isspace() or not text:
        raise PutlintError("file is empty", Place(display, 1, 1))
    if "\x00" in text:
        raise PutlintError("file contains NUL bytes; it is not a YAML or JSON text",
                           Place(display, text.count("\n", 0, text.index("\x00")) + 1, 1))
    check_density(text, display)
    if looks_like_json(text):
        try:
            from linter.json_source import parse_json

            return parse_json(path, display, text)
        except PutlintError:
            if path.suffix.lower() == ".json":
                raise
            # Flow-style YAML also starts with "{": give YAML its chance before failing.
    from linter.yaml_source import parse_yaml

    return parse_yaml(path, display, text)
