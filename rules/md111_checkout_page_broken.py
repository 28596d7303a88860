"""MD111 checkout-page-broken: the Checkout or Cart page is not set, missing, or not usable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._site import ADVANCED_SETTINGS_PAGE, PAGES_PAGE, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import Page, SiteReport

#: The pages this rule looks at, in the order it reports them, and what each is for.
PAGES = (
    ("checkout", "Checkout", "[woocommerce_checkout]", "Checkout block"),
    ("cart", "Cart", "[woocommerce_cart]", "Cart block"),
)


@rule(
    id="MD111",
    name="checkout-page-broken",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
    needs=("site-report",),
    uses=("meum-status",),
)
def checkout_page_broken(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """The Checkout (or Cart) page is not set, missing, not public, or lacks its block.

    One finding per broken page, as the site's System Status report judges it (WC Pages),
    the Checkout page first. A report without its pages section says nothing.

    Why it matters: customers pay on the Checkout page. If it is missing, private, or lacks
    the Checkout block (or the [woocommerce_checkout] shortcode), no one can pay, with Meum
    or otherwise; a broken Cart page stops most customers before they get there.

    How to fix: in wp-admin › WooCommerce › Settings › Advanced (Page setup), choose a
    published page for Checkout and Cart; edit that page in wp-admin › Pages and add the
    Checkout (or Cart) block.
    """
    for key, label, shortcode, block in PAGES:
        page = report.page(key)
        if page is None or page.problem is None:
            continue
        title, detail, steps = _explain(page, label, shortcode, block)
        yield Finding(
            title=title,
            detail=detail,
            evidence={
                f"site_report.pages.{key}": page.problem,
                "page_name": page.name,
                "page_id": page.page_id,
                "site_message": page.message,
            },
            remediation=steps,
            links=site_links(status, report, ADVANCED_SETTINGS_PAGE, PAGES_PAGE),
        )


def _explain(
    page: Page, label: str, shortcode: str, block: str
) -> tuple[str, str, tuple[str, ...]]:
    """The title, detail and steps for a page's problem."""
    pay = "no one can pay" if label == "Checkout" else "customers cannot reach checkout"
    choose = (
        f"In wp-admin, open WooCommerce › Settings › Advanced and, under Page setup, choose "
        f"the {label} page; save."
    )
    if page.problem == "not-set":
        return (
            f"The {label} page is not set",
            f"WooCommerce has no {label} page, so {pay}.",
            (
                f"In wp-admin › Pages, create a page named \"{label}\" with the {block} (or "
                f"the {shortcode} shortcode) and publish it, if there is none.",
                choose,
            ),
        )
    if page.problem == "missing":
        return (
            f"The {label} page was deleted",
            f"WooCommerce's {label} page setting points to a page that no longer exists, so "
            f"{pay}.",
            (
                f"In wp-admin › Pages › Trash, restore the {label} page if it is there; else "
                f"create a page with the {block} (or the {shortcode} shortcode) and publish it.",
                choose,
            ),
        )
    if page.problem == "not-public":
        return (
            f"The {label} page is not public",
            f"The {label} page is a draft, private or password-protected, so {pay}.",
            (
                f"In wp-admin › Pages, edit the {label} page, set its visibility to Public, "
                "remove any password, and click Publish (or Update).",
            ),
        )
    if page.problem == "no-content":
        return (
            f"The {label} page lacks the {block} and the {shortcode} shortcode",
            f"The {label} page exists but shows nothing of WooCommerce's {label.lower()}, so "
            f"{pay}.",
            (
                f"In wp-admin › Pages, edit the {label} page and add the {block} (or the "
                f"{shortcode} shortcode); click Update.",
                "If a page builder made the page, use its WooCommerce "
                f"{label.lower()} element instead.",
            ),
        )
    said = f": {page.message}" if page.message else ""
    return (
        f"The site's report says the {label} page has a problem",
        f"WooCommerce reports a problem with the {label} page{said}.",
        (
            f"In wp-admin › Pages, check the {label} page is published and contains the "
            f"{block} (or the {shortcode} shortcode).",
            choose,
        ),
    )
