"""PHP errors printed into the site's responses break Meum's webhooks.

Supports it: the site's report says PHP errors are shown to visitors (MD506) and Meum's
webhook deliveries fail (MD501): *likely*. A warning printed before the JSON makes every
webhook answer unreadable to Meum, so deliveries count as failed although the store is up.

Rules it out: errors are hidden (MD506 ran and is quiet), or webhooks are healthy (MD501
quiet). MD506 alone is its own finding, with no cause to name.

Conflicting evidence: the plugin is inactive (MD107) or outgoing requests fail (MD304): those
explain the failures as well, so this is *possible* only.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import WEBHOOK_WORDS, chain, meum_issues


@cause(
    id="MC501",
    name="php-errors-break-webhooks",
    reads=("MD506", "MD501", "MD102", "MD103", "MD107", "MD304"),
)
def php_errors_break_webhooks(facts: Facts) -> Diagnosis | None:
    """PHP errors printed into the site's responses break Meum's webhooks."""
    if not (facts.fired("MD506") and facts.fired("MD501")):
        return None
    other = facts.fired("MD107", "MD304")
    reasoning = chain(facts, "MD506", "MD501")
    reasoning.append(
        "Another finding explains the failing webhooks as well; the printed errors may be only "
        "part of it."
        if other
        else "A PHP warning printed before the webhook's answer makes it unreadable to Meum, so "
        "each delivery counts as failed although the store is up."
    )
    return Diagnosis(
        confidence=Confidence.POSSIBLE if other else Confidence.LIKELY,
        title="PHP errors printed into the site's responses are likely breaking Meum's webhooks",
        explains=(
            *facts.ids("MD506", "MD501"),
            *(() if other else facts.ids("MD102")),
            *meum_issues(facts, *WEBHOOK_WORDS),
        ),
        reasoning=tuple(reasoning),
        remediation=(
            "In wp-config.php set define('WP_DEBUG_DISPLAY', false); and "
            "@ini_set('display_errors', 0); (keep WP_DEBUG_LOG on to keep a record).",
            "Read wp-content/debug.log for the warnings that were printed, and update or "
            "replace the plugin or theme that causes them.",
            "In the Meum dashboard, resend a failed webhook: it is delivered once the answers "
            "are clean JSON.",
        ),
        confirm=(
            "Open https://<store>/wp-json/ in a browser: PHP warnings above the JSON confirm it.",
        ),
    )
