"""The `putlint` command line."""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

from linter.config import Options, find_config, load_config
from linter.errors import Place, PutlintError
from linter.reporters import format_names
from linter.vocab import SEVERITIES

app = typer.Typer(
    name="putlint",
    help="Stop destructive PUT/upsert contracts before they merge.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# typer reads Optional[...] at run time; the `X | None` spelling needs Python 3.10 typer support
# that older typer releases lack, so the options below keep Optional (ruff: UP045 waived).
def _fail_on_choice(value: str | None) -> str | None:
    if value is not None and value not in SEVERITIES:
        _usage(f"--fail-on must be one of {', '.join(SEVERITIES)}")
    return value


FailOn = typer.Option("--fail-on", callback=_fail_on_choice,
                      help="Exit 1 for findings at or above this severity.")
Critical = typer.Option("--critical", help="Mark a field critical: Schema.path, #/json/pointer "
                        "or file.yaml#/json/pointer.")
ConfigFile = typer.Option("--config",
                          help="Config file (default: putlint.yaml or pyproject.toml, upward).")
Formats = typer.Option("--format", "-f",
                       help=f"Report format: {', '.join(format_names())} (repeatable).")
Outputs = typer.Option("--output", "-o", help="Write the report of the --format in the same "
                       "position to this file (repeatable); the terminal still gets the text "
                       "summary.")
RefRoot = typer.Option("--root", help="The folder $refs may reach (default: the top of the git "
                       "work tree holding the spec, else the spec's folder).")
ProfileOpt = typer.Option("--profile", help="A preset of API conventions: azure-arm, kubernetes.")
Select = typer.Option("--select", help="Run only these rules (ids, id prefixes or names).")
Ignore = typer.Option("--ignore", help="Do not run these rules.")
PROGRESS_AFTER = 8  # files; a progress bar for fewer would only flicker


def _version(value: bool) -> None:
    if value:
        from linter import __version__

        typer.echo(f"putlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Stop destructive PUT/upsert contracts before they merge."""


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Spec files or folders to search.")],
    formats: Annotated[Optional[list[str]], Formats] = None,  # noqa: UP045
    outputs: Annotated[Optional[list[Path]], Outputs] = None,  # noqa: UP045
    critical: Annotated[Optional[list[str]], Critical] = None,  # noqa: UP045
    config: Annotated[Optional[Path], ConfigFile] = None,  # noqa: UP045
    select: Annotated[Optional[list[str]], Select] = None,  # noqa: UP045
    ignore: Annotated[Optional[list[str]], Ignore] = None,  # noqa: UP045
    fail_on: Annotated[Optional[str], FailOn] = None,  # noqa: UP045
    validate: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--validate/--no-validate",
        help="Also validate the whole spec with openapi-spec-validator.")] = None,
    show_examples: Annotated[bool, typer.Option(
        "--show-examples", help="Print the example body behind each finding.")] = False,
    baseline: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--baseline", help="Report only findings this baseline file does not accept.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--write-baseline", help="Record today's findings as the baseline, then exit 0.")] = None,
    jobs: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--jobs", "-j", min=1, help="Check specs in this many processes (at most one per "
        "CPU).")] = None,
    require_critical: Annotated[bool, typer.Option(
        "--require-critical", help="Exit 1 when the run checks no critical field at "
        "all.")] = False,
    root: Annotated[Optional[Path], RefRoot] = None,  # noqa: UP045
    profile: Annotated[Optional[str], ProfileOpt] = None,  # noqa: UP045
    fix: Annotated[bool, typer.Option(
        "--fix", help="Apply the safe fixes to the files, then report what is left.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option(
        "--unsafe-fixes", help="With --fix or --diff, also apply the fixes that change other "
        "operations (a schema shared with a GET response or a POST).")] = False,
    show_diff: Annotated[bool, typer.Option(
        "--diff", help="Print the fixes as a unified diff and write nothing; exit 1 when there "
        "is one.")] = False,
) -> None:
    """Report PUT/upsert operations that let a critical field be omitted, nulled or emptied."""
    from linter.discover import discover
    from linter.engine import run

    reports = _report_pairs(formats or [], outputs or [])
    options = _with_cli(
        _options(config), "check", critical=critical, select=select, ignore=ignore, fail_on=fail_on,
        validate=validate, reports=reports, baseline=str(baseline) if baseline else None,
        jobs=jobs, show_examples=show_examples or None,
        require_critical=require_critical or None, root=_root(root), profile=profile)
    # --write-baseline records every finding: the baseline it replaces is not read
    accepted = _baseline_entries(options.baseline) if write_baseline is None else None
    files, searched, errors = _discover(paths, discover)
    if fix or show_diff:
        _fix(files, options, unsafe_fixes, show_diff)
    progress = _progress_bar() if sys.stderr.isatty() and len(files) >= PROGRESS_AFTER else None
    report = run(files, options, searched, jobs=options.jobs, progress=progress)
    if progress:
        sys.stderr.write("\r\x1b[K")
    report.errors[:0] = errors
    report.warnings.extend(_unused_configs(files, options))
    if write_baseline is not None:
        from linter.baseline import write

        try:
            count = write(report, write_baseline, options.project_root)
        except PutlintError as exc:
            _input_error(exc)
        _say(f"putlint: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to "
             f"{write_baseline}")
        raise typer.Exit(2 if report.errors else 0)
    if accepted is not None:
        from linter.baseline import apply

        apply(report, accepted, options.project_root, options.baseline)
    _emit(report, options)
    raise typer.Exit(report.exit_code(options.fail_on, options.require_critical))


