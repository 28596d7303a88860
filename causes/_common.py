"""Helpers the built-in causes share: the evidence chain's sentences and Meum's own issues."""

from __future__ import annotations

from meum_doctor.cause import Fact, Facts
from meum_doctor.rule import Severity

#: What the site report would show, asked for whenever only Meum's view is at hand.
ASK_SITE_REPORT = (
    "Ask the merchant for the System Status report (WooCommerce › Status › Get system report) "
    "and run again with --site-report: it shows from the site's side what Meum cannot see."
)
#: The rules of the site report that each name a specific reason for silence or failures.
SITE_REASONS = ("MD107", "MD304", "MD506")


def said(fact: Fact | None) -> str:
    """A finding as one sentence of an evidence chain: its title and its id."""
    if fact is None:
        return ""
    title = fact.title.rstrip(". ")
    return f"{title} ({fact.id})."


def chain(facts: Facts, *rules: str) -> list[str]:
    """One sentence for each finding of these rules, in the run's order; informational
    findings are no symptom worth a step of the chain (and are hidden without -v)."""
    return [said(f) for f in facts.of(*rules) if f.severity > Severity.INFO]


def meum_issues(facts: Facts, *words: str) -> tuple[str, ...]:
    """The ids of the issues Meum lists itself (MD103) that mention any of ``words``."""
    return tuple(f.id for f in facts.mentioning("MD103", *words))


WEBHOOK_WORDS = ("webhook", "deliver")
CHECKIN_WORDS = ("check in", "checked in", "check-in", "heard from", "not reachable", "reach")
CREDENTIAL_WORDS = ("api key", "credential", "revoked", "reconnect", "rotated")
