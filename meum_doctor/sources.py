"""Acquire a status body: from a file, standard input, the API or the bundled demo.

Every source gives a :class:`RawStatus`: the body exactly as received, where it came from,
and when. Parsing comes after (:mod:`meum_doctor.status`), so ``--save-status`` can keep the
body byte for byte even when it turns out not to be JSON. The API and demo sources import
the client (and httpx) only when used, so reading a file never pays for the network stack.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from meum_doctor.errors import BadResponse, StatusUnavailable

#: A status file larger than this is refused, as the API client refuses a larger body.
MAX_FILE_BODY = 1024 * 1024


@dataclass(frozen=True)
class RawStatus:
    """A status body as received, and where and when it was received."""

    body: bytes
    #: ``api``, ``file``, ``stdin`` or ``demo``.
    source_type: str
    #: The endpoint URL (never the key), the file name, ``-`` or the demo example's name.
    location: str
    fetched_at: datetime
    request_id: str | None = None


def read_file(path: str, stdin: BinaryIO | None = None) -> RawStatus:
    """Read a saved status from ``path``, or from standard input when ``path`` is ``-``."""
    now = datetime.now(UTC)
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        body = stream.read(MAX_FILE_BODY + 1)
        _check_size(len(body), "standard input")
        return RawStatus(body=body, source_type="stdin", location="-", fetched_at=now)
    try:
        with open(path, "rb") as handle:
            body = handle.read(MAX_FILE_BODY + 1)
    except FileNotFoundError:
        raise StatusUnavailable(f"status file {path} does not exist") from None
    except IsADirectoryError:
        raise StatusUnavailable(f"status file {path} is a folder, not a file") from None
    except OSError as exc:
        raise StatusUnavailable(
            f"cannot read status file {path}: {exc.strerror or type(exc).__name__}"
        ) from None
    _check_size(len(body), f"status file {path}")
    return RawStatus(body=body, source_type="file", location=path, fetched_at=now)


def _check_size(size: int, what: str) -> None:
    if size > MAX_FILE_BODY:
        raise BadResponse(
            f"{what} is larger than {MAX_FILE_BODY // 1024} KiB, far more than a status should be"
        )
