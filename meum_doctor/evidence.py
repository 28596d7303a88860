"""Evidence: the parsed documents of one store, by kind, with what could not be read.

:func:`gather` parses each document with its kind's parser (see :mod:`meum_doctor.sources`)
and keeps the models side by side: a Meum status alone (as today), later a site report
alone, or both. Rules ask for the kinds they need (:attr:`meum_doctor.rule.Rule.needs`) and
the engine hands them the models. No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from meum_doctor.documents import MEUM_STATUS, Document
from meum_doctor.status import ParseProblem, Status


@dataclass(frozen=True)
class Evidence:
    """What is known about one store: each kind's document, model and parse problems."""

    documents: Mapping[str, Document] = field(default_factory=lambda: MappingProxyType({}))
    models: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    problems: Mapping[str, tuple[ParseProblem, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __contains__(self, kind: object) -> bool:
        return kind in self.models

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.models)

    def missing(self, kinds: Iterable[str]) -> tuple[str, ...]:
        """Those of ``kinds`` this evidence lacks, in their order."""
        return tuple(kind for kind in kinds if kind not in self.models)

    @property
    def status(self) -> Status | None:
        """The Meum status, when the evidence has one."""
        model = self.models.get(MEUM_STATUS)
        return model if isinstance(model, Status) else None

    @classmethod
    def of_status(cls, status: Status, document: Document | None = None) -> Evidence:
        """The evidence of a Meum status alone (tests, and callers that parsed it already)."""
        return cls(
            documents=MappingProxyType({MEUM_STATUS: document} if document else {}),
            models=MappingProxyType({MEUM_STATUS: status}),
            problems=MappingProxyType({MEUM_STATUS: status.problems}),
        )


def gather(documents: Iterable[Document]) -> Evidence:
    """Parse every document with its kind's parser. Raises what a parser raises for a
    body that is no such document (BadResponse). No documents, an unknown kind, or two
    documents of one kind (one store has one of each) are the caller's mistake: ValueError."""
    from meum_doctor import sources

    by_kind: dict[str, Document] = {}
    models: dict[str, object] = {}
    problems: dict[str, tuple[ParseProblem, ...]] = {}
    for document in documents:
        if document.kind in by_kind:
            raise ValueError(f"two {document.kind} documents for one store: give one")
        try:
            kind = sources.get(document.kind)
        except KeyError:
            raise ValueError(f"no source kind called {document.kind!r}") from None
        parsed = kind.parse(document)
        by_kind[document.kind] = document
        models[document.kind] = parsed.model
        problems[document.kind] = tuple(parsed.problems)
    if not by_kind:
        raise ValueError("a diagnosis needs at least one document")
    return Evidence(MappingProxyType(by_kind), MappingProxyType(models), MappingProxyType(problems))
