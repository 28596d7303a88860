"""MD304 outbound-requests-failing: the store cannot make outgoing requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import WC_STATUS_PAGE, WC_STATUS_TITLE, clip, quoted, site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import RemoteCheck, SiteReport


def _failed(check: RemoteCheck | None) -> bool:
    return check is not None and check.ok is False


@rule(
    id="MD304",
    name="outbound-requests-failing",
    category=Category.LIVENESS,
    severity=Severity.HIGH,
    options={"quote_chars": 200},
    needs=("site-report",),
    uses=("meum-status",),
)
def outbound_requests_failing(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """The store's own test of outgoing requests (remote post or remote get) failed.

    Why it matters: WooCommerce's System Status tests whether the site can send requests to
    the internet. When that fails, the Meum plugin cannot reach Meum either: it cannot check
    in, register its webhooks or confirm payments. The host, a firewall or a security plugin
    usually blocks the connections, or the server cannot resolve names or verify
    certificates. The error the site gave is quoted (at most {quote_chars} characters; it is
    the site's text, shown as evidence). {level.high}.

    How to fix: send the quoted error to the host and ask them to allow outgoing HTTPS
    connections (port 443) from the site, to api.meum.io in particular; check any security
    or firewall plugin in wp-admin › Plugins; then check wp-admin › WooCommerce › Status
    again: Remote Post and Remote Get should show ✔.
    """
    failed = [
        (label, check)
        for label, check in (("remote post", report.remote_post), ("remote get", report.remote_get))
        if _failed(check)
    ]
    if not failed:
        return
    limit = max(20, int(ctx.options["quote_chars"]))
    evidence: dict[str, Any] = {}
    errors = []
    for label, check in failed:
        key = label.replace(" ", "_")
        evidence[f"{key}_ok"] = False
        if check is not None and check.error and check.error.strip():
            # Kept short in the evidence too: it is untrusted text from the site.
            evidence[f"{key}_error"] = clip(check.error, limit)
            errors.append(f"{label}: {quoted(check.error, limit)}")
        else:
            errors.append(f"{label}: no error given")
    tests = " and ".join(label for label, _ in failed)
    plural = "s" if len(failed) > 1 else ""
    yield Finding(
        title=f"The store cannot make outgoing requests: its {tests} test{plural} failed",
        detail=(
            f"WooCommerce's own {tests} test{plural} failed on the site, so the Meum plugin "
            "most likely cannot reach Meum either: no check-ins, no webhook registration, "
            "no payment confirmations from the site's side. The site reported: "
            f"{'; '.join(errors)}."
        ),
        evidence=evidence,
        remediation=(
            "Send the quoted error to your host and ask them to allow outgoing HTTPS "
            "connections (port 443) from the site, in particular to api.meum.io.",
            "In wp-admin › Plugins, check any security or firewall plugin for a setting that "
            "blocks outgoing requests, and allow api.meum.io.",
            "Open wp-admin › WooCommerce › Status again: Remote Post and Remote Get should "
            "both show ✔.",
        ),
        links=(
            *site_admin_link(status, report, WC_STATUS_PAGE, WC_STATUS_TITLE),
            *site_admin_link(status, report, "plugins.php", "Plugins"),
        ),
    )
