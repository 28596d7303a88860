"""Saved statuses: what ``--save-status`` writes, what ``--input`` reads back, and when a
saved status is judged.

``--save-status PATH`` writes the body as received, except that every secret of the run in
it (however JSON or a URL escapes it) is replaced by a fixed marker, and beside it
``PATH.meta.json``::

    {"meum_doctor_saved_status": 1, "fetched_at": "2026-11-28T11:58:02Z",
     "source": "https://api.meum.io/v1/integration/woocommerce/status",
     "request_id": "req_...", "fingerprint": "sha256:<body as received>",
     "saved_fingerprint": "sha256:<the file as written>", "secrets_removed": 0}

``--input PATH`` reads ``PATH.meta.json`` when it is there, and judges the status as of its
``fetched_at`` unless ``--now`` says otherwise. The meta file is untrusted input like the
status itself: it can change the evaluation time and the provenance a report shows, and
nothing else (never a key, a URL that is used, or a finding). A meta file that is malformed,
too large, not a regular file, or written for another version of the status file is
ignored with a one-line warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meum_doctor.documents import Document
from meum_doctor.secrets import PUBLIC_PREFIXES, Secrets, url_without_query
from meum_doctor.text import clean_line
from meum_doctor.timefmt import iso_z

META_SUFFIX = ".meta.json"
META_VERSION = 1
#: A meta file is a few hundred bytes; anything much larger is not one.
MAX_META = 64 * 1024
SOURCE_LIMIT = 300
REQUEST_ID_LIMIT = 100


@dataclass(frozen=True)
class SavedMeta:
    """What a meta file may tell about a saved status (all of it checked)."""

    path: str
    fetched_at: datetime | None
    source: str | None
    request_id: str | None
    fingerprint: str | None
    secrets_removed: int


@dataclass(frozen=True)
class History:
    """What was found beside a saved document when it was read (:func:`read_history`)."""

    #: Its meta file; None when there is none, or it cannot be used (see ``warning``).
    meta: SavedMeta | None = None
    #: Why a meta file that is there was ignored (one line, for a warning).
    warning: str | None = None
    #: When the file was last changed (a hint for ``--now`` when there is no meta file).
    modified_at: datetime | None = None


@dataclass(frozen=True)
class Timing:
    """The moment a status is judged against, why that one, and where the status is from."""

    evaluated_at: datetime
    #: ``clock`` (the time of the run), ``option`` (--now) or ``fetched_at`` (a meta file's).
    basis: str
    #: When the status was fetched from the API, when known.
    fetched_at: datetime | None = None
    #: Said in every format when the moment needs saying (a saved status); else None.
    note: str | None = None
    #: For a saved status with a meta file: where it was originally fetched from.
    origin: str | None = None
    #: For a saved status with a meta file: the API's request id of that fetch.
    request_id: str | None = None


def meta_path(path: str) -> str:
    return path + META_SUFFIX


def writes_meta(path: str) -> bool:
    """Whether saving to ``path`` writes a meta file beside it: only for a regular file
    (``-``, ``/dev/null`` or a FIFO keep nothing, so nothing goes beside them)."""
    from meum_doctor.output import is_file_target

    return is_file_target(path)


def outputs(path: str) -> list[tuple[str, str]]:
    """The files ``--save-status PATH`` writes (the status, and its meta file when there is
    one), named for the checks that no output overwrites an input or another output."""
    found = [("--save-status", path)]
    if writes_meta(path):
        found.append(("--save-status", meta_path(path)))
    return found


def _fingerprint(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


# Writing ---------------------------------------------------------------------------------


def save_body(path: str, document: Document, secrets: Secrets) -> None:
    """Write ``document``'s body as received to ``path`` (atomically: whole or not at all),
    any secret of the run replaced by a marker (``--save-site-report``)."""
    from meum_doctor.output import write_atomic

    body, _ = secrets.remove_from_bytes(document.body)
    write_atomic(path, [body])


def save_status(path: str, document: Document, secrets: Secrets) -> None:
    """Write ``document``'s body (secrets replaced by a marker) to ``path``, and its meta file.

    When the document was read with a meta file (``--input`` re-saved), that file's fetch
    time and provenance carry over, as they describe the body better than a file read does.
    """
    from meum_doctor.output import write_atomic

    raw = document.provenance
    history = raw.history
    meta = history.meta if history else None
    body, removed = secrets.remove_from_bytes(document.body)

    def clean(text: str | None) -> str | None:
        # The marker, not a key hint: a meta file holds no key-like text at all.
        if text is None:
            return None
        cleaned, _ = secrets.remove_from_bytes(text.encode("utf-8", "replace"))
        return cleaned.decode("utf-8", "replace")

    if raw.type in ("api", "demo"):
        fetched_at: datetime | None = raw.retrieved_at
        source = url_without_query(raw.location) if raw.type == "api" else None
        if raw.type == "demo":
            source = f"bundled example {raw.location}"
        request_id, received = raw.request_id, document.fingerprint
    elif meta is not None:
        fetched_at, source, request_id = meta.fetched_at, meta.source, meta.request_id
        received = meta.fingerprint or document.fingerprint
        removed += meta.secrets_removed
    else:  # a file or standard input with no history: when it was fetched is unknown
        fetched_at, source, request_id, received = None, None, None, document.fingerprint
    meta_document = {
        "meum_doctor_saved_status": META_VERSION,
        "fetched_at": iso_z(fetched_at) if fetched_at else None,
        "source": clean(source),
        "request_id": clean(request_id),
        "fingerprint": received,
        "saved_fingerprint": _fingerprint(body),
        "secrets_removed": removed,
    }
    has_meta = writes_meta(path)  # asked before writing: the body may create the file
    write_atomic(path, body)
    if has_meta:
        text = json.dumps(meta_document, indent=2) + "\n"
        write_atomic(meta_path(path), text.encode("utf-8"))


# Reading ---------------------------------------------------------------------------------


class MetaProblem(Exception):
    """Why a meta file is ignored (one line, no secret: nothing of its content is quoted)."""


def read_history(document: Document) -> History:
    """What is beside a saved ``document``: its meta file (for a file; standard input has
    none) and when the file was last changed. Never raises for anything the files hold."""
    if document.provenance.type != "file":
        return History()
    path = document.provenance.location
    meta, warning = read_meta(path, document.body)
    return History(meta, warning, None if meta else _modified_at(path))


def read_meta(status_path: str, body: bytes) -> tuple[SavedMeta | None, str | None]:
    """The meta file beside ``status_path`` (None when there is none), and a warning when
    there is one that cannot be used. Never raises for anything the file holds."""
    path = meta_path(status_path)
    try:
        text = _read_small_regular_file(path)
    except FileNotFoundError:
        return None, None
    except MetaProblem as exc:
        return None, f"ignoring {clean_line(path)}: {exc}"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, f"ignoring {clean_line(path)}: cannot read it ({reason})"
    try:
        return _parse_meta(path, text, body), None
    except MetaProblem as exc:
        return None, f"ignoring {clean_line(path)}: {exc}"


def _read_small_regular_file(path: str) -> bytes:
    # No following links, no blocking on a FIFO: a meta file from a ticket's attachment
    # must not read a file elsewhere or hang the run.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if os.path.islink(path):
            raise MetaProblem("it is a symbolic link, not a file") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise MetaProblem("it is not a regular file")
        data = handle.read(MAX_META + 1)
    if len(data) > MAX_META:
        raise MetaProblem(f"it is larger than {MAX_META // 1024} KiB")
    return data


def _parse_meta(path: str, text: bytes, body: bytes) -> SavedMeta:
    from meum_doctor.status import parse_datetime

    try:
        data: Any = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MetaProblem("it is not JSON") from None
    if not isinstance(data, dict) or data.get("meum_doctor_saved_status") != META_VERSION:
        raise MetaProblem("it is not a meum-doctor saved-status meta file (version 1)")
    saved = data.get("saved_fingerprint")
    if saved is not None and saved != _fingerprint(body):
        raise MetaProblem("it was written for another version of the status file")
    fetched_at = None
    if data.get("fetched_at") is not None:
        value = data["fetched_at"]
        try:
            if not isinstance(value, str):
                raise ValueError
            fetched_at = parse_datetime(value)
        except ValueError:
            raise MetaProblem("its fetched_at is not an ISO 8601 date-time") from None
    removed = data.get("secrets_removed", 0)
    if isinstance(removed, bool) or not isinstance(removed, int) or not 0 <= removed < 10**6:
        raise MetaProblem("its secrets_removed is not a count")
    received = data.get("fingerprint")
    if received is not None and not (
        isinstance(received, str) and len(received) == 71 and received.startswith("sha256:")
    ):
        raise MetaProblem("its fingerprint is not a sha256: fingerprint")
    return SavedMeta(
        path=path,
        fetched_at=fetched_at,
        source=_meta_text(data, "source", SOURCE_LIMIT),
        request_id=_meta_text(data, "request_id", REQUEST_ID_LIMIT),
        fingerprint=received,
        secrets_removed=removed,
    )


def _meta_text(data: dict[str, Any], name: str, limit: int) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise MetaProblem(f"its {name} is not a short string")
    if any(prefix in value for prefix in PUBLIC_PREFIXES):
        # A meta file never holds key-like text (save_status writes a marker instead): one
        # that does was not written by meum-doctor, and is not shown.
        raise MetaProblem(f"its {name} looks like it holds an API key")
    return clean_line(url_without_query(value) if name == "source" else value)


# Judging ---------------------------------------------------------------------------------


def timing(document: Document, now: datetime, *, now_given: bool) -> Timing:
    """The moment to judge ``document`` against: ``--now``, else a saved status's fetch time
    from its meta file, else the clock; with the sentence that says so for a saved status
    read with its history (``check --input``; ``batch`` does not look for meta files)."""
    raw = document.provenance
    history = raw.history
    meta = history.meta if history else None
    saved = raw.type in ("file", "stdin")
    fetched_at = raw.retrieved_at if not saved else (meta.fetched_at if meta else None)
    origin = meta.source if meta else None
    request_id = meta.request_id if meta else None
    if now_given or not saved or history is None:
        return Timing(now, "option" if now_given else "clock", fetched_at, None, origin, request_id)
    if fetched_at is not None:
        assert meta is not None
        note = (
            f"Judged as of {iso_z(fetched_at)}, when this status was fetched (as its "
            f"{META_SUFFIX} file says), not at the time of this run; --now judges it as of "
            "another moment."
        )
        return Timing(fetched_at, "fetched_at", fetched_at, note, origin, request_id)
    hint = history.modified_at
    how = (
        f"add --now {iso_z(hint)} (when the file was last changed) or the time it was saved"
        if hint
        else "add --now with the time it was saved"
    )
    note = (
        f"Judged against the time of this run ({iso_z(now)}), not the moment this saved status "
        f"was fetched: times in it may look older than they were. To judge it as of then, {how}."
    )
    return Timing(now, "clock", None, note, origin, request_id)


def _modified_at(path: str) -> datetime | None:
    from datetime import UTC

    try:
        return datetime.fromtimestamp(int(os.stat(path).st_mtime), UTC)
    except (OSError, ValueError, OverflowError):
        return None
