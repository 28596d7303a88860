"""MD902 version-policy-stale: the version policy in use is old."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule


@rule(
    id="MD902",
    name="version-policy-stale",
    category=Category.DATA,
    severity=Severity.INFO,
    options={"max_age_days": 180},
)
def version_policy_stale(status: Status, ctx: Context) -> Iterator[Finding]:
    """The version policy in use is more than {max_age_days} days old.

    Why it matters: "latest" and "minimum" versions age: with an old policy, the version
    rules (MD201, MD202, MD203, MD205) may call a store current when it is not.

    How to fix: upgrade meum-doctor, or set current versions and [policy] as_of in the
    configuration file.
    """
    age = (ctx.now.date() - ctx.policy.as_of).days
    if age > int(ctx.options["max_age_days"]):
        yield Finding(
            title=f"The version policy is {age} days old (as of {ctx.policy.as_of.isoformat()})",
            detail=(
                "The latest and minimum versions meum-doctor compares against may be out of "
                "date, so version findings may be missing."
            ),
            evidence={"policy_as_of": ctx.policy.as_of.isoformat()},
            remediation=(
                "Upgrade meum-doctor (pip install --upgrade meum-doctor).",
                "Or set the current versions and as_of in the [policy] section of your "
                "configuration file.",
            ),
        )
