"""Many stores in one run: the fleet view a support team needs during an incident.

Stores come from status files (or folders of ``*.json``) and from a keys file (one store a
line, ``label,key`` or ``key``; ``#`` comments). Each store goes through the same pipeline
as ``check`` (:mod:`meum_doctor.pipeline`); API stores are fetched concurrently over one
``httpx.AsyncClient`` with the same retries, ``Retry-After`` and timeouts, at most
``concurrency`` at a time.

Results stream: each store is diagnosed as soon as its status arrives, its full report is
written at once when asked for (``--output-dir``), and only a small :class:`StoreResult`
is kept for the summary, so memory stays flat however many stores there are. A failure
for one store is recorded for that store and never stops the others. Keys are never
printed: a store is named by its label, or by its key's first 8 characters and its line.

Under ``--redact`` a store's label, file name and source path name it as surely as its host:
:func:`anonymize` renames every store ``entry-N`` (its position in the run) before anything
is diagnosed, so the summary, the per-store reports and their file names all show that name,
sources show only their kind (``file``, ``api``) and error texts lose the paths and hosts in
them. Hosts are numbered once for the whole run (:attr:`Setup.redaction`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from meum_doctor.errors import MeumDoctorError, StatusUnavailable, UsageError
from meum_doctor.pipeline import Setup, diagnose
from meum_doctor.report import Report
from meum_doctor.rule import Severity
from meum_doctor.sources import RawStatus, read_file
from meum_doctor.text import clean_line

log = logging.getLogger("meum_doctor.batch")
VERDICT_ORDER = {"critical": 0, "attention": 1, "healthy": 2}


@dataclass(frozen=True)
class Target:
    """One store to check: a status file, or an API key (never shown) with its label."""

    label: str
    path: str | None = None
    key: str | None = field(default=None, repr=False)
    #: Why the store cannot be checked at all (a malformed line of the keys file).
    problem: str | None = None
    #: Renamed by :func:`anonymize`: its source and errors are shown without names.
    anonymous: bool = False
    #: What its errors must not show under --redact (its path, file name, the keys file).
    hidden_names: tuple[str, ...] = field(default=(), repr=False)


SEVERITY_LABELS = tuple(s.label for s in reversed(Severity))


@dataclass(frozen=True, slots=True)
class TopFinding:
    rule: str
    severity: str
    title: str


# slots and tuples: thousands of these are kept for the summary, so each is kept small.
@dataclass(frozen=True, slots=True)
class StoreResult:
    """What the summary keeps of one store: a few small fields, never its status."""

    label: str
    source: str
    site_url: str | None = None
    verdict: str | None = None
    #: Findings per severity, worst first (the order of SEVERITY_LABELS).
    severity_counts: tuple[int, ...] = (0, 0, 0, 0, 0)
    top: TopFinding | None = None
    #: The ID of each rule that fired for the store, once.
    rules: tuple[str, ...] = ()
    fails: bool = False
    #: Why it could not be checked; None when it was.
    error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return dict(zip(SEVERITY_LABELS, self.severity_counts, strict=True))

    def sort_key(self) -> tuple[int, ...]:
        return (VERDICT_ORDER.get(self.verdict or "", 3), *(-n for n in self.severity_counts))


@dataclass(frozen=True)
class BatchSummary:
    """The fleet report: stores worst first, those that could not be checked, rule totals."""

    stores: tuple[StoreResult, ...]
    failures: tuple[StoreResult, ...]
    #: (rule ID, name, number of stores), most widespread first.
    rule_totals: tuple[tuple[str, str, int], ...]
    verdicts: dict[str, int]
    evaluated_at: datetime
    generated_at: datetime
    tool_version: str
    policy_as_of: str
    fail_on: Severity | None
    redacted: bool

    @property
    def total(self) -> int:
        return len(self.stores) + len(self.failures)

    @property
    def fails(self) -> bool:
        return any(store.fails for store in self.stores)


# Finding the stores ------------------------------------------------------------------------


def targets(paths: Sequence[str], keys_file: str | None) -> list[Target]:
    """Every store named by the paths (files, folders of *.json) and the keys file."""
    found: list[Target] = []
    for path in paths:
        candidate = Path(path)
        if candidate.is_dir():
            found += [Target(label=f.stem, path=str(f)) for f in sorted(candidate.glob("*.json"))]
        elif candidate.exists() or path == "-":
            found.append(Target(label=candidate.stem or path, path=path))
        else:
            raise UsageError(f"no status file or folder at {path}")
    if keys_file:
        found += list(read_keys_file(keys_file))
    if not found:
        raise UsageError("no stores to check: give status files or folders, or --keys-file")
    return _unique_labels(found)


def read_keys_file(path: str) -> Iterator[Target]:
    """One store a line: ``label,key`` or ``key``; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise UsageError(f"cannot read keys file {path}: {reason}") from None
    from meum_doctor.client import check_key  # keys mean the network: httpx is needed anyway

    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        label, _, key = text.rpartition(",")
        key = key.strip()
        name = clean_line(label.strip()) or f"{key[:8]}… (line {number})"
        try:
            warnings = check_key(key)
        except UsageError as exc:
            yield Target(label=name, problem=f"line {number} of {path}: {exc}")
            continue
        for warning in warnings:
            log.warning("store %s (line %d): %s", name, number, warning)
        yield Target(label=name, key=key)