def _root(root: Path | None) -> str | None:
    """`--root`: a folder that exists (a typo would otherwise refuse every file $ref)."""
    if root is None:
        return None
    if not root.is_dir():
        _usage(f"--root {root}: no such folder")
    return str(root)


def _with_cli(options: Options, command: str | None = None, **given: object) -> Options:
    """The config's options with the command line's on top; a bad rule name is a usage error,
    and so is a selection that leaves ``command`` no rule of its own to run."""
    try:
        options = options.with_cli(**given)
    except PutlintError as exc:
        _usage(exc.message)
        raise  # unreachable: _usage exits
    if command is not None:
        from linter.runner import own_rules

        if not own_rules(options, command):
            _usage(f"no selected rule runs in `putlint {command}`, so it would check nothing; "
                   "`putlint rules` shows which command runs each rule")
    return options


def _discover(paths: list[Path], discover):  # type: ignore[no-untyped-def]
    """The specs under ``paths``; none at all is a usage error that says where it looked."""
    files, searched, errors = discover(paths)
    if not files and not errors:
        from linter.source import printable

        looked = ", ".join(str(p) for p in paths)
        _usage(printable(f"no OpenAPI or Swagger spec found in {looked} (a spec is a .yaml, "
                         ".yml or .json file with an 'openapi' or 'swagger' key)"))
    return files, searched, errors


def _fix(files: list[Path], options: Options, unsafe: bool, show_diff: bool) -> None:
    """Apply (or, for --diff, print) the fixes; --diff ends the command here."""
    from linter.fixes.run import fix_specs
    from linter.source import printable

    result = fix_specs(files, options, unsafe)
    for error in result.errors:
        typer.echo(printable(f"{error.place}: warning: {error.message}"), err=True)
    unsafe_left = {f.title for f in result.unsafe}
    for title in sorted(unsafe_left):
        typer.echo(printable(f"putlint: unsafe fix not applied (--unsafe-fixes): {title}"),
                   err=True)
    files_changed = len(result.texts)
    done = f"{len(result.applied)} fix{'es' if len(result.applied) != 1 else ''} in " \
           f"{files_changed} file{'s' if files_changed != 1 else ''}"
    if show_diff:
        text = result.diff()
        sys.stdout.write(text)
        typer.echo(f"putlint: --diff: {done} would be applied", err=True)
        raise typer.Exit(1 if text else 0)
    try:
        result.write()
    except PutlintError as exc:
        typer.echo(printable(f"{exc.place}: error: {exc.message}"), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"putlint: --fix: applied {done}; what is left:", err=True)


def _baseline_entries(path: str | None) -> list[dict] | None:
    """The --baseline's entries, read before the run: a baseline putlint cannot use ends the
    run at once with one line (a run filtered by half a baseline would mislead)."""
    if path is None:
        return None
    from linter.baseline import load

    try:
        return load(Path(path))
    except PutlintError as exc:
        _input_error(exc)


