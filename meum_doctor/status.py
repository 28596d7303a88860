"""Parse a status body into the typed, immutable :class:`Status` model.

Parsing is tolerant, because the Meum documentation fixes neither the enumerations nor the
error shapes, and a real response may have any field missing, null or of the wrong type:

- a missing or null field becomes ``None`` (``present`` still tells which keys were sent);
- a field of the wrong type, or a value that does not parse (date-time, URL, UUID), becomes
  ``None`` and leaves a :class:`ParseProblem` in ``Status.problems``; it never raises. Rules
  tell the two apart with :meth:`Status.unreadable`: a value that was sent but could not be
  read is never reported as absent;
- date-times are read in every form an API or a PHP site really sends (see
  :func:`parse_datetime`), so a valid value is not mistaken for an unreadable one;
- unknown fields are kept in ``Status.extras`` (rules use them, e.g. ``payout_configured``);
- enumerated strings keep their raw value; rules compare them case-insensitively.

Only a body that is not a JSON object at all raises :class:`~meum_doctor.errors.BadResponse`.
No I/O happens here.

The fields are declared once, in :data:`STATUS_FIELDS` (name, kind, and what redaction, the
configuration, the demo and messages must know of each); every other list of fields
(:data:`KNOWN_FIELDS`, :data:`ENUM_FIELDS`, :data:`SPECIFIC_FIELDS`, the redactor's, the
demo's) is derived from it.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from meum_doctor.errors import EmptyBody, NotAnObject, NotJSON, NotText, TooDeep

#: Deeper nesting than this is refused before Python's own recursion limit is reached.
MAX_NESTING = 200
#: Problems kept one by one; beyond, only counted (a 1 MiB ``issues`` of 500,000 numbers
#: would otherwise make as many problems, and as many findings).
MAX_PROBLEMS = 100

class FieldKind(Enum):
    """How the parser reads a field (and so what a rule finds in :class:`Status`)."""

    STRING = "a string"
    #: A version: a string, or a JSON number read from its JSON text (``6.10`` is not 6.1).
    VERSION = "a version string"
    URL = "an absolute URL"
    UUID = "a UUID"
    STRINGS = "an array of strings"
    DATETIME = "a date-time"
    BOOLEAN = "true or false"
    OBJECT = "an object"
    #: Not in the documented schema: not parsed, kept as sent in ``Status.extras``.
    EXTRA = "any JSON value"


@dataclass(frozen=True)
class FieldSpec:
    """One field of Meum's status: how it is read, and what the rest of the tool must know of
    it (redaction, recognising a status file, the configuration's ``[values]``, messages)."""

    name: str
    kind: FieldKind
    #: Its values are left open by the documentation: compared case-insensitively, and the
    #: configuration may teach new ones (``[values.NAME]``).
    enum: bool = False
    #: It identifies the store or its credentials: masked under ``--redact``.
    identifier: bool = False
    #: Only Meum's status has a key of this name: one of them makes a file a Meum status
    #: (``status`` and ``issues`` are in every other JSON, an API error answer included).
    specific: bool = True
    #: An extra field whose value names no store and helps diagnose it: kept under ``--redact``.
    harmless: bool = False
    #: How a sentence names it ("the webhook delivery health").
    label: str = ""
    #: The fields of an object.
    parts: tuple[FieldSpec, ...] = ()


_S, _V, _E = FieldKind.STRING, FieldKind.VERSION, FieldKind.EXTRA
#: The status's fields, written once: every other list of them is derived from this table.
#: The documented fields come first, in the order they are read (the order of parse problems,
#: and so of MD901's findings); then the extras meum-doctor knows by name.
STATUS_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("status", _S, enum=True, specific=False, label="overall integration status"),
    FieldSpec("connection_status", _S, enum=True, label="connection status"),
    FieldSpec("health_status", _S, enum=True, label="integration's health"),
    FieldSpec("plugin_version", _V, label="Meum plugin version"),
    FieldSpec("wordpress_version", _V, label="WordPress version"),
    FieldSpec("woocommerce_version", _V, label="WooCommerce version"),
    FieldSpec("credential_status", _S, enum=True, label="plugin's API credential status"),
    FieldSpec("credential_prefix", _S, identifier=True, label="API credential prefix"),
    FieldSpec("webhook_health", _S, enum=True, label="webhook delivery health"),
    FieldSpec("site_url", FieldKind.URL, label="site URL"),
    FieldSpec("webhook_url", FieldKind.URL, label="webhook URL"),
    FieldSpec("integration_id", FieldKind.UUID, identifier=True, label="integration ID"),
    FieldSpec("issues", FieldKind.STRINGS, specific=False, label="issues Meum reports"),
    FieldSpec("last_seen_at", FieldKind.DATETIME, label="time of the plugin's last check-in"),
    FieldSpec(
        "pending_connection_key",
        FieldKind.OBJECT,
        label="connect key pending for onboarding",
        parts=(
            FieldSpec("key_prefix", _S, identifier=True, label="connect key prefix"),
            FieldSpec("expires_at", FieldKind.DATETIME, label="connect key expiry"),
        ),
    ),
    FieldSpec("connected", FieldKind.BOOLEAN, label="connected flag"),
    # Extras meum-doctor knows by name: not in the documented schema, kept in extras as sent.
    FieldSpec("integration_public_id", _E, identifier=True),
    FieldSpec("payout_configured", _E, harmless=True),
    FieldSpec("payout_ready", _E, harmless=True, specific=False),
    FieldSpec("payout_status", _E, harmless=True, specific=False),
    FieldSpec("payouts_enabled", _E, harmless=True, specific=False),
    FieldSpec("livemode", _E, harmless=True, specific=False),
    FieldSpec("live_mode", _E, harmless=True, specific=False),
    FieldSpec("test_mode", _E, harmless=True, specific=False),
    FieldSpec("mode", _E, harmless=True, specific=False),
    FieldSpec("environment", _E, harmless=True, specific=False),
    FieldSpec("currency", _E, harmless=True, specific=False),
    FieldSpec("php_version", _E, harmless=True, specific=False),
    FieldSpec("plugin_mode", _E, harmless=True, specific=False),
)
#: Each field by name.
FIELDS_BY_NAME: Mapping[str, FieldSpec] = MappingProxyType({f.name: f for f in STATUS_FIELDS})

