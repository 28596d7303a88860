"""MD504 webhook-host-mismatch: webhooks go to a different host than the store's."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    host_of,
    rule,
    same_site,
)

from ._common import payments_link


@rule(
    id="MD504",
    name="webhook-host-mismatch",
    category=Category.WEBHOOKS,
    severity=Severity.HIGH,
)
def webhook_host_mismatch(status: Status, ctx: Context) -> Iterator[Finding]:
    """The webhook address points to a different host than the store's site URL.

    Why it matters: usually the site moved to a new domain, or a staging copy of the site
    connected itself and took over the webhooks: payment notifications then go to the wrong
    site, and the live shop never hears of its payments. Hosts are compared without case and
    a leading "www.".

    How to fix: on the live site, reconnect the Meum plugin so the webhook address is its
    own; on any staging copy, disconnect or deactivate the Meum plugin.
    """
    site, hook = host_of(status.site_url), host_of(status.webhook_url)
    if site is None or hook is None or same_site(site, hook):
        return
    # Hosts are compared in their canonical (punycode) form but named as sent: a merchant
    # knows their shop as bücher.example, not as xn--bcher-kva.example.
    site, hook = _as_sent(status.site_url, site), _as_sent(status.webhook_url, hook)
    yield Finding(
        title=f"Webhooks go to {hook}, but the store is {site}",
        detail=(
            "Payment notifications are sent to another site than the store's. Usually the site "
            "moved, or a staging copy connected itself and took over the notifications."
        ),
        evidence={"site_url": status.site_url, "webhook_url": status.webhook_url},
        remediation=(
            f"If {hook} is a staging or old copy of the site, deactivate the Meum plugin there.",
            "On the live site, open WooCommerce › Settings › Payments › Meum and reconnect with "
            "a new connection key, so the webhook address becomes the live site's.",
            "Run meum-doctor again and check both addresses show the same host.",
        ),
        links=payments_link(status),
    )


def _as_sent(url: str | None, canonical: str) -> str:
    """The host of ``url`` as it was written (lower-cased), else its canonical form."""
    try:
        host = urlsplit((url or "").strip()).hostname
    except ValueError:
        host = None
    return host or canonical
