"""`putlint lsp`: a language server over stdio (pygls) with putlint's findings and fixes.

Which specs: every OpenAPI root in the workspace folders and every open file that is a root.
A root's findings are published on the file each one is located in, so a finding in
`schemas/certificate.yaml` shows on that file whichever root reaches it. Open buffers are read
instead of the files (an overlay), so diagnostics follow typing: a change re-checks, after a
short debounce, every root that reads the changed file; a root none of whose files changed is
not analysed again (results are kept per root, keyed by the content of its files).

Fixes are the CLI's (linter.fixes): each finding's fix is a quick fix (an unsafe one says which
other operations it changes), and "fix all putlint findings" applies the safe ones of a file.
Configuration is found as the CLI finds it, from the workspace folder, and reloaded when
putlint.yaml or pyproject.toml changes.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.workspace import workspace as pygls_workspace
from pygls.workspace.text_document import TextDocument

from linter import __version__
from linter.config import Options, find_config, load_config
from linter.engine import collector_paused
from linter.errors import PutlintError
from linter.fixes import Fix, Planned, apply, findings, line_edits, plan
from linter.load import SpecReport, analyse
from linter.registry import get_rule

DEBOUNCE_SECONDS = 0.05  # typing pauses longer than this get diagnostics
MAX_ROOTS = 500  # workspace roots analysed; a folder of thousands of specs is a corpus
MAX_MEMO = 20_000  # schemas whose verdicts are remembered; past it the memo starts afresh
CONFIG_NAMES = ("putlint.yaml", "pyproject.toml")
SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
            "info": t.DiagnosticSeverity.Information}
_ROOT_KEY = re.compile(r'(?m)^\s*["\']?(?:openapi|swagger)["\']?\s*:')
ON_OMIT_MEANING = {
    "reject": "the API answers 400 when the field is left out: the contract must make omission "
              "impossible (required, not nullable, not empty) and document a 400",
    "preserve": "the API keeps the stored value when the field is left out: omission is safe, "
                "but null and empty still replace it",
    "purge": "the API deletes the stored value when the field is left out: every contract that "
             "lets a client omit it is a finding",
}


def path_of(uri: str) -> Path:
    parsed = urlparse(uri)
    return Path(os.path.realpath(unquote(parsed.path)))


def uri_of(path: Path | str) -> str:
    return Path(os.path.realpath(path)).as_uri()


_LINE_INDEX: dict[int, tuple[str, tuple[int, ...]]] = {}


def _line_starts(text: str) -> tuple[int, ...]:
    """Where each line of a text starts, computed once per text (specs run to 13 MB). Keyed
    by identity: comparing two 13 MB texts for equality, as a cache keyed by value does on
    every hit, costs a millisecond per lookup."""
    entry = _LINE_INDEX.get(id(text))
    if entry is None or entry[0] is not text:
        if len(_LINE_INDEX) > 32:
            _LINE_INDEX.clear()
        # C-level map and accumulate: a regex walk over 700,000 lines took 0.35 s
        lengths = map((1).__add__, map(len, text.split("\n")))
        entry = _LINE_INDEX[id(text)] = (text, tuple(itertools.accumulate(lengths, initial=0)))
    return entry[1]


def _index_of(line: str, units: int) -> int:
    """The index in ``line`` of a position counted in UTF-16 code units."""
    if line.isascii():
        return min(units, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


class _TextDocument(TextDocument):
    """pygls' document with an incremental change applied as one splice of the text: pygls
    rebuilds the whole text line by line (0.4 s per keystroke on a 13 MB description)."""

    def _apply_incremental_change(self, change: t.TextDocumentContentChangePartial) -> None:
        text = self.source
        starts = _line_starts(text)

        def offset(pos: t.Position) -> int:
            if pos.line >= len(starts):
                return len(text)
            return starts[pos.line] + _index_of(_line(text, pos.line + 1), pos.character)

        self._source = text[:offset(change.range.start)] + change.text + \
            text[offset(change.range.end):]


pygls_workspace.TextDocument = _TextDocument  # the class pygls' Workspace makes documents of


def _line(text: str, line: int) -> str:
    """The text of 1-based line ``line`` (clamped), without its line break."""
    starts = _line_starts(text)
    index = min(max(line - 1, 0), len(starts) - 1)
    end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
    return text[starts[index]:end]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(text: str, line: int, column: int) -> t.Position:
    """1-based line and column (characters) to an LSP position (UTF-16 code units)."""
    index = min(max(line - 1, 0), len(_line_starts(text)) - 1)
    return t.Position(index, _utf16(_line(text, line)[:max(column - 1, 0)]))


def offset_position(text: str, offset: int) -> t.Position:
    starts = _line_starts(text)
    index = bisect.bisect_right(starts, offset) - 1
    return t.Position(index, _utf16(text[starts[index]:offset]))


def key_range(text: str, line: int, column: int) -> t.Range:
    """The key (or item) a finding is at: from its column to the end of the word."""
    start = position(text, line, column)
    rest = _line(text, line)[column - 1:]
    match = re.match(r"""["']?[^\s:"',{}\[\]]+["']?""", rest)
    width = _utf16(match.group()) if match else 1
    return t.Range(start, t.Position(start.line, start.character + width))


@dataclass
class RootResult:
    """One analysis of one root spec."""

    report: SpecReport
    found: list[Planned]
    texts: dict[Path, str]  # the text of each file as analysed
    planned: bool = False  # fixes computed (on the first code action)
    diagnostics: list[tuple[Path, t.Diagnostic]] | None = None  # made once, on first publish

    def diagnostics_of(self, root: Path) -> list[tuple[Path, t.Diagnostic]]:
        if self.diagnostics is None:
            made = [to_diagnostic(root, self, p) for p in self.found]
            made.extend(problem_diagnostic(root, self, error)
                        for error in [*self.report.errors, *self.report.warnings])
            self.diagnostics = [d for d in made if d is not None]
        return self.diagnostics

    def files(self) -> set[Path]:
        return set(self.texts)


@dataclass
class State:
    folders: list[Path] = field(default_factory=list)
    roots: set[Path] = field(default_factory=set)
    results: dict[Path, RootResult] = field(default_factory=dict)
    published: dict[Path, list[t.Diagnostic]] = field(default_factory=dict)
    options: Options = field(default_factory=Options)
    tasks: dict[Path, asyncio.Task] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # verdicts by schema content (field_facts)
    stale: set[Path] = field(default_factory=set)  # roots to analyse again (options changed)


class PutlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("putlint", __version__)
        self.state = State()

    # --- reading -----------------------------------------------------------------------------

    def overlay(self) -> dict[Path, str]:
        return {path_of(uri): doc.source for uri, doc in self.workspace.text_documents.items()}

    def text_of(self, path: Path) -> str | None:
        return _current(path, self.overlay())

    def load_options(self) -> None:
        folder = self.state.folders[0] if self.state.folders else Path.cwd()
        try:
            self.state.options = load_config(find_config(folder))
        except PutlintError as exc:
            self.state.options = Options()
            self.window_show_message(t.ShowMessageParams(
                t.MessageType.Error, f"putlint: configuration: {exc.place or ''} {exc.message}"))

    def discover_roots(self) -> None:
        from linter.discover import discover

        for folder in self.state.folders:
            files, _, _ = discover([folder])
            self.state.roots.update(Path(os.path.realpath(f)) for f in files[:MAX_ROOTS])

    # --- analysis ----------------------------------------------------------------------------

    def roots_reading(self, path: Path) -> list[Path]:
        """The roots whose last analysis read ``path`` (the root itself included)."""
        found = [root for root, result in self.state.results.items() if path in result.files()]
        if path in self.state.roots and path not in found:
            found.append(path)
        return found

    def schedule(self, roots: list[Path], delay: float = DEBOUNCE_SECONDS) -> None:
        for root in roots:
            task = self.state.tasks.get(root)
            if task is not None and not task.done():
                task.cancel()
            self.state.tasks[root] = asyncio.ensure_future(self._check_later(root, delay))

    async def _check_later(self, root: Path, delay: float) -> None:
        await asyncio.sleep(delay)
        if len(self.state.memo) > MAX_MEMO:
            self.state.memo.clear()
        overlay = self.overlay()
        options = self.state.options
        previous = None if root in self.state.stale else self.state.results.get(root)
        self.state.stale.discard(root)
        result = await asyncio.get_running_loop().run_in_executor(
            None, check_root, root, options, overlay, previous, self.state.memo)
        if result is not None:
            self.state.results[root] = result
            self.publish()

    def publish(self) -> None:
        """Send each file the diagnostics of every root that reaches it; clear the others."""
        by_file: dict[Path, list[t.Diagnostic]] = {}
        seen: set[tuple] = set()
        for root, result in self.state.results.items():
            for path, diag in result.diagnostics_of(root):
                key = (path, diag.code, diag.message, diag.range.start.line,
                       diag.range.start.character)
                if key not in seen:
                    seen.add(key)
                    by_file.setdefault(path, []).append(diag)
        for path in set(self.state.published) | set(by_file):
            diagnostics = by_file.get(path, [])
            if self.state.published.get(path) != diagnostics:
                self.text_document_publish_diagnostics(
                    t.PublishDiagnosticsParams(uri=uri_of(path), diagnostics=diagnostics))
        self.state.published = by_file


def check_root(root: Path, options: Options, overlay: dict[Path, str],
               previous: RootResult | None, memo: dict | None = None) -> RootResult | None:
    """Analyse a root; None when none of the files it read changed since ``previous``."""
    if previous is not None and previous.report.workspace is not None and all(
            _current(path, overlay) == text for path, text in previous.texts.items()):
        return None
    with collector_paused():
        report = analyse(root, options, overlay=overlay, memo=memo)
        found = findings(report, options)
    if report.workspace is not None:
        texts = {d.path: d.text for d in report.workspace.documents}
    else:  # the root could not be read: its text still places the error
        texts = {root: _current(root, overlay) or ""}
    return RootResult(report, found, texts)


def _current(path: Path, overlay: dict[Path, str]) -> str | None:
    if path in overlay:
        return overlay[path]
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _file_path(display: str) -> Path:
    return Path(os.path.realpath(display))


def to_diagnostic(root: Path, result: RootResult,
                  p: Planned) -> tuple[Path, t.Diagnostic] | None:
    f = p.finding
    if f.file == "<command line>":
        return None
    path = _file_path(f.file)
    text = result.texts.get(path, "")
    message = f.message
    if f.has_example:
        message += "\n\nexample body: " + json.dumps(f.example)
    related = [t.DiagnosticRelatedInformation(
        t.Location(uri_of(_file_path(r["file"])),
                   key_range(result.texts.get(_file_path(r["file"]), ""), r["line"],
                             r["column"])),
        f"{r['message']}" + (f": {f.operation['method']} {f.operation['path']}"
                             if r["message"] == "operation" and f.operation else ""))
        for r in f.related]
    for media in p.facts.op.bodies:
        if media.media_type == f.media_type and media.schema_loc.doc.path != path:
            place = media.schema_loc.place()
            related.append(t.DiagnosticRelatedInformation(
                t.Location(uri_of(media.schema_loc.doc.path),
                           key_range(media.schema_loc.doc.text, place.line, place.column)),
                f"$ref: request body schema of {p.facts.op.label} ({f.media_type})"))
    return path, t.Diagnostic(
        range=key_range(text, f.line, f.column), message=message,
        severity=SEVERITY.get(f.severity, t.DiagnosticSeverity.Warning), code=f.rule,
        code_description=t.CodeDescription(href=rule_doc_uri(f.rule)), source="putlint",
        related_information=related or None,
        data={"root": str(root), "key": [f.rule, f.file, f.line, f.column, f.message]})


def problem_diagnostic(root: Path, result: RootResult,
                       error: PutlintError) -> tuple[Path, t.Diagnostic]:
    place = error.place
    path = _file_path(place.file) if place is not None and place.file else root
    line, column = (place.line or 1, place.column or 1) if place is not None else (1, 1)
    is_error = error in result.report.errors
    return path, t.Diagnostic(
        range=key_range(result.texts.get(path, ""), line, column), message=error.message,
        severity=t.DiagnosticSeverity.Error if is_error else t.DiagnosticSeverity.Warning,
        source="putlint")


def rule_doc_uri(rule_id: str) -> str:
    """A link to the rule's documentation: PUTLINT_DOCS_URL/{id} when set, else the rule's
    `putlint explain` text written once to the user's cache folder, which any editor opens."""
    base = os.environ.get("PUTLINT_DOCS_URL")
    if base:
        return base.rstrip("/") + "/" + rule_id
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "putlint" / \
        __version__ / "rules"
    target = cache / f"{rule_id}.md"
    if not target.exists():
        rule = get_rule(rule_id)
        if rule is not None:
            try:
                from linter.atomic import write_atomic

                cache.mkdir(parents=True, exist_ok=True)
                write_atomic(target, rule.explain())
            except (OSError, PutlintError):
                pass
    return target.as_uri()


