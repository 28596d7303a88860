"""MD103 reported-issue: a problem Meum itself lists for the merchant to act on."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import payments_link

TITLE_LIMIT = 100


@rule(
    id="MD103",
    name="reported-issue",
    category=Category.CONNECTION,
    severity=Severity.MEDIUM,
    options={"max_findings": 20},
)
def reported_issue(status: Status, ctx: Context) -> Iterator[Finding]:
    """Meum lists a problem with this integration that needs the merchant's action.

    Why it matters: the "issues" list is Meum's own merchant-facing account of what is wrong;
    each non-empty entry becomes one finding, shown word for word. At most {max_findings}
    are listed one by one; the rest are summarised in one more finding.

    How to fix: follow what the issue says; if it is unclear, contact Meum support and quote it.
    """
    limit = int(ctx.options["max_findings"])
    issues = [text for text in status.issues if text.strip()]
    for index, text in enumerate(issues[:limit]):
        line = " ".join(text.split())
        title = line if len(line) <= TITLE_LIMIT else line[: TITLE_LIMIT - 1] + "…"
        yield Finding(
            title=f"Meum reports: {title}",
            detail=text,
            evidence={f"issues[{index}]": text},
            remediation=(
                "Do what the message asks, in wp-admin or in the Meum dashboard.",
                "If it is unclear, contact Meum support and quote the message exactly.",
            ),
            links=payments_link(status),
        )
    if len(issues) > limit:
        rest = len(issues) - limit
        yield Finding(
            title=f"Meum reports {rest} more problems, not listed one by one",
            detail=(
                f"Meum's issues list has {len(issues)} entries; the first {limit} are shown above. "
                "The rest are in the raw status at the end of this report."
            ),
            evidence={"issues.count": len(issues)},
            remediation=("Read the full issues list in the raw status and act on each.",),
        )
