"""MD211 prerelease-build: a pre-release or development build runs on the store."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    read_version,
    rule,
)

from ._common import POLICY_OF, VERSION_FIELDS

#: How each component's stable release is put back.
_STEPS = {
    "plugin_version": (
        "Download the latest stable Meum plugin from the Meum dashboard and install it in "
        "wp-admin › Plugins › Add New › Upload Plugin, replacing the installed build.",
    ),
    "woocommerce_version": (
        "If the WooCommerce Beta Tester plugin is active, deactivate it so updates offer "
        "stable releases only.",
        "Install the latest stable WooCommerce from wordpress.org/plugins/woocommerce "
        "(wp-admin › Plugins › Add New › Upload Plugin), replacing the installed build.",
    ),
    "wordpress_version": (
        "If the WordPress Beta Tester plugin is active, deactivate it so updates offer stable "
        "releases only.",
        "In wp-admin › Dashboard › Updates, re-install the latest stable WordPress (a "
        "development checkout, -src, is updated from its own repository instead).",
    ),
}


@rule(
    id="MD211",
    name="prerelease-build",
    category=Category.VERSIONS,
    severity=Severity.MEDIUM,
    options={"assume_production": True},
)
def prerelease_build(status: Status, ctx: Context) -> Iterator[Finding]:
    """WordPress, WooCommerce or the Meum plugin is a pre-release or development build.

    Why it matters: alphas, betas, release candidates (7.2-beta1, 10.8.0-rc.1) and
    development builds (11.2.0-dev, a 6.7-alpha-58576-src checkout, a nightly) are for
    testing. They may change the database in ways the stable release does not, break
    checkout, and get no security releases of their own. On a store in production that is
    {level.medium}; on a staging or development copy it is expected ({level.info}). A store
    is taken to be in production unless the configuration says otherwise: set
    [rules.MD211] assume_production = false for a fleet of staging copies.

    How to fix: if the store is live, back up the site and install the latest stable
    release of the component over the build.
    """
    # TODO(issue 14): once the site's own report is evidence (issue 11's evidence layer),
    # judge by its WP Environment Type (wp_environment_type): "staging", "development" or
    # "local" make these findings info, "production" medium, whatever assume_production says.
    severity = Severity.MEDIUM if ctx.options["assume_production"] else Severity.INFO
    for field_name, component in VERSION_FIELDS:
        version = read_version(getattr(status, field_name))
        if version is None or not version.prerelease:
            continue
        latest = getattr(ctx.policy, POLICY_OF[field_name]).latest
        yield Finding(
            title=(
                f"{component} {version.text.strip()} is {version.kind} of {version.release}, "
                "not a stable release"
            ),
            detail=(
                f"The store runs {component} {version.text.strip()}, {version.kind}. Builds "
                "like this are for testing: they may change the database, break checkout and "
                "get no security releases of their own. A store taking payments should run "
                f"a stable release (the latest is {latest})."
            ),
            severity=severity,
            evidence={
                field_name: getattr(status, field_name),
                "build": version.kind.split(" ", 1)[1],
                "release": str(version.release),
                "assume_production": bool(ctx.options["assume_production"]),
            },
            remediation=(
                "Check whether this store is the live shop or a staging or development copy.",
                "If it is live, back up the site first (most hosts have a one-click backup).",
                *_STEPS[field_name],
                "If it is a staging or development copy, nothing needs fixing: set "
                "assume_production = false under [rules.MD211] in the meum-doctor "
                "configuration used for such stores.",
            ),
            links=admin_link(
                status,
                "update-core.php" if field_name == "wordpress_version" else "plugins.php",
                "Dashboard › Updates" if field_name == "wordpress_version" else "Plugins",
            ),
        )
