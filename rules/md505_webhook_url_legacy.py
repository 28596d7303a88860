"""MD505 webhook-url-legacy: webhooks go to the endpoint of an older plugin build."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import payments_link


@rule(
    id="MD505",
    name="webhook-url-legacy",
    category=Category.WEBHOOKS,
    severity=Severity.LOW,
    options={"legacy_endpoints": ["stablecoin_webhook"]},
)
def webhook_url_legacy(status: Status, ctx: Context) -> Iterator[Finding]:
    """The webhook address is the legacy ?wc-api= endpoint of an older Meum plugin build.

    Why it matters: current plugin builds receive webhooks at /wp-json/meum/v1/webhook;
    older builds used ?wc-api=stablecoin_webhook. A store still registered at the old
    address usually connected with an old build, and after a plugin update the old address
    may stop accepting payment notifications. Endpoints treated as legacy: {legacy_endpoints}.

    How to fix: update the Meum plugin, then reconnect it so it registers the current
    webhook address.
    """
    if status.webhook_url is None:
        return
    endpoints = {name.lower() for name in ctx.options["legacy_endpoints"]}
    query = parse_qs(urlsplit(status.webhook_url).query)
    if not any(value.lower() in endpoints for value in query.get("wc-api", [])):
        return
    yield Finding(
        title="Webhooks go to the legacy ?wc-api= endpoint of an older plugin build",
        detail=(
            "Meum sends payment notifications to the address an older Meum plugin used. "
            "Current builds listen at /wp-json/meum/v1/webhook, so after an update the old "
            "address may stop receiving them."
        ),
        evidence={"webhook_url": status.webhook_url},
        remediation=(
            "In wp-admin › Plugins, update the Meum plugin to the latest version.",
            "Open WooCommerce › Settings › Payments › Meum and reconnect with a new connection "
            "key, so Meum learns the current webhook address.",
            "Run meum-doctor again: the webhook address should end in /wp-json/meum/v1/webhook.",
        ),
        links=payments_link(status),
    )
