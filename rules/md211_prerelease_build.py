"""MD211 prerelease-build: a pre-release or development build runs on the store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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

from ._common import POLICY_OF, VERSION_FIELDS, clip

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport

#: WP Environment Types (wp_get_environment_type) of a copy that is not the live store.
NOT_PRODUCTION = frozenset({"staging", "development", "local"})

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
    uses=("site-report",),
)
def prerelease_build(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """WordPress, WooCommerce or the Meum plugin is a pre-release or development build.

    Why it matters: alphas, betas, release candidates (7.2-beta1, 10.8.0-rc.1) and
    development builds (11.2.0-dev, a 6.7-alpha-58576-src checkout, a nightly) are for
    testing. They may change the database in ways the stable release does not, break
    checkout, and get no security releases of their own. On a store in production that is
    {level.medium}; on a staging or development copy it is expected ({level.info}). With the
    site's own report, its WP Environment Type decides: "staging", "development" or "local"
    is {level.info}, "production" {level.medium}. Without one (or when the report does not
    say), a store is taken to be in production unless the configuration says otherwise: set
    [rules.MD211] assume_production = false for a fleet of staging copies.

    How to fix: if the store is live, back up the site and install the latest stable
    release of the component over the build.
    """
    # The site's own word beats the assumption: a copy set up as staging says so itself.
    environment = _environment(report)
    if environment is not None:
        production = environment not in NOT_PRODUCTION
    else:
        production = bool(ctx.options["assume_production"])
    severity = Severity.MEDIUM if production else Severity.INFO
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
            evidence=_evidence(status, field_name, version.kind, str(version.release),
                               environment, ctx),
            remediation=_steps(field_name, environment),
            links=admin_link(
                status,
                "update-core.php" if field_name == "wordpress_version" else "plugins.php",
                "Dashboard › Updates" if field_name == "wordpress_version" else "Plugins",
            ),
        )


def _environment(report: SiteReport | None) -> str | None:
    """The site report's WP Environment Type, lower-cased; None when it does not say.

    A value WordPress does not know is read as production, as wp_get_environment_type()
    itself falls back to "production" for one.
    """
    if report is None or report.environment_type is None:
        return None
    value = report.environment_type.strip().lower()
    return value or None


def _evidence(
    status: Status,
    field_name: str,
    kind: str,
    release: str,
    environment: str | None,
    ctx: Context,
) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        field_name: getattr(status, field_name),
        "build": kind.split(" ", 1)[1],
        "release": release,
    }
    if environment is not None:
        evidence["site_report.environment_type"] = clip(environment, 40)
    else:
        evidence["assume_production"] = bool(ctx.options["assume_production"])
    return evidence


def _steps(field_name: str, environment: str | None) -> tuple[str, ...]:
    if environment in NOT_PRODUCTION:
        return (
            f"The site report says this store is a {environment} copy, where testing builds "
            "are expected: nothing needs fixing here.",
            "Before this copy goes live (or is copied over the live store), install stable "
            "releases:",
            *_STEPS[field_name],
        )
    if environment is not None:
        return (
            "The site report says this store is in production: back up the site first (most "
            "hosts have a one-click backup).",
            *_STEPS[field_name],
        )
    return (
        "Check whether this store is the live shop or a staging or development copy.",
        "If it is live, back up the site first (most hosts have a one-click backup).",
        *_STEPS[field_name],
        "If it is a staging or development copy, nothing needs fixing: set "
        "assume_production = false under [rules.MD211] in the meum-doctor "
        "configuration used for such stores.",
    )
