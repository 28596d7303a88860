"""MD503 webhook-url-not-https: payment notifications would travel unencrypted."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule


@rule(id="MD503", name="webhook-url-not-https", category=Category.WEBHOOKS, severity=Severity.HIGH)
def webhook_url_not_https(status: Status, ctx: Context) -> Iterator[Finding]:
    """The webhook address is not an https:// address.

    Why it matters: payment notifications would travel unencrypted, and Meum may refuse to
    deliver them at all.

    How to fix: turn on HTTPS for the store (see MD105), then reconnect the Meum plugin so it
    registers the https:// webhook address.
    """
    if status.webhook_url is None:
        return
    scheme = urlsplit(status.webhook_url).scheme.lower()
    if scheme != "https":
        yield Finding(
            title=f"The webhook address uses {scheme}://, not https://",
            detail=(
                "Meum's payment notifications to the store would travel unencrypted, and may "
                "not be delivered at all."
            ),
            evidence={"webhook_url": status.webhook_url},
            remediation=(
                "Turn on HTTPS for the store and set its addresses to https:// in wp-admin › "
                "Settings › General.",
                "Reconnect the Meum plugin from WooCommerce › Settings › Payments so it "
                "registers the https:// webhook address.",
            ),
            links=admin_link(status, "options-general.php", "Settings › General"),
        )
