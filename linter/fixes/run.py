"""`putlint check --fix` and `--diff`: fix every root spec in turn, then write or show.

Roots are fixed one after another over an overlay of the texts fixed so far, so a fragment two
roots share is fixed once and the second root sees the first one's changes. Files are written
only at the end, each atomically, and only when the text putlint parsed is the file's text
(a file whose control characters were read as U+FFFD, or in UTF-16, is left alone).
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from linter.atomic import write_atomic
from linter.config import Options
from linter.engine import collector_paused
from linter.errors import Place, PutlintError
from linter.fixes import Fix, apply, chosen, plan
from linter.load import analyse
from linter.refs import display_name, is_within, project_top
from linter.source import decode

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class FixRun:
    originals: dict[Path, str] = field(default_factory=dict)  # what the files held
    texts: dict[Path, str] = field(default_factory=dict)  # their fixed texts
    applied: list[Fix] = field(default_factory=list)
    unsafe: list[Fix] = field(default_factory=list)  # offered, not applied
    errors: list[PutlintError] = field(default_factory=list)

    def diff(self) -> str:
        out = []
        for path, text in self.texts.items():
            name = display_name(path)
            name = str(path) if name.startswith("..") else name
            out.extend(difflib.unified_diff(self.originals[path].splitlines(True),
                                            text.splitlines(True), f"a/{name}", f"b/{name}"))
            if out and not out[-1].endswith("\n"):
                out[-1] += "\n\\ No newline at end of file\n"
        # control characters (ANSI sequences) from a spec are shown escaped, tabs kept
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                            "".join(out))

    def write(self) -> None:
        """Write every fixed file, or none: each must be a regular file whose real path lies
        in the project (the git work tree holding the current folder, else that folder).
        A spec linked in from elsewhere is never rewritten through its link."""
        project = project_top()
        for path in self.texts:
            real = Path(os.path.realpath(path))
            if not real.is_file() or path.is_symlink() or not is_within(real, project):
                raise PutlintError(f"not fixed: {display_name(real)} lies outside the project "
                                   f"({project}) or is not a regular file; nothing was written "
                                   "(run putlint from the file's own project to fix it)",
                                   Place(display_name(path)))
        for path, text in self.texts.items():
            bom = "\ufeff" if path.read_bytes().startswith(codecs.BOM_UTF8) else ""
            write_atomic(path, bom + text)


def fix_specs(files: list[Path], options: Options, unsafe: bool) -> FixRun:
    result = FixRun()
    for path in files:
        with collector_paused():
            report = analyse(path, options, overlay=dict(result.texts))
        if report.workspace is None or report.errors:
            continue  # `check` reports why; nothing is fixed in a spec it cannot read
        planned = plan(report, options)
        result.unsafe.extend(f for f in chosen(planned, True) if not f.safe and not unsafe)
        docs = {d.path: d for d in report.workspace.documents}
        editable = {p: d for p, d in docs.items() if _editable(p, d.text, result)}
        fixes = [f for f in chosen(planned, unsafe)
                 if all(e.path in editable for e in f.edits)]
        texts, applied = apply(editable, fixes)
        result.texts.update(texts)
        result.applied.extend(applied)
    return result


def _editable(path: Path, text: str, result: FixRun) -> bool:
    """Is ``text`` what the file holds (or what an earlier root's fix made of it)?"""
    if path in result.texts:
        return result.texts[path] == text
    try:
        raw = path.read_bytes()
        if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and \
                decode(raw, str(path)) == text:
            result.originals[path] = text
            return True
    except (OSError, PutlintError):
        pass
    result.errors.append(PutlintError("not fixed: the file holds characters putlint read as "
                                      "U+FFFD, or is not UTF-8", Place(display_name(path))))
    return False
