"""What a rule is: its identity, the findings it yields, and the context it is given.

A rule is a plain function of (status, context) that yields :class:`Finding` objects,
wrapped by the :func:`rule` decorator into a :class:`Rule` carrying its stable ID, name,
category, default severity and options. Its docstring is its documentation: the first line
is the summary, the rest says why it matters and how to fix it. Rules never do I/O: the
evaluation time, thresholds, recognised values and version policy all arrive in the
:class:`Context`, so a rule gives the same answer for the same inputs, always.

A rule declares the evidence it works on (see :mod:`meum_doctor.evidence`): ``needs``, the
kinds of document it requires (default: the Meum status alone, ``("meum-status",)``), and
``uses``, kinds it takes into account when present. The check function receives the models
of those kinds as positional arguments, needs first then uses, in declared order, and the
context last::

    @rule(id="MD000", ...)                                   # needs the Meum status
    def check(status: Status, context: Context): ...

    @rule(id="ACME101", ..., needs=("site-report",), uses=("meum-status",))
    def check(report: SiteReport, status: Status | None, context: Context): ...

A ``uses`` argument is None when that evidence is absent. A rule whose ``needs`` are not all
present is not run: the report lists it as not evaluated, with the kinds it waits for, and
that never makes a run incomplete.

Registration is explicit: the built-in list in ``meum_doctor.rules``, an entry point, or a
file in a rules directory; decorating a function does not register it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

from meum_doctor.documents import MEUM_STATUS
from meum_doctor.hosts import normalize_host
from meum_doctor.policy import VersionPolicy
from meum_doctor.status import Status
from meum_doctor.timefmt import iso_z

RULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class Severity(IntEnum):
    """How bad a finding is; the ordering drives priority and ``--fail-on``."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        """The lower-case name used in configuration, JSON and the command line."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity called ``text`` (any case); ValueError naming the choices otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in reversed(cls))
            raise ValueError(f"{text!r} is not a severity (choose from {choices})") from None


def graded_severity(default: Severity, override: Severity | None, found: Severity) -> Severity:
    """The severity in force for a finding of severity ``found`` from a rule whose default
    (top) severity is ``default``, when the configuration sets ``override`` (or None).

    Many rules grade their findings (MD301: medium after a day, high after three). An override
    sets the rule's top level; a lower grade keeps its distance below the top, so the grades
    stay distinct instead of all becoming the override, and never drops below info. A
    finding at or above the default (a rule may exceed it) takes the override itself.
    """
    if override is None:
        return found
    if found >= default:
        return override
    return Severity(max(Severity.INFO, override - (default - found)))


class Category(IntEnum):
    """What part of the integration a rule looks at; the order is the priority order."""

    CONNECTION = 0
    CREDENTIALS = 1
    WEBHOOKS = 2
    LIVENESS = 3
    ONBOARDING = 4
    VERSIONS = 5
    DATA = 6

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Link:
    """A page where the fix is done, usually on the store's own wp-admin."""

    title: str
    url: str


