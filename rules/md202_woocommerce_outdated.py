"""MD202 woocommerce-outdated: WooCommerce is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated
from ._site import judge_version

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD202",
    name="woocommerce-outdated",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    uses=("site-report",),
)
def woocommerce_outdated(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """WooCommerce is below the minimum supported version (high) or the latest (low).

    Why it matters: WooCommerce lines older than the minimum in the policy no longer get
    security fixes, and the Meum plugin is only tested against supported lines. The policy
    in force: minimum {policy.woocommerce.minimum}, latest {policy.woocommerce.latest}.
    With the site's System Status report too, the newer of its version and Meum's is
    judged (the site's report is often fresher than Meum's last check-in); the evidence
    names which source each came from.

    How to fix: back up the site, then update WooCommerce in wp-admin › Plugins.
    """
    judged = judge_version("woocommerce_version", status, report)
    yield from outdated(
        "WooCommerce",
        "woocommerce_version",
        judged.text,
        ctx.policy.woocommerce,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Plugins and update WooCommerce.",
            "If WooCommerce asks to update its database afterwards, run that update.",
        ),
        admin_link(status, "plugins.php", "Plugins"),
        sources=judged.evidence,
        seen_in=judged.seen_in(),
    )
