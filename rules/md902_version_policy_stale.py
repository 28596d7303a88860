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
    """The version policy in use, or a dated part of it, is more than {max_age_days} days old.

    Why it matters: "latest" and "minimum" versions age, and so does the snapshot of
    WordPress.org's insecure list the policy carries (as of
    {policy.wordpress_insecure.as_of}) and the table of PHP branches' end of life (as of
    {policy.php.as_of}): with an old policy, the version rules (MD201, MD202, MD203, MD205,
    MD209, MD213) may call a store current, or safe, when it is not.

    How to fix: upgrade meum-doctor, or set current versions and [policy] as_of (and
    [policy.wordpress.insecure] as_of with its branches, [policy.php] as_of with its
    end_of_life dates) in the configuration file.
    """
    limit = int(ctx.options["max_age_days"])
    stale = [
        (what, as_of, (ctx.now.date() - as_of).days)
        for what, as_of in ctx.policy.dated_parts()
        if (ctx.now.date() - as_of).days > limit
    ]
    if not stale:
        return
    # One finding, about the oldest part: the bundled parts share a date, and a configuration
    # that updates the versions but not the insecure list leaves the list the oldest.
    what, as_of, age = max(stale, key=lambda part: part[2])
    evidence = {"policy_as_of": ctx.policy.as_of.isoformat()}
    if ctx.policy.wordpress_insecure.as_of is not None:
        evidence["insecure_list_as_of"] = ctx.policy.wordpress_insecure.as_of.isoformat()
    if ctx.policy.php.as_of is not None:
        evidence["php_end_of_life_as_of"] = ctx.policy.php.as_of.isoformat()
    subject = "The version policy" if what == "version policy" else f"The {what} in the policy"
    yield Finding(
        title=f"{subject} is {age} days old (as of {as_of.isoformat()})",
        detail=(
            "The latest and minimum versions, and the insecure WordPress releases, that "
            "meum-doctor compares against may be out of date, so version findings may be "
            "missing."
        ),
        evidence=evidence,
        remediation=(
            "Upgrade meum-doctor (pip install --upgrade meum-doctor).",
            "Or set the current versions and as_of in the [policy] section of your "
            "configuration file (the insecure list in [policy.wordpress.insecure], PHP's "
            "end-of-life dates in [policy.php]).",
        ),
    )
