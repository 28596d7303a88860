"""MD109 versions-disagree: the site's report and Meum's status name different versions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    host_of,
    iso,
    read_version,
    rule,
    same_site,
)
from meum_doctor.rule import EvidenceValue

from ._common import VERSION_FIELDS
from ._site import DEFAULT_MEUM_MATCH, PAYMENTS_PAGE, match_terms, report_version, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD109",
    name="versions-disagree",
    category=Category.VERSIONS,
    severity=Severity.MEDIUM,
    options={"match": DEFAULT_MEUM_MATCH},
    needs=("site-report", "meum-status"),
)
def versions_disagree(report: SiteReport, status: Status, ctx: Context) -> Iterator[Finding]:
    """The site's report and Meum's status name different WordPress, WooCommerce or Meum versions.

    Versions are compared as WordPress orders them (6.7 equals 6.7.0). The Meum plugin in
    the report is found by name or file, as in MD107 ([rules.MD109] match: {match}). A
    report from another site (MD108) is not compared: a staging copy may well differ.

    Why it matters: the plugin tells Meum its versions when it checks in. When the site's
    own report is newer, Meum's view is stale: the plugin has not reported since an update,
    often because it cannot reach Meum. When Meum's is newer, the report is older than the
    last update. The version rules (MD201 to MD205) judge the newer of the two.

    How to fix: open WooCommerce › Settings › Payments › Meum on the site so the plugin
    reports again (reconnect if it asks), or get a fresh System Status report.
    """
    store = host_of(status.site_url)
    for url in (report.site_url, report.home_url):
        host = host_of(url)
        if store is not None and host is not None and not same_site(host, store):
            return  # another site's report: MD108 says so, and its versions may differ
    terms = match_terms(ctx.options.get("match"))
    differences = []
    evidence: dict[str, EvidenceValue] = {}
    site_newer = meum_newer = 0
    for field_name, component in VERSION_FIELDS:
        mine = getattr(status, field_name)
        theirs = report_version(report, field_name, terms)
        read_mine, read_theirs = read_version(mine), read_version(theirs)
        if read_mine is None or read_theirs is None or read_mine == read_theirs:
            continue
        if read_theirs > read_mine:
            site_newer += 1
        else:
            meum_newer += 1
        differences.append(f"{component} {read_mine.text.strip()} in Meum's status, "
                           f"{read_theirs.text.strip()} on the site")
        evidence[f"meum_status.{field_name}"] = mine
        evidence[f"site_report.{field_name}"] = theirs
    if not differences:
        return
    if site_newer and not meum_newer:
        detail = (
            "The site runs newer versions than Meum last heard of: Meum's view is stale. The "
            "plugin has not reported to Meum since the update, which often means it cannot "
            "reach Meum. meum-doctor judges the site's versions."
        )
    elif meum_newer and not site_newer:
        detail = (
            "Meum's status names newer versions than the site's report: the report was "
            "probably made before the last update. meum-doctor judges Meum's versions."
        )
    else:
        detail = (
            "Some versions are newer in Meum's status and some in the site's report, so one "
            "of them is out of date. meum-doctor judges the newer of each."
        )
    if report.generated_at is not None:
        evidence["site_report.generated_at"] = iso(report.generated_at)
    if status.last_seen_at is not None:
        evidence["meum_status.last_seen_at"] = iso(status.last_seen_at)
    yield Finding(
        title="Meum's status and the site's report disagree: " + "; ".join(differences),
        detail=detail,
        evidence=evidence,
        remediation=(
            "In wp-admin, open WooCommerce › Settings › Payments › Meum so the plugin reports "
            "to Meum again; reconnect it if it asks.",
            "If the plugin still does not report, check the site can make outgoing requests "
            "(WooCommerce › Status, Remote Post and Remote Get).",
            "If the report is the older one, make a fresh one in WooCommerce › Status "
            "(\"Get system report\") and run meum-doctor again.",
        ),
        links=site_links(status, report, PAYMENTS_PAGE),
    )
