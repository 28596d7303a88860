"""MD203 wordpress-outdated: WordPress is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated
from ._site import judge_version

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD203",
    name="wordpress-outdated",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    uses=("site-report",),
)
def wordpress_outdated(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """WordPress is below the minimum supported version (high) or the latest (low).

    Why it matters: WooCommerce supports only the latest WordPress release and the one before
    it; older sites lose security fixes and, sooner or later, WooCommerce updates. The policy
    in force: minimum {policy.wordpress.minimum}, latest {policy.wordpress.latest}.
    With the site's System Status report too, the newer of its version and Meum's is
    judged (the site's report is often fresher than Meum's last check-in); the evidence
    names which source each came from.

    How to fix: back up the site, then update WordPress in wp-admin › Dashboard › Updates.
    """
    judged = judge_version("wordpress_version", status, report)
    yield from outdated(
        "WordPress",
        "wordpress_version",
        judged.text,
        ctx.policy.wordpress,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Dashboard › Updates and update WordPress.",
            "Then update plugins on the same page, WooCommerce and Meum included.",
        ),
        admin_link(status, "update-core.php", "Dashboard › Updates"),
        sources=judged.evidence,
        seen_in=judged.seen_in(),
    )