def _report_pairs(formats: list[str], outputs: list[Path]) -> list[tuple[str, str | None]]:
    """Pair each --format with the --output in the same position; the rest go to stdout."""
    for name in formats:
        if name not in format_names():
            _usage(f"--format must be one of {', '.join(format_names())}")
    if len(outputs) > len(formats):
        _usage("each --output needs a --format before it")
    pairs = [(name, str(outputs[i]) if i < len(outputs) else None)
             for i, name in enumerate(formats)]
    if sum(1 for _, out in pairs if out is None) > 1:
        _usage("only one --format can go to the terminal; give the others an --output")
    named = [os.path.abspath(out) for _, out in pairs if out is not None]
    if len(set(named)) < len(named):  # the second report would silently replace the first
        _usage("two --output options name the same file")
    return pairs


def _emit(report, options: Options,  # type: ignore[no-untyped-def]
          files_only: bool = False) -> bool:
    """Every report to its file (atomically) or the terminal. A report that cannot be written
    is one line on stderr; the others are still written, and the run then exits 2.
    ``files_only``: the terminal has had its say already (a run that could not start).
    True when people at the terminal read the input errors (the text report, or the summary
    printed when every report went to a file): not when JSON or SARIF went there."""
    from linter import __version__
    from linter.atomic import write_atomic
    from linter.reporters import RenderContext, get_renderer

    context = RenderContext(
        fail_on=options.fail_on, show_examples=options.show_examples,
        color=use_color(sys.stdout, os.environ), tool_version=__version__)
    to_terminal = readable = False
    failed: list[PutlintError] = []
    for name, output in options.reports:
        if files_only and output is None:
            continue
        try:
            text = get_renderer(name)(report, context)
        except MemoryError:  # a huge report under a memory limit: the other formats still go
            failed.append(PutlintError(f"the {name} report needs more memory than this process "
                                       "may use; nothing written",
                                       Place(str(output) if output else "<stdout>")))
            continue
        if output is None:
            _write_stdout(text, STDOUT_ESCAPES.get(name, "backslashreplace"))
            to_terminal, readable = True, readable or name == "text"
        else:
            try:
                write_atomic(output, text)
            except PutlintError as exc:
                failed.append(exc)
    if not to_terminal and not files_only and sys.stdout is not None:  # unless stdout is closed
        from linter.reporters.text import problem_lines, summary

        _write_stdout("".join(line + "\n" for line in
                              [*problem_lines(report.errors, "error"), summary(report)]))
        readable = True
    for exc in failed:
        _say(f"{exc.place or '<output>'}: error: {exc.message}", err=True)
    if failed:
        raise typer.Exit(2)
    return readable


# How a character the terminal's encoding cannot carry is written, so that each format stays
# itself: a JSON escape inside JSON's strings (the only place non-ASCII text can be), a
# character reference in XML, a backslash escape elsewhere.
STDOUT_ESCAPES = {"json": "putlint-json", "sarif": "putlint-json", "junit": "xmlcharrefreplace"}


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    units = error.object[error.start:error.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}"
                   for i in range(0, len(units), 2)), error.end


codecs.register_error("putlint-json", _json_escape)


def _write_stdout(text: str, errors: str = "backslashreplace") -> None:
    """Write to stdout whatever its encoding (a character it cannot carry is escaped as
    ``errors`` says). A reader that went away (`putlint ... | head`) ends the run with exit 2
    and no traceback; a stdout that cannot take the text (`> /dev/full`, closed) with one line
    on stderr and exit 2."""
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        _input_error(PutlintError("cannot write the report: standard output is closed"))
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        sys.stdout.write(text.encode(encoding, errors).decode(encoding))
        sys.stdout.flush()
    except OSError as exc:
        # the interpreter flushes stdout again at exit: point it at nothing first
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            raise typer.Exit(2) from None
        _input_error(PutlintError("cannot write the report to standard output: "
                                  f"{exc.strerror or exc}"))


def _say(line: str, err: bool = False) -> None:
    """One line of putlint's own, with any text quoted from input made printable."""
    from linter.source import printable

    typer.echo(printable(line), err=err)


def _input_error(exc: PutlintError) -> NoReturn:
    """An input or output error that ends the run: one escaped line on stderr, exit 2."""
    _say(f"{exc.place or 'putlint'}: error: {exc.message}", err=True)
    raise typer.Exit(2)


def use_color(stream, environ) -> bool:  # type: ignore[no-untyped-def]
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream is not None and bool(stream.isatty()) and "NO_COLOR" not in environ


