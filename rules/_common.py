"""Helpers shared by several built-in rules (not rules themselves; nothing here is registered)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from meum_doctor.plugin import (
    ComponentPolicy,
    Context,
    Finding,
    Link,
    PendingKey,
    Severity,
    Status,
    admin_link,
    connection_of,
    iso,
    read_version,
)
from meum_doctor.rule import EvidenceValue, site_base

if TYPE_CHECKING:  # the model only for typing: rules of the Meum status alone never load it
    from meum_doctor.sitereport.model import SiteReport

#: The version fields of a status, and what each is the version of.
VERSION_FIELDS = (
    ("plugin_version", "Meum plugin"),
    ("woocommerce_version", "WooCommerce"),
    ("wordpress_version", "WordPress"),
)
#: Each version field's component policy, by the name of its VersionPolicy attribute.
POLICY_OF = {
    "plugin_version": "meum_plugin",
    "woocommerce_version": "woocommerce",
    "wordpress_version": "wordpress",
}

PAYMENTS_PAGE = "admin.php?page=wc-settings&tab=checkout"
PAYMENTS_TITLE = "WooCommerce › Settings › Payments"


def payments_link(status: Status) -> tuple[Link, ...]:
    """The WooCommerce payments settings page, where the Meum plugin is configured."""
    return admin_link(status, PAYMENTS_PAGE, PAYMENTS_TITLE)


def expiry_evidence(status: Status, key: PendingKey) -> str | None:
    """A pending key's expiry for evidence: the time read, else the value as sent.

    An expiry that was sent but could not be read shows what was sent, never "(missing)".
    """
    if key.expires_at is not None:
        return iso(key.expires_at)
    raw = status.raw.get("pending_connection_key")
    sent = raw.get("expires_at") if isinstance(raw, dict) else None
    return None if sent is None else str(sent)


def outdated(
    component: str,
    field_name: str,
    reported: str | None,
    policy: ComponentPolicy,
    ctx: Context,
    update_steps: tuple[str, ...],
    links: tuple[Link, ...],
    sources: Mapping[str, EvidenceValue] | None = None,
    seen_in: str = "",
) -> Iterator[Finding]:
    """The finding of an ``*-outdated`` rule: below minimum (high) or below latest (low).

    ``sources`` (evidence naming where each source's version came from) and ``seen_in`` (a
    phrase such as ", according to the site's System Status report (…)") are given when the version
    was judged from two sources; see ``_site.judge_version``.

    The minimum is a requirement, judged on the release part as WordPress judges
    requirements (``6.7-alpha-58576-src`` is 6.7, below a 6.9 minimum; ``6.9-RC1`` meets it);
    the latest is judged on the whole version (``7.1-RC1`` is behind ``7.1``). A pre-release
    is named for what it is in the title. A missing or unreadable version yields nothing
    here: MD204 reports those.
    """
    version = read_version(reported)
    if version is None:
        return
    shown = version.describe()
    evidence: dict[str, EvidenceValue] = {
        field_name: reported,
        "policy_minimum": str(policy.minimum),
        "policy_latest": str(policy.latest),
        "policy_as_of": ctx.policy.as_of.isoformat(),
    }
    if version.prerelease:
        evidence["judged_as"] = str(version.release)
    evidence.update(sources or {})
    if version.release < policy.minimum:
        yield Finding(
            title=f"{component} {shown} is below the minimum supported {policy.minimum}",
            detail=(
                f"The store runs {component} {shown}{seen_in}. Versions older than "
                f"{policy.minimum} are no longer supported with Meum and may miss security "
                f"fixes or break checkout. The latest is {policy.latest}."
            ),
            severity=Severity.HIGH,
            evidence=evidence,
            remediation=update_steps,
            links=links,
        )
    elif version.version < policy.latest:
        yield Finding(
            title=f"{component} {shown} is behind the latest {policy.latest}",
            detail=(
                f"The store runs {component} {shown}{seen_in}; {policy.latest} is available. "
                "It is "
                "still supported, but updating soon keeps the store on fixes and away from "
                "surprises."
            ),
            severity=Severity.LOW,
            evidence=evidence,
            remediation=update_steps,
            links=links,
        )


def health_finding(
    ctx: Context,
    status: Status,
    field_name: str,
    value: str | None,
    what: str,
    severities: dict[str, Severity],
    steps: tuple[str, ...],
    links: tuple[Link, ...],
    fix_classes: frozenset[str] = frozenset({"bad", "degraded"}),
) -> Iterator[Finding]:
    """One finding for an enumerated health-like field, by the class of its value.

    ``severities`` maps a class (``bad``, ``degraded``, ``unknown``, ``missing``) to the
    severity it gets; a class it does not name yields nothing. A missing value counts only
    for a connected store (during onboarding nothing is reported yet, and that is normal),
    and a value that was sent but could not be read is left to MD901, never called missing;
    so is a blank string, which MD901 calls "empty" as it does for a blank ``status``.

    ``steps`` (the rule's fix) are given only for a value of one of ``fix_classes``: a value
    that is unrecognised or absent says nothing is broken, so the steps are to check the
    value and ask support, never the fix (MD401's fix replaces working credentials).
    """
    if status.unreadable(field_name):
        return
    sent = status.raw.get(field_name)
    if isinstance(sent, str) and not sent.strip():
        return  # MD901: "The status field ... is empty"
    cls = ctx.classify(field_name, value)
    if cls == "healthy" or cls not in severities:
        return
    if cls == "missing" and not connection_of(status, ctx).connected:
        return
    evidence = {field_name: value}
    if cls == "missing":
        title = f"Meum did not report the {what}"
        detail = (
            f"The status gives no value for '{field_name}', so the {what} cannot be judged. "
            "That usually means the plugin has not reported it yet."
        )
    elif cls == "unknown":
        title = f"The {what} is {value!r}, a value meum-doctor does not recognise"
        detail = (
            f"'{field_name}' is {value!r}. It is neither a known healthy nor a known bad "
            "value, so it is reported rather than assumed healthy. Support can teach "
            f"meum-doctor this value in the [values.{field_name}] section of its configuration."
        )
    else:
        title = f"The {what} is {value}"
        detail = (
            f"Meum reports the {what} as {value}, which is "
            f"{'a failing' if cls == 'bad' else 'a degraded'} state."
        )
    if cls not in fix_classes:
        steps = _check_steps(field_name, value, what, cls)
    yield Finding(
        title=title,
        detail=detail,
        severity=severities[cls],
        evidence=evidence,
        remediation=steps,
        links=links,
    )


def _check_steps(field_name: str, value: str | None, what: str, cls: str) -> tuple[str, ...]:
    """Steps for a value that says nothing is broken: find out, do not fix blindly."""
    if cls == "unknown":
        return (
            f"Check in the Meum dashboard what the {what} {value!r} means for this store.",
            f"If {value!r} is a value Meum really uses, add it to [values.{field_name}] in the "
            "meum-doctor configuration (healthy, degraded or bad).",
            "If the dashboard shows a problem, or you are unsure, contact Meum support with "
            "this report attached.",
        )
    return (
        "Run meum-doctor again in a few minutes: the plugin may not have reported it yet.",
        f"If the {what} stays unreported, contact Meum support with this report attached.",
    )


# Findings from the site's own System Status report (issue 12) ---------------------------

#: WooCommerce › Status, the page that shows (and regenerates) the System Status report.
WC_STATUS_PAGE = "admin.php?page=wc-status"
WC_STATUS_TITLE = "WooCommerce › Status"
#: How much of an untrusted string from a report (an error message …) a finding quotes.
QUOTE_LIMIT = 200


def site_link_base(status: Status | None, report: SiteReport | None) -> str | None:
    """The store's address for wp-admin links: the Meum status's site URL, else the site
    report's WordPress address (``site_url``), else its site address; None when none is usable.

    Both are untrusted data, so each goes through :func:`site_base` (http(s), a plain host,
    no user info, query or fragment); a link is built on it, nothing is ever fetched from it.
    """
    candidates = [status.site_url if status is not None else None]
    if report is not None:
        candidates += [report.site_url, report.home_url]
    for url in candidates:
        base = site_base(url)
        if base is not None:
            return base
    return None


def site_admin_link(
    status: Status | None, report: SiteReport | None, page: str, title: str
) -> tuple[Link, ...]:
    """A link to ``page`` on the store's wp-admin (see :func:`site_link_base`), or nothing."""
    base = site_link_base(status, report)
    if base is None:
        return ()
    return (Link(title=title, url=f"{base}/wp-admin/{page}"),)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """An untrusted string from a report on one line (tabs and newlines from the site's HTML
    collapsed), cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: max(0, limit - 1)] + "…"


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """:func:`clip` in quotation marks, so the site's words read as the site's and never as
    meum-doctor's. Escaping for HTML, Markdown and terminals is the renderers' job."""
    return f"“{clip(text, limit)}”"
