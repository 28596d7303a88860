"""MD203 wordpress-outdated: WordPress is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated


@rule(id="MD203", name="wordpress-outdated", category=Category.VERSIONS, severity=Severity.HIGH)
def wordpress_outdated(status: Status, ctx: Context) -> Iterator[Finding]:
    """WordPress is below the minimum supported version (high) or the latest (low).

    Why it matters: WooCommerce supports only the latest WordPress release and the one before
    it; older sites lose security fixes and, sooner or later, WooCommerce updates. The policy
    in force: minimum {policy.wordpress.minimum}, latest {policy.wordpress.latest}.

    How to fix: back up the site, then update WordPress in wp-admin › Dashboard › Updates.
    """
    yield from outdated(
        "WordPress",
        "wordpress_version",
        status.wordpress_version,
        ctx.policy.wordpress,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Dashboard › Updates and update WordPress.",
            "Then update plugins on the same page, WooCommerce and Meum included.",
        ),
        admin_link(status, "update-core.php", "Dashboard › Updates"),
    )
