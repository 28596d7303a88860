"""MD506 errors-shown-to-visitors: PHP errors are printed into the store's pages and responses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD506",
    name="errors-shown-to-visitors",
    category=Category.WEBHOOKS,
    severity=Severity.HIGH,
    needs=("site-report",),
    uses=("meum-status",),
)
def errors_shown_to_visitors(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """PHP errors are shown to visitors (debug display on, errors not hidden).

    Why it matters: with WP_DEBUG and WP_DEBUG_DISPLAY on (the site report's "Hide errors
    from visitors" is ❌), every PHP warning is printed into the page, and into REST and
    webhook responses too. A notice in front of the JSON makes Meum's webhook calls and the
    checkout's requests unreadable, so payments can stay unconfirmed; the messages can also
    reveal file paths to anyone. {level.high}.

    How to fix: in wp-config.php set define('WP_DEBUG_DISPLAY', false); (and
    @ini_set('display_errors', 0);), or turn WP_DEBUG off on the live store; errors can still
    be logged to a file with WP_DEBUG_LOG.
    """
    if report.errors_shown_to_visitors is not True:
        return
    evidence: dict[str, Any] = {"errors_shown_to_visitors": True}
    if report.debug_mode is not None:
        evidence["debug_mode"] = report.debug_mode
    yield Finding(
        title="PHP errors are shown to visitors, and end up inside webhook and REST responses",
        detail=(
            "The site report says errors are not hidden from visitors"
            + (" and WordPress's debug mode is on" if report.debug_mode else "")
            + ". Any PHP warning is then printed into pages and into the answers the store "
            "sends to Meum's webhooks and to the checkout, which makes them unreadable: "
            "payments can stay unconfirmed. The messages can also reveal the server's file "
            "paths."
        ),
        evidence=evidence,
        remediation=(
            "Edit wp-config.php (through your host's file manager or SFTP) and set "
            "define('WP_DEBUG_DISPLAY', false); and @ini_set('display_errors', 0); above "
            "the line \"That's all, stop editing!\"; or set WP_DEBUG to false on the live store.",
            "To keep a record of errors, set define('WP_DEBUG_LOG', true); they are then "
            "written to wp-content/debug.log instead of the pages.",
            "Check wp-admin › WooCommerce › Status › Security: \"Hide errors from visitors\" "
            "should show ✔.",
        ),
        links=site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
    )
