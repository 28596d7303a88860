"""Prioritize an evaluation into the one :class:`Report` every renderer presents.

The report is built once per run and holds everything any format shows: the findings in
priority order (severity, then category, then rule ID), the verdict, counts per severity,
rule failures, the redacted status with its parse problems, and the metadata an escalation
needs to trust and re-run it (tool version, rule set, policy date, times, source, and the
SHA-256 fingerprint of the body as received). Redaction happens here, on the data, before
any renderer sees it: every secret of the run (the API key, however the API echoed it) is
removed from every string of the finished report, and ``--redact`` hides the store's
identity. Renderers decide nothing: every choice is made here.

Under ``--redact`` the fingerprint of the body as received is left out: anyone could
substitute guessed hosts into the redacted status and compare hashes until one matched. A
redacted report carries ``redacted_fingerprint`` instead, the SHA-256 of the redacted status
(:func:`redacted_fingerprint`), which names nothing the report does not show already.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from meum_doctor import __version__
from meum_doctor.documents import MEUM_STATUS, Document
from meum_doctor.engine import Evaluation, RuleFinding
from meum_doctor.errors import ExitCode
from meum_doctor.evidence import Evidence
from meum_doctor.redact import RedactionState, Redactor
from meum_doctor.rule import Link, Rule, Severity
from meum_doctor.secrets import Secrets, url_without_query
from meum_doctor.status import ParseProblem
from meum_doctor.timefmt import iso_z
from meum_doctor.verdict import Verdict, verdict_of

if TYPE_CHECKING:
    from meum_doctor.saved import Timing

SCHEMA_VERSION = 2
#: Caps on the texts of a finding, so a hostile or broken API cannot make a report enormous
#: (the raw status, itself capped at 1 MiB by the client, still shows everything received).
TITLE_LIMIT = 300
DETAIL_LIMIT = 2000
STEP_LIMIT = 1000
EVIDENCE_LIMIT = 500
#: All the finding texts of one report together (titles, details, evidence, steps): once
#: spent, the remaining findings' texts are cut to SHORT_LIMIT characters each. A status
#: of 1 MiB can quote itself in every finding; this keeps the findings of any report within
#: a few hundred KB in every format, whatever the escaping costs (see tests/test_hostile.py).
FINDINGS_TEXT_BUDGET = 30_000
SHORT_LIMIT = 200
#: Evidence entries shown per finding.
EVIDENCE_ENTRIES = 50
#: A link longer than this is left out: a URL cannot be cut and still lead somewhere.
LINK_URL_LIMIT = 2048
#: The store's site URL as a report shows it (title, "Store:" line, summaries).
SITE_URL_LIMIT = 300
#: Unreadable fields listed one by one in a report; the rest are counted.
PARSE_PROBLEM_LIMIT = 20
#: A raw status larger than this (as compact JSON) is shown compact, not indented: indenting
#: a deeply nested array repeats its depth in spaces on every line, hundreds of times over.
RAW_INDENT_LIMIT = 64 * 1024
#: ... and so is a smaller one whose indented form would exceed this.
RAW_INDENTED_LIMIT = 256 * 1024
#: What a redacted report says instead of the name of the status file it read.
HIDDEN_FILE_NAME = "(name hidden)"

@dataclass(frozen=True)
class ReportFinding:
    """A finding as shown: the rule's identity, severity in force, and redacted texts."""

    rule: str
    name: str
    category: str
    severity: Severity
    title: str
    detail: str
    evidence: dict[str, Any]
    remediation: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class RuleError:
    rule: str
    name: str
    error: str
    traceback: str


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    origin: str


@dataclass(frozen=True)
class ConfigUsed:
    """The configuration file a report was made with: which file, its exact bytes, and what
    in it changes a verdict silently (rules left out, values taught)."""

    path: str
    sha256: str
    ignored_rules: tuple[str, ...]
    #: field -> class (healthy, degraded, bad) -> values, as the file sets them.
    values_added: dict[str, dict[str, list[str]]]


