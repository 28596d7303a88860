"""Meum's health is degraded for a reason Meum lists in its own issues.

Supports it: Meum reports the integration's health as degraded or unhealthy (MD102) and lists
one or more issues of its own (MD103), while none of the findings that point at a specific
cause fired (not connected MD101, credentials MD401, silence MD301, webhooks MD501): then
Meum's own words are the best explanation there is, and following them is the fix.

Rules it out: any of those findings fired (a more specific cause explains the health), or
Meum lists no issue.

Confidence: *likely*: Meum's issue text is Meum's own diagnosis, not proof of the root cause.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import chain


@cause(id="MC104", name="health-degraded-for-listed-reason", reads=("MD102", "MD103"))
def health_reason_listed(facts: Facts) -> Diagnosis | None:
    """Meum's health is degraded for a reason Meum lists in its own issues."""
    if not (facts.fired("MD102") and facts.fired("MD103")):
        return None
    if facts.fired("MD101", "MD401", "MD301", "MD501"):
        return None
    issues = facts.of("MD103")
    return Diagnosis(
        confidence=Confidence.LIKELY,
        title="Meum's own issue list says why the integration's health is degraded",
        explains=(*facts.ids("MD102"), *(f.id for f in issues)),
        reasoning=(
            *chain(facts, "MD102", "MD103"),
            "Nothing else in the status points elsewhere: the issues Meum lists are the reason "
            "it gives for the health.",
        ),
        remediation=(
            "Do what Meum's issue asks (its steps are listed under the issue below).",
            "Then open WooCommerce › Settings › Payments › Meum and run the connection test; "
            "the health "
            "recovers within a few minutes of the next check-in.",
        ),
        confirm=("Ask Meum support what the issue's code means if its text is unclear.",),
    )
