"""Outgoing requests are blocked by the host or a firewall: the plugin cannot reach Meum.

Supports it: the site's own report says its remote post or get test failed (MD304), and Meum
has not heard from the plugin (MD301): together they *confirm* it. Meum's failing webhooks
(MD501) and its health (MD102) follow, since the plugin cannot register or acknowledge
anything, and so do the failures Meum lists itself (MD103).

Rules it out: the report's remote requests work (MD304 ran and is quiet).

Conflicting or partial evidence: the remote test failed but Meum hears from the plugin (MD301
ran and is quiet): *possible* only (the test may have failed for another host, or for a
moment); MD304 without Meum's view: *likely*.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import CHECKIN_WORDS, WEBHOOK_WORDS, chain, meum_issues


@cause(
    id="MC301",
    name="outbound-requests-blocked",
    reads=("MD304", "MD301", "MD501", "MD102", "MD103"),
)
def outbound_blocked(facts: Facts) -> Diagnosis | None:
    """Outgoing requests are blocked by the host or a firewall: the plugin cannot reach Meum."""
    if not facts.fired("MD304"):
        return None
    silent = facts.fired("MD301")
    if silent:
        confidence = Confidence.CONFIRMED
        verdict = (
            "The site cannot make outgoing requests, so the plugin cannot reach Meum: the host "
            "or a firewall is blocking traffic between the site and Meum."
        )
    elif facts.quiet("MD301"):
        confidence = Confidence.POSSIBLE
        verdict = (
            "But Meum hears from the plugin, so requests to Meum get through: the failed test may "
            "concern another host, or a passing outage."
        )
    else:
        confidence = Confidence.LIKELY
        verdict = "Without Meum's view, the effect on the integration is inferred, not seen."
    return Diagnosis(
        confidence=confidence,
        title="The host or a firewall blocks the site's outgoing requests, so it cannot reach Meum",
        explains=(
            *facts.ids("MD304", *(("MD301", "MD501", "MD102") if silent else ())),
            *(meum_issues(facts, *WEBHOOK_WORDS, *CHECKIN_WORDS) if silent else ()),
        ),
        reasoning=(*chain(facts, "MD301", "MD501", "MD304"), verdict),
        remediation=(
            "Ask the host to allow outgoing HTTPS (port 443) from the site to api.meum.io; name "
            "the error the System Status report shows for remote post/get.",
            "Check the site's own firewall or security plugin, and WP_HTTP_BLOCK_EXTERNAL in "
            "wp-config.php (add api.meum.io to WP_ACCESSIBLE_HOSTS if it is set).",
            "Open WooCommerce › Status and check remote post and get show a tick, then run the "
            "connection test in WooCommerce › Settings › Payments › Meum.",
        ),
        confirm=()
        if confidence is Confidence.CONFIRMED
        else ("Ask the host whether outgoing requests to api.meum.io are allowed.",),
    )
