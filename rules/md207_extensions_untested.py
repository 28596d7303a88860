"""MD207 extensions-untested: active extensions are not tested with the WooCommerce in use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._site import PLUGINS_PAGE, UPDATES_PAGE, listing, site_links

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD207",
    name="extensions-untested",
    category=Category.VERSIONS,
    severity=Severity.LOW,
    needs=("site-report",),
    uses=("meum-status",),
)
def extensions_untested(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """Active extensions are marked "not tested with the active version of WooCommerce".

    One finding lists them. Only the text form of the System Status report carries this
    notice (the REST JSON does not), so a JSON report never makes this rule fire.

    Why it matters: an extension its author has not tested with the installed WooCommerce
    may misbehave after a WooCommerce update, often at checkout. It usually works, but it is
    the first suspect when something broke after an update.

    How to fix: update the extensions in wp-admin › Dashboard › Updates; if no update is
    offered, ask the extension's author whether it supports this WooCommerce version, and
    test checkout.
    """
    untested = [p for p in report.active_plugins or () if p.untested_with is not None]
    if not untested:
        return
    names = [f"{p.name} {p.version}" if p.version else p.name for p in untested]
    tested = sorted({p.untested_with for p in untested if p.untested_with})
    against = (
        f"WooCommerce {' / '.join(tested)}" if tested
        else f"WooCommerce {report.woocommerce_version}" if report.woocommerce_version
        else "the active WooCommerce"
    )
    count = len(untested)
    yield Finding(
        title=(
            f"{count} active extension{'s are' if count != 1 else ' is'} not tested with "
            f"{against}: {listing(names, limit=3)}"
        ),
        detail=(
            "The authors of these extensions have not declared them tested with the "
            "WooCommerce version the store runs. They usually work, but they are the first "
            "suspects when checkout or orders misbehave after an update."
        ),
        evidence={
            "site_report.untested_extensions": names,
            "site_report.woocommerce_version": report.woocommerce_version,
        },
        remediation=(
            "In wp-admin, open Dashboard › Updates and update these extensions; newer builds "
            "often declare support for the current WooCommerce.",
            "If no update is offered, ask each extension's author whether it supports this "
            "WooCommerce version.",
            "Place a test order to check checkout still works.",
        ),
        links=site_links(status, report, UPDATES_PAGE, PLUGINS_PAGE),
    )
