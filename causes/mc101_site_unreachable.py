"""The site is down or unreachable: Meum and the store cannot reach each other.

Supports it: Meum has not heard from the plugin (MD301) **and** Meum's webhook deliveries to
the store fail (MD501), both at once. One thing stops both directions: the site is down, its
address no longer resolves, or a firewall, WAF or "under attack" mode stands between the
store and Meum. The health (MD102) and the failures Meum lists itself (MD103) follow from it.

Rules it out: the store is not connected or its credentials are invalid (MD101, MD401: a
connection problem explains the silence), or the site's own report names a more specific
reason (the Meum plugin inactive MD107, outgoing requests failing MD304, PHP errors shown to
visitors MD506): those causes explain the same findings better. One symptom alone is not
enough to name it.

Confidence: *likely* from Meum's view alone; *possible* when a site report was given and
names no reason (the site could make its report, so it was up then: the block is more likely
inbound, such as a firewall rule against Meum's requests). Never *confirmed*: no document
proves that the site is unreachable from outside.

What confirms it: open the store from another network, and ask for the System Status report.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import ASK_SITE_REPORT, SITE_REASONS, WEBHOOK_WORDS, chain, meum_issues


@cause(
    id="MC101",
    name="site-unreachable-from-meum",
    reads=("MD301", "MD501", "MD102", "MD103", "MD101", "MD401", *SITE_REASONS),
)
def site_unreachable(facts: Facts) -> Diagnosis | None:
    """The site is down or unreachable: Meum and the store cannot reach each other."""
    if not (facts.fired("MD301") and facts.fired("MD501")):
        return None
    if facts.fired("MD101", "MD401", *SITE_REASONS):
        return None
    has_report = facts.has_evidence("site-report")
    reasoning = [
        *chain(facts, "MD301", "MD501"),
        "Both directions fail at once: Meum cannot deliver to the store, and the store does not "
        "call Meum. One thing stops both: the site is down or unreachable, or traffic between "
        "it and Meum is blocked.",
    ]
    if has_report:
        reasoning.append(
            "The site's own report names no reason (the plugin is active and outgoing requests "
            "work), so the block is more likely inbound: a firewall or WAF rule against Meum."
        )
    else:
        reasoning.append("Without the site's own report, this is the likeliest reading, not proof.")
    return Diagnosis(
        confidence=Confidence.POSSIBLE if has_report else Confidence.LIKELY,
        title="The store is likely down or unreachable: Meum and the store cannot reach each other"
        if not has_report
        else "Traffic from Meum may be blocked before it reaches the store",
        explains=(
            *facts.ids("MD301", "MD501", "MD102"),
            *meum_issues(facts, *WEBHOOK_WORDS),
        ),
        reasoning=tuple(reasoning),
        remediation=(
            "Open the store's address from outside its network (a phone on mobile data): if it "
            "does not load, contact the host to bring the site back.",
            "If it loads, ask the host whether a firewall, WAF or security plugin blocks "
            "requests from Meum, and allow them.",
            "When the site is reachable, open WooCommerce › Settings › Payments › Meum and run the "
            "connection test; Meum retries failed webhooks and the plugin checks in again.",
        ),
        confirm=(
            "Check the site loads from outside (another network, or an uptime checker).",
            *(() if has_report else (ASK_SITE_REPORT,)),
        ),
    )