def _progress_bar():  # type: ignore[no-untyped-def]
    def show(done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                         f"{name[-40:]}\x1b[K")
        sys.stderr.flush()

    return show


@app.command()
def probe(
    spec: Annotated[Path, typer.Argument(help="The spec of the API under test.")],
    base_url: Annotated[str, typer.Option("--base-url", help="Where the API runs (loopback "
                                          "unless --allow-remote).")],
    operations: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--operation", help="Probe only this operation: operationId or 'PUT /path' "
        "(repeatable).")] = None,
    headers: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--header", "-H", help="'Name: value' sent with every request (repeatable); values "
        "are never printed.")] = None,
    allow_writes: Annotated[bool, typer.Option(
        "--allow-writes", help="Really send the requests. Without it probe prints its plan "
        "and sends nothing.")] = False,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a base URL that is not loopback (a test environment "
        "you own).")] = False,
    allow_existing: Annotated[bool, typer.Option(
        "--allow-existing", help="Also write to resources probe did not create: paths "
        "without parameters and items that exist already. They are never deleted; probe "
        "puts back what their GET returned.")] = False,
    max_requests: Annotated[int, typer.Option("--max-requests", min=1,
                                              help="Stop after this many requests "
                                              "(clean-up still runs).")] = 500,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1,
                                           help="Seconds each exchange may take in all "
                                           "(connect, send, the whole response).")] = 10.0,
    bodies: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--body", help="OPERATION=FILE: the set-up body for this operation (operationId or "
        "'PUT /path'), a JSON or YAML file (repeatable).")] = None,
    record: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--record", help="Write what each case did to this file (sorted, one case a "
        "line).")] = None,
    expect: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--expect", help="Report every case whose outcome differs from this record "
        "(PUT306), and cases missing from either.")] = None,
    formats: Annotated[Optional[list[str]], Formats] = None,  # noqa: UP045
    outputs: Annotated[Optional[list[Path]], Outputs] = None,  # noqa: UP045
    critical: Annotated[Optional[list[str]], Critical] = None,  # noqa: UP045
    config: Annotated[Optional[Path], ConfigFile] = None,  # noqa: UP045
    fail_on: Annotated[Optional[str], FailOn] = None,  # noqa: UP045
    root: Annotated[Optional[Path], RefRoot] = None,  # noqa: UP045
    profile: Annotated[Optional[str], ProfileOpt] = None,  # noqa: UP045
) -> None:
    """Drive a running API: create, omit, read back, clean up; report purges (PUT301-PUT306)."""
    from linter.probe import (
        ProbeInterrupted,
        ProbeSettings,
        load_bodies,
        parse_bodies,
        parse_headers,
        run_probe_full,
    )
    from linter.redact import Redactor
    from linter.source import printable

    reports = _report_pairs(formats or [], outputs or [])
    options = _with_cli(_options(config), "probe", critical=critical, fail_on=fail_on,
                        reports=reports,
                        root=_root(root), profile=profile)
    redact = Redactor.for_probe({}, base_url)

    def say(text: str) -> None:  # every line probe prints itself goes through the redactor
        typer.echo(printable(redact.text(text)), err=True)

    try:
        given = {**options.probe.get("bodies", {}), **parse_bodies(bodies or [])}
        settings = ProbeSettings(base_url, operations or [], parse_headers(headers or []),
                                 allow_writes, allow_remote, max_requests, timeout,
                                 allow_existing, record, expect, load_bodies(given))
        redact = settings.redactor()
        run = run_probe_full(spec, options, settings,
                             progress=lambda text: say(f"probe: {text}"))
    except PutlintError as exc:
        say(f"{exc.place or spec}: error: {exc.message}")
        # a CI job uploads the report files it asked for: they say why nothing was probed
        from linter.findings import RunReport

        shown = PutlintError(redact.text(exc.message), exc.place or Place(str(spec)))
        _emit(RunReport([], [], [shown], [], command="probe"), options, files_only=True)
        raise typer.Exit(2) from None
    except ProbeInterrupted as exc:
        say(f"putlint: probe interrupted; {exc.ledger.summary()}")
        for line in exc.ledger.report():
            say(f"  {line}")
        raise typer.Exit(2) from None
    if not allow_writes:
        typer.echo("putlint probe: dry run, nothing sent. These are the requests "
                   "--allow-writes would send:")
        for line in run.plan:
            typer.echo(printable(redact.text(line)))
        if record or expect:
            typer.echo("(--record and --expect take effect with --allow-writes)")
        raise typer.Exit(0)
    if record:
        say(f"probe: recorded what each case did in {record}")
    if run.ledger.entries:
        say(f"probe: clean-up: {run.ledger.summary()}")
        if not run.ledger.clean:
            for line in run.ledger.report():
                say(f"  {line}")
    if run.unobserved:  # a gate that saw nothing has not passed: an input error of the report
        run.report.errors.append(PutlintError(redact.text(run.unobserved), Place(str(spec))))
    readable = _emit(run.report, options)
    if run.unobserved:
        if not readable:  # JSON or SARIF on stdout: the reason still reaches people
            say(f"{spec}: error: {run.unobserved}")
        raise typer.Exit(2)
    raise typer.Exit(run.report.exit_code(options.fail_on))


