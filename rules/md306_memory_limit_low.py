"""MD306 memory-limit-low: WordPress's memory limit is low for a WooCommerce store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport

_MB = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / _MB:g} MB" if size % _MB == 0 else f"{size / _MB:.1f} MB"


@rule(
    id="MD306",
    name="memory-limit-low",
    category=Category.LIVENESS,
    severity=Severity.HIGH,
    options={"high_below_mb": 64, "low_below_mb": 256},
    needs=("site-report",),
    uses=("meum-status",),
)
def memory_limit_low(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """WordPress's memory limit is below {low_below_mb} MB.

    Why it matters: when a request runs out of memory, PHP stops it mid-way: a checkout, a
    payment confirmation or a webhook from Meum can fail with a blank page or an error.
    Below {high_below_mb} MB WooCommerce itself flags the limit as an error ({level.high});
    below {low_below_mb} MB busy stores and extensions run short ({level.low}). The limit is
    the "WP Memory Limit" of the site report; an unlimited one (-1) never fires.

    How to fix: ask the host to raise the memory limit, or set
    define('WP_MEMORY_LIMIT', '256M'); in wp-config.php (the host's PHP memory_limit must
    allow it), then check the value in wp-admin › WooCommerce › Status.
    """
    limit = report.memory_limit
    if limit is None or limit <= 0:
        return  # not said, or unlimited
    high = float(ctx.options["high_below_mb"]) * _MB
    low = float(ctx.options["low_below_mb"]) * _MB
    if limit < high:
        severity, floor = Severity.HIGH, high
    elif limit < low:
        severity, floor = Severity.LOW, low
    else:
        return
    shown = _mb(limit)
    if severity is Severity.HIGH:
        detail = (
            f"WordPress may use at most {shown} of memory, below the {_mb(int(floor))} "
            "WooCommerce itself requires: checkouts, payment confirmations and webhooks from "
            "Meum can fail when a request runs out of memory."
        )
    else:
        detail = (
            f"WordPress may use at most {shown} of memory. That works for small stores, but "
            f"below {_mb(int(floor))} busy pages and extensions can run out of memory and "
            "stop a checkout or a webhook mid-way."
        )
    yield Finding(
        title=f"The WordPress memory limit is {shown}, below {_mb(int(floor))}",
        detail=detail,
        severity=severity,
        evidence={"memory_limit_bytes": limit, "threshold_mb": ctx.options[
            "high_below_mb" if severity is Severity.HIGH else "low_below_mb"]},
        remediation=(
            "Ask your host to raise the PHP memory limit for the site to at least 256 MB.",
            "Or add define('WP_MEMORY_LIMIT', '256M'); to wp-config.php, above the line "
            "\"That's all, stop editing!\" (the host's PHP memory_limit must allow it).",
            "Check the new value under WP Memory Limit in wp-admin › WooCommerce › Status.",
        ),
        links=site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
    )
