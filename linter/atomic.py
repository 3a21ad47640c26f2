"""Every file putlint writes (reports, baselines, configs) is written whole or not at all.

The text goes to a temporary file in the target's own folder (so the rename stays on one file
system) and replaces the target only once it is flushed to disk; on any failure the old file is
untouched and the temporary file removed, and the caller gets one PutlintError with the path.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from linter.errors import Place, PutlintError


def write_atomic(path: Path | str, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), or raise PutlintError and change nothing."""
    target = Path(path)
    try:
        _write(target, text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: callers escape them, this is the last guard
        raise PutlintError("cannot write: the text holds a character UTF-8 cannot encode",
                           Place(str(target))) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in a path from a config file
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PutlintError(f"cannot write: {message}", Place(str(target))) from None


def _write(target: Path, data: bytes) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise PutlintError("cannot write: it is a folder", Place(str(target)))
    if not folder.is_dir():
        raise PutlintError(f"cannot write: the folder {folder} does not exist",
                           Place(str(target)))
    if target.exists() and not target.is_file():
        # /dev/full, a FIFO: renaming over a device node would replace it, writing to it hangs
        raise PutlintError("cannot write: not a regular file", Place(str(target)))
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # keep who may read and write the old file
            # read/write bits only: a report or baseline is data, and keeping an old file's
            # execute bit let a report written over a script run spec text as code
            os.chmod(tmp_name, target.stat().st_mode & 0o666)
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
        tmp_name = None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
