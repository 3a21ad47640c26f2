"""`suggest --write-config`: add suggestions to a putlint.yaml without losing anything in it.

The file is edited as text, never re-dumped, so every key, comment and entry already there
stays as the user wrote it; new `critical:` entries are appended with their evidence as
comments. Nothing a spec says may become config syntax: names are written as double-quoted
ASCII YAML scalars by the YAML emitter, evidence only inside comments with every line break and
control character escaped, and the result is parsed back and compared with what was meant
before it is written (atomically) or printed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from linter.config import DECLINED, Options, Where, options_from
from linter.errors import Place, PutlintError
from linter.suggest import MergeProposal, Suggestion
from linter.vocab import CONTRACT_CHOICES

HEADER = ("# Critical fields suggested by `putlint suggest`: review each entry, keep it or",
          f"# move it under `{DECLINED}:` (never suggested again), then commit this file",
          "# (putlint.yaml) or pass it with --config.")
ENTRY_INDENT = 2


def comment_text(text: str) -> str:
    """Text safe inside one YAML comment line: line breaks (YAML counts NEL, LS and PS too),
    controls, format characters, surrogates and unassigned code points escaped."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t" or (ch.isprintable() and unicodedata.category(ch) not in (
                "Zl", "Zp", "Cf", "Cs", "Co", "Cn")):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
    return "".join(out)


# The contract keys a suggestion may write, with their values (vocab's, nothing else).
_CONTRACT_WORDS = {key.name: key.values for key in CONTRACT_CHOICES}


