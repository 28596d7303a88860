"""MD904 site-report-partial: parts of the site report are missing or redacted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport

#: The sections the site-report rules read (kinds of :data:`SECTION_KINDS`), with the label
#: the text report gives them, and the rules (ID, name) that lose their input without them.
SECTION_RULES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "wordpress": ("WordPress Environment", (
        ("MD108", "site-report-other-site"),
        ("MD109", "versions-disagree"),
        ("MD208", "woocommerce-database-update-pending"),
        ("MD303", "wp-cron-disabled"),
        ("MD306", "memory-limit-low"),
    )),
    "server": ("Server Environment", (
        ("MD209", "php-unsupported"),
        ("MD304", "outbound-requests-failing"),
    )),
    "database": ("Database", (("MD208", "woocommerce-database-update-pending"),)),
    "security": ("Security", (
        ("MD110", "https-missing"),
        ("MD506", "errors-shown-to-visitors"),
    )),
    "active_plugins": ("Active Plugins", (
        ("MD107", "meum-plugin-inactive"),
        ("MD109", "versions-disagree"),
        ("MD206", "plugins-outdated"),
        ("MD207", "extensions-untested"),
    )),
    "pages": ("WC Pages", (("MD111", "checkout-page-broken"),)),
    "templates": ("Templates", (("MD210", "templates-outdated"),)),
    "action_scheduler": ("Action Scheduler", (("MD305", "scheduled-actions-stuck"),)),
    "report_info": ("Status report information", (("MD903", "site-report-old"),)),
}
#: What redaction removes ("Copy for GitHub"), with the rules that needed it.
REDACTED_RULES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "site_url": ("the WordPress address", (
        ("MD108", "site-report-other-site"),
        ("MD110", "https-missing"),
    )),
    "home_url": ("the site address", (
        ("MD108", "site-report-other-site"),
        ("MD110", "https-missing"),
    )),
    "database": ("the Database section", (("MD208", "woocommerce-database-update-pending"),)),
}
#: Sections the REST JSON never has (extensions add them to the text report only): their
#: absence from a JSON report is the form's, not a gap in this report.
TEXT_ONLY = frozenset({"action_scheduler", "report_info"})


@rule(
    id="MD904",
    name="site-report-partial",
    category=Category.DATA,
    severity=Severity.INFO,
    needs=("site-report",),
    uses=("meum-status",),
)
def site_report_partial(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """Sections of the site report are missing or redacted, so some rules could not judge it.

    Why it matters: a report pasted in part, cut off, or copied with "Copy for GitHub" (which
    redacts the addresses and the Database section) leaves the rules that read those parts
    without their input: they stay silent, which does not mean the store is fine there. The
    finding names the missing or redacted parts and the rules that lost them. The REST JSON
    never has the Action Scheduler and Status report information sections, so their absence
    from it is not reported. {level.info}.

    How to fix: ask the merchant for the whole report: wp-admin › WooCommerce › Status, "Get
    system report", then "Copy for support" (not "Copy for GitHub"), pasted in full.
    """
    missing = [
        kind for kind in SECTION_RULES
        if kind not in report.sections and not (report.form == "json" and kind in TEXT_ONLY)
    ]
    redacted = [part for part in report.redacted_parts if part in REDACTED_RULES]
    if not missing and not redacted:
        return
    lost: dict[str, str] = {}
    for kind in missing:
        lost.update(SECTION_RULES[kind][1])
    for part in redacted:
        lost.update(REDACTED_RULES[part][1])
    parts = []
    if missing:
        labels = ", ".join(SECTION_RULES[kind][0] for kind in missing)
        parts.append(f"missing {labels}")
    if redacted:
        labels = ", ".join(dict.fromkeys(REDACTED_RULES[part][0] for part in redacted))
        parts.append(f"redacted {labels}")
    rules = ", ".join(f"{rule_id} ({name})" for rule_id, name in sorted(lost.items()))
    yield Finding(
        title=f"The site report is partial: {'; '.join(parts)}",
        detail=(
            f"Some parts of the site's System Status report are not there ({'; '.join(parts)}), "
            f"so these checks could not judge them: {rules}. Their silence does not mean "
            "those parts of the store are fine."
        ),
        evidence={
            "missing_sections": missing,
            "redacted": redacted,
            "rules_without_input": sorted(lost),
        },
        remediation=(
            "Ask for the whole report: in wp-admin › WooCommerce › Status, click \"Get system "
            "report\", then \"Copy for support\" (not \"Copy for GitHub\", which hides parts), "
            "and paste all of it.",
            "Run meum-doctor again with the whole report.",
        ),
        links=site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
    )
