"""MD112 site-url-not-public: the store's address is on a local or private network."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    host_of,
    rule,
    same_site,
)

#: Name suffixes that never resolve on the public internet, and why.
LOCAL_SUFFIXES = {
    "localhost": "a name for the computer itself",
    "local": "a .local name, known only on its own network (mDNS)",
    "localdomain": "a .localdomain name, known only on its own network",
    "lan": "a .lan name, known only on its own network",
    "home": "a .home name, known only on its own network",
    "home.arpa": "a home.arpa name, known only on its home network",
    "corp": "a .corp name, known only on its own network",
    "internal": "an .internal name, reserved for private networks",
    "test": "a .test name, reserved for testing and never public",
    "invalid": "an .invalid name, reserved and never resolvable",
}


@rule(
    id="MD112",
    name="site-url-not-public",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
)
def site_url_not_public(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store's site URL (or its webhook address) is on a local or private network.

    Why it matters: Meum's servers must reach the store over the internet to deliver payment
    notifications (webhooks); an address that only works on one computer or one private
    network cannot be reached, so paid orders stay "pending payment". It fires for loopback,
    private, link-local, carrier-grade NAT and other non-public IP addresses (IPv4 and IPv6,
    including fc00::/7 and IPv4-mapped forms), for names without a dot, and for names under
    localhost, .local, .localdomain, .lan, .home, home.arpa, .corp, .internal, .test and
    .invalid. The documentation names (.example, example.com) are not flagged: they appear in
    examples, not in real stores. A webhook address on another non-public host than the
    site's is reported too.

    How to fix: connect the live, public shop instead of a local or staging copy; if this is
    the live shop, set its WordPress Address and Site Address to the public https:// address
    and reconnect the Meum plugin so Meum learns it.
    """
    site = host_of(status.site_url)
    site_reason = not_public(site)
    links = admin_link(status, "options-general.php", "Settings › General")
    if site is not None and site_reason is not None:
        yield Finding(
            title=f"The store's address {site} is not reachable from the internet",
            detail=(
                f"The site URL points to {site}, {site_reason}. Meum cannot reach it to "
                "deliver payment notifications, so paid orders would stay pending."
            ),
            evidence={"site_url": status.site_url},
            remediation=(
                "If this is a development or staging copy, connect the live shop instead: a "
                "local copy cannot receive Meum's payment notifications.",
                "If it is the live shop, set WordPress Address and Site Address in wp-admin › "
                "Settings › General to its public https:// address.",
                "Reconnect the Meum plugin from WooCommerce › Settings › Payments › Meum so "
                "Meum learns the public address.",
            ),
            links=links,
        )
    hook = host_of(status.webhook_url)
    hook_reason = not_public(hook)
    if hook is None or hook_reason is None or (site_reason is not None and same_site(site, hook)):
        return  # the site's own finding already covers a webhook on the same host
    yield Finding(
        title=f"Webhooks go to {hook}, which is not reachable from the internet",
        detail=(
            f"The webhook address points to {hook}, {hook_reason}. Meum cannot deliver payment "
            "notifications there, so paid orders would stay pending."
        ),
        evidence={"site_url": status.site_url, "webhook_url": status.webhook_url},
        remediation=(
            "On the live shop, open WooCommerce › Settings › Payments › Meum and reconnect with "
            "a new connection key, so the webhook address becomes the shop's public one.",
            "Run meum-doctor again and check the webhook address is public.",
        ),
        links=links,
    )


def not_public(host: str | None) -> str | None:
    """Why ``host`` (canonical, as :func:`host_of` gives it) is not public, or None."""
    if not host:
        return None
    if ":" in host or _ends_in_number(host):
        return _address_reason(host)
    labels = host.split(".")
    for start in range(len(labels)):
        reason = LOCAL_SUFFIXES.get(".".join(labels[start:]))
        if reason is not None:
            return reason
    if len(labels) == 1:
        return "a name without a domain, known only on its own network"
    return None


def _ends_in_number(host: str) -> bool:
    # As browsers decide (the WHATWG URL standard): a host whose last label is a number is
    # an IPv4 address, in whatever notation ("127.1", "0x7f.0.0.1", "2130706433").
    last = host.rstrip(".").rsplit(".", 1)[-1]
    return last.isdigit() or (last[:2] == "0x" and all(c in "0123456789abcdef" for c in last[2:]))


def _address_reason(host: str) -> str | None:
    import ipaddress  # only for IP literals, which real stores rarely use

    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            host if ":" in host else _ipv4(host)
        )
    except ValueError:
        return None  # not an address after all: other rules judge malformed hosts
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address: the computer itself"
    if address.is_link_local:
        return "a link-local address, valid only on its own network segment"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private:
        return "a private network address"
    if address in ipaddress.ip_network("100.64.0.0/10"):
        return "a carrier-grade NAT address, not reachable from the internet"
    if not address.is_global or address.is_multicast:
        return "an address that is not public"
    return None


def _ipv4(host: str) -> int:
    """A WHATWG-style IPv4 host (1 to 4 parts, decimal, 0x hex or 0 octal) as an integer."""
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        raise ValueError("not an IPv4 address")
    numbers = []
    for part in parts:
        if part[:2] == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part, 10))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise ValueError("not an IPv4 address")
    value = last
    for position, number in enumerate(head):
        value += number << (8 * (3 - position))
    return value