def yaml_string(text: str) -> str:
    """A double-quoted, one-line, ASCII YAML scalar that reads back as exactly `text`."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=False, width=1 << 30,
                            explicit_end=False)
    line = dumped.rstrip("\n")
    line = line.removesuffix("\n...")  # the document end PyYAML adds after a lone scalar
    if "\n" in line or yaml.safe_load(line) != text:
        raise PutlintError(f"cannot write the name {comment_text(text)[:80]!s} as YAML")
    return line


def entry_lines(s: Suggestion, names: list[str], indent: int) -> list[str]:
    """The evidence comments and the `- "name"` lines of one suggestion."""
    pad = " " * indent
    ops = s.operations
    where = f"{ops[0].method.upper()} {ops[0].path}"
    if len(ops) > 1:
        where += f" (and {len(ops) - 1} more operation{'s' if len(ops) > 2 else ''})"
    lines = [f"{pad}# {s.confidence:.2f} {comment_text(s.field)}: {comment_text(where)}"]
    lines += [f"{pad}#   - {comment_text(e.text)}" for e in s.evidence]
    if _contract(s):
        lines.append(f"{pad}#   - its description states " + ", ".join(
            f"{k}: {v}" for k, v in _contract(s).items()))
    lines += [f"{pad}- {entry_text(s, name)}" for name in names]
    return lines


def entry_value(s: Suggestion, name: str) -> str | dict[str, str]:
    """What the entry reads back as: the name, or the name with the contract its description
    states (keys and values from vocab's fixed vocabulary, never text from the spec)."""
    contract = _contract(s)
    return {"name": name, **contract} if contract else name


def entry_text(s: Suggestion, name: str) -> str:
    contract = _contract(s)
    if not contract:
        return yaml_string(name)
    keys = ", ".join(f"{k}: {v}" for k, v in contract.items())
    return f"{{name: {yaml_string(name)}, {keys}}}"


def _contract(s: Suggestion) -> dict[str, str]:
    return {k: v for k, v in s.contract.items()
            if k in _CONTRACT_WORDS and v in (_CONTRACT_WORDS[k] or ())}


def _existing_names(entries: Any) -> set[str]:
    names: set[str] = set()
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, str):
            names.add(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            names.add(entry["name"])
    return names


def _plan(suggestions: Iterable[Suggestion], have: set[str]) -> list[tuple[Suggestion, list]]:
    plan: list[tuple[Suggestion, list[str]]] = []
    for s in suggestions:
        names = [n for n in s.names if n not in have]
        have.update(names)
        if names:
            plan.append((s, names))
    return plan


def read_target(target: Path) -> str | None:
    """The text of the config --write-config adds to (None: there is none yet). It comes with
    the pull request, so it is read like any input: a regular file of at most 64 MiB
    (source.read_regular), never through a symlink named in the project that leads out of it
    (its text would be copied into the project), and it must parse under putlint's guarded
    reader (an alias bomb is refused here, not expanded later)."""
    from linter.refs import display_name, linked_out, project_top
    from linter.source import read_regular

    display = display_name(target)
    if not target.exists() and not target.is_symlink():
        return None
    project = project_top()
    if linked_out(target, project):
        raise PutlintError(f"a symlink that leads out of the project ({project}); not read",
                           Place(display))
    try:
        text = read_regular(target, display).decode("utf-8")
    except UnicodeDecodeError:
        raise PutlintError("cannot add to it: not UTF-8 text", Place(display)) from None
    parsed(text, display)
    return text


def parsed(text: str, where: str) -> Any:
    """The data of a config text by putlint's guarded reader (YAML 1.2, aliases counted: the
    one parse every comparison here trusts), None for a blank or comments-only text; its
    refusal is a PutlintError."""
    from linter.reading import parse_text

    body = text.removeprefix("\ufeff")
    if not body.strip():
        return None
    try:
        return parse_text(Path(where), where, body).data
    except PutlintError as exc:
        raise PutlintError(f"cannot add to it: {exc.message}", exc.place or Place(where)
                           ) from None


def _compose(text: str, where: str) -> yaml.Node | None:
    """The node tree, for its marks only (composing never expands an alias)."""
    try:
        return yaml.compose(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise PutlintError(f"cannot add to it: not valid YAML ({comment_text(str(exc))[:200]})",
                           Place(where)) from None


def _refuse_flow(root: yaml.Node | None, where: str) -> None:
    """A config written as one flow mapping (`{fail-on: error}`, or JSON) takes no block
    entries after it; rewriting it would lose its form. The user adds them by hand."""
    if isinstance(root, yaml.MappingNode) and root.flow_style:
        raise PutlintError("flow-style config: add the entries by hand", Place(where))


def with_declines_of(target: Path, text: str | None, options: Options) -> Options:
    """The run's options plus the fields the file --write-config adds to declines, so that a
    decline written there holds even when the run read another config (or none), under any
    spelling of its name (`Schema.field` or a pointer). ``text`` is the file's, from
    read_target (already refused if putlint's reader refuses it)."""
    from linter.reading import parse_text
    from linter.refs import display_name

    if text is None or not text.removeprefix("\ufeff").strip():
        return options
    display = display_name(target)
    doc = parse_text(target, display, text.removeprefix("\ufeff"))
    data = doc.data if isinstance(doc.data, dict) else {}
    if data.get(DECLINED) is None:
        return options
    declined = options_from({DECLINED: data[DECLINED]}, Where(display, doc.place)).not_critical
    known = {(d.name, str(d.origin)) for d in options.not_critical}  # the run read this file
    return replace(options, not_critical=[*options.not_critical, *(
        d for d in declined if (d.name, str(d.origin)) not in known)])


def merge(existing: str | None, suggestions: Iterable[Suggestion], where: str = "<config>"
          ) -> tuple[str, list[str]]:
    """The config text with the suggestions not yet listed appended to `critical:`, and the
    names added. `existing` None or blank makes a new file."""
    base = existing or ""
    if base.startswith("\ufeff"):
        base = base[1:]
    data = parsed(base, where)
    root = _compose(base, where)
    if data is not None and not isinstance(data, dict):
        raise PutlintError("cannot add to it: the config is not a mapping", Place(where))
    data = data or {}
    current = data.get("critical")
    if current is not None and not isinstance(current, list):
        raise PutlintError("cannot add to it: 'critical' is not a list", Place(where))
    # a name listed as declined stays declined: the reviewer's "no" outlives every rerun
    plan = _plan(suggestions, _existing_names(current) | _existing_names(data.get(DECLINED)))
    added = [n for _, names in plan for n in names]
    values = [entry_value(s, n) for s, names in plan for n in names]
    if not plan:
        return existing or _fresh([]), []
    _refuse_flow(root, where)
    text = _edit(base, root, plan)
    expected = dict(data)
    expected["critical"] = [*(current or []), *values]
    if _read_back(text, where) != expected:  # never write what would not read back as meant
        raise PutlintError("cannot add to it safely: the result would not read back as the "
                           "entries meant; edit it by hand", Place(where))
    return text, added


def _read_back(text: str, where: str) -> Any:
    """The edited text's data, or a refusal: an edit that does not parse is not written."""
    try:
        return parsed(text, where)
    except PutlintError:
        raise PutlintError("cannot add to it safely: the result would not parse; edit it by "
                           "hand", Place(where)) from None


def _fresh(plan: list[tuple[Suggestion, list[str]]]) -> str:
    lines = [*HEADER, "critical:" if plan else "critical: []"]
    for s, names in plan:
        lines += entry_lines(s, names, ENTRY_INDENT)
    return "\n".join(lines) + "\n"


def _edit(base: str, root: yaml.Node | None, plan: list[tuple[Suggestion, list[str]]]) -> str:
    if root is None:  # empty, or comments only: keep them above a new list
        return (base.rstrip("\n") + "\n" if base.strip() else "") + _fresh(plan)
    key, value = _critical(root)
    if key is None:
        lines = ["critical:"]
        for s, names in plan:
            lines += entry_lines(s, names, ENTRY_INDENT)
        return _with_newline(base) + "\n".join(lines) + "\n"
    if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
        indent = value.start_mark.column
        at = _line_end(base, _last_index(value))
        lines = [line for s, names in plan for line in entry_lines(s, names, indent)]
        return base[:at] + "\n".join(lines) + "\n" + base[at:]
    if isinstance(value, yaml.SequenceNode) and value.value:  # a flow list: `[a, b]`
        # new names go before its `]`, their evidence on comment lines above `critical:`
        close = value.end_mark.index - 1
        added = "".join(f", {entry_text(s, n)}" for s, names in plan for n in names)
        line_start = base.rfind("\n", 0, key.start_mark.index) + 1
        notes = [line for s, names in plan for line in
                 entry_lines(s, names, key.start_mark.column) if line.lstrip().startswith("#")]
        text = base[:close] + added + base[close:]
        return text[:line_start] + "\n".join(notes) + "\n" + text[line_start:]
    # `critical: []`, `critical:` or `critical: null`: the list starts on the next line
    start, end = value.start_mark.index, value.end_mark.index
    lines = [line for s, names in plan
             for line in entry_lines(s, names, key.start_mark.column + ENTRY_INDENT)]
    rest = base[end:]
    head = base[:start].rstrip(" ")
    newline = rest.find("\n")
    tail_comment = rest[:newline] if newline >= 0 else rest
    rest = rest[len(tail_comment):]
    return head + tail_comment + "\n" + "\n".join(lines) + ("" if rest.startswith("\n")
                                                             else "\n") + rest


def _critical(root: yaml.Node) -> tuple[yaml.Node | None, yaml.Node | None]:
    if not isinstance(root, yaml.MappingNode):
        return None, None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "critical":
            return key, value
    return None, None


def _last_index(node: yaml.Node) -> int:
    """Where the text of a node's last scalar or flow collection ends."""
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    at = text.find("\n", index)
    return len(text) if at < 0 else at + 1


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


SEMANTICS = "put-semantics"


def add_merges(text: str, merges: Iterable[MergeProposal], where: str = "<config>"
               ) -> tuple[str, list[str]]:
    """The config text with `put-semantics: {"METHOD /path": merge}` added for each stated
    proposal not yet under `put-semantics:` (an operation already given either value keeps it), its
    evidence as a comment, and the operation keys added. The key is appended as a new block,
    or after the last entry of a block mapping already there; any other form is left for a
    hand edit."""
    data = parsed(text, where)
    data = data if isinstance(data, dict) else {}
    current = data.get(SEMANTICS)
    if current is not None and not isinstance(current, dict):
        raise PutlintError(f"cannot add to it: '{SEMANTICS}' is not a mapping", Place(where))
    have = set(current or {})
    plan: list[MergeProposal] = []
    for m in merges:
        if m.stated and m.key not in have:  # an inferred merge is for review, not config
            have.add(m.key)
            plan.append(m)
    if not plan:
        return text, []
    root = _compose(text, where)
    _refuse_flow(root, where)
    value = next((v for k, v in (root.value if isinstance(root, yaml.MappingNode) else ())
                  if isinstance(k, yaml.ScalarNode) and k.value == SEMANTICS), None)
    if value is None:
        body = "\n".join(_merge_lines(plan, ENTRY_INDENT))
        out = _with_newline(text) + f"{SEMANTICS}:\n" + body + "\n"
    elif isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
        at = _line_end(text, _last_index(value))
        body = "\n".join(_merge_lines(plan, value.start_mark.column))
        out = text[:at] + _with_newline(body) + text[at:]
    else:
        raise PutlintError(f"cannot add to '{SEMANTICS}' in this form; add "
                           f"{', '.join(m.key for m in plan)}: merge by hand", Place(where))
    expected = dict(data)
    expected[SEMANTICS] = {**(current or {}), **{m.key: "merge" for m in plan}}
    if _read_back(out, where) != expected:
        raise PutlintError("cannot add to it safely: the result would not read back as the "
                           "entries meant; edit it by hand", Place(where))
    return out, [m.key for m in plan]


def _merge_lines(plan: list[MergeProposal], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for m in plan:
        lines.append(f"{pad}# {comment_text(m.evidence)}")
        lines.append(f"{pad}{yaml_string(m.key)}: merge")
    return lines
