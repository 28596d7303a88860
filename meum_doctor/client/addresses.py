"""Which addresses a fetch made on a visitor's behalf may reach: the SSRF policy of ``serve``.

``meum-doctor serve`` on a public host may fetch a visitor's store's System Status report
(``--allow-live-site-report``). The visitor chooses the address, so without a policy the page
would fetch from inside the operator's network for anyone: the cloud metadata service at
169.254.169.254, an admin panel on 10.x, a database on localhost. A policy judges every
*resolved* address (a name can resolve to anything), and the transport then connects to the
very address judged (:class:`~meum_doctor.client.transport.PinnedTransport`), so a second DNS
answer cannot swap in another one. The command line's own ``--site-url`` has no policy: there
the user fetches from their own machine, as their own browser would.

No httpx here: the policy is plain data, tested on addresses directly.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Given one resolved address, why it is refused (a few words), or None when it may be reached.
AddressPolicy = Callable[[IPAddress], str | None]

#: Carrier-grade NAT (RFC 6598): the provider's inside, not the internet; Python's
#: ``is_private`` leaves it out.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: NAT64 (RFC 6052): an IPv4 address inside an IPv6 one, judged as the IPv4 address.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: Cloud metadata services (AWS and GCP and Azure, AWS over IPv6, Alibaba), named as such in
#: the message; each also falls in a refused range.
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is what it reaches."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def public_only(address: IPAddress) -> str | None:
    """Refuse every address that is not on the public internet."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = public_only(inner)
        if reason is not None:
            return reason
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "a shared (carrier-grade NAT) address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:  # documentation, benchmarking and other special ranges
        return "a reserved address"
    return None


def any_address(address: IPAddress) -> str | None:
    """Refuse nothing: the server and its one visitor are on the same machine."""
    return None
