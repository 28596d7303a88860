"""MD105 site-url-not-https: the store's address is not HTTPS, or is missing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    connection_of,
    rule,
)


@rule(id="MD105", name="site-url-not-https", category=Category.CONNECTION, severity=Severity.HIGH)
def site_url_not_https(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store's site URL is not an https:// address (high), or is missing while connected (low).

    Why it matters: payments and their webhooks must travel encrypted. A shop on plain http://
    exposes customers and may be refused by Meum; a connected store with no site URL cannot be
    matched to its webhooks. A site URL that was sent but could not be read is MD901's.

    How to fix: install a TLS certificate (most hosts offer a free one), then set both the
    WordPress Address and Site Address to https:// in wp-admin › Settings › General, and
    reconnect the Meum plugin so Meum learns the new address.
    """
    links = admin_link(status, "options-general.php", "Settings › General")
    if status.site_url is None:
        # Sent but unreadable (javascript:..., no host) is not "did not report": MD901 says it.
        if connection_of(status, ctx).connected and not status.unreadable("site_url"):
            yield Finding(
                title="Meum did not report the store's site URL",
                detail="The store is connected but its address is unknown to Meum.",
                severity=Severity.LOW,
                evidence={"site_url": None},
                remediation=(
                    "Reconnect the Meum plugin from WooCommerce › Settings › Payments so it "
                    "reports the site's address again.",
                ),
            )
        return
    scheme = urlsplit(status.site_url).scheme.lower()
    if scheme != "https":
        yield Finding(
            title=f"The store's address uses {scheme}://, not https://",
            detail=(
                "The shop is not served over an encrypted connection. Customers' data and "
                "payment notifications travel in the clear, and Meum may refuse it."
            ),
            evidence={"site_url": status.site_url},
            remediation=(
                "Ask your host for a TLS certificate (most offer a free one) and turn on HTTPS.",
                "In wp-admin › Settings › General, change WordPress Address and Site Address "
                "to start with https://.",
                "Reconnect the Meum plugin so Meum learns the https:// address.",
            ),
            links=links,
        )
