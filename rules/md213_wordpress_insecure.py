"""MD213 wordpress-insecure: WordPress.org marks the store's WordPress insecure."""

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


@rule(
    id="MD213", name="wordpress-insecure", category=Category.VERSIONS, severity=Severity.HIGH
)
def wordpress_insecure(status: Status, ctx: Context) -> Iterator[Finding]:
    """WordPress.org marks the store's WordPress release insecure: it has known security holes.

    Why it matters: this is worse than merely outdated (MD203). WordPress.org's stable-check
    list calls a release insecure when a later release of its branch fixed security holes,
    or when its branch gets no security fixes at all (4.6 and older, as bundled); the holes are
    public, and attackers scan for such sites. Judged offline, against the snapshot of that list in
    the version policy (as of {policy.wordpress_insecure.as_of}): a release newer than the
    snapshot is not judged.

    How to fix: back up the site, then update WordPress in wp-admin › Dashboard › Updates, to
    the latest release or at least to the security release of its branch.
    """
    version = read_version(status.wordpress_version)
    if version is None:
        return
    insecure = ctx.policy.wordpress_insecure
    verdict = insecure.judge(version.version)
    if verdict is None:
        return
    branch, fixed = verdict
    as_of = insecure.as_of.isoformat() if insecure.as_of else "unknown"
    latest = ctx.policy.wordpress.latest
    if fixed is None:
        title = (
            f"WordPress {version.describe()} is insecure: the {branch} branch no longer gets "
            "security fixes"
        )
        why = (
            f"WordPress.org marks every {branch}.x release insecure, because the branch no "
            "longer gets security fixes"
        )
        target = f"Update WordPress to the latest release, {latest}."
    else:
        title = (
            f"WordPress {version.describe()} is marked insecure by WordPress.org; the "
            f"security fixes are in {fixed}"
        )
        why = (
            f"WordPress.org marks it insecure: {fixed} fixed publicly known security holes "
            f"in the {branch} branch"
        )
        target = (
            f"Update WordPress to the latest release, {latest} (at the very least to {fixed}, "
            "the security release of its branch)."
        )
    yield Finding(
        title=title,
        detail=(
            f"The store runs WordPress {version.describe()}. {why}. This is more than being "
            "behind: the holes are known, and sites that have them are attacked first "
            f"(WordPress.org's insecure list, as of {as_of})."
        ),
        evidence={
            "wordpress_version": status.wordpress_version,
            "fixed_in": None if fixed is None else str(fixed),
            "insecure_list_as_of": as_of,
        },
        remediation=(
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Dashboard › Updates. " + target,
            "Then update plugins on the same page, WooCommerce and Meum included, and check "
            "that checkout still works.",
        ),
        links=admin_link(status, "update-core.php", "Dashboard › Updates"),
    )
