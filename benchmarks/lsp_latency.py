"""`putlint lsp` latency: from a change in the editor to the diagnostics it brings.

A real LSP client (pygls) starts `putlint lsp` over stdio, opens a spec and then edits it the
way an editor does (an incremental change: a line break inserted at the top, then removed, so
that every finding moves and new diagnostics must be sent). Each figure is the time from
sending `didChange` to receiving the `publishDiagnostics` for that file, debounce included.

Specs: a 2 KB spec (the bundled Konnect certificate upsert) and GitHub's REST description
(`../shared/corpus/github-2026/`, 13 MB of JSON) with `x-critical` planted on every property of
every PUT body, as benchmarks/bench.py does. Targets (issue 19): <= 150 ms and <= 1.5 s on a
2-core machine. Figures are printed, never asserted.

    .venv/bin/python benchmarks/lsp_latency.py            # 2 KB and GitHub, 9 changes each
    .venv/bin/python benchmarks/lsp_latency.py --quick    # 2 KB only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))


async def latencies(spec: Path, changes: int, timeout: float) -> tuple[float, list[float], int]:
    """(seconds to the first diagnostics after opening, seconds per change, diagnostics)."""
    client = LanguageClient("putlint-bench", "1")
    published: asyncio.Queue = asyncio.Queue()
    uri = spec.resolve().as_uri()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: t.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            published.put_nowait((time.perf_counter(), len(params.diagnostics)))

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def _register(params: t.RegistrationParams) -> None:
        return None

    command = os.environ.get("PUTLINT_LSP_COMMAND")  # e.g. to profile the server
    await client.start_io(*(command.split() if command else
                            [sys.executable, "-m", "linter.cli", "lsp"]))
    folder = spec.parent.resolve().as_uri()
    await client.initialize_async(t.InitializeParams(
        capabilities=t.ClientCapabilities(), root_uri=folder,
        workspace_folders=[t.WorkspaceFolder(folder, "bench")]))
    client.initialized(t.InitializedParams())
    text = spec.read_text(encoding="utf-8")
    start = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        t.TextDocumentItem(uri, "yaml" if spec.suffix == ".yaml" else "json", 1, text)))
    when, count = await asyncio.wait_for(published.get(), timeout)
    first = when - start
    figures = []
    for i in range(changes):
        inserting = i % 2 == 0
        change = t.TextDocumentContentChangePartial(
            range=t.Range(t.Position(0, 0), t.Position(0 if inserting else 1, 0)),
            text="\n" if inserting else "")
        while not published.empty():
            published.get_nowait()
        sent = time.perf_counter()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version=i + 2, uri=uri), [change]))
        when, count = await asyncio.wait_for(published.get(), timeout)
        figures.append(when - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, figures, count


def github_spec(work: Path) -> Path:
    from bench import plant

    from linter.reading import parse

    source = CORPUS / "github-2026" / "api.github.com.json"
    spec = plant(parse(source, source.name).data)
    path = work / "github" / "api.github.com.json"
    path.parent.mkdir()
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 2 KB spec only")
    parser.add_argument("--changes", type=int, default=9, help="changes per spec")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="putlint-lsp-bench-"))
    small = work / "small" / "konnect.yaml"
    small.parent.mkdir()
    small.write_text((ROOT / "specs" / "konnect-certificates-2025-11-06.yaml").read_text())
    cases = [("2 KB spec", small, 0.150)]
    if not args.quick and (CORPUS / "github-2026").is_dir():
        cases.append(("GitHub REST description", github_spec(work), 1.5))
    print("| spec | size | diagnostics | open -> first diagnostics | change -> diagnostics "
          "(median, max) | target | met |")
    print("|---|---|---|---|---|---|---|")
    for name, spec, target in cases:
        first, figures, count = asyncio.run(latencies(spec, args.changes, timeout=120))
        median = statistics.median(figures)
        size = spec.stat().st_size
        shown = f"{size / 1024:.1f} KB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MB"
        print(f"| {name} | {shown} | {count} | {first * 1000:.0f} ms | "
              f"{median * 1000:.0f} ms, {max(figures) * 1000:.0f} ms | "
              f"<= {target * 1000:.0f} ms | {'yes' if median <= target else 'no'} |")


if __name__ == "__main__":
    main()
