"""Read a document from a file or standard input: the local, synchronous way of acquiring.

Every kind of document can be read this way (a saved status, later a site report); the
kind only names the file in messages ("status file x.json does not exist"). The result is
a :class:`~meum_doctor.documents.Document` holding the body exactly as read, never parsed
here, so ``--save-status`` can keep it byte for byte. Nothing here imports the network
stack: reading a file never pays for it.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from datetime import UTC, datetime
from typing import BinaryIO

from meum_doctor.documents import MEUM_STATUS, Document, Provenance
from meum_doctor.errors import FileUnreadable, TooLarge

#: A file larger than this is refused, as the API client refuses a larger body.
MAX_FILE_BODY = 1024 * 1024


def read_file(
    path: str,
    stdin: BinaryIO | None = None,
    *,
    scanned: bool = False,
    kind: str = MEUM_STATUS,
    noun: str = "status",
) -> Document:
    """Read a document of ``kind`` from ``path``, or from standard input when it is ``-``;
    ``noun`` names it in messages ("status file …").

    ``scanned`` is for a file found in a folder (``batch FOLDER``) rather than named by the
    user: it must be a regular file, opened without following a symbolic link and without
    blocking. A folder from a ticket attachment is made by someone else; a symlink in it to
    ``~/.config/…/credentials.json`` would put that file into the report, and a FIFO would
    hang the run. A path the user names (``--input``, a ``batch`` argument) is followed and
    may be a pipe or a device: the user chose it (``<(curl …)``, ``/dev/stdin``, a symlinked
    ticket folder are all normal), so it is read as named, still at most 1 MiB.
    """
    now = datetime.now(UTC)
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        body = stream.read(MAX_FILE_BODY + 1)
        _check_size(len(body), "standard input", noun)
        return Document(kind, body, Provenance("stdin", "-", now))
    what = f"{noun} file {path}"
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if scanned:
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileUnreadable(f"{what} does not exist") from None
    except IsADirectoryError:
        raise FileUnreadable(f"{what} is a folder, not a file") from None
    except OSError as exc:
        if scanned and exc.errno == errno.ELOOP:
            raise FileUnreadable(
                f"{what} is a symbolic link, which a folder scan does not follow"
            ) from None
        raise FileUnreadable(
            f"cannot read {what}: {exc.strerror or type(exc).__name__}"
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileUnreadable(f"{what} is a folder, not a file")
        if scanned and not stat.S_ISREG(mode):
            raise FileUnreadable(
                f"{what} is not a regular file ({file_kind(mode)}), "
                "which a folder scan does not read"
            )
        with open(fd, "rb", buffering=0, closefd=False) as handle:
            body = _read_at_most(handle, MAX_FILE_BODY + 1)
    except OSError as exc:
        raise FileUnreadable(
            f"cannot read {what}: {exc.strerror or type(exc).__name__}"
        ) from None
    finally:
        os.close(fd)
    _check_size(len(body), what, noun)
    return Document(kind, body, Provenance("file", path, now))


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes; a pipe or device gives its data in pieces."""
    parts: list[bytes] = []
    size = 0
    while size < limit and (part := handle.read(limit - size)):
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _check_size(size: int, what: str, noun: str) -> None:
    if size > MAX_FILE_BODY:
        raise TooLarge(
            f"{what} is larger than {MAX_FILE_BODY // 1024} KiB, far more than a {noun} "
            "should be"
        )
