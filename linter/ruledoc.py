"""A rule's documentation as people read it: `putlint explain`, the rule pages of the docs and
the help of SARIF rules all come from here.

A rule's *Example* and *Use instead* specs are test cases too (tests/test_markers.py runs them),
so they carry markers written for the test runner. A reader is shown what they mean instead:

    snis:   # expect: PUT001, PUT003        ->  snis:   # PUT001, PUT003 reported here
    # expect-run: PUT007                    ->  (line dropped; the run is described above)
    # putlint: --critical X --select Y      ->  "Run with: `putlint check --critical X ...`"
    # reference-server: purge               ->  "Probed against a server that purges ..."
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.rule import Rule

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*$")
_EXPECT_RUN = re.compile(r"^\s*#\s*expect-run:\s*([A-Z0-9, ]+?)\s*$")
_ARGS = re.compile(r"^\s*#\s*putlint:\s*(.+?)\s*$")
_SERVER = re.compile(r"^\s*#\s*reference-server:\s*(\w+(?:[ \t]+\w+=\w+)*)\s*$")
_DIFF_SEPARATOR = "# --- head:"

# What the reference server does with an omission in each mode (linter/refserver.py).
_SERVER_MODES = {
    "reject": "answers 400",
    "preserve": "keeps the stored value",
    "purge": "deletes the stored value",
}


@dataclass(frozen=True)
class ShownSpec:
    """An example spec as a reader sees it: how it is run, and the spec without markers."""

    how: str  # one sentence, or "" for a plain `putlint check SPEC`
    text: str
    run_findings: tuple[str, ...] = ()  # rules reported for the run, tied to no line


def shown(spec: str, command: str) -> ShownSpec:
    """``spec`` (a rule's example or fixed spec) without test markers, and how it is run."""
    arguments: list[str] = []
    server = ""
    run_findings: list[str] = []
    lines = []
    for line in spec.rstrip().splitlines():
        if m := _ARGS.match(line):
            arguments.append(m.group(1))
            continue
        if m := _SERVER.match(line):
            server = m.group(1)
            continue
        if m := _EXPECT_RUN.match(line):
            run_findings.extend(r.strip() for r in m.group(1).split(",") if r.strip())
            continue
        if m := _EXPECT.search(line):
            line = f"{line[:m.start()]}# {m.group(1).strip()} reported here"
        lines.append(line)
    return ShownSpec(_how(command, arguments, server), "\n".join(lines), tuple(run_findings))


def _how(command: str, arguments: list[str], server: str) -> str:
    if server:
        mode, *settings = server.split()
        options = dict(setting.split("=", 1) for setting in settings)
        then = options.pop("then", None)
        also = f", with its {', '.join(f'`{k}={v}`' for k, v in options.items())} setting" \
            f"{'s' if len(options) > 1 else ''}" if options else ""
        text = (f"Probed (`putlint probe SPEC --base-url URL --allow-writes`) against the "
                f"reference server in `{mode}` mode, which "
                f"{_SERVER_MODES.get(mode, 'behaves so')} when a critical field is left out "
                f"(`python -m linter.refserver --mode {mode}`){also}.")
        if then:
            text += (f" The run is recorded (`--record`), the server switched to `{then}` "
                     f"mode, and probed again against the record (`--expect`).")
        return text
    if command == "diff":
        return ("Compared with `putlint diff BASE HEAD`: the spec above the `# --- head:` line "
                "is the base, the one below it the head.")
    if arguments:
        return f"Run with: `putlint {command} SPEC {' '.join(arguments)}`."
    return ""


def explain(rule: Rule) -> str:
    """`putlint explain RULE`: the rule's documentation as Markdown."""
    parts = [f"{rule.id} {rule.name} ({rule.severity}"
             f"{'' if rule.default_enabled else ', off unless selected'})", rule.summary,
             f"## What it does\n{rule.what_it_does}", f"## Why is this bad?\n{rule.why_bad}"]
    parts += [_spec_section("Example", rule.example, rule),
              _spec_section("Use instead", rule.use_instead, rule)]
    if rule.fix:
        parts.append(f"## Fix\n{rule.fix}")
    return "\n\n".join(parts) + "\n"


def _spec_section(title: str, spec: str, rule: Rule) -> str:
    example = shown(spec, rule.command)
    lines = [f"## {title}"]
    if example.how:
        lines.append(example.how)
    if example.run_findings:
        lines.append(f"{', '.join(example.run_findings)} is reported for the run, on no line "
                     "of the spec.")
    lines.append(f"```yaml\n{example.text}\n```")
    return "\n".join(lines)
