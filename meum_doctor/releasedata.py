"""Release data from WordPress.org: the model, the document's body, and the policy overlay.

The tool asks three public endpoints what is current (see ``release-data`` in README.md):

- ``core/stable-check/1.0/``: every WordPress release marked ``latest``, ``outdated`` or
  ``insecure``, which becomes the insecure list (per branch, the first release not insecure);
- ``core/version-check/1.7/``: the offers; the first is the latest release, with the minimum
  PHP it needs (``php_version``);
- ``plugins/info/1.2/`` for ``woocommerce``: its latest version, ``requires`` (WordPress) and
  ``requires_php``.

A release-data document's body is one JSON object, the *envelope*, holding the three answers
trimmed to what is used (the same bytes are the on-disk cache, so a cache hit is the same
document, fingerprint included). The bundled fallback is an envelope too, saying why it was
used. :func:`overlay` lays the data over the bundled :class:`~meum_doctor.policy.VersionPolicy`;
what the configuration file sets wins over it, and is named.

No I/O here, and nothing heavier than the version reader: the cache-hit path of ``check
--input --live-release-data`` parses with this module alone.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from packaging.version import Version

from meum_doctor.errors import BadResponse
from meum_doctor.policy import ComponentPolicy, InsecureList, VersionPolicy
from meum_doctor.timefmt import iso_z
from meum_doctor.versions import branch_of, read_version

#: The envelope's ``format``: a file without it is not a release-data document (or cache).
FORMAT = "meum-doctor release data 1"
#: The three answers, by the envelope key each is kept under.
PARTS = ("stable_check", "version_check", "woocommerce")
#: Each part in words, for notes.
PART_NAMES = {
    "stable_check": "the insecure list (core/stable-check)",
    "version_check": "the latest WordPress (core/version-check)",
    "woocommerce": "the latest WooCommerce (plugins/info)",
}
_STABLE_STATES = frozenset({"latest", "outdated", "insecure"})
_OFFER_KEYS = ("response", "version", "current", "php_version", "mysql_version")
_PLUGIN_KEYS = ("name", "slug", "version", "requires", "requires_php", "tested", "last_updated")
#: Longer than any real answer's string: a value this long is garbage, not a version.
_MAX_TEXT = 200


# The three answers, checked and trimmed -----------------------------------------------------


def stable_check_part(answer: object) -> dict[str, str] | None:
    """The stable-check answer kept as {release: state}; None for anything else.

    Only entries that read as stable releases with a known state are kept; an answer with no
    ``latest`` release is not an answer.
    """
    if not isinstance(answer, dict):
        return None
    kept = {
        key: value
        for key, value in answer.items()
        if isinstance(key, str)
        and isinstance(value, str)
        and value in _STABLE_STATES
        and len(key) <= _MAX_TEXT
        and (version := read_version(key)) is not None
        and not version.prerelease
    }
    return kept if "latest" in kept.values() else None


def version_check_part(answer: object) -> dict[str, Any] | None:
    """The version-check answer kept as {"offers": [...]}, each offer trimmed; None for an
    answer without offers (WordPress.org's own "no answer")."""
    if not isinstance(answer, dict) or not isinstance(answer.get("offers"), list):
        return None
    offers = [
        {key: offer[key] for key in _OFFER_KEYS if _short_text(offer.get(key))}
        for offer in answer["offers"][:50]
        if isinstance(offer, dict) and read_version(_text(offer.get("version"))) is not None
    ]
    return {"offers": offers} if offers else None


def plugin_part(answer: object) -> dict[str, Any] | None:
    """The plugin-information answer kept to its version fields; None for an error answer
    (``{"error": "not_found"}``, a closed plugin) or one without a readable version."""
    if not isinstance(answer, dict) or "error" in answer:
        return None
    if read_version(_text(answer.get("version"))) is None:
        return None
    return {
        key: answer[key]
        for key in _PLUGIN_KEYS
        if _short_text(answer.get(key)) or answer.get(key) is False
    }


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _short_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_TEXT


# The envelope -------------------------------------------------------------------------------


def envelope(
    url: str,
    fetched_at: datetime,
    parts: Mapping[str, object],
    failures: Mapping[str, str] | None = None,
) -> bytes:
    """The body of a release-data document fetched from ``url``: the parts obtained (see
    :data:`PARTS`), and why each other part is missing."""
    body = {
        "format": FORMAT,
        "url": url,
        "fetched_at": iso_z(fetched_at),
        **{name: parts.get(name) for name in PARTS},
        "failures": dict(failures or {}),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def bundled_envelope(as_of: date, reason: str) -> bytes:
    """The body of the bundled fallback: the bundled policy's date and why it was used."""
    body = {"format": FORMAT, "bundled": {"as_of": as_of.isoformat(), "reason": reason}}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class ReleaseData:
    """What WordPress.org said (or that nothing was obtained), ready to lay over the policy."""

    #: Where the answers came from (the API's root URL); "" for the bundled fallback.
    url: str = ""
    fetched_at: datetime | None = None
    #: Not None for the bundled fallback: why the bundled policy is used.
    bundled_reason: str | None = None
    bundled_as_of: date | None = None
    wordpress_latest: Version | None = None
    #: The minimum PHP of the latest WordPress (version-check's ``php_version``).
    wordpress_latest_php: Version | None = None
    #: Branch -> the first release of it not marked insecure (empty: no stable-check answer).
    insecure_fixed_in: Mapping[Version, Version] = field(default_factory=dict)
    woocommerce_latest: Version | None = None
    woocommerce_requires: Version | None = None
    woocommerce_requires_php: Version | None = None
    #: Part -> why it is missing (a failed request in a partial answer).
    failures: Mapping[str, str] = field(default_factory=dict)

    @property
    def bundled(self) -> bool:
        return self.bundled_reason is not None

    @property
    def origin(self) -> str:
        """Who answered, in words: WordPress.org, or the mirror's host."""
        return origin_of(self.url)


def origin_of(url: str) -> str:
    """``WordPress.org`` for its API, else the host of a mirror (``mirror.example``)."""
    host = (urlsplit(url).hostname or url).lower()
    return "WordPress.org" if host == "api.wordpress.org" else f"the mirror {host}"


def parse_release_data(body: bytes) -> ReleaseData:
    """The release data of an envelope; BadResponse for a body that is none."""
    return _parse_cached(body)


@functools.lru_cache(maxsize=8)
def _parse_cached(body: bytes) -> ReleaseData:
    # A batch run hands the same document to every store: parsed once (bytes hash once too).
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadResponse("the release data is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadResponse("the release data is not meum-doctor's release-data format")
    bundled = data.get("bundled")
    if isinstance(bundled, dict):
        as_of = _date(bundled.get("as_of"))
        reason = bundled.get("reason")
        return ReleaseData(
            bundled_reason=reason if isinstance(reason, str) else "no release data",
            bundled_as_of=as_of,
        )
    url, fetched = data.get("url"), _datetime(data.get("fetched_at"))
    if not isinstance(url, str) or fetched is None:
        raise BadResponse("the release data has no source URL or fetch time")
    stable = stable_check_part(data.get("stable_check"))
    check = version_check_part(data.get("version_check"))
    plugin = plugin_part(data.get("woocommerce"))
    failures = data.get("failures")
    latest_offer = check["offers"][0] if check else {}
    return ReleaseData(
        url=url,
        fetched_at=fetched,
        wordpress_latest=_release(latest_offer.get("version")),
        wordpress_latest_php=_release(latest_offer.get("php_version")),
        insecure_fixed_in=insecure_list(stable or {}),
        woocommerce_latest=_release((plugin or {}).get("version")),
        woocommerce_requires=_release((plugin or {}).get("requires")),
        woocommerce_requires_php=_release((plugin or {}).get("requires_php")),
        failures={
            str(key): str(value)[:_MAX_TEXT]
            for key, value in (failures.items() if isinstance(failures, dict) else ())
            if key in PARTS
        },
    )


def _release(value: object) -> Version | None:
    read = read_version(value) if isinstance(value, str) else None
    return None if read is None else read.release


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _datetime(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def fetched_at_of(body: bytes) -> datetime | None:
    """When the answers in an envelope were fetched; None for a bundled one or garbage."""
    try:
        data = parse_release_data(body)
    except BadResponse:
        return None
    return data.fetched_at


def insecure_list(states: Mapping[str, str]) -> dict[Version, Version]:
    """Stable-check's {release: state} as the policy keeps it: per branch, the first release
    from which no later release of the branch is marked insecure. A branch whose every release
    is insecure gets no entry (it gets no security fixes; see InsecureList.judge)."""
    branches: dict[Version, list[tuple[Version, str]]] = {}
    for text, state in states.items():
        read = read_version(text)
        if read is None or read.prerelease:
            continue
        branches.setdefault(branch_of(read.version), []).append((read.version, state))
    fixed_in: dict[Version, Version] = {}
    for branch, releases in branches.items():
        first_safe: Version | None = None
        for version, state in sorted(releases):
            if state == "insecure":
                first_safe = None
            elif first_safe is None:
                first_safe = version
        if first_safe is not None:
            fixed_in[branch] = first_safe
    return fixed_in


# The overlay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlay:
    """The policy a run judges by, and what the configuration kept from the release data."""

    policy: VersionPolicy
    #: The configured keys (``policy.wordpress.latest``) that won over a live value.
    kept: tuple[str, ...] = ()


def overlay(policy: VersionPolicy, data: ReleaseData, configured: Iterable[str] = ()) -> Overlay:
    """``policy`` with ``data`` laid over it; a key in ``configured`` (``wordpress.latest``,
    ``woocommerce.requires_wordpress``, ``wordpress.insecure``: what the configuration file
    set) keeps its configured value. The dates of the parts that changed become the fetch
    date, so MD902 judges the data actually used."""
    if data.bundled or data.fetched_at is None:
        return Overlay(policy)
    configured = frozenset(configured)
    fetched = data.fetched_at.date()
    kept: list[str] = []
    changes: dict[str, Any] = {}
    live_versions = False

    def settable(key: str, live: object, current: object) -> bool:
        if live is None:
            return False
        if key in configured:
            if live != current:
                kept.append(f"policy.{key}")
            return False
        return True

    for name, live in (
        ("wordpress", data.wordpress_latest),
        ("woocommerce", data.woocommerce_latest),
    ):
        component: ComponentPolicy = getattr(policy, name)
        # A mirror behind the bundled minimum is not believed over it.
        if (
            settable(f"{name}.latest", live, component.latest)
            and live is not None
            and live >= component.minimum
        ):
            changes[name] = replace(component, latest=live)
            live_versions = True
    if data.woocommerce_latest is not None:
        line = _line(data.woocommerce_latest)
        for key, live_value, table_name in (
            ("woocommerce.requires_wordpress", data.woocommerce_requires,
             "woocommerce_requires_wordpress"),
            ("woocommerce.requires_php", data.woocommerce_requires_php,
             "woocommerce_requires_php"),
        ):
            table: Mapping[Version, Version] = getattr(policy, table_name)
            if settable(key, live_value, table.get(line)) and live_value is not None:
                updated = _with_line(table, line, live_value)
                if updated is not None:
                    changes[table_name] = updated
    if data.wordpress_latest is not None and data.wordpress_latest_php is not None:
        line = _line(data.wordpress_latest)
        table = policy.wordpress_requires_php
        if settable("wordpress.requires_php", data.wordpress_latest_php, table.get(line)):
            updated = _with_line(table, line, data.wordpress_latest_php)
            if updated is not None:
                changes["wordpress_requires_php"] = updated
    if data.insecure_fixed_in:
        current = policy.wordpress_insecure
        if settable("wordpress.insecure", data.insecure_fixed_in, current.fixed_in):
            changes["wordpress_insecure"] = InsecureList(
                as_of=fetched, fixed_in=dict(data.insecure_fixed_in)
            )
    if live_versions and "as_of" not in configured:
        changes["as_of"] = max(policy.as_of, fetched)
    return Overlay(replace(policy, **changes), tuple(kept))


def _line(version: Version) -> Version:
    """The release line (x.y) of a version."""
    return branch_of(version)


def _with_line(
    table: Mapping[Version, Version], line: Version, value: Version
) -> dict[Version, Version] | None:
    """``table`` with ``line`` set to ``value``, when that is news: the line is new and newer
    than every known one, or known with another value. None when nothing changes, or when a
    line older than the newest known would rewrite history."""
    if table.get(line) == value:
        return None
    if line not in table and table and line < max(table):
        return None
    return {**table, line: value}


# What the report says -------------------------------------------------------------------------


def describe(data: ReleaseData, *, from_cache: bool = False, why: str | None = None) -> str:
    """The report's line for the release data used: "WordPress.org, fetched 2026-11-28T09:12Z"
    or "bundled, as of 2026-11-29: WordPress.org could not be reached (…)"."""
    if data.bundled:
        as_of = data.bundled_as_of.isoformat() if data.bundled_as_of else "unknown"
        return f"bundled, as of {as_of}: {data.bundled_reason}"
    # To the minute: "fetched 2026-11-28T09:12Z" is what a reader compares.
    when = iso_z(data.fetched_at)[:16] + "Z" if data.fetched_at else "unknown"
    text = f"{data.origin}, fetched {when}"
    if from_cache:
        text += " (from the cache)"
    if why:
        text += f"; {why}"
    missing = [f"{PART_NAMES[part]}: {reason}" for part, reason in data.failures.items()]
    if missing:
        text += "; bundled instead for " + "; ".join(missing)
    return text
