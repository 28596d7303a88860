"""The store was cloned or moved: a staging copy or a new domain took the connection over.

Supports it: Meum's webhooks go to another host than the store's site URL (MD504), or the
site's report is of another host than the one Meum is connected to (MD108). Both together
*confirm* it; MD504 alone makes it *likely* (a copy or a migration is by far the commonest
way to get there); MD108 alone only *possible* (it may just be the wrong report pasted).
A webhook address on http:// (MD503) beside a host mismatch belongs to the copy, and is
explained by it; so are failing webhooks (MD501).

Rules it out: nothing disagrees about hosts.

What confirms it: ask the merchant whether a staging copy was made or the site moved
recently, and for the System Status report of the live store (its Site URL row).
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import ASK_SITE_REPORT, WEBHOOK_WORDS, chain, meum_issues


@cause(id="MC103", name="store-cloned-or-moved", reads=("MD504", "MD108", "MD503", "MD501"))
def store_cloned_or_moved(facts: Facts) -> Diagnosis | None:
    """The store was cloned or moved: a staging copy or a new domain took the connection over."""
    webhook_elsewhere, report_elsewhere = facts.fired("MD504"), facts.fired("MD108")
    if not (webhook_elsewhere or report_elsewhere):
        return None
    if webhook_elsewhere and report_elsewhere:
        confidence = Confidence.CONFIRMED
    elif webhook_elsewhere:
        confidence = Confidence.LIKELY
    else:
        confidence = Confidence.POSSIBLE
    reasoning = chain(facts, "MD504", "MD108")
    explains = list(facts.ids("MD504", "MD108"))
    if webhook_elsewhere:
        explains += [*facts.ids("MD503", "MD501"), *meum_issues(facts, *WEBHOOK_WORDS)]
        reasoning += chain(facts, "MD503")
        reasoning.append(
            "Two hosts claim one Meum connection: a staging copy or a clone kept the plugin "
            "connected (or the store moved to a new domain), and Meum now talks to the copy."
        )
    else:
        reasoning.append(
            "The site's report is of another host than the one Meum is connected to: a copy of "
            "the store, or the report of the wrong site."
        )
    return Diagnosis(
        confidence=confidence,
        title="The store was copied or moved, and the copy took over the Meum connection"
        if webhook_elsewhere
        else "The site report is of a copy of the store, or of another site",
        explains=tuple(explains),
        reasoning=tuple(reasoning),
        remediation=(
            "On the copy (staging or old domain), deactivate the Meum plugin, or disconnect it "
            "in WooCommerce › Settings › Payments › Meum, so it cannot take the connection again.",
            "On the live store, open WooCommerce › Settings › Payments › Meum and reconnect: "
            "the webhooks "
            "then point at the live store's own https:// address.",
            "Make staging copies with the Meum plugin deactivated from now on (most hosts' "
            "staging tools can exclude a plugin).",
        ),
        confirm=(
            "Ask the merchant whether a staging copy was made or the site moved recently.",
            *((ASK_SITE_REPORT,) if not facts.has_evidence("site-report") else ()),
        ),
    )
