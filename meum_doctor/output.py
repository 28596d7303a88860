"""Write files whole or not at all: a temporary file in the same folder, then a rename.

An interrupted run never leaves a half-written report or saved status, and an existing file
is untouched unless the new one is complete. A missing folder is a clear usage error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable

from meum_doctor.errors import UsageError


def check_writable(path: str) -> None:
    """Fail early (before any work) when ``path``'s folder does not exist."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"cannot write {path}: it is a folder")


def write_atomic(path: str, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temporary file, fsync, rename).

    ``data`` may come in chunks (a large batch summary is rendered as it is written); if
    producing a chunk fails, the temporary file is removed and ``path`` is untouched.
    """
    check_writable(path)
    folder, name = os.path.split(path)
    fd, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in [data] if isinstance(data, bytes) else data:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            # Keep the permissions a user gave the file they are replacing.
            with contextlib.suppress(OSError):
                os.chmod(temporary, os.stat(path).st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UsageError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
