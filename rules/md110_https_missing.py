"""MD110 https-missing: the site's report says the store is not on a secure connection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule
from meum_doctor.rule import EvidenceValue

from ._site import GENERAL_SETTINGS_PAGE, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD110",
    name="https-missing",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
    needs=("site-report",),
    uses=("meum-status",),
)
def https_missing(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """The site's report says the store has no secure connection, or its addresses are http://.

    Why it matters: payments and their notifications must travel encrypted. A shop on plain
    http:// exposes its customers' data, browsers warn them away, and Meum may refuse it.
    When Meum's status already shows an http:// site URL, MD105 reports it once, with the
    report's view in its evidence, and this rule stays quiet.

    How to fix: ask the host for a TLS certificate (most offer a free one), then set both
    the WordPress Address and the Site Address to https:// in wp-admin › Settings › General,
    and reconnect the Meum plugin so Meum learns the new address.
    """
    if status is not None and status.site_url and _scheme(status.site_url) not in ("https", ""):
        return  # MD105 says it, naming both sources
    plain = [
        (label, url)
        for label, url in (
            ("WordPress address", report.site_url),
            ("site address", report.home_url),
        )
        if url and _scheme(url) == "http"
    ]
    if report.https is not False and not plain:
        return
    if plain:
        title = f"The store's {' and '.join(label for label, _ in plain)} use http://, not https://"
        if len(plain) == 1:
            title = title.replace(" use ", " uses ")
    else:
        title = "The site's report says the store has no secure (HTTPS) connection"
    evidence: dict[str, EvidenceValue] = {"site_report.https": report.https}
    evidence["site_report.site_url"] = report.site_url
    evidence["site_report.home_url"] = report.home_url
    yield Finding(
        title=title,
        detail=(
            "The shop is not served over an encrypted connection. Customers' data and payment "
            "notifications travel in the clear, browsers warn visitors, and Meum may refuse "
            "the store."
        ),
        evidence=evidence,
        remediation=(
            "Ask your host for a TLS certificate (most offer a free one) and turn on HTTPS.",
            "In wp-admin › Settings › General, change WordPress Address and Site Address to "
            "start with https://.",
            "Reconnect the Meum plugin (WooCommerce › Settings › Payments › Meum) so Meum "
            "learns the https:// address.",
        ),
        links=site_links(status, report, GENERAL_SETTINGS_PAGE),
    )


def _scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
