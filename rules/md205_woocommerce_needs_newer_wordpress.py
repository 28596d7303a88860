"""MD205 woocommerce-needs-newer-wordpress: WooCommerce requires a newer WordPress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    rule,
)

from ._site import judge_version

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD205",
    name="woocommerce-needs-newer-wordpress",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    uses=("site-report",),
)
def woocommerce_needs_newer_wordpress(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """The installed WooCommerce line requires a newer WordPress than the store runs.

    Why it matters: each WooCommerce release line states the oldest WordPress it works with
    (for example, WooCommerce 10.8 and later require WordPress 6.9). Below that, parts of
    WooCommerce, checkout included, may fail. The lines are in the version policy,
    [policy.woocommerce.requires_wordpress]. As in WordPress's own requirement checks, the
    release part of each version counts: a release candidate WooCommerce 10.8.0-rc.1 belongs
    to the 10.8 line and needs WordPress 6.9, and a WordPress 6.9-RC1 meets "6.9 or newer".
    With the site's System Status report too, the newer of its versions and Meum's are
    judged, each on its own; the evidence names which source each came from.

    How to fix: back up the site, then update WordPress in wp-admin › Dashboard › Updates.
    """
    judged_wc = judge_version("woocommerce_version", status, report)
    judged_wp = judge_version("wordpress_version", status, report)
    woocommerce, wordpress = judged_wc.read, judged_wp.read
    if woocommerce is None or wordpress is None:
        return
    requirement = ctx.policy.wordpress_required_by(woocommerce.release)
    if requirement is None:
        return
    line, needed = requirement
    if wordpress.release < needed:
        yield Finding(
            title=(
                f"WooCommerce {woocommerce.describe()} needs WordPress {needed} or newer, "
                f"but the store runs {wordpress.describe()}"
            ),
            detail=(
                f"WooCommerce {line} and later require WordPress {needed}. On an older WordPress, "
                "WooCommerce, checkout included, may misbehave."
            ),
            evidence={
                "woocommerce_version": judged_wc.text,
                "wordpress_version": judged_wp.text,
                "requires_wordpress": str(needed),
                **judged_wc.evidence,
                **judged_wp.evidence,
            },
            remediation=(
                "Back up the site (most hosts have a one-click backup).",
                f"In wp-admin, open Dashboard › Updates and update WordPress to {needed} or newer.",
            ),
            links=admin_link(status, "update-core.php", "Dashboard › Updates"),
        )