# Derived lists, each for one use. ---------------------------------------------------------

#: The documented fields: parsed into :class:`Status`; the others go to ``Status.extras``.
KNOWN_FIELDS = frozenset(f.name for f in STATUS_FIELDS if f.kind is not FieldKind.EXTRA)
#: The fields read as strings (versions included: a rule finds text in each).
STRING_FIELDS = tuple(
    f.name for f in STATUS_FIELDS if f.kind in (FieldKind.STRING, FieldKind.VERSION)
)
#: String fields that may also be sent as JSON numbers, read from their text: the versions.
VERSION_FIELDS = tuple(f.name for f in STATUS_FIELDS if f.kind is FieldKind.VERSION)
URL_FIELDS = tuple(f.name for f in STATUS_FIELDS if f.kind is FieldKind.URL)
#: The fields whose values the documentation leaves open; rules compare them case-insensitively.
ENUM_FIELDS = tuple(f.name for f in STATUS_FIELDS if f.enum)
#: Keys only Meum's status has (``sources/meum_status.py`` refuses other JSON without one).
SPECIFIC_FIELDS = frozenset(f.name for f in STATUS_FIELDS if f.specific)
#: Object field -> its parts that are masked under ``--redact``.
NESTED_ID_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        f.name: tuple(part.name for part in f.parts if part.identifier)
        for f in STATUS_FIELDS
        if any(part.identifier for part in f.parts)
    }
)
#: Extra fields whose values name no store: kept under ``--redact``.
HARMLESS_EXTRA_FIELDS = frozenset(f.name for f in STATUS_FIELDS if f.harmless)
#: Every date-time, as a path (``pending_connection_key.expires_at``), in table order.
TIME_FIELDS = tuple(
    path
    for f in STATUS_FIELDS
    for path, kind in ((f.name, f.kind), *((f"{f.name}.{p.name}", p.kind) for p in f.parts))
    if kind is FieldKind.DATETIME
)


@dataclass(frozen=True)
class ParseProblem:
    """A field that was sent but could not be read: its name, what was seen, and why."""

    field: str
    value: str
    problem: str


