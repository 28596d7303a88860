"""MD102 integration-unhealthy: Meum reports the integration's health as not healthy."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import health_finding, payments_link


@rule(
    id="MD102",
    name="integration-unhealthy",
    category=Category.CONNECTION,
    severity=Severity.CRITICAL,
)
def integration_unhealthy(status: Status, ctx: Context) -> Iterator[Finding]:
    """Meum reports the integration's operational health as degraded or failing.

    Why it matters: health_status is Meum's own summary of whether payments flow. A known bad
    value (UNHEALTHY, DOWN, FAILING) is critical, DEGRADED is high, a value meum-doctor does
    not recognise is medium (and named, never assumed healthy), and a connected store that
    reports no health is low. A store that is still onboarding has no health yet, as it has
    no credential or webhook status (MD401, MD501): that is not reported.

    How to fix: read the other findings of this report first: the cause is usually among them
    (credentials, webhooks, a plugin that stopped checking in). Meum's own "issues" list, shown
    as MD103 findings, says what Meum sees.
    """
    yield from health_finding(
        ctx,
        status,
        "health_status",
        status.health_status,
        "integration's health",
        {
            "bad": Severity.CRITICAL,
            "degraded": Severity.HIGH,
            "unknown": Severity.MEDIUM,
            "missing": Severity.LOW,
        },
        (
            "Fix the other findings of this report first: they usually explain the health.",
            "Check WooCommerce › Status › Logs in wp-admin for Meum errors.",
            "If the health stays bad with nothing else wrong, contact Meum support with this "
            "report attached.",
        ),
        payments_link(status)
        + admin_link(status, "admin.php?page=wc-status&tab=logs", "WooCommerce logs"),
    )
