"""MD903 site-report-old: the site report was generated long before this diagnosis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, age_text, iso, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD903",
    name="site-report-old",
    category=Category.DATA,
    severity=Severity.LOW,
    options={"max_age_days": 7},
    needs=("site-report",),
    uses=("meum-status",),
)
def site_report_old(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """The site report was generated more than {max_age_days} days before the diagnosis.

    Why it matters: the site's System Status report is a snapshot. Plugins, settings and
    errors may have changed since, so findings from an old report may be fixed already, and
    new problems are missing. The age is measured from the report's "Generated at" (the text
    report's Status report information section; the REST JSON has none, and a report without
    it is never called old) to the evaluation time. {level.low}.

    How to fix: ask the merchant for a fresh report: wp-admin › WooCommerce › Status, "Get
    system report", then "Copy for support".
    """
    generated = report.generated_at
    if generated is None:
        return
    age = ctx.now - generated
    if age <= timedelta(days=float(ctx.options["max_age_days"])):
        return  # fresh, or generated "after" now (a clock or --now question, not staleness)
    yield Finding(
        title=f"The site report is {age_text(age.total_seconds())} old",
        detail=(
            f"The site generated this System Status report at {iso(generated)}. Its plugins, "
            "settings and errors may have changed since: findings from it may be fixed "
            "already, and newer problems are not in it."
        ),
        evidence={"generated_at": iso(generated), "evaluated_at": iso(ctx.now)},
        remediation=(
            "Ask for a fresh report: in wp-admin › WooCommerce › Status, click \"Get system "
            "report\", then \"Copy for support\", and run meum-doctor again with it.",
        ),
        links=site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
    )
