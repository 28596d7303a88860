"""Sources: what to acquire, and the registry of the kinds of documents there are.

A :class:`Source` names one document to acquire: its kind, the type of place it comes from
(a file, standard input, the API, the demo) and where. A :class:`SourceKind` says, for one
kind of document, how it is acquired and which parser turns its body into its typed model:

- ``read``: synchronous, for local sources (a file, standard input). The default reads
  the file as it is (:func:`meum_doctor.sources.files.read_file`, at most 1 MiB).
- ``fetch``: asynchronous, for network sources; None when the kind has no network source.
- ``parse``: the body of a :class:`~meum_doctor.documents.Document` to :class:`Parsed`
  (the model, and what of it could not be read). It may raise
  :class:`~meum_doctor.errors.BadResponse` for a body that is no such document at all.

Adding a kind of evidence is adding one module that calls :func:`register` (built-in kinds
are listed in :data:`BUILTIN` and imported on first use, so a run pays only for the kinds
it meets); a plugin or a test may register its own. Nothing here does I/O itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from meum_doctor.documents import LOCAL_TYPES, MEUM_STATUS, RELEASE_DATA, SITE_REPORT, Document
from meum_doctor.sources.files import MAX_FILE_BODY, file_kind, read_file
from meum_doctor.status import ParseProblem

__all__ = [
    "BUILTIN",
    "MAX_FILE_BODY",
    "FetchOptions",
    "Parsed",
    "Source",
    "SourceKind",
    "file_kind",
    "get",
    "read_file",
    "register",
    "registered",
    "unregister",
]

#: The built-in kinds, by name: the module that registers each (imported on first use).
BUILTIN = {
    MEUM_STATUS: "meum_doctor.sources.meum_status",
    SITE_REPORT: "meum_doctor.sources.site_report",
    RELEASE_DATA: "meum_doctor.sources.release_data",
}


@dataclass(frozen=True)
class Source:
    """One document to acquire: of ``kind``, from a place of ``type``, at ``location``."""

    kind: str
    #: ``file``, ``stdin``, ``api``, ``demo`` (see :data:`meum_doctor.documents.SOURCE_TYPES`).
    type: str
    #: The file's path, ``-``, the API's base URL, or the demo example's name.
    location: str
    #: What opens the source (an API key): never shown, never part of a repr.
    credentials: tuple[str, ...] = field(default=(), repr=False)
    #: Found by a folder scan rather than named by the user: a regular file, no links.
    scanned: bool = False
    #: Also read the meta file ``--save-status`` writes beside a saved document
    #: (``check --input`` does: it says when the document was fetched).
    history: bool = False

    @property
    def local(self) -> bool:
        """True when it is read without the network (synchronously)."""
        return self.type in LOCAL_TYPES


@dataclass(frozen=True)
class FetchOptions:
    """What a network fetch may use beside its source."""

    timeout: float
    #: The evaluation time (the demo moves its example's times by it).
    now: datetime
    #: A connection pool shared by many fetches (``batch``), or None for one of its own.
    client: object | None = None


@dataclass(frozen=True)
class Parsed:
    """A document's typed model, and what of the document could not be read."""

    model: object
    problems: tuple[ParseProblem, ...] = ()


def _read_local(source: Source) -> Document:
    return read_file(source.location, scanned=source.scanned, kind=source.kind)


@dataclass(frozen=True)
class SourceKind:
    """How one kind of document is acquired and parsed (see the module docstring)."""

    name: str
    parse: Callable[[Document], Parsed]
    read: Callable[[Source], Document] = _read_local
    fetch: Callable[[Source, FetchOptions], Awaitable[Document]] | None = None


_KINDS: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    """Make ``kind`` known (replacing one of the same name); returns it."""
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget the kind called ``name`` (tests that registered a kind of their own)."""
    _KINDS.pop(name, None)


def get(name: str) -> SourceKind:
    """The kind called ``name``; KeyError when there is none."""
    if name not in _KINDS and name in BUILTIN:
        importlib.import_module(BUILTIN[name])  # it registers itself
    return _KINDS[name]


def registered() -> list[str]:
    """The names of every kind: built-in and registered."""
    return sorted({*BUILTIN, *_KINDS})
