"""MD502 webhook-url-missing: a connected store has no webhook address."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, connection_of, rule

from ._common import payments_link


@rule(id="MD502", name="webhook-url-missing", category=Category.WEBHOOKS, severity=Severity.HIGH)
def webhook_url_missing(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store is connected but Meum has no webhook address for it.

    Why it matters: without a webhook address Meum cannot tell the store that a payment
    succeeded, so paid orders stay "pending payment". An address that was sent but could
    not be read (a relative path, no host) is not missing: MD901 reports it.

    How to fix: reconnect the Meum plugin; it registers the webhook address (usually
    https://SHOP/wp-json/meum/v1/webhook) as part of connecting.
    """
    if status.webhook_url is None and status.unreadable("webhook_url"):
        return
    if status.webhook_url is None and connection_of(status, ctx).connected:
        yield Finding(
            title="Meum has no webhook address for this store",
            detail=(
                "Meum cannot notify the store of payments, so orders may stay pending although "
                "customers paid."
            ),
            evidence={"connected": True, "webhook_url": None},
            remediation=(
                "In the Meum dashboard, create a new WooCommerce connection key.",
                "In wp-admin, open WooCommerce › Settings › Payments › Meum, paste the key and "
                "save: connecting registers the webhook address.",
                "Run meum-doctor again and check the webhook address is shown.",
            ),
            links=payments_link(status),
        )
