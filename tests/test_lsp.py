"""`putlint lsp` driven by a real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SPECS = Path(__file__).resolve().parent.parent / "specs"
KONNECT = "konnect-certificates-2025-11-06.yaml"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(SPECS, tmp_path / "specs")
    return (tmp_path / "specs").resolve()


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "linter.cli", "lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path):
    # VS Code's capabilities say it registers file watchers when asked; so does this client
    lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    params = t.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="specs")],
        root_uri=workspace.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def diagnostics_until(client: LanguageClient, uri: str, done, timeout: float = 20):
    """Wait until the diagnostics published for ``uri`` satisfy ``done``."""
    async def wait():
        while not (uri in client.diagnostics and done(client.diagnostics[uri])):
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]
    return await asyncio.wait_for(wait(), timeout)


def open_file(client: LanguageClient, path: Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
        uri=uri, language_id="yaml", version=1, text=path.read_text(encoding="utf-8"))))
    return uri


def codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def line_of(path: Path, needle: str) -> int:
    """0-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(path.read_text().splitlines()) if needle in line)


def apply_edits(text: str, edits: list[t.TextEdit]) -> str:
    lines = text.splitlines(True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos: t.Position) -> int:
        return starts[pos.line] + pos.character  # ASCII specs: UTF-16 units are characters

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


@pytest.mark.asyncio
async def test_konnect_put001_on_snis_then_the_quick_fix_clears_it(client: LanguageClient,
                                                                   workspace: Path):
    path = workspace / KONNECT
    uri = open_file(client, path)
    found = await diagnostics_until(client, uri, lambda ds: "PUT001" in codes(ds))
    put001 = next(d for d in found if d.code == "PUT001")
    assert put001.range.start.line == line_of(path, "snis:  ")
    assert put001.severity == t.DiagnosticSeverity.Error
    assert put001.code_description is not None and "PUT001" in put001.code_description.href
    assert "example body:" in put001.message
    assert put001.related_information and any(
        "operation" in r.message for r in put001.related_information)

    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri), range=put001.range,
        context=t.CodeActionContext(diagnostics=[put001])))
    quick = [a for a in actions if isinstance(a, t.CodeAction)
             and a.kind == t.CodeActionKind.QuickFix]
    assert quick, actions
    fix = quick[0]
    assert "PUT001" in fix.title and "unsafe: also changes GET" in fix.title  # shared schema
    new_text = apply_edits(path.read_text(), fix.edit.changes[uri])
    assert "required: [cert, key, snis]" in new_text
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [t.TextDocumentContentChangeWholeDocument(text=new_text)]))
    after = await diagnostics_until(client, uri, lambda ds: "PUT001" not in codes(ds))
    assert "PUT002" in codes(after)  # only the fixed finding went


@pytest.mark.asyncio
async def test_kong_two_files_finding_shows_on_the_schema_file(client: LanguageClient,
                                                              workspace: Path):
    schema = workspace / "kong-gateway" / "schemas" / "certificate.yaml"
    uri = open_file(client, schema)
    found = await diagnostics_until(client, uri, lambda ds: "PUT001" in codes(ds))
    assert {d.range.start.line for d in found if d.code == "PUT001"} == \
        {line_of(schema, "snis:")}
    related = [r for d in found for r in d.related_information or []]
    assert any("openapi.yaml" in r.location.uri and "$ref" in r.message for r in related)


@pytest.mark.asyncio
async def test_a_change_in_a_referenced_file_updates_the_roots_diagnostics(
        client: LanguageClient, workspace: Path):
    root = workspace / "kong-gateway" / "openapi.yaml"
    schema = workspace / "kong-gateway" / "schemas" / "certificate.yaml"
    root_uri = open_file(client, root)
    await diagnostics_until(client, root_uri, lambda ds: "PUT005" in codes(ds))
    uri = open_file(client, schema)
    await diagnostics_until(client, uri, lambda ds: "PUT001" in codes(ds))
    # `snis` no longer critical: the root's PUT005 (critical fields, no 400) goes away too
    text = schema.read_text().replace("x-critical: true", "x-critical: false")
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [t.TextDocumentContentChangeWholeDocument(text=text)]))
    await diagnostics_until(client, root_uri, lambda ds: "PUT005" not in codes(ds))
    await diagnostics_until(client, uri, lambda ds: "PUT001" not in codes(ds))


@pytest.mark.asyncio
async def test_fix_all_and_hover(client: LanguageClient, workspace: Path):
    root = workspace / "kong-gateway" / "openapi.yaml"
    uri = open_file(client, root)
    await diagnostics_until(client, uri, lambda ds: "PUT005" in codes(ds))
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri),
        range=t.Range(t.Position(0, 0), t.Position(0, 0)),
        context=t.CodeActionContext(diagnostics=[])))
    fix_all = [a for a in actions if "fix all putlint findings" in a.title]
    assert fix_all
    new_text = apply_edits(root.read_text(), fix_all[0].edit.changes[uri])
    assert "'400': {description:" in new_text

    schema = workspace / "kong-gateway" / "schemas" / "certificate.yaml"
    schema_uri = open_file(client, schema)
    await diagnostics_until(client, schema_uri, lambda ds: "PUT001" in codes(ds))
    hover = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(schema_uri), t.Position(line_of(schema, "x-critical"), 8)))
    assert hover is not None and "on-omit: reject" in hover.contents.value
    assert "PUT /certificates/{certificate_id}" in hover.contents.value
    hover = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(schema_uri), t.Position(line_of(schema, "snis:"), 6)))
    assert hover is not None and "PUT001 critical-field-omittable" in hover.contents.value


@pytest.mark.asyncio
async def test_configuration_is_found_as_the_cli_finds_it_and_reloaded(
        client: LanguageClient, workspace: Path):
    schema = workspace / "kong-gateway" / "schemas" / "certificate.yaml"
    uri = open_file(client, schema)
    found = await diagnostics_until(client, uri, lambda ds: "PUT003" in codes(ds))
    assert {d.severity for d in found if d.code == "PUT003"} == {t.DiagnosticSeverity.Warning}
    config = workspace / "putlint.yaml"
    config.write_text("ignore: [PUT003]\nseverity: {PUT001: warning}\n")
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        [t.FileEvent(config.as_uri(), t.FileChangeType.Created)]))
    found = await diagnostics_until(client, uri, lambda ds: "PUT003" not in codes(ds))
    assert "PUT001" in codes(found)  # the old results stay until the new ones replace them
    assert {d.severity for d in found if d.code == "PUT001"} == {t.DiagnosticSeverity.Warning}


@pytest.mark.asyncio
async def test_a_broken_buffer_is_one_error_diagnostic_not_a_crash(client: LanguageClient,
                                                                   workspace: Path):
    path = workspace / KONNECT
    uri = open_file(client, path)
    await diagnostics_until(client, uri, lambda ds: "PUT001" in codes(ds))
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [t.TextDocumentContentChangeWholeDocument(text="openapi: 3.1.0\npaths: {a: [\n")]))
    found = await diagnostics_until(client, uri, lambda ds: ds and "PUT001" not in codes(ds))
    assert [d.severity for d in found] == [t.DiagnosticSeverity.Error]
    assert "invalid YAML" in found[0].message
    # and it recovers when the text is a spec again
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(uri=uri, version=3),
        [t.TextDocumentContentChangeWholeDocument(text=path.read_text())]))
    await diagnostics_until(client, uri, lambda ds: "PUT001" in codes(ds))