@dataclass(frozen=True)
class PendingKey:
    """A connect key issued for onboarding and not used yet."""

    key_prefix: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class Status:
    """One store's integration status, as far as it could be read. Every field may be None."""

    status: str | None = None
    connection_status: str | None = None
    health_status: str | None = None
    issues: tuple[str, ...] = ()
    integration_id: str | None = None
    site_url: str | None = None
    plugin_version: str | None = None
    wordpress_version: str | None = None
    woocommerce_version: str | None = None
    credential_status: str | None = None
    credential_prefix: str | None = None
    webhook_health: str | None = None
    webhook_url: str | None = None
    last_seen_at: datetime | None = None
    pending_connection_key: PendingKey | None = None
    connected: bool | None = None
    #: Fields the schema does not list, exactly as received.
    extras: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: The whole decoded body, exactly as received.
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: Every field that was sent but could not be read (the first MAX_PROBLEMS of them).
    problems: tuple[ParseProblem, ...] = ()
    #: How many more problems there were, beyond MAX_PROBLEMS.
    problems_omitted: int = 0
    #: The names of the keys present in the body (with any value, null included).
    present: frozenset[str] = frozenset()

    @property
    def is_connected(self) -> bool:
        """True only when ``connected`` is literally true.

        One field alone does not decide whether a store is connected: built-in rules use
        :func:`meum_doctor.connection.connection_of`, which reads all three fields together.
        """
        return self.connected is True

    def sent(self, name: str) -> bool:
        """True when the body has the key ``name`` with a value other than null."""
        return self.raw.get(name) is not None

    def unreadable(self, name: str) -> bool:
        """True when ``name`` was sent but could not be read (MD901 reports it).

        Rules that need such a field say it "could not be read", never that it is missing.
        """
        return any(problem.field == name for problem in self.problems)