server = PutlintServer()


@server.feature(t.INITIALIZED)
def _initialized(ls: PutlintServer, params: t.InitializedParams) -> None:
    folders = [path_of(f.uri) for f in ls.workspace.folders.values()]
    if not folders and ls.workspace.root_uri:
        folders = [path_of(ls.workspace.root_uri)]
    ls.state.folders = folders
    ls.load_options()
    ls.discover_roots()
    ls.schedule(sorted(ls.state.roots), delay=0)
    caps = ls.client_capabilities.workspace
    if caps and caps.did_change_watched_files and \
            caps.did_change_watched_files.dynamic_registration:
        ls.client_register_capability(t.RegistrationParams([t.Registration(
            "putlint-config", t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            t.DidChangeWatchedFilesRegistrationOptions([
                t.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]))]))


def _touched(ls: PutlintServer, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
    path = path_of(uri)
    if path.name in CONFIG_NAMES:
        ls.load_options()
        # analysed again under the new options; the old results stay shown until then
        ls.state.stale.update(ls.state.results)
        ls.schedule(sorted(ls.state.roots), delay=delay)
        return
    text = ls.text_of(path) or ""
    if _ROOT_KEY.search(text[:65536]):
        ls.state.roots.add(path)
    roots = ls.roots_reading(path)
    if not roots:  # a fragment no analysed root reads yet: check the roots not yet analysed
        roots = [r for r in ls.state.roots if r not in ls.state.results]
    ls.schedule(roots, delay)


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: PutlintServer, params: t.DidOpenTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri, delay=0)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: PutlintServer, params: t.DidChangeTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: PutlintServer, params: t.DidSaveTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri, delay=0)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: PutlintServer, params: t.DidCloseTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri)  # the file on disk is what counts again


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: PutlintServer, params: t.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        _touched(ls, change.uri, delay=0)


