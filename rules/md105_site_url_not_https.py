"""MD105 site-url-not-https: the store's address is not HTTPS, or is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
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
from meum_doctor.rule import EvidenceValue

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD105",
    name="site-url-not-https",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
    uses=("site-report",),
)
def site_url_not_https(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """The store's site URL is not an https:// address (high), or is missing while connected (low).

    Why it matters: payments and their webhooks must travel encrypted. A shop on plain http://
    exposes customers and may be refused by Meum; a connected store with no site URL cannot be
    matched to its webhooks. A site URL that was sent but could not be read is MD901's.
    With the site's System Status report, its view (secure connection, addresses) is in the
    evidence, and MD110 does not say the same again.

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
        evidence: dict[str, EvidenceValue] = {"site_url": status.site_url}
        if report is not None:
            # One fact, both sources: MD110 stays quiet and this finding names the report's view.
            evidence["site_report.https"] = report.https
            evidence["site_report.site_url"] = report.site_url
            evidence["site_report.home_url"] = report.home_url
        yield Finding(
            title=f"The store's address uses {scheme}://, not https://",
            detail=(
                "The shop is not served over an encrypted connection. Customers' data and "
                "payment notifications travel in the clear, and Meum may refuse it."
            ),
            evidence=evidence,
            remediation=(
                "Ask your host for a TLS certificate (most offer a free one) and turn on HTTPS.",
                "In wp-admin › Settings › General, change WordPress Address and Site Address "
                "to start with https://.",
                "Reconnect the Meum plugin so Meum learns the https:// address.",
            ),
            links=links,
        )