def anonymize(found: Sequence[Target], keys_file: str | None = None) -> list[Target]:
    """Every store renamed ``entry-N`` (N its position in the run), for ``--redact``: labels,
    file names and paths often name the store."""
    anonymous = []
    for number, target in enumerate(found, 1):
        names = [target.label, *([keys_file] if keys_file else [])]
        if target.path and target.path != "-":
            path = Path(target.path)
            names += [target.path, str(path.resolve()), path.name, path.stem]
        hidden = tuple(sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True))
        anonymous.append(
            replace(target, label=f"entry-{number}", anonymous=True, hidden_names=hidden)
        )
    return anonymous


def _unique_labels(found: list[Target]) -> list[Target]:
    seen: Counter[str] = Counter()
    unique = []
    for target in found:
        seen[target.label] += 1
        if seen[target.label] > 1:
            target = Target(
                f"{target.label}-{seen[target.label]}", target.path, target.key, target.problem
            )
        unique.append(target)
    return unique


# Running ---------------------------------------------------------------------------------


StoreCallback = Callable[[StoreResult, Report | None], None]


def run(
    found: Sequence[Target],
    setup: Setup,
    *,
    base_url: str,
    timeout: float,
    concurrency: int,
    on_store: StoreCallback,
) -> None:
    """Diagnose every store, calling ``on_store`` as each one finishes (in any order)."""
    remote = [t for t in found if t.key is not None]
    for target in found:
        if target.problem is not None:
            on_store(_failed(target, "keys file", target.problem, setup), None)
        elif target.path is not None:
            try:
                raw = read_file(target.path)
            except MeumDoctorError as exc:
                on_store(_failed(target, target.path, str(exc), setup), None)
                continue
            _finish(target, raw, setup, on_store)
    if remote:
        asyncio.run(_fetch_all(remote, setup, base_url, timeout, concurrency, on_store))


async def _fetch_all(
    remote: Sequence[Target],
    setup: Setup,
    base_url: str,
    timeout: float,
    concurrency: int,
    on_store: StoreCallback,
) -> None:
    from meum_doctor.client import fetch_with, make_client, status_url

    url = status_url(base_url)
    pending = iter(remote)  # shared by the workers: the event loop runs one at a time
    # Diagnosing is CPU work. Done by the worker that fetched, it would hold back that
    # worker's next request until the rules ran; handed to one consumer instead, the next
    # request is already on the wire while the last answer is diagnosed.
    arrived: asyncio.Queue[tuple[Target, RawStatus] | None] = asyncio.Queue()

    async def worker() -> None:
        for target in pending:
            assert target.key is not None
            try:
                raw = await fetch_with(client, url, target.key, timeout)
            except StatusUnavailable as exc:
                on_store(_failed(target, "api", str(exc), setup), None)
                continue
            arrived.put_nowait((target, raw))

    async def diagnose_arrivals() -> None:
        while (item := await arrived.get()) is not None:
            _finish(*item, setup, on_store)

    consumer = asyncio.create_task(diagnose_arrivals())
    try:
        async with make_client(base_url, timeout, connections=concurrency) as client:
            await asyncio.gather(*(worker() for _ in range(min(concurrency, len(remote)))))
    finally:
        arrived.put_nowait(None)
        await consumer


