"""MD212 version-newer-than-policy: a version newer than any the version policy knows."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, read_version, rule

from ._common import POLICY_OF, VERSION_FIELDS

#: What is unknown about a release newer than the policy, per field.
_UNKNOWN = {
    "plugin_version": "what this release of the Meum plugin requires is unknown",
    "woocommerce_version": "the WordPress requirement of this release is unknown",
    "wordpress_version": "which WooCommerce releases support it, and whether it is current, "
    "is unknown",
}


@rule(
    id="MD212",
    name="version-newer-than-policy",
    category=Category.VERSIONS,
    severity=Severity.INFO,
)
def version_newer_than_policy(status: Status, ctx: Context) -> Iterator[Finding]:
    """A stable version newer than the latest the version policy knows.

    Why it matters: the version rules (MD201, MD202, MD203, MD205, MD213) judge a store
    against the policy's versions (latest WordPress {policy.wordpress.latest}, WooCommerce
    {policy.woocommerce.latest}, Meum plugin {policy.meum_plugin.latest}). A store ahead
    of them is not wrong, but the policy may be stale, and what the new release requires
    (for WooCommerce, the WordPress it needs) is unknown, so those rules may miss something.
    Pre-releases and development builds of the next release are MD211's, not this rule's.

    How to fix: upgrade meum-doctor, or set the current versions in the [policy] section of
    the configuration.
    """
    for field_name, component in VERSION_FIELDS:
        version = read_version(getattr(status, field_name))
        if version is None or version.prerelease:
            continue
        policy = getattr(ctx.policy, POLICY_OF[field_name])
        if version.release <= policy.latest:
            continue
        yield Finding(
            title=(
                f"{component} {version.text.strip()} is newer than any version the policy "
                f"knows (latest {policy.latest})"
            ),
            detail=(
                f"The version policy (as of {ctx.policy.as_of.isoformat()}) knows {component} "
                f"up to {policy.latest}. The policy may be stale; {_UNKNOWN[field_name]}."
            ),
            evidence={
                field_name: getattr(status, field_name),
                "policy_latest": str(policy.latest),
                "policy_as_of": ctx.policy.as_of.isoformat(),
            },
            remediation=(
                "Upgrade meum-doctor (pip install --upgrade meum-doctor).",
                f"Or set the current {component} versions, and as_of, in the [policy] section "
                "of the meum-doctor configuration.",
            ),
        )
