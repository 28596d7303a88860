"""MD501 webhooks-unhealthy: Meum cannot deliver payment notifications reliably."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import health_finding


@rule(id="MD501", name="webhooks-unhealthy", category=Category.WEBHOOKS, severity=Severity.HIGH)
def webhooks_unhealthy(status: Status, ctx: Context) -> Iterator[Finding]:
    """Meum reports that recent webhook deliveries to the store are failing.

    Why it matters: webhooks tell the store that a payment succeeded. Meum retries each one
    6 times with backoff; when they keep failing, orders stay "pending payment" although
    the customer paid. FAILING, UNHEALTHY or DISABLED is high, DEGRADED or an unrecognised
    value medium, and a connected store with no webhook health low.

    How to fix: the webhook address must answer HTTP 200 with {{"received": true}}. Check that
    the site is up, that pretty permalinks are on (the address is under /wp-json/), and that
    no security plugin, firewall or maintenance mode blocks requests from Meum.
    """
    yield from health_finding(
        ctx,
        status,
        "webhook_health",
        status.webhook_health,
        "webhook delivery health",
        {
            "bad": Severity.HIGH,
            "degraded": Severity.MEDIUM,
            "unknown": Severity.MEDIUM,
            "missing": Severity.LOW,
        },
        (
            "Check the site is up and not in maintenance mode.",
            "In wp-admin › Settings › Permalinks, choose any setting other than Plain and save "
            "(the webhook lives under /wp-json/).",
            "Make sure no security plugin, firewall or CDN rule blocks POST requests to the "
            "webhook address.",
            "Check WooCommerce › Status › Logs for Meum webhook errors.",
        ),
        admin_link(status, "options-permalink.php", "Settings › Permalinks")
        + admin_link(status, "admin.php?page=wc-status&tab=logs", "WooCommerce logs"),
    )
