"""Host names compared as browsers compare them: one canonical ASCII form per host.

A site's address may arrive as Unicode (``bücher.example``), as its punycode form
(``xn--bcher-kva.example``), in any case, percent-encoded, or with a trailing dot; all of them
name one host. :func:`normalize_host` turns each into the same string, using IDNA 2008 with the
UTS #46 mapping (the ``idna`` package, as browsers and httpx do), never Python's built-in
IDNA 2003 codec, which maps ``ß`` to ``ss`` and so would merge two different hosts.

Every comparison of hosts (rules, redaction, links) goes through this module.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def normalize_host(host: str | None) -> str | None:
    """The canonical (ASCII, lower-case, no trailing dot) form of ``host``; None when empty.

    A host that IDNA cannot encode is kept lower-cased as written, so two spellings of an
    invalid host still compare equal to themselves and never raise.
    """
    if not host:
        return None
    text = unquote(host).strip().rstrip(".")
    if not text:
        return None
    if text.isascii():
        # Plain ASCII needs no IDNA tables (and so no import): lower case is its canonical form.
        return text.lower()
    import idna  # only for Unicode hosts; httpx depends on it already

    try:
        # Non-strict UTS #46, as browsers apply it: underscores and the like are allowed, and
        # non-transitional processing keeps ß as ß (never ss).
        return (
            idna.encode(text, uts46=True, std3_rules=False, transitional=False)
            .decode("ascii")
            .lower()
        )
    except (idna.IDNAError, UnicodeError, ValueError):
        return _per_label(text)


def _per_label(text: str) -> str:
    """Punycode each label on its own, for hosts IDNA 2008 refuses (``☕.example``).

    Browsers still reach such hosts, by their punycode (``xn--53h.example``); so this must
    give the same form, or a Unicode address and its punycode spelling would look like two
    different sites (MD504 once told merchants to deactivate the plugin on their own shop).
    """
    import idna

    try:
        mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError, ValueError):
        mapped = text.lower()
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            labels.append(label.lower())
            continue
        try:
            labels.append(idna.alabel(label).decode("ascii"))
        except (idna.IDNAError, UnicodeError, ValueError):
            try:  # raw RFC 3492 punycode: what a browser sends for a label IDNA refuses
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                return text.lower()
    return ".".join(labels).lower()


def host_of(url: str | None) -> str | None:
    """The canonical host of ``url`` (see :func:`normalize_host`); None when it has none."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return normalize_host(host)


def site_key(host: str | None) -> str | None:
    """``host`` canonical and without a leading ``www.``: the key for "the same site"."""
    canonical = normalize_host(host)
    return canonical.removeprefix("www.") if canonical else None


def same_site(first: str | None, second: str | None) -> bool:
    """True when two hosts name the same site (``www.`` and spelling aside)."""
    a, b = site_key(first), site_key(second)
    return a is not None and a == b


def is_loopback(host: str) -> bool:
    """True for localhost (and its subdomains), 127.0.0.0/8 and ::1: where plain http is
    allowed, to a local test server."""
    import ipaddress  # only when a URL is checked

    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