@app.command()
def diff(
    paths: Annotated[list[Path], typer.Argument(
        help="BASE HEAD, two spec files; or, with --base-ref, the specs to compare with git.")],
    base_ref: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--base-ref", help="Read base from git at this revision (e.g. origin/main): the same "
        "paths and everything they $ref.")] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also list the check findings head shares with base.")] = False,
    formats: Annotated[Optional[list[str]], Formats] = None,  # noqa: UP045
    outputs: Annotated[Optional[list[Path]], Outputs] = None,  # noqa: UP045
    critical: Annotated[Optional[list[str]], Critical] = None,  # noqa: UP045
    config: Annotated[Optional[Path], ConfigFile] = None,  # noqa: UP045
    select: Annotated[Optional[list[str]], Select] = None,  # noqa: UP045
    ignore: Annotated[Optional[list[str]], Ignore] = None,  # noqa: UP045
    fail_on: Annotated[Optional[str], FailOn] = None,  # noqa: UP045
    root: Annotated[Optional[Path], RefRoot] = None,  # noqa: UP045
    profile: Annotated[Optional[str], ProfileOpt] = None,  # noqa: UP045
) -> None:
    """Report the changes from BASE to HEAD that make omission destructive (PUT201-PUT207),
    and the check findings HEAD has that BASE has not."""
    import tempfile

    from linter.diff import git_pairs, run_diff

    if base_ref is None and len(paths) != 2:
        _usage("diff takes BASE HEAD, or --base-ref REV and the paths to compare")
    reports = _report_pairs(formats or [], outputs or [])
    options = _with_cli(_options(config), "diff", critical=critical, select=select,
                        ignore=ignore,
                        fail_on=fail_on, reports=reports, root=_root(root), profile=profile)
    if base_ref is not None:  # folders are searched for roots, as `check` does
        from linter.discover import discover

        files, _, problems = discover(paths)
        if problems:
            _usage(problems[0].message)
        paths = files
    for path in paths:
        if not path.is_file():
            _usage(f"{path}: no such file")
    with tempfile.TemporaryDirectory(prefix="putlint-base-") as workdir:
        try:
            pairs = git_pairs(base_ref, paths, workdir, options) if base_ref is not None else \
                [(paths[0], paths[1], None)]
        except PutlintError as exc:
            from linter.source import printable

            typer.echo(printable(f"putlint: error: {exc.message}"), err=True)
            raise typer.Exit(2) from None
        report = run_diff(pairs, options, show_all)
    _emit(report, options)
    raise typer.Exit(report.exit_code(options.fail_on))


