"""The `putlint` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from linter.config import SEVERITIES, Options, find_config, load_config
from linter.errors import PutlintError

app = typer.Typer(
    name="putlint",
    help="Stop destructive PUT/upsert contracts before they merge.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

FailOn = typer.Option("--fail-on", help="Exit 1 for findings at or above this severity.")


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
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    critical: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045 (typer needs it)
        "--critical", help="Mark a field critical: Schema.path or a JSON pointer.")] = None,
    config: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--config", help="Config file (default: putlint.yaml or pyproject.toml, upward).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--select", help="Run only these rules (ids or id prefixes).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--ignore", help="Do not run these rules.")] = None,
    fail_on: Annotated[Optional[str], FailOn] = None,  # noqa: UP045
    validate: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--validate/--no-validate",
        help="Also validate the whole spec with openapi-spec-validator.")] = None,
    show_examples: Annotated[bool, typer.Option(
        "--show-examples", help="Print the example body behind each finding.")] = False,
) -> None:
    """Report PUT/upsert operations that let a critical field be omitted, nulled or emptied."""
    from linter.discover import discover
    from linter.engine import run
    from linter.reporters import FORMATS, get_renderer

    if format not in FORMATS:
        _usage(f"--format must be one of {', '.join(FORMATS)}")
    if fail_on is not None and fail_on not in SEVERITIES:
        _usage(f"--fail-on must be one of {', '.join(SEVERITIES)}")
    options = _options(config).with_cli(critical=critical or [], select=select or [],
                                        ignore=ignore or [], fail_on=fail_on, validate=validate)
    files, searched, errors = discover(paths)
    report = run(files, options, searched)
    report.errors[:0] = errors
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    renderer = get_renderer(format, color=color, show_examples=show_examples)
    sys.stdout.write(renderer(report))
    raise typer.Exit(report.exit_code(options.fail_on))


@app.command("rules")
def list_rules() -> None:
    """List every rule with its default severity."""
    from linter.registry import all_rules

    for rule in all_rules():
        default = "" if rule.default_enabled else "  (off unless selected)"
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


def _options(config: Path | None) -> Options:
    try:
        path = config if config is not None else find_config(Path.cwd())
        if config is not None and not config.is_file():
            raise PutlintError("config file not found", None)
        return load_config(path)
    except PutlintError as exc:
        where = f"{exc.place}: " if exc.place else (f"{config}: " if config else "")
        typer.echo(f"{where}error: {exc.message}", err=True)
        raise typer.Exit(2) from None


def _usage(message: str) -> None:
    typer.echo(f"putlint: usage error: {message}", err=True)
    raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
