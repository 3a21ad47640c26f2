"""Makes the pictures of the documentation (docs/images/*.png) from real runs of putlint.

    python docs/pictures.py       # needs headless Chromium and an emoji font (Debian:
                                  # apt-get install chromium fonts-noto-color-emoji)
    CHROMIUM=/path/to/chrome python docs/pictures.py

Pictures are never drawn by hand: each is a page rendered from putlint's own output and
photographed by headless Chromium, so running this again after a change to a reporter shows the
change. Made here:

* terminal-check.png: `putlint check` on three bundled specs as a colour terminal shows it
  (run under a pseudo-terminal, so putlint colours it as it would for a person; the ANSI
  colours are turned into HTML, carriage returns overwrite as a terminal's do);
* markdown-report.png: the Markdown report of `putlint diff` on the Konnect release of
  2025-11-06, rendered as a pull-request comment (GitHub-flavoured Markdown, GitHub's look).
"""

from __future__ import annotations

import html
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
PUTLINT = [sys.executable, "-m", "linter.cli"]
WIDTH = 1200

# Chromium without anything that reaches the network or leaves state behind.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--force-device-scale-factor=1")

# -- the terminal -------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[([0-9;]*)m")
SGR_STYLES = {"1": "font-weight:bold", "2": "opacity:0.7", "31": "color:#ff6b6b",
              "32": "color:#69db7c", "33": "color:#ffd43b", "34": "color:#74c0fc",
              "35": "color:#e599f7", "36": "color:#66d9e8", "91": "color:#ff8787",
              "93": "color:#ffe066"}


def in_terminal(args: list[str]) -> str:
    """What ``putlint ARGS`` writes to a terminal: run under a pseudo-terminal, as a person
    would run it, so the colours are the ones putlint chooses for people."""
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["COLUMNS"] = "200"
    proc = subprocess.Popen([*PUTLINT, *args], cwd=ROOT, stdin=secondary, stdout=secondary,
                            stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(primary)
    return as_shown(b"".join(chunks).decode("utf-8"))


def as_shown(output: str) -> str:
    """What stays on the screen: a carriage return goes back to the start of the line, which
    the text after it overwrites (a progress bar), and ESC[K erases what is left of it."""
    lines = []
    for line in output.replace("\r\n", "\n").split("\n"):
        *_, last = line.split("\r")
        lines.append(last.replace("\x1b[K", ""))
    return "\n".join(lines)


def ansi_to_html(text: str) -> str:
    """Text with ANSI SGR colours as HTML spans (the codes putlint's text reporter uses)."""
    out, open_spans = [], 0
    position = 0
    for match in ANSI.finditer(text):
        out.append(html.escape(text[position:match.start()]))
        position = match.end()
        codes = [c for c in match.group(1).split(";") if c] or ["0"]
        if codes == ["0"]:
            out.append("</span>" * open_spans)
            open_spans = 0
            continue
        styles = ";".join(SGR_STYLES[c] for c in codes if c in SGR_STYLES)
        out.append(f'<span style="{styles}">')
        open_spans += 1
    out.append(html.escape(text[position:]))
    out.append("</span>" * open_spans)
    return "".join(out)


def terminal_page(command: str, output: str) -> str:
    return f"""<!doctype html><meta charset="utf-8">
<style>
body {{ margin: 0; background: #1e1e2e; }}
.window {{ margin: 16px; border-radius: 8px; background: #11111b; overflow: hidden; }}
.bar {{ height: 28px; background: #313244; padding-left: 12px; display: flex; gap: 8px;
        align-items: center; }}
.bar i {{ width: 12px; height: 12px; border-radius: 50%; display: inline-block; }}
pre {{ margin: 0; padding: 14px 16px; color: #cdd6f4; white-space: pre-wrap;
       overflow-wrap: anywhere; font: 13px/1.45 "DejaVu Sans Mono", monospace; }}
.prompt {{ color: #a6e3a1; }}
</style>
<div class="window"><div class="bar"><i style="background:#f38ba8"></i>
<i style="background:#f9e2af"></i><i style="background:#a6e3a1"></i></div>
<pre><span class="prompt">$</span> {html.escape(command)}
{ansi_to_html(output)}</pre></div>
"""


# -- the Markdown report ----------------------------------------------------------------------

def markdown_page(markdown_text: str) -> str:
    """A Markdown report as a pull-request comment shows it."""
    import markdown  # installed with the docs extra (MkDocs depends on it)

    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"])
    return f"""<!doctype html><meta charset="utf-8">
<style>
body {{ margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI",
        "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f2328; }}
.comment {{ margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; background: #fff; }}
.header {{ background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
           color: #59636e; border-radius: 6px 6px 0 0; }}
.header b {{ color: #1f2328; }}
.body {{ padding: 8px 16px 16px; }}
h1 {{ font-size: 1.6em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }}
h2 {{ font-size: 1.3em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }}
h3 {{ font-size: 1.1em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #d1d9e0; padding: 6px 13px; }}
tr:nth-child(2n) {{ background: #f6f8fa; }}
code {{ background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%;
        font-family: "DejaVu Sans Mono", monospace; }}
pre {{ background: #f6f8fa; border-radius: 6px; padding: 12px 16px; }}
pre code {{ background: none; padding: 0; }}
</style>
<div class="comment"><div class="header"><b>putlint</b> commented</div>
<div class="body">{body}</div></div>
"""


# -- photographs ----------------------------------------------------------------------------------

def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        raise SystemExit("docs/pictures.py needs headless Chromium: apt-get install chromium, "
                         "or set CHROMIUM=/path/to/chrome")
    return found


def photograph(page: str, target: Path, height: int) -> None:
    """Render ``page`` (HTML) in headless Chromium and save a PNG of WIDTH x height."""
    with tempfile.TemporaryDirectory(prefix="putlint-pictures-") as work:
        source = Path(work) / "page.html"
        source.write_text(page, encoding="utf-8")
        profile = Path(work) / "profile"  # a new, empty profile every time
        profile.mkdir()
        shot = Path(work) / "shot.png"
        subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--window-size={WIDTH},{height}", f"--screenshot={shot}",
                        source.as_uri()], check=True, capture_output=True, timeout=120)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    command = ["check", "specs/kong-gateway/", "specs/konnect-certificates-2025-11-06.yaml",
               "specs/kustomer-certificates.yaml"]
    output = in_terminal(command)
    lines = sum(1 + len(line) // 140 for line in output.splitlines()) + 1
    photograph(terminal_page("putlint " + " ".join(command), output),
               IMAGES / "terminal-check.png", 80 + lines * 19)

    report = subprocess.run(
        [*PUTLINT, "diff", "specs/konnect-certificates-2025-11-05.yaml",
         "specs/konnect-certificates-2025-11-06.yaml", "-f", "markdown"],
        cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    photograph(markdown_page(report), IMAGES / "markdown-report.png", 1110)


if __name__ == "__main__":
    main()