#: Evidence values: what JSON can hold.
EvidenceValue = str | int | float | bool | None | list[Any] | dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One problem a rule found, written for the merchant and the support engineer."""

    #: One specific line: "Meum plugin 0.9.0 is below the minimum supported 1.0.0".
    title: str
    #: Plain language: what it means for the store.
    detail: str
    #: None means the rule's default severity.
    severity: Severity | None = None
    #: The status fields (and values) the rule judged.
    evidence: Mapping[str, EvidenceValue] = field(default_factory=dict)
    #: Ordered, concrete steps that fix it.
    remediation: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class ValueClasses:
    """The recognised values of one enumerated field, upper-cased, by class."""

    healthy: frozenset[str] = frozenset()
    degraded: frozenset[str] = frozenset()
    bad: frozenset[str] = frozenset()

    def classify(self, value: str | None) -> str:
        """``missing``, ``healthy``, ``degraded``, ``bad`` or ``unknown`` (case-insensitive)."""
        if value is None or not value.strip():
            return "missing"
        key = value.strip().upper()
        for name in ("healthy", "degraded", "bad"):
            if key in getattr(self, name):
                return name
        return "unknown"


@dataclass(frozen=True)
class Context:
    """Everything a rule may know besides the status."""

    #: The evaluation time (``--now``), timezone-aware UTC.
    now: datetime
    policy: VersionPolicy
    #: Enumerated field name -> its recognised values.
    values: Mapping[str, ValueClasses] = field(default_factory=dict)
    #: This rule's options, defaults overlaid with the configuration.
    options: Mapping[str, Any] = field(default_factory=dict)

    def classify(self, field_name: str, value: str | None) -> str:
        """Classify the value of an enumerated field; see :meth:`ValueClasses.classify`."""
        return self.values.get(field_name, ValueClasses()).classify(value)


#: ``(status, context)`` for a rule of the Meum status; in general the models of the rule's
#: ``needs`` and ``uses`` in declared order, then the context (see the module docstring).
CheckFunction = Callable[..., Iterable[Finding]]
#: What a rule needs unless it says otherwise.
DEFAULT_NEEDS = (MEUM_STATUS,)


@dataclass(frozen=True)
class Rule:
    """A rule: identity, documentation, options, and the check function."""

    id: str
    name: str
    category: Category
    severity: Severity
    check: CheckFunction = field(compare=False)
    summary: str = ""
    explanation: str = ""
    #: Option name -> default value; the configuration may override them per rule.
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: Where it came from: "built-in", "plugin <distribution>", or "rules-dir <path>".
    origin: str = "built-in"
    #: The kinds of evidence it requires: it is not run without all of them.
    needs: tuple[str, ...] = DEFAULT_NEEDS
    #: The kinds of evidence it takes into account when present (None when absent).
    uses: tuple[str, ...] = ()

    def documentation(self, options: Mapping[str, Any] | None = None) -> str:
        """The explanation with ``{option}`` placeholders filled from ``options``."""
        values = {**self.options, **(options or {})}
        return _fill(self.explanation, values)

    def describe_summary(self, options: Mapping[str, Any] | None = None) -> str:
        return _fill(self.summary, {**self.options, **(options or {})})


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, values: Mapping[str, Any]) -> str:
    try:
        return text.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):  # braces that were not placeholders
        return text


def rule(
    *,
    id: str,
    name: str,
    category: Category,
    severity: Severity,
    options: Mapping[str, Any] | None = None,
    needs: tuple[str, ...] = DEFAULT_NEEDS,
    uses: tuple[str, ...] = (),
) -> Callable[[CheckFunction], Rule]:
    """Make a :class:`Rule` of a check function; its docstring becomes the documentation.

    ``needs`` and ``uses`` are the kinds of evidence it requires and may use; its check
    function receives their models in that order, then the context (module docstring).
    """

    def wrap(check: CheckFunction) -> Rule:
        summary, explanation = split_docstring(check.__doc__ or "")
        return Rule(
            id=id,
            name=name,
            category=category,
            severity=severity,
            check=check,
            summary=summary,
            explanation=explanation,
            options=MappingProxyType(dict(options or {})),
            needs=tuple(needs),
            uses=tuple(uses),
        )

    return wrap


def split_docstring(doc: str) -> tuple[str, str]:
    """(first line, the rest dedented) of a docstring."""
    import inspect

    text = inspect.cleandoc(doc)
    summary, _, rest = text.partition("\n")
    return summary.strip(), rest.strip()


# Helpers rule authors use -------------------------------------------------------------


def http_url(url: str | None) -> str | None:
    """``url`` without a trailing slash when it is an http(s) URL with a host and no user
    name or password, else None. A URL with user info is never made a link: in
    ``https://support.meum.io@evil.example/`` the host is ``evil.example``."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:
        return None
    return url.rstrip("/")


_SAFE_HOST_RE = re.compile(r"^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])$")


def site_base(site_url: str | None) -> str | None:
    """The store's address rebuilt from its scheme, host, port and path only, for links.

    None when the site URL is not http(s) with a plain host, or has what a site's address
    never has: a user name or password, a query or a fragment (each can steer a link built
    by appending to it somewhere else). The host is in its canonical ASCII form (punycode
    for a Unicode host, see :mod:`meum_doctor.hosts`), and the path is percent-encoded.
    """
    if not site_url:
        return None
    text = site_url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or "@" in parts.netloc or "?" in text or "#" in text:
        return None
    host = normalize_host(parts.hostname)
    if host is None:
        return None
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if not _SAFE_HOST_RE.match(host):
        return None
    path = quote(parts.path, safe="/%:!$&'()*+,;=-._~").rstrip("/")
    return f"{scheme}://{host}{f':{port}' if port is not None else ''}{path}"


def admin_link(status: Status, page: str, title: str) -> tuple[Link, ...]:
    """A link to ``page`` on the store's wp-admin, or nothing when the site URL is unusable."""
    site = site_base(status.site_url)
    if site is None:
        return ()
    return (Link(title=title, url=f"{site}/wp-admin/{page}"),)


def host_of(url: str | None) -> str | None:
    """The canonical host of a URL (IDNA ASCII form, lower case, no trailing dot), or None.

    ``https://bücher.example`` and ``https://xn--bcher-kva.example`` give the same host:
    see :mod:`meum_doctor.hosts`, which every comparison of hosts goes through.
    """
    from meum_doctor import hosts  # light: it imports idna only for a Unicode host

    return hosts.host_of(url)


def iso(value: datetime) -> str:
    """An ISO 8601 UTC timestamp ending in Z, as every output shows time (see
    :func:`meum_doctor.timefmt.iso_z`: naive means UTC, aware is converted)."""
    return iso_z(value)


def age_text(seconds: float) -> str:
    """A duration in words a merchant reads at a glance: "3 days", "5 hours", "12 minutes"."""
    seconds = abs(seconds)
    # Hours up to two days: "1 day" for 47 hours would hide what matters.
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and (unit != "day" or seconds >= 2 * 86400):
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            minutes = int(seconds % 3600 // 60)
            if unit == "hour" and count < 10 and minutes:
                # "1 hour" for 1 h 50 min misleads when a key is about to expire.
                text += f" {minutes} minute{'s' if minutes != 1 else ''}"
            return text
    return "less than a minute"
