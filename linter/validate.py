"""`--validate`: full structural validation with openapi-spec-validator, without network access."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from linter.errors import PutlintError
from linter.refs import Workspace, _is_within
from linter.source import parse


def start_validation(ws: Workspace) -> Callable[[], list[PutlintError]]:
    """Validate in a forked process while this one analyses; call the result for the errors.

    The validator takes seconds on big specs (11.5 s on GitHub's description) and putlint's
    own analysis a fraction of one; overlapping them keeps `--validate` from adding more than
    the validator's own time. Where fork is unavailable (Windows, or inside a daemonic
    worker) the validation simply runs here, first.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or \
            multiprocessing.current_process().daemon:
        errors = validate(ws)
        return lambda: errors
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_validate_into, args=(ws, sender), daemon=True)
    child.start()
    sender.close()

    def result() -> list[PutlintError]:
        try:
            errors: list[PutlintError] = receiver.recv()
        except EOFError:  # the child died (killed, out of memory): validate here instead
            errors = validate(ws)
        child.join()
        return errors

    return result


def _validate_into(ws: Workspace, sender: Any) -> None:
    sender.send(validate(ws))
    sender.close()


def validate(ws: Workspace) -> list[PutlintError]:
    """Every structural error of the spec, each with its place; [] when valid."""
    # Imported here: openapi-spec-validator takes ~0.3 s to import and most runs never need it.
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.settings import OpenAPISpecValidatorSettings
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import ValidatorDetectError

    def file_handler(uri: str) -> Any:
        # Only files below the spec's root, read with putlint's own safe loader.
        path = Path(unquote(urlparse(uri).path))
        if not _is_within(path.resolve(), ws.root_dir):
            raise PutlintError(f"$ref to {uri} leaves the spec's root folder")
        return parse(path, str(path)).data

    spec = ws.root.data
    try:
        cls = get_validator_cls(spec)
    except ValidatorDetectError:
        return [PutlintError("--validate: cannot tell the OpenAPI version", ws.root.place(()))]
    # the validator's own cache of resolved $refs, as its `validate` shortcut sets it: without
    # it the same run took 13.8 s instead of 10 s on GitHub's description
    path = SchemaPath.from_dict(spec, base_uri=ws.root.path.as_uri(),
                                handlers={"file": file_handler},
                                resolved_cache_maxsize=OpenAPISpecValidatorSettings()
                                .resolved_cache_maxsize)
    errors = []
    try:
        for error in cls(path).iter_errors():
            pointer = tuple(str(p) for p in getattr(error, "absolute_path", ()) or ())
            errors.append(PutlintError(f"invalid OpenAPI: {error.message}",
                                       ws.root.place(pointer)))
            if len(errors) >= 20:
                break
    except Exception as exc:  # the validator's own failure on a broken ref or similar
        errors.append(PutlintError(f"invalid OpenAPI: {exc}".splitlines()[0],
                                   ws.root.place(())))
    return errors
