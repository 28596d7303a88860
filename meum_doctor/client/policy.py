"""The key and URL policy: what may be sent, and where, checked before anything is sent.

A key is refused when it is empty, carries the word ``Bearer``, or holds whitespace or
control characters (never echoing it); it is never sent over plain ``http://`` except to a
loopback host, and only in the ``Authorization`` header. This module does not import httpx:
``batch`` checks every key of a keys file, and the command line the base URL, before the
network stack is loaded.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from meum_doctor import __version__
from meum_doctor.errors import UsageError
from meum_doctor.hosts import is_loopback as is_loopback  # re-exported: the URL policy
from meum_doctor.secrets import is_tool_words
from meum_doctor.text import clean_line

log = logging.getLogger("meum_doctor.client")

API_VERSION_PATH = "/v1"
STATUS_PATH = f"{API_VERSION_PATH}/integration/woocommerce/status"
KEY_PREFIX = "sk_live_"
#: A key pasted with its header around it: "Bearer sk_live_…", "Authorization: Bearer …".
BEARER = re.compile(r"(?:authorization\s*:\s*)?bearer(?:\s|:|$)", re.IGNORECASE)
#: Attempts at one fetch, at most (here because messages name it, see client.errors).
MAX_ATTEMPTS = 3
#: The only content codings asked for (httpx would also offer br and zstd when installed).
ACCEPT_ENCODING = "gzip, deflate"


def check_key(key: str | None) -> list[str]:
    """Refuse an unusable key (never echoing it); return warnings for a merely odd one."""
    if key is None or key == "":
        # The caller knows where the key came from and says so; this is the fallback.
        raise UsageError("the API key is empty")
    if BEARER.match(key):
        raise UsageError(
            "the API key starts with the word Bearer: pass the key alone (sk_live_…); "
            "meum-doctor sends it as 'Authorization: Bearer' itself"
        )
    if any(ch.isspace() for ch in key):
        raise UsageError(
            "the API key contains whitespace: copy it again, without spaces or line breaks"
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise UsageError("the API key contains control characters: copy it again")
    if not key.isascii() or not key.isprintable():
        raise UsageError("the API key contains characters that are not plain ASCII: copy it again")
    if is_tool_words(key):
        # "sk_live_AUTHORIZATION", "API-KEY": what was copied is a label or a placeholder.
        # It is not a secret (the tool prints these words itself), so it could not be kept
        # out of the outputs either: refused, as no real key is made only of them.
        raise UsageError(
            "the API key is only words like Authorization, key or sk_live_, not a key: copy "
            "the store's whole key again from the Meum dashboard"
        )
    if not key.startswith(KEY_PREFIX):
        return [
            f"the API key does not start with {KEY_PREFIX}; Meum store keys do, so this may "
            "be the wrong key"
        ]
    return []


def status_url(base_url: str) -> str:
    """The status endpoint under ``base_url``, refusing URLs the key must not be sent to."""
    try:
        parts = urlsplit(base_url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"the API base URL {clean_line(base_url)!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"the API base URL {clean_line(base_url)!r} must be an http(s) URL with a host, "
            "like https://api.meum.io"
        )
    if parts.username or parts.password:
        raise UsageError("the API base URL must not contain a user name or password")
    if scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"refusing to send the API key over plain http:// to {parts.hostname}: use https:// "
            "(plain http is allowed only for a local test server on 127.0.0.1 or localhost)"
        )
    if parts.query or parts.fragment:
        raise UsageError(
            "the API base URL must not have a query (?…) or fragment (#…): give the API's "
            "address, like https://api.meum.io"
        )
    # The API's documentation writes its endpoints under /v1, so a base URL ending in /v1
    # (or naming the whole endpoint) is what a reader copies: both mean the same API, and
    # appending the path again would ask for /v1/v1/… and end in a puzzling 404.
    path = parts.path.rstrip("/")
    for suffix in (STATUS_PATH, API_VERSION_PATH):
        if path.endswith(suffix):
            path = path.removesuffix(suffix)
            log.info("the API base URL already ends in %s; using the API at its root", suffix)
            break
    return urlunsplit((parts.scheme, parts.netloc, path + STATUS_PATH, "", ""))


def request_headers(key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {key}",
        "User-Agent": f"meum-doctor/{__version__}",
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
    }


# The store's own REST API (--site-url) ------------------------------------------------------

#: WooCommerce's System Status endpoint, under the site's address.
SITE_STATUS_PATH = "/wp-json/wc/v3/system_status"


def site_status_url(site_url: str) -> str:
    """The System Status endpoint of the store at ``site_url``, refusing URLs that the
    store's credentials must not be sent to (as :func:`status_url` does for the API).

    Only ever the address the user gave: never one read from a status or a report, whose
    contents someone else chose.
    """
    try:
        parts = urlsplit(site_url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"--site-url {clean_line(site_url)!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--site-url {clean_line(site_url)!r} must be the store's https:// address, like "
            "https://store.example"
        )
    if parts.username or parts.password:
        raise UsageError(
            "--site-url must not contain a user name or password: give them as --wc-key and "
            "--wc-secret"
        )
    if scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"refusing to send the store's credentials over plain http:// to {parts.hostname}: "
            "use https:// (plain http is allowed only for a local test server on 127.0.0.1 or "
            "localhost)"
        )
    if parts.query or parts.fragment:
        raise UsageError(
            "--site-url must not have a query (?…) or fragment (#…): give the store's "
            "address, like https://store.example"
        )
    # The address a merchant copies may already name the endpoint, or the REST root.
    path = parts.path.rstrip("/")
    for suffix in (SITE_STATUS_PATH, "/wp-json/wc/v3", "/wp-json"):
        if path.endswith(suffix):
            path = path.removesuffix(suffix)
            break
    return urlunsplit((parts.scheme, parts.netloc, path + SITE_STATUS_PATH, "", ""))


def site_headers(user: str, password: str) -> dict[str, str]:
    """HTTP Basic authentication with a REST API key pair (ck_…/cs_…) or a WordPress user
    and application password: WooCommerce accepts both this way over HTTPS."""
    import base64

    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {
        "Authorization": f"Basic {token}",
        "User-Agent": f"meum-doctor/{__version__}",
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
