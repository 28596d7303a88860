"""The application core that every front end calls (``check``, ``batch``, later a web page).

    prepare -> choose_sources -> acquire (all I/O) -> diagnose (none) -> render (render/)

:func:`prepare` loads the configuration and the rules once a run, into :class:`Settings`
(with the run's :class:`~meum_doctor.secrets.Secrets`). :func:`choose_sources` turns what
the user gave (plain values, never click state) into :class:`~meum_doctor.sources.Source`
objects. :func:`acquire` is async and does all the I/O, files included;
:func:`acquire_local` is its synchronous twin for sources that need no network, so a run
on a saved status never imports asyncio, ssl or logging. :func:`diagnose` is synchronous
and does no I/O: parse each document into the evidence, evaluate the rules, build the
report. Nothing here calls ``asyncio.run``: the front end runs the event loop (the command
line) or is already in one (a web server).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from meum_doctor.cause import Cause
from meum_doctor.config import Config, RuleSettings, configure, rule_settings
from meum_doctor.documents import MEUM_STATUS, RELEASE_DATA, SITE_REPORT, Document
from meum_doctor.engine import choose, discover, evaluate
from meum_doctor.errors import UsageError
from meum_doctor.evidence import Evidence, gather
from meum_doctor.ids import selects
from meum_doctor.reasoning import diagnose as diagnose_causes
from meum_doctor.reasoning import discover_causes, facts_of, select_both
from meum_doctor.redact import RedactionState
from meum_doctor.report import ConfigUsed, Report, build_report
from meum_doctor.rule import Rule, Severity
from meum_doctor.secrets import Secrets
from meum_doctor.sources import FetchOptions, Source
from meum_doctor.sources import get as source_kind

if TYPE_CHECKING:
    from meum_doctor.sources.release_data import Request as ReleaseRequest

API_KEY_ENV = "MEUM_API_KEY"
BASE_URL_ENV = "MEUM_API_BASE_URL"
DEFAULT_BASE_URL = "https://api.meum.io"
KEY_HINT = "sk_live_…"
#: The WooCommerce REST API key pair (or a WordPress user and application password) for
#: --site-url, when not given on the command line.
WC_KEY_ENV = "MEUM_DOCTOR_WC_KEY"
WC_SECRET_ENV = "MEUM_DOCTOR_WC_SECRET"  # noqa: S105 - a variable's name
#: The demos that also serve their store's site report (live, with test credentials).
SITE_DEMOS = {"degraded-site": "degraded"}  # mirrors meum_doctor.demo.SITE_EXAMPLES


@dataclass(frozen=True)
class Settings:
    """Everything a run decides once, before the first document arrives."""

    config: Config
    #: The rules that run, after --select/--ignore.
    rules: tuple[Rule, ...]
    rule_settings: dict[str, RuleSettings]
    now: datetime
    fail_on: Severity | None
    redact: bool = False
    verbose: bool = False
    #: The configuration file in force, as every report records it; None for the defaults.
    config_used: ConfigUsed | None = None
    #: Every rule loaded, selected or not: a report says how many of them ran.
    available: tuple[Rule, ...] = ()
    #: The numbering of hosts under --redact, shared by every store of the run so that one
    #: host has one number in every report and summary, and two stores never share one.
    redaction: RedactionState = field(default_factory=RedactionState, compare=False)
    #: The run's secrets: none of them survives into a report, a log line or an error.
    secrets: Secrets = field(default_factory=Secrets, compare=False)
    #: True when the evaluation time was given (--now): a saved status is judged at it.
    now_given: bool = False
    #: Time allowed for each network attempt.
    timeout: float = 10.0
    #: The folders rules were loaded from (--rules-dir): their files are inputs of the run.
    rules_dirs: tuple[str, ...] = ()
    #: JSON reports also carry the site report's body (--include-raw).
    include_raw: bool = False
    #: The causes that weigh the findings, after --select/--ignore (issue 13).
    causes: tuple[Cause, ...] = ()
    #: Documents every store of the run is judged with (batch's release data, acquired once).
    shared_documents: tuple[Document, ...] = ()


def prepare(
    *,
    config_path: str | None,
    rules_dirs: Sequence[str],
    selected: Sequence[str],
    ignored: Sequence[str],
    fail_on: str | None,
    now: datetime | None = None,
    redact: bool = False,
    verbose: bool = False,
    secrets: Secrets | None = None,
    timeout: float = 10.0,
) -> Settings:
    """Load the configuration and the rules, and apply the front end's choices on top.

    ``now`` None means the clock (and a saved status is judged as of its fetch time).
    """
    config = configure(config_path)
    rules = discover(rules_dirs)
    causes = discover_causes(rules_dirs, rules)
    settings = rule_settings(config, rules, [c.id for c in causes])
    # As in ruff: --select replaces the configured selection, --ignore adds to it. Rules and
    # causes share the selectors (see reasoning.select_both).
    chosen, chosen_causes = select_both(
        rules, causes, list(selected) or list(config.select), [*config.ignore, *ignored]
    )
    if not chosen:
        raise UsageError(
            f"no rule left to run after {_selection_text(config, selected, ignored)}; "
            "`meum-doctor rules` lists the IDs"
        )
    if fail_on is None:
        threshold = config.fail_on
    else:
        threshold = None if fail_on == "never" else Severity.parse(fail_on)
    return Settings(
        config=config,
        rules=tuple(chosen),
        rule_settings=settings,
        now=now if now is not None else datetime.now(UTC),
        fail_on=threshold,
        redact=redact,
        verbose=verbose,
        config_used=config_used(config, rules),
        available=tuple(rules),
        secrets=secrets if secrets is not None else Secrets(),
        now_given=now is not None,
        timeout=timeout,
        rules_dirs=tuple(rules_dirs),
        causes=tuple(chosen_causes),
    )


def _selection_text(config: Config, selected: Sequence[str], ignored: Sequence[str]) -> str:
    """The selectors in force and where each came from, for a selection that left nothing."""
    where = f"configuration file {config.path}" if config.path else "the configuration"
    parts = []
    if selected:
        parts.append(f"--select {' '.join(selected)} (command line)")
    elif config.select:
        parts.append(f"select = {list(config.select)} ({where})")
    if config.ignore:
        parts.append(f"ignore = {list(config.ignore)} ({where})")
    if ignored:
        parts.append(f"--ignore {' '.join(ignored)} (command line)")
    return " and ".join(parts)


def config_used(config: Config, rules: Sequence[Rule]) -> ConfigUsed | None:
    """What a report records of the configuration file, if one is in force."""
    if config.path is None:
        return None
    # The rules the file's own select and ignore leave out. Only selectors naming rules count:
    # cause IDs share the lists, and one matching nothing was reported already, or overridden.
    def own(selectors: Sequence[str]) -> list[str]:
        return [s for s in selectors if any(selects(s, rule.id) for rule in rules)]

    kept = {rule.id for rule in choose(rules, own(config.select), own(config.ignore))}
    return ConfigUsed(
        path=config.path,
        sha256=config.sha256 or "",
        ignored_rules=tuple(sorted(rule.id for rule in rules if rule.id not in kept)),
        values_added={
            name: {cls: list(items) for cls, items in classes.items()}
            for name, classes in config.values_added.items()
        },
    )


# Choosing the sources ----------------------------------------------------------------------


def choose_sources(
    *,
    api_key: str | None,
    input_path: str | None,
    demo: str | None,
    base_url: str = DEFAULT_BASE_URL,
    environ: Mapping[str, str] | None = None,
    secrets: Secrets | None = None,
    site_report: str | None = None,
    site_url: str | None = None,
    wc_key: str | None = None,
    wc_secret: str | None = None,
    no_api: bool = False,
) -> list[Source]:
    """The sources of one store: its Meum status, then its site report, when given.

    The Meum status comes from exactly one of the API (``api_key``, else the environment's
    key), a saved file (``input_path``, ``-`` for standard input), or the bundled demo
    (``demo``). The environment's key counts only when nothing else was given and
    ``no_api`` is false; with a site report and no Meum source, the run has the site report
    alone. The site report comes from a file (``site_report``, ``-`` for standard input) or
    the store itself (``site_url`` with ``wc_key``/``wc_secret``, else the environment's);
    the ``degraded-site`` demo brings its own. Every credential chosen joins ``secrets``.
    """
    environ = os.environ if environ is None else environ
    site = _site_source(site_report, site_url, wc_key, wc_secret, environ, secrets)
    if demo is not None and demo in SITE_DEMOS:
        if site is not None:
            raise UsageError(
                f"--demo {demo} brings its own site report: leave out --site-report and "
                "--site-url"
            )
        site = Source(SITE_REPORT, "demo", demo)
    if no_api and api_key is not None:
        raise UsageError("--no-api ignores $MEUM_API_KEY; it cannot be given with --api-key")
    explicit = [
        name
        for name, value in (("--api-key", api_key), ("--input", input_path), ("--demo", demo))
        if value is not None  # `--api-key ""` was given too: it is not "no key"
    ]
    if len(explicit) > 1:
        raise UsageError(f"choose one source of status, not {' and '.join(explicit)}")
    extra = [site] if site is not None else []
    if input_path is not None:
        kind = "stdin" if input_path == "-" else "file"
        if kind == "stdin" and site_report == "-":
            raise UsageError(
                "--input - and --site-report - both read standard input: give one of them a file"
            )
        return [Source(MEUM_STATUS, kind, input_path, history=True), *extra]
    if demo is not None:
        return [Source(MEUM_STATUS, "demo", demo), *extra]
    if api_key is not None:
        where = "--api-key was given an empty value"
        key = api_key
    elif API_KEY_ENV in environ and not no_api:
        where = f"{API_KEY_ENV} is set but empty"
        key = environ[API_KEY_ENV]
    elif site is not None:
        return [site]  # the site report alone
    else:
        raise UsageError(
            f"no status to check: set {API_KEY_ENV} (or pass --api-key), or use --input FILE, "
            "--site-report FILE or --demo"
        )
    # One rule for every key, here and in keys files: whitespace around a key is dropped (no
    # key contains any, and a copied key often brings a space or a line break along, as
    # `export MEUM_API_KEY=$(cat key.txt)` does); whitespace inside one is refused
    # (client.check_key), since that is a key broken in two or pasted with something else.
    key = key.strip()
    if not key:
        raise UsageError(
            f"the API key is empty: {where}; give the store's {KEY_HINT} key, or use "
            "--input FILE or --demo"
        )
    if secrets is not None:
        secrets.add(key)
    return [Source(MEUM_STATUS, "api", base_url, credentials=(key,)), *extra]


def _site_source(
    path: str | None,
    site_url: str | None,
    wc_key: str | None,
    wc_secret: str | None,
    environ: Mapping[str, str],
    secrets: Secrets | None,
) -> Source | None:
    """The site report's source: a file, standard input, or the store's REST API."""
    if path is not None and site_url is not None:
        raise UsageError("choose one source of site report, not --site-report and --site-url")
    if path is not None:
        if wc_key is not None or wc_secret is not None:
            raise UsageError("--wc-key and --wc-secret go with --site-url, not --site-report")
        return Source(SITE_REPORT, "stdin" if path == "-" else "file", path)
    if site_url is None:
        if wc_key is not None or wc_secret is not None:
            raise UsageError("--wc-key and --wc-secret need --site-url (the store's address)")
        return None
    key = wc_key if wc_key is not None else environ.get(WC_KEY_ENV)
    secret = wc_secret if wc_secret is not None else environ.get(WC_SECRET_ENV)
    # Both join the secrets before anything is checked: a message must never show them.
    if secrets is not None:
        secrets.extend(value.strip() for value in (key, secret) if value)
        if key and secret:
            secrets.extend(basic_auth_forms(key.strip(), secret.strip()))
    missing = [
        f"{option} (or ${env})"
        for option, env, value in (
            ("--wc-key", WC_KEY_ENV, key),
            ("--wc-secret", WC_SECRET_ENV, secret),
        )
        if not (value and value.strip())
    ]
    if missing:
        raise UsageError(
            f"--site-url needs {' and '.join(missing)}: a WooCommerce REST API key pair with "
            "Read access (ck_…, cs_…), or a WordPress user name and application password"
        )
    from meum_doctor.client.policy import site_status_url

    site_status_url(site_url)  # refused before anything is sent
    assert key is not None
    assert secret is not None
    return Source(SITE_REPORT, "api", site_url.strip(), credentials=(key.strip(), secret.strip()))


def basic_auth_forms(user: str, password: str) -> list[str]:
    """The ``Authorization: Basic`` value of a user and password: a server that echoes the
    header echoes it in this form, which must be as secret as the password."""
    import base64

    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return [token, f"{user}:{password}"]


def needs_network(sources: Iterable[Source]) -> bool:
    """True when some source must be fetched (the front end then runs an event loop)."""
    return any(not source.local for source in sources)


def protected_inputs(
    settings: Settings, *named: tuple[str, str | None]
) -> list[tuple[str, str]]:
    """The files a run reads, which no output of the run may overwrite: the named inputs,
    the configuration, and every rule file of --rules-dir (`-o rd/myrule.py` would destroy
    the user's own code)."""
    from pathlib import Path

    found = [(what, path) for what, path in named if path]
    if settings.config.path:
        found.append(("the configuration file", settings.config.path))
    for folder in settings.rules_dirs:
        # As the engine loads them (engine.discover): the *.py files of the folder.
        found += [("a rule file of --rules-dir", str(file)) for file in Path(folder).glob("*.py")]
    return found


# Acquiring: all the I/O -------------------------------------------------------------------


def acquire_local(sources: Iterable[Source]) -> list[Document]:
    """Read every source that needs no network (files, standard input), synchronously."""
    documents = []
    for source in sources:
        if not source.local:
            raise ValueError(f"{source.type} is not a local source: use acquire()")
        documents.append(source_kind(source.kind).read(source))
    return documents


async def acquire(
    sources: Iterable[Source], settings: Settings, *, client: object | None = None
) -> list[Document]:
    """Every document of ``sources``, in their order: local ones read, the others fetched.

    ``client`` is a connection pool shared by many calls (``batch``), or None. The fetches of
    one store run one after the other: a store has few sources, and one failing ends it.
    """
    options = FetchOptions(settings.timeout, settings.now, client)
    documents = []
    for source in sources:
        kind = source_kind(source.kind)
        if source.local:
            documents.append(kind.read(source))
        elif kind.fetch is None:
            raise ValueError(f"{source.kind} documents cannot be fetched ({source.type})")
        else:
            documents.append(await kind.fetch(source, options))
    return documents


# Diagnosing: no I/O --------------------------------------------------------------------------


def diagnose(documents: Sequence[Document], settings: Settings) -> Report:
    """Parse, evaluate and report one store's documents (any non-empty set of kinds).

    Raises what a parser raises for a body that is no such document (BadResponse). A saved
    status read with its meta file (``check --input``) is judged as of its fetch time
    unless ``--now`` was given; the report says so.
    """
    from meum_doctor.saved import timing as timing_of

    given = {document.kind for document in documents}
    documents = [
        *documents, *(d for d in settings.shared_documents if d.kind not in given)
    ]
    evidence = gather(documents)
    config = settings.config
    if RELEASE_DATA in evidence:
        evidence, config = _with_release_data(evidence, config)
    status_document = evidence.documents.get(MEUM_STATUS)
    timing = (
        timing_of(status_document, settings.now, now_given=settings.now_given)
        if status_document is not None
        else None
    )
    now = timing.evaluated_at if timing else settings.now
    evaluation = evaluate(evidence, settings.rules, config, settings.rule_settings, now)
    reasoning = diagnose_causes(
        settings.causes, facts_of(evaluation, settings.rules, evidence.models, now)
    )
    return build_report(
        evidence,
        evaluation,
        settings.rules,
        evaluated_at=now,
        generated_at=datetime.now(UTC),
        policy_as_of=config.policy.as_of,
        fail_on=settings.fail_on,
        redact=settings.redact,
        secrets=settings.secrets,
        verbose=settings.verbose,
        config=settings.config_used,
        timing=timing,
        available=settings.available,
        redaction=settings.redaction,
        include_raw=settings.include_raw,
        reasoning=reasoning,
    )


def warnings_of(documents: Iterable[Document]) -> list[str]:
    """What acquiring the documents found worth a warning (a meta file that was ignored)."""
    return [
        document.provenance.history.warning
        for document in documents
        if document.provenance.history is not None and document.provenance.history.warning
    ]


# Release data (WordPress.org): asked once a run, never fatal ---------------------------------

#: Values of MEUM_DOCTOR_OFFLINE that mean "never ask WordPress.org".
OFFLINE_ENV = "MEUM_DOCTOR_OFFLINE"
_TRUE = frozenset({"1", "true", "yes", "on"})


def plan_release_data(
    settings: Settings,
    *,
    offline: bool = False,
    live: bool = False,
    offline_by_default: bool = False,
    url: str | None = None,
    max_age_hours: float = 24.0,
    refresh: bool = False,
    environ: Mapping[str, str] | None = None,
) -> ReleaseRequest | None:
    """How the run gets release data; None: it asks nothing and judges by the bundled policy.

    ``--offline`` or MEUM_DOCTOR_OFFLINE never ask. A run that must give the same answer
    again (a saved status, the demo, an explicit --now: ``offline_by_default``) asks only
    when ``live`` (--live-release-data) says so. The URL is checked only when it is used.
    """
    environ = os.environ if environ is None else environ
    if offline and live:
        raise UsageError("choose --offline or --live-release-data, not both")
    if offline or environ.get(OFFLINE_ENV, "").strip().lower() in _TRUE:
        return None
    if offline_by_default and not live:
        return None
    from meum_doctor.sources.release_data import request_from

    return request_from(
        url=url,
        max_age_hours=max_age_hours,
        refresh=refresh,
        bundled_as_of=settings.config.policy.as_of,
        environ=environ,
    )


def release_data_local(request: ReleaseRequest) -> Document | None:
    """The release data when the cache has it fresh, synchronously (no network stack is
    loaded); None when it must be asked for (:func:`acquire_release_data`)."""
    from meum_doctor.sources.release_data import cached_if_fresh

    return cached_if_fresh(request)


async def acquire_release_data(request: ReleaseRequest) -> Document:
    """The release data (cache, WordPress.org, else the bundled fallback); never raises, and
    never takes longer than the request's short timeout."""
    from meum_doctor.sources.release_data import obtain

    return await obtain(request)


async def acquire_with_release_data(
    sources: Iterable[Source], settings: Settings, request: ReleaseRequest | None
) -> list[Document]:
    """:func:`acquire`, with the release data asked for at the same time: the run waits for
    the slower of the two, and the release data's wait is capped by its own timeout."""
    if request is None:
        return await acquire(sources, settings)
    import asyncio

    release = asyncio.ensure_future(acquire_release_data(request))
    try:
        documents = await acquire(sources, settings)
    except BaseException:
        release.cancel()
        with contextlib.suppress(BaseException):
            await release
        raise
    return [*documents, await release]


def _with_release_data(evidence: Evidence, config: Config) -> tuple[Evidence, Config]:
    """The policy with the release data laid over it; when the configuration file kept some
    of its own values over the release data's, the release document says which."""
    from meum_doctor.releasedata import ReleaseData, overlay
    from meum_doctor.sources.release_data import with_note

    data = evidence.models[RELEASE_DATA]
    if not isinstance(data, ReleaseData):
        return evidence, config
    laid = overlay(config.policy, data, config.policy_configured)
    if laid.kept:
        where = f"configuration file {config.path}" if config.path else "the configuration"
        note = f"{where} overrides {', '.join(laid.kept)}"
        documents = dict(evidence.documents)
        documents[RELEASE_DATA] = with_note(documents[RELEASE_DATA], note)
        evidence = replace(evidence, documents=MappingProxyType(documents))
    return evidence, replace(config, policy=laid.policy)
