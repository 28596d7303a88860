"""WP-Cron is disabled and nothing runs it instead, so the plugin never checks in.

Supports it: the site's report says WP-Cron is disabled (MD303) and Meum has not heard from
the plugin (MD301): *likely* (the plugin checks in from a scheduled task). Scheduled actions
stuck past due (MD305) as well *confirm* that nothing runs the schedule.

Rules it out: Meum hears from the plugin (MD301 ran and is quiet: a system cron does the
work), or WP-Cron is enabled (MD303 ran and is quiet).

Conflicting evidence: outgoing requests fail too (MD304): that alone explains the silence, so
this is *possible* only, and fixing the requests comes first.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import CHECKIN_WORDS, chain, meum_issues


@cause(id="MC302", name="wp-cron-not-running", reads=("MD303", "MD301", "MD305", "MD304"))
def wp_cron_disabled(facts: Facts) -> Diagnosis | None:
    """WP-Cron is disabled and nothing runs it instead, so the plugin never checks in."""
    if not (facts.fired("MD303") and facts.fired("MD301")):
        return None
    reasoning = chain(facts, "MD303", "MD301", "MD305")
    if facts.fired("MD304"):
        confidence = Confidence.POSSIBLE
        reasoning.append(
            "Outgoing requests fail as well, which alone explains the silence: the disabled "
            "WP-Cron may matter only once they work."
        )
    elif facts.fired("MD305"):
        confidence = Confidence.CONFIRMED
        reasoning.append(
            "Scheduled tasks are past due, so nothing runs them: the plugin's check-in is one."
        )
    else:
        confidence = Confidence.LIKELY
        reasoning.append(
            "The plugin checks in from a scheduled task, and with WP-Cron disabled only a "
            "system cron job would run it."
        )
    return Diagnosis(
        confidence=confidence,
        title="WP-Cron is disabled and nothing runs the schedule, so the plugin stops checking in",
        explains=(
            *facts.ids("MD303", "MD301", "MD305"),
            *meum_issues(facts, *CHECKIN_WORDS),
        ),
        reasoning=tuple(reasoning),
        remediation=(
            "Ask the host to add a system cron job that requests "
            "https://<store>/wp-cron.php?doing_wp_cron every 5 minutes.",
            "Or remove define('DISABLE_WP_CRON', true) from wp-config.php so WordPress runs "
            "its schedule on page views again.",
            "Check WooCommerce › Status › Scheduled Actions: the past-due actions run within "
            "minutes, and Meum shows a fresh check-in.",
        ),
        confirm=("Ask the host whether a system cron job runs wp-cron.php, and how often.",),
    )
