"""Redaction: replace what identifies a store, once, on the data, before any renderer.

Two levels:

- always: the password of any URL (``https://admin:hunter2@…``) becomes ``***``, in the URL
  and wherever else the same password appears (API keys are the run's
  :class:`~meum_doctor.secrets.Secrets`' to remove, from the report and every output);
- with ``--redact``: everything that could name the store, found *by construction* rather
  than by a list of known fields:

  - every string of the status (keys and values, nested at any depth, in URL fields that do
    not parse, in ``issues``, in unknown fields) is searched for URLs, host names (in any
    spelling: Unicode, punycode, percent-encoded, any case), e-mail addresses, phone numbers,
    IBANs, IP addresses, UUIDs and ``user:password@`` pairs; each one found becomes a literal
    that is replaced wherever it occurs in the report (findings quote the status);
  - hosts become ``store-N.example``, numbered by site (``www.`` and spelling aside) across the
    whole run, so a batch numbers its stores consistently (:class:`RedactionState`);
  - the distinctive labels of a host (``harbor-books`` of ``harbor-books.example``), URL path
    segments (``/harbor-books-shop``, a multisite sub-site) and query values become
    ``site-N`` or ``[redacted]``; only the path words and query values WordPress, WooCommerce
    and Meum use themselves (``wp-json``, ``wp-admin``, ``wc-api=stablecoin_webhook``…) stay;
  - the ID fields (``integration_id``, ``integration_public_id``, ``credential_prefix``,
    ``pending_connection_key.key_prefix``), whatever their type, are masked to their first 4
    characters followed by ``…`` (UUIDs anywhere, with or without dashes, likewise);
  - the values of fields the schema does not list are ``[redacted]`` unless the field is on
    :data:`HARMLESS_EXTRA_FIELDS`; their strings are hidden wherever else they appear;
  - percent-encoded text is shown decoded, so an encoded host or e-mail cannot slip through.

What stays, because diagnosing needs it and it names no store: the enumerated status fields,
versions, dates, booleans, the public hosts of Meum, WordPress.org and WooCommerce.com, and
the structure of the status (its keys). A :class:`Redactor` is built once per status and
applied to every string of the report (titles, details, evidence, links, the raw status).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from meum_doctor.hosts import normalize_host, site_key
from meum_doctor.status import (
    FIELDS_BY_NAME,
    HARMLESS_EXTRA_FIELDS,
    KNOWN_FIELDS,
    NESTED_ID_FIELDS,
    URL_FIELDS,
    FieldKind,
    Status,
)

MASK_KEEP = 4
#: An ID shorter than this is hidden whole: showing 4 of its characters would show most of it.
MASK_MIN = 8
#: Values shorter than this are left alone when searched for in free text: replacing very
#: short strings everywhere would garble the report, and so short a value names nothing.
MIN_SECRET_LENGTH = MASK_KEEP + 1
#: A URL's password is masked by this, with or without ``--redact``.
PASSWORD_MASK = "***"  # noqa: S105 - the mask shown instead of a password
REDACTED = "[redacted]"

#: Fields whose values are masked, whatever their type (the identifiers of
#: :data:`meum_doctor.status.STATUS_FIELDS`). Those that may hold a UUID come first, plain
#: strings last: the first stand-in found for a text keeps it, and a UUID's compact and dashed
#: forms are masked as the UUID was sent.
ID_FIELDS = tuple(
    sorted(
        (f.name for f in FIELDS_BY_NAME.values() if f.identifier),
        key=lambda name: FIELDS_BY_NAME[name].kind in (FieldKind.STRING, FieldKind.VERSION),
    )
)
#: Hosts that belong to no store: kept as they are (and their subdomains).
PUBLIC_HOSTS = ("meum.io", "wordpress.org", "woocommerce.com")
#: URL path segments that WordPress, WooCommerce and the Meum plugin use themselves.
HARMLESS_PATH_SEGMENTS = frozenset(
    {
        "wp-json",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-login.php",
        "wp-cron.php",
        "xmlrpc.php",
        "index.php",
        "admin.php",
        "admin-ajax.php",
        "plugins.php",
        "options-general.php",
        "options-permalink.php",
        "update-core.php",
        "themes.php",
        "tools.php",
        "plugins",
        "meum",
        "webhook",
        "webhooks",
        "wc-api",
        "wc",
        "store",
        "shop",
        "checkout",
        "cart",
        "integration",
        "woocommerce",
        "status",
    }
)
#: Query values that name no store (the plugin's legacy webhook, the wp-admin pages linked).
HARMLESS_QUERY_VALUES = frozenset(
    {"stablecoin_webhook", "meum_webhook", "wc-settings", "wc-status", "checkout", "logs", "meum"}
)
#: Host labels too common to be searched for on their own (and never worth hiding).
COMMON_LABELS = frozenset(
    {
        "www",
        "shop",
        "store",
        "stores",
        "staging",
        "stage",
        "dev",
        "test",
        "blog",
        "app",
        "api",
        "admin",
        "web",
        "mail",
        "beta",
        "demo",
        "live",
        "prod",
        "local",
        "localhost",
        "example",
        "online",
        "secure",
        "webhook",
        "status",
        "https",
        "http",
        "user",
        "root",
    }
)
#: "Hosts" with these endings are file names (``wp-config.php``), not hosts.
FILE_SUFFIXES = frozenset(
    {
        "php", "html", "htm", "js", "json", "css", "txt", "log", "xml", "md", "py", "toml",
        "yml", "yaml", "ini", "cfg", "conf", "png", "jpg", "jpeg", "gif", "svg", "webp",
        "zip", "gz", "tar", "csv", "pdf", "map", "lock", "sql", "bak", "tmp",
    }
)  # fmt: skip

# Pattern sources, compiled on first use by _pattern() (below).
_PLACEHOLDER_HOST = r"^store-\d+\.example$"
# A URL in free text: a scheme, then everything up to white space or a quote.
_URL = r"[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s<>\"'`]*"
_URL_PARTS = r"(?s)([A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?"
_TRAILING = ".,;:!?)]}'\""
_REST_RE = r"(/[^\s?#\"'<>]*)?(?:\?([^\s#\"'<>]*))?(?:#([^\s\"'<>]*))?"
# A host name in free text, Unicode letters included (punycode is plain ASCII).
_LABEL = r"[^\W_](?:[\w\-]{0,62}[^\W_])?"
# The last label (the top-level domain) has letters only, so versions (6.8.3) are no hosts.
_TLD = r"(?:[^\W\d_]{2,63}|xn--[A-Za-z0-9\-]{1,59})"
# Not after "%" (the tail of a percent-escape) nor before "@" (an e-mail's local part).
_HOST_RE = rf"(?<![\w@.\-%])((?:{_LABEL}\.)+{_TLD})(?![\w\-@]|\.[\w\-])"
_LOCAL = r"[\w.!#$%&'*+/=?^{|}~\-]"
# Bounded repeats and a start only at a boundary: linear time on hostile megabyte strings.
_EMAIL_RE = rf"(?<!{_LOCAL}){_LOCAL}{{1,64}}@(?:{_LABEL}\.)*{_LABEL}"
_USERINFO_RE = r"(?<![\w.%+\-~])([\w.%+\-~]{1,128}):([^\s/@:]{1,128})@"
_PHONE_RE = r"(?<![\w+\-./:])(?:\+|00)?\d[\d\s().\-/]{6,22}\d(?![\w\-]|\.\d)"
_DATE_LIKE = r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$"
_IBAN_RE = (
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"
)
_IPV4_RE = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"
_IPV6_RE = r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
_UUID_RE = (
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f])"
)
_TRUNCATED_TAIL = r"(?<![\w.@%+\-])([\w.@%+\-]{3,})…"


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    """``source`` compiled on first use: most runs (no --redact, no user info in a URL)
    need few of these patterns, and compiling them all costs every run a millisecond or two.
    Cached here, not in ``re``'s own cache, which a batch's per-store patterns would evict."""
    return re.compile(source)


#: Longer values are not searched for in free text (they are hidden where they stand).
MAX_LITERAL = 256
#: A status naming more things than this is hostile or broken; searching for each would
#: take seconds, so under --redact every text of its report is hidden instead (fail closed).
MAX_LITERALS = 5000


def mask(value: str) -> str:
    """The first 4 characters of ``value`` followed by an ellipsis (nothing of a short one)."""
    return value[:MASK_KEEP] + "…" if len(value) >= MASK_MIN else "…"


def is_public_host(host: str) -> bool:
    """True for the hosts of Meum, WordPress.org and WooCommerce.com, which name no store."""
    return any(host == public or host.endswith("." + public) for public in PUBLIC_HOSTS)


class RedactionState:
    """The numbering of one run: every store of a batch shares it, so one host has one
    number in every report and summary of the run, and two stores never share one."""

    def __init__(self) -> None:
        self._hosts: dict[str, str] = {}
        self._slugs: dict[str, str] = {}
        self._people: dict[str, int] = {}

    def host(self, host: str | None) -> str | None:
        """``store-N.example`` for ``host`` (any spelling); None for a public or empty host."""
        canonical = normalize_host(host)
        key = site_key(canonical)
        if not canonical or not key or is_public_host(canonical):
            return None
        if _pattern(_PLACEHOLDER_HOST).match(canonical):
            return canonical  # already redacted: redacting twice changes nothing
        if key not in self._hosts:
            self._hosts[key] = f"store-{len(self._hosts) + 1}.example"
        return self._hosts[key]

    def slug(self, text: str) -> str:
        """``site-N`` for a path segment or host label (case aside)."""
        key = text.lower()
        if key not in self._slugs:
            self._slugs[key] = f"site-{len(self._slugs) + 1}"
        return self._slugs[key]

    def person(self, address: str) -> int:
        """The number of an e-mail address (case aside)."""
        key = address.lower()
        return self._people.setdefault(key, len(self._people) + 1)


class Redactor:
    """Replaces each known sensitive string by its stand-in, wherever it occurs, and (with
    ``identity``) rewrites every URL so that only its scheme, public parts and port remain."""

    def __init__(
        self,
        replacements: Mapping[str, str] | None = None,
        *,
        identity: bool = False,
        state: RedactionState | None = None,
    ) -> None:
        self.identity = identity
        self.state = state if state is not None else RedactionState()
        self.replacements = {
            " ".join(k.lower().split()): v for k, v in (replacements or {}).items() if k.strip()
        }
        #: Too much to search for: every text is hidden whole (see MAX_LITERALS).
        self.opaque = identity and len(self.replacements) > MAX_LITERALS
        literals = "" if self.opaque else _trie_pattern(self.replacements)
        parts = [f"(?P<url>{_URL})"] + ([f"(?P<lit>{literals})"] if literals else [])
        self._pattern = re.compile("|".join(parts), re.IGNORECASE)

    @classmethod
    def for_status(
        cls,
        status: Status,
        *,
        identity: bool,
        state: RedactionState | None = None,
    ) -> Redactor:
        """The redactor for one status: what identifies it, found in every string of it.

        Keys are not this class's concern: the run's :class:`~meum_doctor.secrets.Secrets`
        removes them from the finished report and from every output.
        """
        return cls.for_data(status.raw, identity=identity, state=state)

    @classmethod
    def for_data(
        cls,
        data: Any,
        *,
        identity: bool,
        state: RedactionState | None = None,
        also: Mapping[str, str] | None = None,
        more: Any = None,
    ) -> Redactor:
        """The redactor for any JSON-like data (a status, or texts such as error messages);
        ``also`` adds literals to replace (a batch store's file names); ``more`` is other
        evidence of the same store (a site report), whose every string is searched after
        the status's, so the status's hosts keep their numbers."""
        state = state if state is not None else RedactionState()
        found = _Discovery(identity, state)
        found.replacements.update(also or {})
        if isinstance(data, Mapping):
            found.status(data)
        else:
            found.scan_all(data)
        if more is not None:
            found.scan_all(more)
        return cls(found.replacements, identity=identity, state=state)

    # Applying ------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` with every sensitive part replaced."""
        if not value:
            return value
        if self.opaque:
            return REDACTED
        if self.identity and "%" in value:
            # Decoded, so no percent-encoded spelling of a host, e-mail or slug slips through.
            value = unquote(value)
        elif "://" not in value and "lit" not in self._pattern.groupindex:
            return value
        result = self._pattern.sub(self._replace, value)
        if self.identity and "…" in result:
            result = _pattern(_TRUNCATED_TAIL).sub(self._truncated, result)
        return result

    def data(self, value: Any) -> Any:
        """``value`` (any JSON-like data) with every string, keys included, redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            if self.opaque:  # keys kept apart: all "[redacted]", they would collapse into one
                return {
                    k if k in KNOWN_FIELDS else f"{REDACTED} {n}": self.data(v)
                    for n, (k, v) in enumerate(value.items(), 1)
                }
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value

    def document(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The status as shown: IDs masked and unknown fields' values hidden (with
        ``identity``), then every string, keys included, redacted."""
        if not self.identity:
            return self.data(dict(raw))  # type: ignore[no-any-return]
        shown: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ID_FIELDS:
                value = _masked(value)
            elif key in NESTED_ID_FIELDS and isinstance(value, Mapping):
                value = {
                    k: _masked(v) if k in NESTED_ID_FIELDS[key] else v for k, v in value.items()
                }
            elif key not in KNOWN_FIELDS and key not in HARMLESS_EXTRA_FIELDS:
                value = _hidden(value)
            shown[key] = value
        return self.data(shown)  # type: ignore[no-any-return]

    def _replace(self, match: re.Match[str]) -> str:
        literal = match.group("lit") if "lit" in self._pattern.groupindex else None
        if literal is not None:
            return self.replacements.get(" ".join(literal.lower().split()), REDACTED)
        url = match.group("url")
        trail = len(url) - len(url.rstrip(_TRAILING))
        tail = url[len(url) - trail :] if trail else ""
        return self._url(url[: len(url) - trail]) + tail

    def _url(self, url: str) -> str:
        parts = _split_url(url)
        if parts is None:
            return url
        scheme, userinfo, host, port, path, query, fragment = parts
        if userinfo is not None:
            user, colon, _ = userinfo.partition(":")
            if self.identity:
                userinfo = PASSWORD_MASK
            elif colon:
                userinfo = f"{user}:{PASSWORD_MASK}"
        if not self.identity:
            return _join_url(scheme, userinfo, host, port, path, query, fragment)
        placeholder = self.state.host(host)
        if placeholder is None:  # a public host: shown as it is, apart from a password
            if is_public_host(normalize_host(host) or ""):
                return _join_url(scheme, userinfo, host, port, path, query, fragment)
            placeholder = host
        path = "/".join(
            segment if _harmless_segment(segment) else self.state.slug(unquote(segment))
            for segment in path.split("/")
        )
        if query is not None:
            query = "&".join(self._query_item(item) for item in query.split("&"))
        if fragment and fragment.lower() not in HARMLESS_QUERY_VALUES:
            fragment = REDACTED
        return _join_url(scheme, userinfo, placeholder, port, path, query, fragment)

    def _query_item(self, item: str) -> str:
        name, equals, value = item.partition("=")
        name = self._pattern.sub(self._replace, name)
        if not equals:
            return name if not name or _harmless_word(name) else REDACTED
        if value and unquote(value).lower() not in HARMLESS_QUERY_VALUES:
            value = REDACTED
        return f"{name}={value}"

    def _truncated(self, match: re.Match[str]) -> str:
        """A literal cut short by a rule (``harbor-bo…``) is hidden like the whole one."""
        head = match.group(1).lower()
        for literal, replacement in self.replacements.items():
            if literal.startswith(head) and literal != head:
                return replacement if replacement.endswith("…") else replacement + "…"
        return match.group()


class _Discovery:
    """Finds what identifies a store in every string of its data."""

    def __init__(self, identity: bool, state: RedactionState) -> None:
        self.identity = identity
        self.state = state
        self.replacements: dict[str, str] = {}

    def add(self, literal: str, replacement: str, minimum: int = MIN_SECRET_LENGTH) -> None:
        literal = literal.strip()
        if minimum <= len(literal) <= MAX_LITERAL and literal.lower() != replacement.lower():
            # The first stand-in found for a literal keeps it: a host wins over a slug.
            self.replacements.setdefault(literal, replacement)

    def status(self, raw: Mapping[str, Any]) -> None:
        # site_url and webhook_url first, so the store itself is store-1 in a single report.
        for name in URL_FIELDS:
            self.scan_all(raw.get(name))
        self.scan_all(raw)
        if not self.identity:
            return
        for name in ID_FIELDS:
            self._id(raw.get(name))
        for name, parts in NESTED_ID_FIELDS.items():
            value = raw.get(name)
            if isinstance(value, Mapping):
                for part in parts:
                    self._id(value.get(part))
        for name, value in raw.items():
            if name not in KNOWN_FIELDS and name not in HARMLESS_EXTRA_FIELDS:
                for leaf in _leaves(value):
                    self.add(str(leaf), REDACTED)

    def scan_all(self, value: Any) -> None:
        for text in strings_of(value):
            self.scan(text)

    def scan(self, text: str) -> None:
        texts = [text]
        if "%" in text:
            texts.append(unquote(text))
        for item in texts:
            for match in _pattern(_USERINFO_RE).finditer(item) if "@" in item else ():
                self.add(match.group(2), PASSWORD_MASK, minimum=4)
                if self.identity and match.group(1).lower() not in COMMON_LABELS:
                    self.add(match.group(1), REDACTED, minimum=4)
            if not self.identity:
                continue
            for match in _pattern(_URL).finditer(item):
                self._url(match.group().rstrip(_TRAILING))
            for match in _pattern(_EMAIL_RE).finditer(item) if "@" in item else ():
                self._email(match.group())
            for match in _pattern(_HOST_RE).finditer(item):
                self._host(match.group(1), bare=True)
                self._path_after(item, match.end())
            for match in _pattern(_UUID_RE).finditer(item):
                self._id(match.group())
            for match in _pattern(_IBAN_RE).finditer(item):
                if sum(c.isdigit() for c in match.group()) >= 6:
                    self.add(match.group(), "[iban]")
                    self.add(match.group().replace(" ", ""), "[iban]")
            for match in _pattern(_IPV4_RE).finditer(item):
                if all(int(part) < 256 for part in match.group().split(".")):
                    self._host(match.group())
            for match in _pattern(_IPV6_RE).finditer(item) if item.count(":") >= 2 else ():
                if _is_ipv6(match.group()):
                    self._host(match.group())
            for match in _pattern(_PHONE_RE).finditer(item):
                phone = match.group()
                digits = sum(c.isdigit() for c in phone)
                if 8 <= digits <= 15 and not _pattern(_DATE_LIKE).match(phone):
                    self.add(phone, "[phone]")

    def _url(self, url: str) -> None:
        parts = _split_url(url)
        if parts is not None:
            _, _, host, _, path, query, fragment = parts
            self._host(host)
            self._rest(path, query, fragment)

    def _rest(self, path: str, query: str | None, fragment: str | None) -> None:
        """The path segments, query values and fragment of a URL."""
        for segment in path.split("/"):
            self._slug(segment)
        for item in (query or "").split("&"):
            value = item.partition("=")[2]
            for form in {value, unquote(value)}:
                if form.lower() not in HARMLESS_QUERY_VALUES:
                    self.add(form, REDACTED, minimum=4)
        if fragment:
            self.add(fragment, REDACTED, minimum=4)

    def _path_after(self, text: str, end: int) -> None:
        """The rest of a URL written without a scheme (``harbor-books.example/shop-a?x=1``)."""
        match = _pattern(_REST_RE).match(text, end)
        if match and match.group():
            path, query, fragment = match.groups()
            self._rest(path or "", query, fragment)

    def _host(self, host: str, *, bare: bool = False) -> None:
        canonical = normalize_host(host)
        if not canonical:
            return
        labels = canonical.split(".")
        if bare and (labels[-1] in FILE_SUFFIXES or labels[0].isdigit()):
            return  # a file name (wp-config.php) or a version (1.2.0-beta.rc)
        placeholder = self.state.host(canonical)
        if placeholder is None or placeholder == canonical:
            return
        spellings = {host, unquote(host), canonical, _unicode(canonical)}
        for spelling in list(spellings):
            bare_name = spelling.lower().removeprefix("www.")
            spellings |= {bare_name, "www." + bare_name}
        for spelling in spellings:
            self.add(spelling, placeholder, minimum=1)
        if canonical.replace(".", "").isdigit() or ":" in canonical:
            return  # an IP address has no labels worth hiding on their own
        unicode = _unicode(canonical).split(".")
        pairs = zip(labels, unicode if len(unicode) == len(labels) else labels, strict=True)
        for ascii_label, label in list(pairs)[:-1]:
            if len(ascii_label) >= 4 and ascii_label not in COMMON_LABELS:
                # One number for both spellings of a label: numbered by its ASCII form.
                for spelling in (ascii_label, label):
                    self.add(spelling, self.state.slug(ascii_label), minimum=4)

    def _slug(self, segment: str) -> None:
        if not _harmless_segment(segment):
            text = unquote(segment)
            if len(text) >= 4 and text.lower() not in COMMON_LABELS:
                self.add(text, self.state.slug(text), minimum=4)
                self.add(segment, self.state.slug(text), minimum=4)

    def _email(self, address: str) -> None:
        local, _, domain = address.rpartition("@")
        self._host(domain)
        host = self.state.host(domain) or domain
        number = self.state.person(address)
        self.add(address, f"user-{number}@{host}", minimum=3)
        if local.lower() not in COMMON_LABELS:
            self.add(local, f"user-{number}")

    def _id(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return
        text = str(value).strip()
        if not text:
            return
        self.add(text, _masked(text), minimum=MIN_SECRET_LENGTH)
        if _pattern(_UUID_RE).fullmatch(text):
            compact = text.replace("-", "").lower()
            dashed = "-".join(
                (compact[:8], compact[8:12], compact[12:16], compact[16:20], compact[20:])
            )
            for form in (compact, dashed):
                self.add(form, _masked(text))


# Helpers -----------------------------------------------------------------------------------


def _split_url(
    url: str,
) -> tuple[str, str | None, str, str, str, str | None, str | None] | None:
    """(scheme, userinfo, host, port, path, query, fragment) of ``url``, never raising: a
    URL that ``urlsplit`` refuses (``https://[host/``) is still taken apart."""
    match = _pattern(_URL_PARTS).fullmatch(url)
    if match is None:
        return None
    scheme, authority, path, query, fragment = match.groups()
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, colon, port = hostport.rpartition(":")
        if not colon or not port.isdigit():
            host, port = hostport, ""
    return (
        scheme or "",
        userinfo if at else None,
        host,
        port,
        path,
        query[1:] if query is not None else None,
        fragment[1:] if fragment is not None else None,
    )


def _join_url(
    scheme: str,
    userinfo: str | None,
    host: str,
    port: str,
    path: str,
    query: str | None,
    fragment: str | None,
) -> str:
    authority = f"{userinfo}@" if userinfo is not None else ""
    authority += f"[{host}]" if ":" in host else host
    authority += f":{port}" if port else ""
    text = f"{scheme}//{authority}{path}"
    if query is not None:
        text += "?" + query
    if fragment is not None:
        text += "#" + fragment
    return text


def _harmless_segment(segment: str) -> bool:
    text = unquote(segment).lower()
    return not text or text in HARMLESS_PATH_SEGMENTS or re.fullmatch(r"v\d{1,2}", text) is not None


def _harmless_word(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z_\-\[\]]{1,40}", text) is not None


def _masked(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str | int | float):
        return mask(str(value))
    return _hidden(value)


def _hidden(value: Any) -> Any:
    """``value`` with every string and number replaced; structure, booleans and nulls kept."""
    if isinstance(value, Mapping):
        return {k: _hidden(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_hidden(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    return REDACTED


def _leaves(value: Any) -> Iterator[str | int | float]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield value


def strings_of(value: Any) -> Iterator[str]:
    """Every string in ``value``, mapping keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from strings_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_of(item)


def _unicode(host: str) -> str:
    """The Unicode spelling of a punycode host (itself when it has none)."""
    if "xn--" not in host:
        return host
    import idna  # only for punycode hosts; httpx depends on it already

    try:
        return str(idna.decode(host))
    except (idna.IDNAError, UnicodeError, ValueError):
        return host


def _is_ipv6(text: str) -> bool:
    if text.count(":") < 2:
        return False
    import ipaddress

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _trie_pattern(literals: Iterable[str]) -> str:
    """One regular expression matching any of ``literals`` (lower-cased), longest first.

    Built as a trie, so matching costs the length of the text times the depth of the trie,
    not times the number of literals: a status can hold thousands of them. White space in a
    literal matches any run of white space (rules re-flow the texts they quote).
    """
    trie: dict[str, Any] = {}
    for literal in literals:
        node = trie
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    # Iterative deepening would be needed only past Python's recursion limit: literals are
    # short (host names, IDs, e-mail addresses), so recursion over their length is safe.
    ends = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body
