"""MD108 site-report-other-site: the site's report comes from another host than Meum's store."""

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
    host_of,
    rule,
    same_site,
)
from meum_doctor.rule import EvidenceValue

from ._site import STATUS_PAGE, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD108",
    name="site-report-other-site",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
    needs=("site-report", "meum-status"),
)
def site_report_other_site(report: SiteReport, status: Status, ctx: Context) -> Iterator[Finding]:
    """The System Status report is from another host than the one Meum is connected to.

    The report's WordPress address and site address are each compared with the site URL in
    Meum's status, as MD504 compares hosts: without case, a leading "www." or a trailing
    dot, and a Unicode address equals its punycode form. A redacted address is not compared.

    Why it matters: a report from a staging copy, a clone or another shop describes a
    different site, so what it says (and what meum-doctor concludes from it) may not hold
    for the live store. A staging copy with the Meum plugin connected may also take over
    the live shop's payment notifications.

    How to fix: get the report from the live store (wp-admin › WooCommerce › Status, "Get
    system report"); if the copy is a staging site, deactivate the Meum plugin there.
    """
    store = host_of(status.site_url)
    if store is None:
        return
    others = []
    for label, url in (("WordPress address", report.site_url), ("site address", report.home_url)):
        host = host_of(url)
        if host is not None and not same_site(host, store):
            others.append((label, url, _as_sent(url, host)))
    if not others:
        return
    store_shown = _as_sent(status.site_url, store)
    hosts = sorted({shown for _, _, shown in others})
    evidence: dict[str, EvidenceValue] = {"meum_status.site_url": status.site_url}
    evidence["site_report.site_url"] = report.site_url
    evidence["site_report.home_url"] = report.home_url
    yield Finding(
        title=(
            f"The site report is from {' and '.join(hosts)}, but Meum is connected to "
            f"{store_shown}"
        ),
        detail=(
            "The System Status report describes another site than the store Meum knows: a "
            "staging copy, a clone, or a report from the wrong shop. Its findings may not "
            "apply to the live store."
        ),
        evidence=evidence,
        remediation=(
            f"On the live store ({store_shown}), open WooCommerce › Status, click \"Get system "
            "report\" and run meum-doctor again with that report.",
            f"If {hosts[0]} is a staging or test copy, deactivate the Meum plugin there so it "
            "cannot take over the live shop's payment notifications.",
            "If the shop has moved to a new address, reconnect the Meum plugin on the new "
            "site so Meum learns it.",
        ),
        links=site_links(status, report, STATUS_PAGE),
    )


def _as_sent(url: str | None, canonical: str) -> str:
    """The host of ``url`` as written (lower-cased), else its canonical form: a merchant
    knows their shop as bücher.example, not as xn--bcher-kva.example."""
    try:
        host = urlsplit((url or "").strip()).hostname
    except ValueError:
        host = None
    return host or canonical
