"""MD209 php-unsupported: the store's PHP is too old for it, or past its end of life."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    WPVersion,
    read_version,
    rule,
)
from meum_doctor.rule import EvidenceValue

from ._site import STATUS_PAGE, UPDATES_PAGE, judge_version, site_links

if TYPE_CHECKING:
    from packaging.version import Version

    from meum_doctor.sitereport.model import SiteReport

STEPS = (
    "Check with your host which PHP versions they offer; most let you switch in their "
    "control panel (look for \"PHP version\" or \"PHP selector\").",
    "Back up the site, then switch to a supported PHP (8.3 or newer is recommended) and "
    "update WordPress, WooCommerce and the plugins.",
    "Open the shop and place a test order; if something breaks, switch back and ask the "
    "plugin's author or your host.",
)


@rule(
    id="MD209",
    name="php-unsupported",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    needs=("site-report",),
    uses=("meum-status",),
)
def php_unsupported(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """PHP is older than WordPress or WooCommerce require, or past its end of life.

    Below the requirement is {level.high}; a PHP branch past its end of life is {level.medium}.

    The PHP version is the site's System Status report's. The requirements are the version
    policy's tables ([policy.woocommerce.requires_php], [policy.wordpress.requires_php]),
    looked up with the store's WordPress and WooCommerce (the newer of the report's and
    Meum's, when both give one). The end of each PHP branch's security support is bundled
    data from php.net, as of {policy.php.as_of} ([policy.php.end_of_life]).

    Why it matters: below the required PHP, WordPress or WooCommerce refuses to update or
    fails outright. A PHP branch past its end of life gets no security fixes, and plugin
    authors stop testing on it.

    How to fix: ask the host to move the site to a supported PHP (most offer a switch in
    their control panel), after a backup; then update WordPress, WooCommerce and plugins.
    """
    php = read_version(report.php_version)
    if php is None:
        return
    policy = ctx.policy
    needs: list[tuple[str, Version]] = []
    evidence: dict[str, EvidenceValue] = {"site_report.php_version": report.php_version}
    for field_name, component, lookup in (
        ("wordpress_version", "WordPress", policy.php_required_by_wordpress),
        ("woocommerce_version", "WooCommerce", policy.php_required_by_woocommerce),
    ):
        judged = _judged(field_name, report, status)
        if judged is None:
            continue
        text, read, sources = judged
        requirement = lookup(read.release)
        if requirement is not None and php.release < requirement[1]:
            needs.append((f"{component} {text.strip()}", requirement[1]))
            evidence[field_name] = text
            evidence[f"{field_name}_requires_php"] = str(requirement[1])
            evidence.update(sources)
    links = site_links(status, report, STATUS_PAGE, UPDATES_PAGE)
    if needs:
        needed = max(version for _, version in needs)
        who = " and ".join(what for what, _ in needs)
        yield Finding(
            title=(
                f"PHP {php.text.strip()} is older than {who} "
                f"require{'s' if len(needs) == 1 else ''} (PHP {needed} or newer)"
            ),
            detail=(
                f"The store runs PHP {php.text.strip()}, but needs PHP {needed} or newer. "
                "WordPress and WooCommerce may refuse to update, or fail, on an older PHP."
            ),
            severity=Severity.HIGH,
            evidence=evidence,
            remediation=STEPS,
            links=links,
        )
        return
    ended = policy.php.ended(php.release, ctx.now.date())
    if ended is None:
        return
    branch, end = ended
    evidence["php_branch"] = str(branch)
    evidence["php_end_of_life"] = end.isoformat()
    evidence["php_policy_as_of"] = policy.php.as_of.isoformat() if policy.php.as_of else None
    yield Finding(
        title=(
            f"PHP {php.text.strip()} no longer gets security fixes "
            f"(PHP {branch} ended {end.isoformat()})"
        ),
        detail=(
            f"The store runs PHP {branch}, whose security support ended on {end.isoformat()}. "
            "Flaws found since then stay open, and plugin authors stop testing on it."
        ),
        severity=Severity.MEDIUM,
        evidence=evidence,
        remediation=STEPS,
        links=links,
    )


def _judged(
    field_name: str, report: SiteReport, status: Status | None
) -> tuple[str, WPVersion, dict[str, EvidenceValue]] | None:
    """The store's version of a component (the newer of the report's and Meum's), and
    evidence naming where it came from."""
    if status is None:
        read = read_version(getattr(report, field_name))
        return None if read is None else (read.text, read, {f"{field_name}_source": "site-report"})
    judged = judge_version(field_name, status, report)
    if judged.read is None or judged.text is None:
        return None
    return judged.text, judged.read, judged.evidence
