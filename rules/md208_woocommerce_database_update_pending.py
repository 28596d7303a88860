"""MD208 woocommerce-database-update-pending: WooCommerce's database is older than WooCommerce."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, read_version, rule

from ._site import STATUS_TOOLS_PAGE, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD208",
    name="woocommerce-database-update-pending",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    needs=("site-report",),
    uses=("meum-status",),
)
def woocommerce_database_update_pending(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """The WooCommerce database version is older than the WooCommerce version.

    The versions are the site's System Status report's "WC Database Version" and "WC
    Version", compared by release (a 10.8.0-rc.1 WooCommerce expects a 10.8.0 database). A
    redacted Database section says nothing.

    Why it matters: after an update WooCommerce must update its database; until it has, new
    code runs on old tables, and orders, payments and their status updates can fail or be
    saved wrongly.

    How to fix: back up the site, then run the update from the notice in wp-admin, or with
    WooCommerce › Status › Tools › "Update database".
    """
    database = read_version(report.woocommerce_database_version)
    woocommerce = read_version(report.woocommerce_version)
    if database is None or woocommerce is None or database.release >= woocommerce.release:
        return
    yield Finding(
        title=(
            f"WooCommerce's database update has not run (database {database.text.strip()}, "
            f"WooCommerce {woocommerce.text.strip()})"
        ),
        detail=(
            "WooCommerce was updated, but its database was not: new code runs on old tables, "
            "and orders and payment updates can fail or be saved wrongly."
        ),
        evidence={
            "site_report.woocommerce_database_version": report.woocommerce_database_version,
            "site_report.woocommerce_version": report.woocommerce_version,
        },
        remediation=(
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, click \"Update WooCommerce Database\" in the notice at the top, or "
            "open WooCommerce › Status › Tools and run \"Update database\".",
            "Wait until WooCommerce says the update is complete (large shops may take minutes), "
            "then make a fresh System Status report to check the versions match.",
        ),
        links=site_links(status, report, STATUS_TOOLS_PAGE),
    )