def decode_json(body: bytes) -> Any:
    """Decode a JSON body, raising :class:`BadResponse` with a description of what it was."""
    if not body.strip():
        raise EmptyBody("the status is empty: no JSON body at all")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotText(
            f"the status is not text (binary data, {len(body)} bytes), so it is not JSON"
        ) from None
    if _too_deep(text):
        raise TooDeep(f"the status is JSON nested more than {MAX_NESTING} levels deep")
    try:
        # NaN and Infinity are not JSON; keep them as the strings they were rather than fail.
        return json.loads(text, parse_constant=str, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise NotJSON(f"the status is not valid JSON: {describe_non_json(text, exc)}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer with thousands of digits
        raise NotJSON(f"the status is not usable JSON ({type(exc).__name__})") from None


class JSONFloat(float):
    """A JSON number with a fraction, as a float that remembers how it was written.

    A float everywhere (arithmetic, comparisons, JSON output); only version fields read
    ``text``: ``"wordpress_version": 6.10`` is WordPress 6.10, not 6.1.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str | float) -> JSONFloat:
        value = super().__new__(cls, text)
        # A float argument comes from copy or pickle, which then restore the text as state.
        value.text = text if isinstance(text, str) else repr(float(text))
        return value


def number_text(value: int | float) -> str:
    """How a JSON number was written: a :class:`JSONFloat` remembers (``6.10``); any other
    number is written the shortest way Python knows."""
    if isinstance(value, JSONFloat):
        return value.text
    return str(value) if isinstance(value, int) else repr(value)


def _finite_float(text: str) -> float | str:
    """A JSON number as a float, or its text when it overflows (1e999 would be infinity)."""
    value = JSONFloat(text)
    return value if math.isfinite(value) else text


def describe_non_json(text: str, exc: json.JSONDecodeError | None = None) -> str:
    """Say in a few words what a body that is not JSON looks like."""
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<title" in head:
        return "it looks like an HTML page (an error page from a proxy or the server?)"
    if head.startswith("<"):
        return "it looks like XML or HTML"
    ends_early = exc is not None and (
        exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
    )
    if ends_early and head[:1] in "{[":
        return "it ends in the middle (truncated)"
    if exc is not None:
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return "unreadable"


def _too_deep(text: str) -> bool:
    """True when brackets (outside strings) nest deeper than MAX_NESTING."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return False  # cannot be that deep: skip the character-by-character scan
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse(body: bytes) -> Status:
    """Parse a status body. Raises BadResponse only when it is not a JSON object."""
    data = decode_json(body)
    if not isinstance(data, dict):
        raise NotAnObject(
            f"the status is JSON but not an object (it is {_json_type(data)}); "
            "expected the WooCommerce status object"
        )
    return from_mapping(data)


def from_mapping(data: Mapping[str, Any]) -> Status:
    """Build a Status from an already decoded JSON object."""
    reader = _Reader(data)
    # In table order: the order parse problems are found and reported in.
    values: dict[str, Any] = {
        spec.name: reader.read(spec) for spec in STATUS_FIELDS if spec.kind is not FieldKind.EXTRA
    }
    extras = {key: value for key, value in data.items() if key not in KNOWN_FIELDS}
    return Status(
        **values,
        extras=MappingProxyType(extras),
        raw=MappingProxyType(dict(data)),
        problems=tuple(reader.problems),
        problems_omitted=reader.omitted,
        present=frozenset(data),
    )


#: Unix times are accepted within these bounds (2000-01-01 up to 2100-01-01, UTC): a number
#: outside them is far more likely a mistake (a counter, a year, an ID) than a time.
EPOCH_MIN = 946_684_800
EPOCH_MAX = 4_102_444_800
# ASCII digits only: \d (and float()) would also take Arabic-Indic or other digits, and no
# API writes a Unix time that way.
_NUMBER_RE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
# "UTC", "GMT" or a lone "Z" after the time, with or without a space (PHP's date('T'), MySQL
# exports, logs): the same instant as +00:00.
_UTC_SUFFIX_RE = re.compile(r"\s*(?:UTC|GMT|Z)$")
# RFC 2822 / RFC 7231, as PHP's DATE_RFC2822 and DATE_RFC7231 write it:
# "Sat, 28 Nov 2026 11:00:00 +0000" or "... GMT".
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@functools.cache
def _rfc2822_re() -> re.Pattern[str]:
    # Compiled on first use: statuses send RFC 3339, and this is only the fallback.
    return re.compile(
        r"^(?:[A-Z]{3},\s*)?(\d{1,2})\s+([A-Z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
        r"\s*([+-]\d{4}|UTC|GMT|Z)?$"
    )


#: MySQL's "zero date", which WordPress and WooCommerce write for "never": no value at all.
ZERO_DATES = frozenset({"0000-00-00 00:00:00", "0000-00-00T00:00:00", "0000-00-00"})


def parse_datetime(text: str) -> datetime:
    """Parse a date-time into an aware UTC datetime (no offset means UTC).

    Accepted: RFC 3339 / ISO 8601 in any case (``t``, ``z``), with a space instead of ``T``,
    with any number of fractional digits, with a ``UTC``/``GMT`` suffix; RFC 2822 dates; and
    Unix time in seconds or milliseconds, as digits (see :func:`from_epoch` for the bounds).
    Raises ValueError for anything else, including dates that overflow when moved to UTC.
    """
    if len(text) > 64:
        raise ValueError("too long for a date-time")
    text = text.strip().upper()
    if _NUMBER_RE.match(text):
        return from_epoch(float(text))
    try:
        value = datetime.fromisoformat(_UTC_SUFFIX_RE.sub("+00:00", text))
    except ValueError:
        value = _rfc2822(text)
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once moved to UTC") from None


def from_epoch(number: float) -> datetime:
    """A Unix time (seconds, or milliseconds as JavaScript sends it) as an aware UTC datetime.

    Raises ValueError outside the years 2000 to 2099: the two units cannot be confused there.
    """
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    for seconds in (number, number / 1000):
        if EPOCH_MIN <= seconds < EPOCH_MAX:
            return datetime.fromtimestamp(seconds, UTC)
    raise ValueError("a number that is not a Unix time between the years 2000 and 2099")


def _rfc2822(text: str) -> datetime:
    match = _rfc2822_re().match(text)
    if match is None or match[2] not in _MONTHS:
        raise ValueError("not a date-time")
    day, month, year = int(match[1]), _MONTHS.index(match[2]) + 1, int(match[3])
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    zone = match[7] or "+0000"
    offset = 0 if zone in ("UTC", "GMT", "Z") else int(zone[1:3]) * 60 + int(zone[3:5])
    sign = -1 if zone.startswith("-") else 1
    tz = timezone(timedelta(minutes=sign * offset))
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def _date_only(text: str) -> bool:
    """True for a calendar date with no time of day (``2026-11-27``, ``20261127``)."""
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def shorten(value: object, limit: int = 80) -> str:
    """A short, JSON-like rendering of a value for messages and evidence."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_HOST_RE = re.compile(r"^[^\s/?#@]+$")
# The forms uuid.UUID accepts, without importing uuid (slow to import, for one check).
_UUID_RE = re.compile(
    r"^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$",
    re.IGNORECASE,
)


class _Reader:
    """Reads fields one by one, collecting problems instead of raising."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[ParseProblem] = []
        self.omitted = 0

    def _problem(self, name: str, value: object, why: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.omitted += 1  # counted, not described: describing costs time and memory
            return
        self.problems.append(ParseProblem(field=name, value=shorten(value), problem=why))

    def _wrong_type(self, name: str, value: object, expected: str) -> None:
        self._problem(name, value, f"expected {expected}, got {_json_type(value)}")

    def read(self, spec: FieldSpec) -> Any:
        """The value of a documented field, read as its kind says."""
        name = spec.name
        if spec.kind is FieldKind.STRING:
            return self.string(name)
        if spec.kind is FieldKind.VERSION:
            return self.version(name)
        if spec.kind is FieldKind.URL:
            return self.url(name)
        if spec.kind is FieldKind.UUID:
            return self.uuid(name)
        if spec.kind is FieldKind.STRINGS:
            return self.strings(name)
        if spec.kind is FieldKind.DATETIME:
            return self.datetime(name, self.data.get(name))
        if spec.kind is FieldKind.BOOLEAN:
            return self.boolean(name)
        if spec.kind is FieldKind.OBJECT and name == "pending_connection_key":
            return self.pending_key()
        raise AssertionError(f"no reader for status field {name} ({spec.kind.name})")

    def string(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None or isinstance(value, str):
            return value
        self._wrong_type(name, value, "a string")
        return None

    def version(self, name: str) -> str | None:
        """A version field: a string as sent, or a JSON number as it was written.

        WordPress sites and hand-written statuses send ``6.4`` as often as ``"6.4"``; both are
        the same version, so a number is read from its JSON text, never reported unreadable.
        """
        value = self.data.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number_text(value)
        return self.string(name)

    def url(self, name: str) -> str | None:
        value = self.string(name)
        if value is None:
            return None
        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError:
            self._problem(name, value, "not a valid URL")
            return None
        if not parts.scheme or not parts.hostname or not _HOST_RE.match(parts.hostname):
            self._problem(name, value, "not an absolute URL with a host")
            return None
        if name == "site_url" and ("@" in parts.netloc or "?" in value or "#" in value):
            # A site's address never has these, and each can make a link built from it
            # lead elsewhere (https://support.meum.io@evil.example/ is evil.example).
            self._problem(
                name, value, "a site address with a user name, password, query or fragment"
            )
            return None
        return value.strip()

    def uuid(self, name: str) -> str | None:
        value = self.string(name)
        if value is None:
            return None
        if not _UUID_RE.match(value.strip()):
            self._problem(name, value, "not a valid UUID")
            return None
        return value

    def datetime(self, name: str, value: object) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return from_epoch(value)
            except (ValueError, OverflowError, OSError) as exc:
                self._problem(name, value, str(exc))
                return None
        if not isinstance(value, str):
            self._wrong_type(name, value, "a date-time")
            return None
        if value.strip() in ZERO_DATES:
            return None  # PHP's way of saying "never": absent, not unreadable
        if _date_only(value):
            # "2026-11-27" says which day, not when: read as midnight it made a check-in of
            # this morning "36 hours ago". Unreadable (MD901), never a guessed time of day.
            self._problem(name, value, "a date without a time of day")
            return None
        try:
            return parse_datetime(value)
        except (ValueError, OverflowError, OSError):
            self._problem(name, value, "not a date-time meum-doctor can read")
            return None

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        self._wrong_type(name, value, "true or false")
        return None

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self._wrong_type(name, value, "an array of strings")
            return ()
        items = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                items.append(item)
            else:
                self._wrong_type(f"{name}[{index}]", item, "a string")
        return tuple(items)

    def pending_key(self) -> PendingKey | None:
        value = self.data.get("pending_connection_key")
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong_type("pending_connection_key", value, "an object")
            return None
        if value.get("key_prefix") is None and value.get("expires_at") is None:
            # {} says neither that a key is pending nor that none is: not onboarding.
            self._problem(
                "pending_connection_key", value, "an object with neither key_prefix nor expires_at"
            )
            return None
        prefix = value.get("key_prefix")
        if prefix is not None and not isinstance(prefix, str):
            self._wrong_type("pending_connection_key.key_prefix", prefix, "a string")
            prefix = None
        expires = self.datetime("pending_connection_key.expires_at", value.get("expires_at"))
        return PendingKey(key_prefix=prefix, expires_at=expires)
