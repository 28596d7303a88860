"""MD210 templates-outdated: the theme overrides WooCommerce templates that are out of date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, quoted, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import OutdatedTemplate, SiteReport

#: Templates on the way to a payment: named first, since they are where Meum's fields live.
_PAYMENT_WORDS = ("checkout", "payment", "order-pay", "thankyou", "order-received")


def _on_payment_path(template: OutdatedTemplate) -> bool:
    return any(word in template.file.lower() for word in _PAYMENT_WORDS)


@rule(
    id="MD210",
    name="templates-outdated",
    category=Category.VERSIONS,
    severity=Severity.MEDIUM,
    options={"max_listed": 10},
    needs=("site-report",),
    uses=("meum-status",),
)
def templates_outdated(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """The theme overrides WooCommerce templates that are out of date.

    Why it matters: a theme may replace WooCommerce's own page templates with copies of its
    own. When WooCommerce changes a template and the theme's copy stays old, the page may lack
    fields or scripts that checkout and payment methods such as Meum rely on: the payment
    form may not show, or an order may not be completed. Checkout and payment templates are
    named first; at most {max_listed} are listed. The site report's System Status says which
    overrides are out of date (its Templates section, or the theme's overrides in the REST
    JSON); {level.medium}.

    How to fix: in wp-admin › Appearance › Themes, update the theme (for a child theme, the
    parent theme too). If the outdated copies are in a child theme or a custom theme, ask its
    developer to update them from WooCommerce's own templates. Then place a test order.
    """
    theme = report.theme
    if theme is None:
        return
    outdated = sorted(theme.outdated_templates, key=lambda t: not _on_payment_path(t))
    if not outdated and not theme.has_outdated_templates:
        return
    limit = max(0, int(ctx.options["max_listed"]))
    listed = outdated[:limit]
    payment = [t for t in outdated if _on_payment_path(t)]
    count = len(outdated)
    if count:
        what = f"{count} WooCommerce template{'s that are' if count != 1 else ' that is'}"
    else:
        what = "WooCommerce templates that are"
    title = f"The theme overrides {what} out of date"
    if payment:
        title += (
            f", {'including' if len(payment) < count else 'all on'} the checkout "
            "or payment pages"
        )
    names = ", ".join(
        f"{quoted(t.file, 120)} (version {t.version or 'not declared'}, WooCommerce's is "
        f"{t.core_version or 'unknown'})"
        for t in listed
    )
    more = f" and {count - len(listed)} more" if count > len(listed) else ""
    detail = (
        "The theme replaces some of WooCommerce's page templates with its own copies, and "
        "these copies are older than the WooCommerce they run with. Old copies can lack "
        "what checkout and payment methods need, so the payment form may not show or orders "
        "may not complete."
    )
    if names:
        detail += f" Out of date: {names}{more}."
    else:
        detail += " The report does not list which templates they are."
    evidence: dict[str, Any] = {
        "has_outdated_templates": True,
        "outdated_templates": [
            {"file": t.file, "version": t.version, "core_version": t.core_version}
            for t in listed
        ],
        "outdated_count": count,
    }
    if theme.name is not None:
        evidence["theme"] = theme.name
    if theme.parent_name:
        evidence["parent_theme"] = theme.parent_name
    steps = [
        "Back up the site first (most hosts have a one-click backup).",
        "In wp-admin › Appearance › Themes, update the theme"
        + (" and its parent theme." if theme.child_theme else "."),
        "If the report still lists outdated templates (wp-admin › WooCommerce › Status, "
        "Templates), the copies are in a child or custom theme: ask its developer to update "
        "them from WooCommerce's templates (wp-content/plugins/woocommerce/templates).",
        "Place a test order and check that the Meum payment method shows and completes.",
    ]
    yield Finding(
        title=title,
        detail=detail,
        evidence=evidence,
        remediation=tuple(steps),
        links=(
            *site_admin_link(status, report, "themes.php", "Appearance › Themes"),
            *site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
        ),
    )
