"""What a cause is: a named explanation that ties findings together, and the diagnosis it yields.

Rules find symptoms; a *cause* names the disease. A cause is a plain function of the
evaluation's :class:`Facts` (every finding of the run with its id, which rules ran and stayed
quiet, the evidence models, the evaluation time) that returns a :class:`Diagnosis` or None,
wrapped by :func:`cause` into a :class:`Cause` carrying its stable ID (``MC`` and three
digits for meum-doctor's own; rules and causes share one ID space), its name and its
documentation (the docstring: first line the summary, the rest what supports it, what rules
it out, and what confirms it). Causes never do I/O, and never look at the raw documents when a
finding says the same thing: that keeps them testable with findings made by hand.

A diagnosis says how sure it is (:class:`Confidence`): ``confirmed`` when the evidence proves
it, ``likely`` when it is the best reading of consistent evidence, ``possible`` when the
evidence is weak or partly conflicting. It lists the finding ids it explains (``MD301``,
``MD103-2``: see :func:`finding_ids`), the chain of evidence in plain words, the one ordered
fix, and what would confirm it when the evidence is not enough.

Registration is explicit, as for rules: the built-in list in ``meum_doctor.causes``, an entry
point in the group ``meum_doctor.causes``, or a file in a rules directory.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from meum_doctor.rule import RULE_NAME_RE, Severity, split_docstring

#: Cause names are kebab-case, like rule names.
CAUSE_NAME_RE = RULE_NAME_RE


class Confidence(IntEnum):
    """How sure a diagnosis is; the order is the order diagnoses are shown in (best last)."""

    POSSIBLE = 0
    LIKELY = 1
    CONFIRMED = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Fact:
    """One finding of the run, as causes see it."""

    #: Its id in the report: the rule ID, with -2, -3 … for a rule's further findings.
    id: str
    rule: str
    severity: Severity
    title: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """Everything a cause may know: the findings, which rules ran, the evidence, the time."""

    findings: tuple[Fact, ...]
    #: IDs of the rules that ran to the end (quiet or not): a rule that ran and found
    #: nothing is evidence *against* what it checks.
    evaluated: frozenset[str] = frozenset()
    #: Evidence kind -> its model (the Meum status, the site report …).
    models: Mapping[str, Any] = field(default_factory=dict)
    now: datetime | None = None

    def __post_init__(self) -> None:
        # Causes ask "did rule X fire?" dozens of times a run: index the findings once.
        index: dict[str, list[Fact]] = {}
        for fact in self.findings:
            index.setdefault(fact.rule, []).append(fact)
        object.__setattr__(self, "_by_rule", {k: tuple(v) for k, v in index.items()})

    def of(self, *rules: str) -> tuple[Fact, ...]:
        """The findings of these rules, in the run's order."""
        by_rule: dict[str, tuple[Fact, ...]] = self.__dict__["_by_rule"]
        if len(rules) == 1:
            return by_rule.get(rules[0], ())
        return tuple(f for f in self.findings if f.rule in rules)

    def fired(self, *rules: str) -> bool:
        """True when any of these rules found something."""
        by_rule: dict[str, tuple[Fact, ...]] = self.__dict__["_by_rule"]
        return any(rule in by_rule for rule in rules)

    def quiet(self, rule: str) -> bool:
        """True when the rule ran and found nothing (it did not merely not run)."""
        return rule in self.evaluated and not self.fired(rule)

    def ids(self, *rules: str) -> tuple[str, ...]:
        """The finding ids of these rules."""
        return tuple(f.id for f in self.of(*rules))

    def first(self, rule: str) -> Fact | None:
        found = self.of(rule)
        return found[0] if found else None

    def mentioning(self, rule: str, *words: str) -> tuple[Fact, ...]:
        """The findings of ``rule`` whose title mentions any of ``words`` (any case): how a
        cause claims the issues Meum lists in its own words (MD103)."""
        found = self.of(rule)
        if not found:
            return ()
        pattern = _words(words)
        return tuple(f for f in found if pattern.search(f.title))

    def has_evidence(self, kind: str) -> bool:
        """True when the run had a document of this kind (``site-report``)."""
        return self.models.get(kind) is not None


@functools.lru_cache(maxsize=64)
def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


@dataclass(frozen=True)
class Diagnosis:
    """What a cause concludes: written for the merchant and the support engineer."""

    confidence: Confidence
    #: One line: "The store is disconnected because its API key was revoked".
    title: str
    #: The finding ids it explains.
    explains: tuple[str, ...]
    #: The chain of evidence, one plain sentence a step.
    reasoning: tuple[str, ...] = ()
    #: The one ordered fix that resolves it.
    remediation: tuple[str, ...] = ()
    #: What would confirm it when the evidence is not enough.
    confirm: tuple[str, ...] = ()


CauseFunction = Callable[[Facts], Diagnosis | None]


@dataclass(frozen=True)
class Cause:
    """A cause: identity, documentation and the function that weighs the facts."""

    id: str
    name: str
    check: CauseFunction = field(compare=False)
    summary: str = ""
    explanation: str = ""
    #: The rules whose findings it reads, for its documentation.
    reads: tuple[str, ...] = ()
    #: Where it came from: "built-in", "plugin <distribution>", or "rules-dir <path>".
    origin: str = "built-in"


def cause(*, id: str, name: str, reads: Iterable[str] = ()) -> Callable[[CauseFunction], Cause]:
    """Make a :class:`Cause` of a function of :class:`Facts`; its docstring documents it
    (first line the summary; the rest, or else the rest of its module's docstring, the
    documentation)."""

    def wrap(check: CauseFunction) -> Cause:
        summary, explanation = split_docstring(check.__doc__ or "")
        if not explanation:
            # One cause a file: its module docstring (same first line) documents it in full.
            module = sys.modules.get(getattr(check, "__module__", "") or "")
            if module is not None and module.__doc__:
                explanation = split_docstring(module.__doc__)[1]
        return Cause(
            id=id,
            name=name,
            check=check,
            summary=summary,
            explanation=explanation,
            reads=tuple(reads),
        )

    return wrap


def finding_ids(rules: Iterable[str]) -> list[str]:
    """The ids of a run's findings, given each one's rule ID in the run's order: the rule ID,
    with ``-2``, ``-3`` … only when that rule yields more than one finding."""
    seen: dict[str, int] = {}
    ids = []
    for rule in rules:
        seen[rule] = seen.get(rule, 0) + 1
        ids.append(rule if seen[rule] == 1 else f"{rule}-{seen[rule]}")
    return ids
