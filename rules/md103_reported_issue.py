"""MD103 reported-issue: a problem Meum itself lists for the merchant to act on."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import payments_link

TITLE_LIMIT = 100
STEPS = (
    "Do what the message asks, in wp-admin or in the Meum dashboard.",
    "If it is unclear, contact Meum support and quote the message exactly.",
)


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
    each different non-empty entry becomes one finding, quoted word for word once (an entry
    listed several times is one finding that says how often). At most {max_findings} are
    listed one by one; the rest are summarised in one more finding that says how many.

    How to fix: follow what the issue says; if it is unclear, contact Meum support and quote it.
    """
    limit = max(0, int(ctx.options["max_findings"]))
    # Entries that differ only in spacing are one problem; the first entry's wording is kept.
    groups: dict[str, list[int]] = {}
    texts: dict[str, str] = {}
    for index, text in enumerate(status.issues):
        line = " ".join(text.split())
        if line:
            groups.setdefault(line, []).append(index)
            texts.setdefault(line, text)
    entries = sum(len(indices) for indices in groups.values())
    listed = list(groups.items())[:limit]
    for line, indices in listed:
        times = f" ({len(indices)} times)" if len(indices) > 1 else ""
        evidence: dict[str, int] = {"issues.index": indices[0]}
        if len(indices) > 1:
            evidence["issues.times"] = len(indices)
        if len(line) <= TITLE_LIMIT:
            title = f"Meum reports{times}: {line}"
            detail = "Meum's own message to the merchant, quoted word for word above."
        else:
            # Too long for a title: a shortened title, and the whole text once, below it.
            title = f"Meum reports{times}: {line[: TITLE_LIMIT - 1]}…"
            detail = texts[line]
        yield Finding(
            title=title,
            detail=detail,
            evidence=evidence,
            remediation=STEPS,
            links=payments_link(status),
        )
    rest = len(groups) - len(listed)
    if rest <= 0:
        return
    problems = f"{rest} {'more ' if listed else ''}problem{'s' if rest != 1 else ''}"
    shown = (
        f"the first {len(listed)} are listed above, one finding each"
        if listed
        else "none is listed one by one ([rules.MD103] max_findings is 0)"
    )
    yield Finding(
        title=f"Meum reports {problems}, not listed one by one",
        detail=(
            f"Meum's issues list has {entries} {'entry' if entries == 1 else 'entries'}, "
            f"{len(groups)} different; {shown}. The rest are in the raw status, which the "
            "json, markdown and html formats include (--format json, markdown or html)."
        ),
        evidence={
            "issues.count": entries,
            "issues.different": len(groups),
            "issues.listed": len(listed),
        },
        remediation=(
            "Read the full issues list in the raw status (--format json, markdown or html) "
            "and act on each.",
        ),
    )