@app.command()
def suggest(
    paths: Annotated[list[Path], typer.Argument(help="Spec files or folders to search.")],
    output_format: Annotated[str, typer.Option("--format", "-f",
                                               help="text or json.")] = "text",
    top: Annotated[int, typer.Option("--top", min=1, help="At most this many suggestions "
                                     "(fields) per spec.")] = 20,
    write_config: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--write-config", help="Add the suggestions listed (--top, --min-confidence) to this "
        "putlint.yaml, keeping everything already in it, with the evidence as comments; "
        "`-` prints the config instead.")] = None,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0.0, max=1.0, help="List (and write) only suggestions at "
        "least this confident.")] = 0.35,
    config: Annotated[Optional[Path], ConfigFile] = None,  # noqa: UP045
    root: Annotated[Optional[Path], RefRoot] = None,  # noqa: UP045
    profile: Annotated[Optional[str], ProfileOpt] = None,  # noqa: UP045
) -> None:
    """Propose the fields of PUT/upsert bodies most likely to be critical, with evidence."""
    import json

    from linter.discover import discover
    from linter.source import printable
    from linter.suggest import suggest as find_suggestions

    if output_format not in ("text", "json"):
        _usage("suggest --format must be text or json")
    if write_config is not None and str(write_config) != "-" and \
            write_config.suffix.lower() == ".toml":
        _usage("--write-config writes YAML (putlint.yaml); add TOML entries by hand")
    options = _with_cli(_options(config), root=_root(root), profile=profile)
    existing = None
    if write_config is not None and str(write_config) != "-":  # its declines hold too
        from linter.suggest.writeconfig import read_target, with_declines_of

        try:  # read once, before the run: a file putlint refuses ends the command here
            existing = read_target(write_config)
            options = with_declines_of(write_config, existing, options)
        except PutlintError as exc:
            _input_error(exc)
    files, _, problems = _discover(paths, discover)
    run = find_suggestions(files, options, top, min_confidence)
    errors = [*problems, *run.errors]
    for error in errors:
        typer.echo(printable(f"{error.place or '<input>'}: error: {error.message}"), err=True)
    for warning in run.warnings:
        typer.echo(printable(f"{warning.place}: warning: {warning.message}"), err=True)
    to_stdout = write_config is not None and str(write_config) == "-"
    if output_format == "json" and not to_stdout:
        typer.echo(json.dumps({"version": 2, "suggestions": [s.to_dict() for s in run.suggestions],
                               "cut": {"top": run.cut_by_top,
                                       "min_confidence": run.cut_by_confidence},
                               "merges": [m.to_dict() for m in run.merges],
                               "no_body": run.no_body}, indent=2))
    elif not to_stdout:
        for s in run.suggestions:
            typer.echo(printable(f"{s.confidence:.2f}  {s.spec}  {s.operation.label}  {s.field}"))
            for op in s.operations[1:]:
                typer.echo(printable(f"        also {op.label}"))
            for e in s.evidence:
                typer.echo(printable(f"        - {e.text}"))
            if s.contract:  # the field's description states a deliberate clear
                typer.echo("        = propose " + ", ".join(f"{k}: {v}"
                                                           for k, v in s.contract.items()))
        for m in run.merges:  # its own words say it merges: no field of it is listed
            typer.echo(printable(f"merge {m.spec}  {m.operation.label}"))
            typer.echo(printable(f"        - {m.evidence}"))
            typer.echo("        = propose put-semantics: merge" + (
                "" if m.stated else " (inferred, not written: review it)"))
    summary = _suggest_summary(run, len(files), top, min_confidence)
    typer.echo(summary, err=to_stdout or output_format == "json")
    if write_config is not None:
        _write_suggestions(write_config, existing, run.suggestions, run.merges)
    raise typer.Exit(2 if errors else 0)


def _suggest_summary(run: Any, specs: int, top: int, min_confidence: float) -> str:
    count = len(run.suggestions)
    text = (f"putlint suggest: {count} suggestion{'' if count == 1 else 's'} in {specs} "
            f"spec{'' if specs == 1 else 's'}")
    cuts = []
    if run.cut_by_top:
        cuts.append(f"{run.cut_by_top} more cut by --top {top}")
    if run.cut_by_confidence:
        cuts.append(f"{run.cut_by_confidence} below --min-confidence {min_confidence:g}")
    if run.merges:
        cuts.append(f"{len(run.merges)} upsert{'' if len(run.merges) == 1 else 's'} "
                    "proposed as merge")
    text += f" ({', '.join(cuts)})" if cuts else ""
    if run.no_body:  # a silent "0 suggestions" there would read as "nothing critical"
        text += (f"; {run.no_body} upsert{'' if run.no_body == 1 else 's'} document no request "
                 "body: nothing to judge there (document the request body)")
    return text