def _finish(target: Target, raw: RawStatus, setup: Setup, on_store: StoreCallback) -> None:
    source = target.path or "api"
    try:
        report = diagnose(raw, setup, secrets=[target.key] if target.key else [])
    except StatusUnavailable as exc:
        on_store(_failed(target, source, str(exc), setup), None)
        return
    except Exception as exc:  # a bug must not stop the other stores
        on_store(_failed(target, source, f"internal error: {exc!r:.200}", setup), None)
        return
    top = report.findings[0] if report.findings else None
    result = StoreResult(
        label=target.label,
        source=_source(target, source),
        site_url=report.site_url,
        verdict=report.verdict,
        severity_counts=tuple(report.counts[label] for label in SEVERITY_LABELS),
        top=TopFinding(top.rule, top.severity.label, top.title) if top else None,
        rules=tuple(dict.fromkeys(finding.rule for finding in report.findings)),
        fails=report.fails,
    )
    on_store(result, report)


def _source(target: Target, source: str) -> str:
    """Where a store came from; only the kind of source for an anonymous store."""
    if not target.anonymous:
        return source
    return "api" if source == "api" else "keys file" if source == "keys file" else "file"


def _failed(target: Target, source: str, error: str, setup: Setup) -> StoreResult:
    """The result of a store that could not be checked, its error redacted when asked."""
    if target.anonymous:
        from meum_doctor.redact import Redactor
        from meum_doctor.report import HIDDEN_FILE_NAME

        redactor = Redactor.for_data(
            [error],
            identity=True,
            state=setup.redaction,
            also=dict.fromkeys(target.hidden_names, HIDDEN_FILE_NAME),
        )
        error = redactor.text(error)
    return StoreResult(target.label, _source(target, source), error=error)


def summarize(
    results: Iterable[StoreResult], setup: Setup, *, generated_at: datetime, tool_version: str
) -> BatchSummary:
    """The fleet summary of the results, worst first."""
    checked: list[StoreResult] = []
    failed: list[StoreResult] = []
    totals: Counter[str] = Counter()
    for result in results:
        if result.error is not None:
            failed.append(result)
        else:
            checked.append(result)
            totals.update(result.rules)
    checked.sort(key=lambda r: (r.sort_key(), r.label))
    failed.sort(key=lambda r: r.label)
    verdicts = Counter(r.verdict for r in checked)
    names = {rule.id: rule.name for rule in setup.rules}
    return BatchSummary(
        stores=tuple(checked),
        failures=tuple(failed),
        rule_totals=tuple(
            (rule, names.get(rule, ""), n)
            for rule, n in sorted(totals.items(), key=lambda i: (-i[1], i[0]))
        ),
        verdicts={v: verdicts.get(v, 0) for v in VERDICT_ORDER},
        evaluated_at=setup.now,
        generated_at=generated_at,
        tool_version=tool_version,
        policy_as_of=setup.config.policy.as_of.isoformat(),
        fail_on=setup.fail_on,
        redacted=setup.redact,
    )


def report_file_name(label: str, fmt: str) -> str:
    """A safe file name for a store's report: its label, with anything odd replaced."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("._") or "store"
    suffix = {"text": "txt", "markdown": "md", "html": "html", "json": "json"}[fmt]
    return f"{stem[:100]}.{suffix}"
