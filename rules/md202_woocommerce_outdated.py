"""MD202 woocommerce-outdated: WooCommerce is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated


@rule(id="MD202", name="woocommerce-outdated", category=Category.VERSIONS, severity=Severity.HIGH)
def woocommerce_outdated(status: Status, ctx: Context) -> Iterator[Finding]:
    """WooCommerce is below the minimum supported version (high) or the latest (low).

    Why it matters: WooCommerce lines older than the minimum in the policy no longer get
    security fixes, and the Meum plugin is only tested against supported lines. The policy
    in force: minimum {policy.woocommerce.minimum}, latest {policy.woocommerce.latest}.

    How to fix: back up the site, then update WooCommerce in wp-admin › Plugins.
    """
    yield from outdated(
        "WooCommerce",
        "woocommerce_version",
        status.woocommerce_version,
        ctx.policy.woocommerce,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Plugins and update WooCommerce.",
            "If WooCommerce asks to update its database afterwards, run that update.",
        ),
        admin_link(status, "plugins.php", "Plugins"),
    )
