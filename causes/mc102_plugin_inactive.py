"""The Meum plugin is deactivated or removed, so nothing on the store talks to Meum.

Supports it: the site's own report lists no active Meum plugin (MD107). Meum's silence
(MD301) and failing webhooks (MD501: the plugin's endpoint is gone) follow from it, and make
it *confirmed*. From Meum's view alone, silence together with failing webhooks is what a
deactivated plugin looks like too, so it is shown as *possible* beside the site being
unreachable, with the System Status report as what settles it.

Rules it out: the site report was given and MD107 ran without finding anything (the plugin
is active); the store is not connected (MD101).

Conflicting evidence: the report says the plugin is inactive but Meum heard from it recently
(MD301 ran and is quiet), or the report is of another site (MD108): then it is *possible*
only (an old report, or the wrong one).
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import ASK_SITE_REPORT, CHECKIN_WORDS, WEBHOOK_WORDS, chain, meum_issues


@cause(
    id="MC102",
    name="meum-plugin-inactive",
    reads=("MD107", "MD301", "MD501", "MD102", "MD103", "MD108", "MD101"),
)
def plugin_inactive(facts: Facts) -> Diagnosis | None:
    """The Meum plugin is deactivated or removed, so nothing on the store talks to Meum."""
    if facts.fired("MD101") or facts.quiet("MD107"):
        return None
    silent, failing = facts.fired("MD301"), facts.fired("MD501")
    remediation = (
        "In wp-admin › Plugins, activate \"Meum Payments\" (install it again from the Meum "
        "dashboard if it is gone).",
        "Open WooCommerce › Settings › Payments › Meum and check that the store shows as "
        "connected; "
        "reconnect with a new connection key if it asks for one.",
        "Place a test order: Meum delivers the waiting webhooks once the plugin answers.",
    )
    explains = (
        *facts.ids("MD107", "MD301", "MD501", "MD102"),
        *meum_issues(facts, *WEBHOOK_WORDS, *CHECKIN_WORDS),
    )
    if facts.fired("MD107"):
        reasoning = chain(facts, "MD107", "MD301", "MD501")
        if facts.fired("MD108") or facts.quiet("MD301"):
            confidence = Confidence.POSSIBLE
            reasoning.append(
                "But the report is of another site than the one Meum is connected to."
                if facts.fired("MD108")
                else "But Meum heard from the plugin recently: the report may be old."
            )
            confirm: tuple[str, ...] = (
                "Ask the merchant for a fresh System Status report of the live store.",
            )
        else:
            confidence = Confidence.CONFIRMED if (silent or failing) else Confidence.LIKELY
            reasoning.append(
                "With the plugin inactive, nothing answers Meum's webhooks and nothing checks in."
            )
            confirm = ()
        return Diagnosis(
            confidence=confidence,
            title="The Meum plugin is not active on the store",
            explains=explains,
            reasoning=tuple(reasoning),
            remediation=remediation,
            confirm=confirm,
        )
    # Meum's view alone: the same silence and failures, with nothing from the site.
    if silent and failing and not facts.has_evidence("site-report"):
        return Diagnosis(
            confidence=Confidence.POSSIBLE,
            title="The Meum plugin may have been deactivated or removed",
            explains=explains,
            reasoning=(
                *chain(facts, "MD301", "MD501"),
                "A deactivated plugin looks the same from Meum's side: it stops checking in and "
                "its webhook endpoint stops answering.",
            ),
            remediation=remediation,
            confirm=(
                ASK_SITE_REPORT,
                "Or ask the merchant to look at wp-admin › Plugins: is \"Meum Payments\" active?",
            ),
        )
    return None