@dataclass(frozen=True)
class SourceInfo:
    """One document a report used: its kind, where and when it came from, its fingerprint."""

    #: The kind of document: "meum-status" (the API's integration status).
    kind: str
    #: How it was acquired: "api", "file", "stdin", "demo", "cache" or "bundled".
    type: str
    #: Where from: the URL (without its query), the file name, "-", the example's name.
    location: str
    #: When it was retrieved, when known.
    retrieved_at: datetime | None
    #: "sha256:<hex>" of the body as received; None under --redact.
    fingerprint: str | None
    request_id: str | None
    #: More about it, when there is more to say (release data: which data, and why).
    note: str | None = None


@dataclass(frozen=True)
class NotEvaluated:
    """A rule that did not run because evidence it needs was absent."""

    rule: str
    #: The kinds of document it waits for, e.g. ("site-report",).
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """Everything a renderer needs, and nothing it has to work out for itself."""

    tool_version: str
    generated_at: datetime
    evaluated_at: datetime
    #: Where the Meum status came from (``sources`` lists every document); None without one.
    source_type: str | None
    source_location: str | None
    request_id: str | None
    #: The SHA-256 of the Meum status as received; None in a redacted report or without one.
    fingerprint: str | None
    verdict: Verdict
    counts: dict[str, int]
    findings: tuple[ReportFinding, ...]
    rule_errors: tuple[RuleError, ...]
    rules: tuple[RuleInfo, ...]
    policy_as_of: date
    #: The Meum status as received (decoded), redacted; None when the run had none.
    status: dict[str, Any] | None
    parse_problems: tuple[ParseProblem, ...]
    #: The store's site URL, redacted; None when unknown.
    site_url: str | None
    redacted: bool
    fail_on: Severity | None
    #: The SHA-256 of the redacted status (see :func:`redacted_fingerprint`); None unless
    #: redacted.
    redacted_fingerprint: str | None = None
    #: Findings below this severity are left out of the terminal view (``-v`` shows them).
    hidden_below: Severity = Severity.INFO
    #: The configuration file in force; None when the bundled defaults alone were used.
    config: ConfigUsed | None = None
    #: Unreadable fields beyond the PARSE_PROBLEM_LIMIT listed in ``parse_problems``.
    parse_problems_omitted: int = 0
    #: Show the raw status compact (one line) rather than indented: it is large.
    raw_compact: bool = False
    #: How ``evaluated_at`` was chosen: ``clock``, ``option`` (--now) or ``fetched_at`` (the
    #: fetch time a saved status's meta file gives).
    time_basis: str = "clock"
    #: The sentence every format shows about the moment judged against (saved statuses).
    time_note: str | None = None
    #: When the status was fetched from the API, when known.
    fetched_at: datetime | None = None
    #: For a saved status with a meta file: where it was originally fetched from.
    origin: str | None = None

    @property
    def provenance(self) -> str | None:
        """Where and when a saved status was fetched, in words; None when not known."""
        if self.source_type not in ("file", "stdin") or not (self.origin or self.fetched_at):
            return None
        parts = ["fetched"]
        if self.origin:
            parts.append(f"from {self.origin}")
        if self.fetched_at:
            parts.append(f"at {iso_z(self.fetched_at)}")
        return " ".join(parts)
    #: Every rule loaded, selected or not (``rules`` are the ones selected to run).
    available: tuple[RuleInfo, ...] = ()
    #: Every document the diagnosis used, the Meum status first.
    sources: tuple[SourceInfo, ...] = ()
    #: Selected rules that did not run because evidence they need was absent.
    not_evaluated: tuple[NotEvaluated, ...] = ()

    @property
    def not_selected(self) -> tuple[str, ...]:
        """IDs of the loaded rules that --select/--ignore (or the configuration) left out."""
        chosen = {r.id for r in self.rules}
        return tuple(r.id for r in self.available if r.id not in chosen)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        """IDs of the rules that failed to run, once each."""
        return tuple(dict.fromkeys(e.rule for e in self.rule_errors))

    @property
    def rules_available(self) -> int:
        return len(self.available) or len(self.rules)

    @property
    def rules_evaluated(self) -> int:
        """How many rules ran to the end: selected, evidence present, and did not fail."""
        return len(self.rules) - len(self.failed_rules) - len(self.not_evaluated)

    @property
    def complete(self) -> bool:
        """True when every loaded rule ran: nothing left out, waiting, or failed. (A rule
        waiting for evidence never makes the exit code 5: only a failure does.)"""
        return not self.failed_rules and not self.not_selected and not self.not_evaluated

    @property
    def not_evaluated_text(self) -> str:
        """``MD107 (needs site-report), …``: the rules left waiting, in words."""
        return ", ".join(f"{n.rule} (needs {', '.join(n.needs)})" for n in self.not_evaluated)

    @property
    def coverage_text(self) -> str:
        """What was checked, in words: "all 25 rules ran" or "7 of 25 rules ran (...)"."""
        if self.complete:
            return f"all {self.rules_available} rules ran"
        details = []
        if self.not_selected:
            details.append(
                f"{len(self.not_selected)} not selected: {', '.join(self.not_selected)}"
            )
        if self.not_evaluated:
            details.append(
                f"{len(self.not_evaluated)} not evaluated for want of evidence: "
                f"{self.not_evaluated_text}"
            )
        if self.failed_rules:
            details.append(f"{len(self.failed_rules)} failed: {', '.join(self.failed_rules)}")
        return (
            f"{self.rules_evaluated} of {self.rules_available} rules ran ({'; '.join(details)})"
        )

    @property
    def exit_code(self) -> int:
        """1 when a finding reaches --fail-on, else 5 when a rule failed, else 0."""
        if self.fails:
            return ExitCode.FOUND_PROBLEMS
        if self.rule_errors:
            return ExitCode.INCOMPLETE
        return ExitCode.OK

    @property
    def verdict_text(self) -> str:
        return self.verdict.text

    @property
    def fails(self) -> bool:
        """True when a finding is at or above the ``--fail-on`` threshold."""
        return self.fail_on is not None and any(f.severity >= self.fail_on for f in self.findings)

    @property
    def urgent(self) -> tuple[ReportFinding, ...]:
        """The findings to fix first: critical and high."""
        return tuple(f for f in self.findings if f.severity >= Severity.HIGH)

    def by_severity(self) -> list[tuple[Severity, list[ReportFinding]]]:
        """Findings grouped under each severity that has any, worst first."""
        groups = [(s, [f for f in self.findings if f.severity == s]) for s in reversed(Severity)]
        return [(s, items) for s, items in groups if items]

    @property
    def shown_findings(self) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if f.severity >= self.hidden_below)


def cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _cap_value(value: Any, limit: int = EVIDENCE_LIMIT) -> Any:
    if isinstance(value, str):
        return cap(value, limit)
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
        return value if len(text) <= limit else cap(text, limit)
    return value


class _Budget:
    """What is left of FINDINGS_TEXT_BUDGET while a report's findings are built."""

    def __init__(self) -> None:
        self.left = FINDINGS_TEXT_BUDGET

    def cap(self, text: str, limit: int) -> str:
        shown = cap(text, limit if self.left > 0 else min(limit, SHORT_LIMIT))
        self.left -= len(shown)
        return shown

    def value(self, value: Any) -> Any:
        shown = _cap_value(value, EVIDENCE_LIMIT if self.left > 0 else SHORT_LIMIT)
        self.left -= len(shown) if isinstance(shown, str) else len(json.dumps(shown, default=str))
        return shown


def fingerprint(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _retrieval(document: Document) -> tuple[datetime | None, str | None]:
    """When a document was retrieved from where it lives, and the request id of that: for
    a saved file, what its meta file says (nothing when it has none), not when it was read."""
    provenance = document.provenance
    if provenance.type not in ("file", "stdin"):
        return provenance.retrieved_at, provenance.request_id
    meta = provenance.history.meta if provenance.history else None
    return (meta.fetched_at, meta.request_id) if meta else (None, provenance.request_id)


def _location(document: Document, redact: bool) -> str:
    """Where a document came from, as a report shows it."""
    provenance = document.provenance
    # A URL's query may carry a token (a redirect to ...?k=<key>): never shown.
    if provenance.type == "api":
        return url_without_query(provenance.location)
    if redact and provenance.type == "file":
        return HIDDEN_FILE_NAME  # a ticket's file name often names the store
    return provenance.location


def redacted_fingerprint(status: dict[str, Any]) -> str:
    """The SHA-256 of the redacted status as canonical JSON (keys sorted, no spaces, UTF-8):
    anyone can recompute it from the ``status`` of a JSON report."""
    text = json.dumps(status, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return fingerprint(text.encode("utf-8", "surrogatepass"))


def prioritized(findings: Iterable[RuleFinding]) -> list[RuleFinding]:
    """Worst severity first, then category order, then rule ID; stable within a rule."""
    return sorted(findings, key=lambda f: (-f.severity, f.rule.category, f.rule.id))


def build_report(
    evidence: Evidence,
    evaluation: Evaluation,
    rules: Sequence[Rule],
    *,
    evaluated_at: datetime,
    generated_at: datetime,
    policy_as_of: date,
    fail_on: Severity | None,
    redact: bool,
    secrets: Secrets | Iterable[str] | None = None,
    verbose: bool = False,
    config: ConfigUsed | None = None,
    timing: Timing | None = None,
    available: Sequence[Rule] = (),
    redaction: RedactionState | None = None,
) -> Report:
    """The report of one store's evidence: prioritized, counted, redacted, without any
    secret. The Meum status, when there is one, fills the status fields of the report.

    ``secrets`` is the run's :class:`~meum_doctor.secrets.Secrets` (plain strings are
    accepted too, and made into one). ``redaction`` is the run's numbering of hosts, shared
    by every store of a batch. ``timing`` (a saved status's) is the moment judged and why.
    """
    if secrets is not None and not isinstance(secrets, Secrets):
        secrets = Secrets(secrets)
    status = evidence.status
    raw = evidence.documents.get(MEUM_STATUS)
    redactor = (
        Redactor.for_status(status, identity=redact, state=redaction)
        if status is not None
        else Redactor.for_data({}, identity=redact, state=redaction)
    )
    shown_status = redactor.document(status.raw) if status is not None else None
    if secrets and shown_status is not None:
        # Before the redacted fingerprint is taken: it must match the status the report
        # shows, which anyone can hash to check it.
        shown_status = secrets.scrub_data(shown_status)
    budget = _Budget()
    findings = tuple(
        ReportFinding(
            rule=item.rule.id,
            name=item.rule.name,
            category=item.rule.category.label,
            severity=item.severity,
            title=budget.cap(redactor.text(item.finding.title), TITLE_LIMIT),
            detail=budget.cap(redactor.text(item.finding.detail), DETAIL_LIMIT),
            evidence={
                budget.cap(str(name), EVIDENCE_LIMIT): budget.value(value)
                for name, value in list(
                    redactor.data(dict(item.finding.evidence)).items()
                )[:EVIDENCE_ENTRIES]
            },
            remediation=tuple(
                budget.cap(redactor.text(step), STEP_LIMIT) for step in item.finding.remediation
            ),
            links=tuple(
                Link(
                    title=budget.cap(redactor.text(link.title), TITLE_LIMIT),
                    url=redactor.text(link.url),
                )
                for link in item.finding.links
                if len(link.url) <= LINK_URL_LIMIT
            ),
        )
        for item in prioritized(evaluation.findings)
    )
    counts = {s.label: 0 for s in reversed(Severity)}
    for finding in findings:
        counts[finding.severity.label] += 1
    site = None
    if status is not None:
        site = status.site_url or (
            status.raw.get("site_url") if isinstance(status.raw.get("site_url"), str) else None
        )
    request_id = (raw.provenance.request_id if raw else None) or (
        timing.request_id if timing else None
    )
    live = raw is not None and raw.provenance.type in ("api", "demo")
    problems = status.problems if status is not None else ()
    # The Meum status first, then the other documents in the order they were given.
    documents = sorted(evidence.documents.values(), key=lambda d: d.kind != MEUM_STATUS)
    report = Report(
        tool_version=__version__,
        generated_at=generated_at,
        evaluated_at=evaluated_at,
        source_type=raw.provenance.type if raw else None,
        source_location=redactor.text(_location(raw, redact)) if raw else None,
        request_id=redactor.text(request_id) if request_id else None,
        fingerprint=None if redact or raw is None else raw.fingerprint,
        verdict=verdict_of((f.severity for f in findings), incomplete=bool(evaluation.failures)),
        counts=counts,
        findings=findings,
        rule_errors=tuple(
            RuleError(
                f.rule.id,
                f.rule.name,
                cap(redactor.text(f.error), STEP_LIMIT),
                redactor.text(f.traceback),
            )
            for f in evaluation.failures
        ),
        rules=tuple(RuleInfo(r.id, r.name, r.origin) for r in rules),
        policy_as_of=policy_as_of,
        status=shown_status,
        parse_problems=tuple(
            ParseProblem(
                redactor.text(p.field),
                _problem_value(shown_status or {}, p.field) if redact else redactor.text(p.value),
                p.problem,
            )
            for p in problems[:PARSE_PROBLEM_LIMIT]
        ),
        parse_problems_omitted=max(0, len(problems) - PARSE_PROBLEM_LIMIT)
        + (status.problems_omitted if status is not None else 0),
        site_url=cap(redactor.text(site), SITE_URL_LIMIT) if isinstance(site, str) else None,
        redacted=redact,
        fail_on=fail_on,
        redacted_fingerprint=(
            redacted_fingerprint(shown_status) if redact and shown_status is not None else None
        ),
        hidden_below=Severity.INFO if verbose else Severity.LOW,
        config=config,
        raw_compact=is_large(shown_status) if shown_status is not None else False,
        time_basis=timing.basis if timing else "clock",
        time_note=timing.note if timing else None,
        fetched_at=(
            timing.fetched_at
            if timing
            else raw.provenance.retrieved_at if raw is not None and live else None
        ),
        origin=redactor.text(timing.origin) if timing and timing.origin else None,
        available=tuple(RuleInfo(r.id, r.name, r.origin) for r in available),
        sources=tuple(_source_info(document, redact, redactor) for document in documents),
        not_evaluated=tuple(
            NotEvaluated(item.rule.id, item.waits_for) for item in evaluation.not_run
        ),
    )
    # Last, on the finished data: every string any renderer can show (titles, evidence,
    # request id, source, errors, the raw status) loses every secret of the run, in any
    # form it was echoed in. Rules never see a key, but the API may send one back.
    return secrets.scrub_data(report) if secrets else report


def _source_info(document: Document, redact: bool, redactor: Redactor) -> SourceInfo:
    retrieved_at, request_id = _retrieval(document)
    return SourceInfo(
        kind=document.kind,
        type=document.provenance.type,
        location=redactor.text(_location(document, redact)),
        retrieved_at=retrieved_at,
        fingerprint=None if redact else document.fingerprint,
        request_id=redactor.text(request_id) if request_id else None,
        note=redactor.text(document.provenance.note) if document.provenance.note else None,
    )


def is_large(data: Any) -> bool:
    """True when ``data`` should be shown compact (see RAW_INDENT_LIMIT)."""
    compact = json.dumps(data, ensure_ascii=False)
    if len(compact) > RAW_INDENT_LIMIT:
        return True
    # Small enough that indenting it costs little to try, whatever its shape.
    return len(json.dumps(data, ensure_ascii=False, indent=2)) > RAW_INDENTED_LIMIT


def _problem_value(status: dict[str, Any], field: str) -> str:
    """The value of a malformed field, shortened, taken from the *redacted* status: a value
    shortened before redaction could cut a host in half and keep the half."""
    from meum_doctor.status import shorten

    value: Any = status
    for part in field.replace("[", ".[").split("."):
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return shorten(value)