# --- code actions -----------------------------------------------------------------------------


def _planned(ls: PutlintServer, root: Path) -> RootResult | None:
    result = ls.state.results.get(root)
    if result is not None and not result.planned:
        plan(result.report, ls.state.options, result.found)
        result.planned = True
    return result


def _workspace_edit(ls: PutlintServer, result: RootResult, fixes: list[Fix]) -> \
        t.WorkspaceEdit | None:
    """The fixes as minimal text edits, when every file is still as analysed."""
    docs = {d.path: d for d in result.report.workspace.documents}  # type: ignore[union-attr]
    overlay = ls.overlay()
    for path, text in result.texts.items():
        current = overlay.get(path)
        if current is not None and current != text:
            return None  # the buffer moved on; a new analysis is on its way
    texts, applied = apply(docs, fixes)
    if not applied:
        return None
    changes = {}
    for path, new in texts.items():
        old = docs[path].text
        changes[uri_of(path)] = [
            t.TextEdit(t.Range(offset_position(old, start), offset_position(old, end)), text)
            for start, end, text in line_edits(old, new)]
    return t.WorkspaceEdit(changes=changes)


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
    code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll]))
def _code_action(ls: PutlintServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    actions: list[t.CodeAction] = []
    path = path_of(params.text_document.uri)
    for diag in params.context.diagnostics:
        data = diag.data if isinstance(diag.data, dict) else None
        if diag.source != "putlint" or data is None or "root" not in data:
            continue
        result = _planned(ls, Path(data["root"]))
        match = next((p for p in (result.found if result else [])
                      if [p.finding.rule, p.finding.file, p.finding.line, p.finding.column,
                          p.finding.message] == data["key"]), None)
        if match is None or match.fix is None or result is None:
            continue
        edit = _workspace_edit(ls, result, [match.fix])
        if edit is not None:
            actions.append(t.CodeAction(title=f"putlint: {match.fix.title}",
                                        kind=t.CodeActionKind.QuickFix, diagnostics=[diag],
                                        is_preferred=match.fix.safe, edit=edit))
    only = params.context.only
    if only is None or any(str(k).startswith(("source", "quickfix")) for k in only):
        for root in ls.roots_reading(path):
            result = _planned(ls, root)
            if result is None:
                continue
            fixes = {tuple(e.identity for e in p.fix.edits): p.fix for p in result.found
                     if p.fix is not None and p.fix.safe and
                     _file_path(p.finding.file) == path}
            if fixes:
                edit = _workspace_edit(ls, result, list(fixes.values()))
                if edit is not None:
                    actions.append(t.CodeAction(
                        title=f"putlint: fix all putlint findings ({len(fixes)} safe "
                              f"fix{'es' if len(fixes) != 1 else ''})",
                        kind=t.CodeActionKind.SourceFixAll, edit=edit))
                    break
    return actions


# --- hover ------------------------------------------------------------------------------------


@server.feature(t.TEXT_DOCUMENT_HOVER)
def _hover(ls: PutlintServer, params: t.HoverParams) -> t.Hover | None:
    path = path_of(params.text_document.uri)
    line = params.position.line + 1
    parts = []
    text = ls.text_of(path) or ""
    lines = text.split("\n")
    if 0 < line <= len(lines) and re.match(r"""\s*(?:-\s+)?["']?x-critical["']?\s*:""",
                                           lines[line - 1]):
        parts.append(_critical_hover(ls, path, _owner_line(lines, line)))
    for diag in ls.state.published.get(path, []):
        if diag.range.start.line <= params.position.line <= diag.range.end.line and diag.code:
            rule = get_rule(str(diag.code))
            if rule is not None:
                parts.append(f"**{rule.id} {rule.name}** ({rule.severity}): {rule.summary}"
                             + (f"\n\nFix: {rule.fix}" if rule.fix else "")
                             + f"\n\n`putlint explain {rule.id}` shows an example and the fix.")
    parts = list(dict.fromkeys(p for p in parts if p))
    if not parts:
        return None
    return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, "\n\n---\n\n".join(parts)))