def _write_suggestions(target: Path, existing: str | None, suggestions: list,
                       merges: list) -> None:
    """Merge into the config file, whose text ``existing`` was read (writeconfig.read_target)
    before the run (or print it for `-`); the old file is untouched on error."""
    from linter.atomic import write_atomic
    from linter.source import printable
    from linter.suggest.writeconfig import add_merges, merge

    try:
        if str(target) == "-":
            typer.echo(add_merges(merge(None, suggestions)[0], merges)[0], nl=False)
            return
        text, added = merge(existing, suggestions, str(target))
        text, merged = add_merges(text, merges, str(target))  # put-semantics: merge
        added = [*added, *merged]
        if not added and existing is None:  # an empty config would say nothing either
            typer.echo(f"putlint suggest: no entries to write; {printable(str(target))} not "
                       "created", err=True)
            return
        if added:
            write_atomic(target, text)
        verb = "added" if existing is not None else "wrote"
        typer.echo(f"putlint suggest: {verb} {len(added)} entr{'y' if len(added) == 1 else 'ies'}"
                   f" to {printable(str(target))}", err=True)
    except (PutlintError, OSError) as exc:
        message = exc.message if isinstance(exc, PutlintError) else exc.strerror or str(exc)
        typer.echo(printable(f"{target}: error: {message}"), err=True)
        raise typer.Exit(2) from None


@app.command()
def lsp() -> None:
    """Run the language server over stdio, for editors (diagnostics, quick fixes, hover)."""
    from linter.lsp import main as serve

    serve()


@app.command("rules")
def list_rules() -> None:
    """List every rule with its default severity."""
    from linter.registry import all_rules

    for rule in all_rules():
        default = "" if rule.default_enabled else "  (off unless selected)"
        default += f"  ({rule.command})" if rule.command != "check" else ""
        typer.echo(f"{rule.id}  {rule.name:<32} {rule.severity:<8} {rule.summary}{default}")


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id or name, e.g. PUT001.")],
) -> None:
    """Print a rule's documentation, with its example and the fix."""
    from linter.registry import get_rule

    rule = get_rule(rule_id)
    if rule is None:
        _usage(f"no rule '{rule_id}'; `putlint rules` lists them")
    typer.echo(rule.explain())


@app.command("config")
def show_config(
    config: Annotated[Optional[Path], ConfigFile] = None,  # noqa: UP045
) -> None:
    """Print the effective configuration and where each value comes from."""
    import yaml

    options = _options(config)
    typer.echo(f"# configuration file: {options.config_file or 'none found'}")
    for key, value in options.effective().items():
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
        text = text.removesuffix("\n...").strip()  # how PyYAML ends a lone scalar
        typer.echo(f"{key}: {text}    # {options.origin(key)}")


def _unused_configs(files: list[Path], options: Options) -> list[PutlintError]:
    """A putlint.yaml beside a checked spec that this run did not read: said, because its
    `critical:` list would otherwise protect nothing without a word (configuration is found
    from the current folder upward, not from the spec's)."""
    used = Path(options.config_file).resolve() if options.config_file else None
    out: dict[Path, PutlintError] = {}
    for folder in {f.resolve().parent for f in files}:
        try:
            found = find_config(folder)
        except PutlintError as exc:  # a config linked out of its project: said, not read
            out[Path(str(exc.place))] = PutlintError(f"this configuration was not used: "
                                                     f"{exc.message}", exc.place)
            continue
        if found is not None and found.resolve() != used and found.resolve() not in out:
            out[found.resolve()] = PutlintError(
                f"this configuration was not used (configuration is found from the current "
                f"folder upward; {'used: ' + str(options.config_file) if used else 'none was'}"
                f"); run from its folder or pass --config {found}", Place(str(found)))
    return list(out.values())


def _options(config: Path | None) -> Options:
    try:
        path = config if config is not None else find_config(Path.cwd())
        if config is not None and not config.exists():
            raise PutlintError("config file not found", None)
        return load_config(path)
    except PutlintError as exc:
        where = f"{exc.place}: " if exc.place else (f"{config}: " if config else "")
        _say(f"{where}error: {exc.message}", err=True)
        raise typer.Exit(2) from None


def _usage(message: str) -> NoReturn:
    _say(f"putlint: usage error: {message}", err=True)
    raise typer.Exit(2)


INTERNAL_ERROR = 3  # exit code of a bug in putlint (0 clean, 1 findings, 2 input or usage)


def main() -> None:
    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # a bug, or a dependency's Rust panic (a BaseException)
        from linter.source import printable

        where = f" in {Path(exc.__traceback__.tb_frame.f_code.co_filename).name}" \
            if exc.__traceback__ else ""
        message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        sys.stderr.write(printable(f"putlint: internal error ({type(exc).__name__}{where})"
                                   + (f": {message}" if message else "")) + "\n")
        sys.exit(INTERNAL_ERROR)


if __name__ == "__main__":
    main()
