"""The verdict of a report: one word for the whole store, and what it means.

A :class:`Verdict` is an enum, not a loose string, so a misspelt verdict is an error where it
is written rather than a wrong colour or an unsorted row later. It is a ``StrEnum``: written
into JSON, a template or an f-string it is exactly its label (``"critical"``), so every
output reads as it always did. The members are in the order a fleet is sorted, worst first.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from meum_doctor.rule import Severity


class Verdict(StrEnum):
    """critical, attention, incomplete or healthy; worst first."""

    CRITICAL = "critical"
    ATTENTION = "attention"
    # Replaces only "healthy": a rule that failed may have hidden a problem, so a run with a
    # failure never says all is well; problems found by the other rules still lead.
    INCOMPLETE = "incomplete"
    HEALTHY = "healthy"

    @property
    def label(self) -> str:
        """The lower-case word every output shows."""
        return self.value

    @property
    def text(self) -> str:
        """What the verdict means, in a few words for the merchant."""
        return _TEXT[self]

    @property
    def rank(self) -> int:
        """0 for the worst verdict: the order stores are listed in a batch summary."""
        return _RANK[self]


_TEXT = {
    Verdict.CRITICAL: "payments are blocked or at risk now",
    Verdict.ATTENTION: "problems need attention",
    Verdict.INCOMPLETE: "no problems found by the rules that ran, but some rules failed to run",
    Verdict.HEALTHY: "no problems that need attention",
}
_RANK = {verdict: rank for rank, verdict in enumerate(Verdict)}


def verdict_of(severities: Iterable[Severity], *, incomplete: bool = False) -> Verdict:
    """critical, attention or healthy by the worst finding; incomplete instead of healthy
    when a rule failed to run."""
    worst = max(severities, default=None)
    if worst is None or worst < Severity.MEDIUM:
        return Verdict.INCOMPLETE if incomplete else Verdict.HEALTHY
    return Verdict.CRITICAL if worst == Severity.CRITICAL else Verdict.ATTENTION