def _owner_line(lines: list[str], line: int) -> int:
    """The line of the key whose mapping holds the entry at ``line`` (1-based): the nearest
    line above it that is indented less (block YAML and pretty-printed JSON alike)."""
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -"))
    for i in range(line - 2, -1, -1):
        text = lines[i]
        if text.strip() and not text.lstrip().startswith("#") and \
                len(text) - len(text.lstrip(" -")) < indent:
            return i + 1
    return line


def _critical_hover(ls: PutlintServer, path: Path, owner: int) -> str:
    """What the `x-critical` in the mapping of the key at line ``owner`` means: its contract,
    and the fields it guards."""
    guarded: dict[str, Any] = {}
    for result in ls.state.results.values():
        for facts in result.report.operations:
            for media, f in facts.fields():
                loc = f.bundle.loc_of(f.field.mark_node)
                if loc is None or loc.doc.path != path:
                    continue
                if loc.place().line == owner:
                    guarded[f"{facts.op.label} `{f.path}` ({media.body.media_type})"] = f.mark
    if not guarded:
        return ("**x-critical**: marks a field a PUT/upsert must never lose. No PUT or upsert "
                "request body that putlint checks reaches this schema yet.")
    mark = next(iter(guarded.values()))
    text = f"**x-critical** (on-omit: {mark.on_omit}): {ON_OMIT_MEANING[mark.on_omit]}."
    if mark.reason:
        text += f"\n\nReason: {mark.reason}"
    return text + "\n\nGuards:\n" + "\n".join(f"- {g}" for g in guarded)


def main() -> None:
    server.start_io()
