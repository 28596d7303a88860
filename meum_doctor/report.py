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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from meum_doctor import __version__
from meum_doctor.cause import finding_ids
from meum_doctor.documents import MEUM_STATUS, SITE_REPORT, Document
from meum_doctor.engine import Evaluation, RuleFinding
from meum_doctor.errors import ExitCode
from meum_doctor.evidence import Evidence
from meum_doctor.reasoning import Reasoning
from meum_doctor.redact import RedactionState, Redactor
from meum_doctor.rule import Link, Rule, Severity
from meum_doctor.secrets import Secrets, url_without_query
from meum_doctor.status import ParseProblem
from meum_doctor.timefmt import iso_z
from meum_doctor.verdict import Verdict, verdict_of

if TYPE_CHECKING:
    from meum_doctor.saved import Timing
    from meum_doctor.siteview import SiteReportView

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
    #: Its id in this report: the rule ID, with -2, -3 … for the rule's further findings.
    id: str = ""
    #: The cause (MC… ID) of the diagnosis that explains it, or None.
    explained_by: str | None = None


# Diagnoses (issue 13) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDiagnosis:
    """A diagnosis as shown: the cause, how sure, and what it explains, in redacted texts."""

    cause: str
    name: str
    #: "confirmed", "likely" or "possible".
    confidence: str
    title: str
    reasoning: tuple[str, ...]
    #: Finding ids, in the report's order of findings.
    explains: tuple[str, ...]
    remediation: tuple[str, ...]
    confirm: tuple[str, ...]
    #: The worst severity among the findings it explains.
    severity: Severity
    #: True for confirmed and likely diagnoses: only they take findings out of the list.
    takes_findings: bool = True

    #: What the block is called: "Confirmed cause", "Most likely cause", "Also likely",
    #: "Possible cause" (set by build_report, which knows the diagnoses before it).
    heading: str = ""


def _headings(diagnoses: Sequence[ReportDiagnosis]) -> tuple[ReportDiagnosis, ...]:
    from dataclasses import replace

    shown, seen_likely = [], False
    for d in diagnoses:
        if d.confidence == "confirmed":
            heading = "Confirmed cause"
        elif d.confidence == "likely":
            heading = "Also likely" if seen_likely else "Most likely cause"
            seen_likely = True
        else:
            heading = "Possible cause"
        shown.append(replace(d, heading=heading))
    return tuple(shown)


#: Within one severity and category, the order an expert works in: WordPress core before
#: WooCommerce before plugins (PHP first when it holds the others back). Unlisted rules
#: come after, by rule ID.
EXPERT_ORDER = {
    "MD209": 0,
    "MD213": 1,
    "MD203": 2,
    "MD205": 3,
    "MD202": 4,
    "MD201": 5,
    "MD206": 6,
    "MD207": 7,
}


def _diagnoses(
    reasoning: Reasoning | None, redactor: Redactor, order: Sequence[str]
) -> tuple[ReportDiagnosis, ...]:
    """The run's diagnoses as shown, their ``explains`` in the order findings are shown."""
    if reasoning is None:
        return ()
    from meum_doctor.cause import Confidence

    rank = {finding_id: n for n, finding_id in enumerate(order)}
    return _headings([
        ReportDiagnosis(
            cause=item.cause.id,
            name=item.cause.name,
            confidence=item.diagnosis.confidence.label,
            title=cap(redactor.text(item.diagnosis.title), TITLE_LIMIT),
            reasoning=tuple(cap(redactor.text(t), STEP_LIMIT) for t in item.diagnosis.reasoning),
            explains=tuple(sorted(item.diagnosis.explains, key=lambda i: rank.get(i, len(rank)))),
            remediation=tuple(
                cap(redactor.text(t), STEP_LIMIT) for t in item.diagnosis.remediation
            ),
            confirm=tuple(cap(redactor.text(t), STEP_LIMIT) for t in item.diagnosis.confirm),
            severity=item.severity,
            takes_findings=item.diagnosis.confidence >= Confidence.LIKELY,
        )
        for item in reasoning.diagnoses
    ])


def _explained_by(diagnoses: Sequence[ReportDiagnosis]) -> dict[str, str]:
    """Finding id -> the cause of the strongest confirmed or likely diagnosis explaining it
    (diagnoses come strongest first). A possible cause never takes a finding away."""
    explained: dict[str, str] = {}
    for diagnosis in diagnoses:
        if diagnosis.takes_findings:
            for finding_id in diagnosis.explains:
                explained.setdefault(finding_id, diagnosis.cause)
    return explained


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
    #: What most likely causes the findings, strongest first (issue 13).
    diagnoses: tuple[ReportDiagnosis, ...] = ()

    # The site report (issue 12) ---------------------------------------------------------
    #: The WooCommerce System Status report as shown (model, summary, raw); None without one.
    site_report: SiteReportView | None = None
    #: JSON reports also carry the site report's body (--include-raw).
    include_raw: bool = False
    #: Said instead of the verdict's own words when they would claim too much (no rule ran).
    verdict_note: str | None = None

    @property
    def not_selected(self) -> tuple[str, ...]:
        """IDs of the loaded rules that --select/--ignore (or the configuration) left out."""
        chosen = {r.id for r in self.rules}
        return tuple(r.id for r in self.available if r.id not in chosen)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        """IDs of the rules (and causes) that failed to run, once each."""
        return tuple(dict.fromkeys(e.rule for e in self.rule_errors))

    @property
    def rules_available(self) -> int:
        return len(self.available) or len(self.rules)

    @property
    def rules_evaluated(self) -> int:
        """How many rules ran to the end: selected, evidence present, and did not fail."""
        chosen = {r.id for r in self.rules}  # a failed cause is no rule that did not run
        failed = sum(1 for r in self.failed_rules if r in chosen)
        return len(self.rules) - failed - len(self.not_evaluated)

    @property
    def complete(self) -> bool:
        """True when every loaded rule ran: nothing left out, waiting, or failed. (A rule
        waiting for evidence never makes the exit code 5: only a failure does.)"""
        return not self.failed_rules and not self.not_selected and not self.not_evaluated

    @property
    def not_evaluated_text(self) -> str:
        """The rules left waiting, grouped by what they wait for, their IDs as ranges:
        ``24 wait for a Meum status: MD101–MD104, MD201–MD205, …``."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for item in self.not_evaluated:
            groups.setdefault(item.needs, []).append(item.rule)
        return "; ".join(
            f"{len(ids)} wait for {' and '.join(_kind_words(k) for k in needs)}: "
            f"{id_ranges(ids)}"
            for needs, ids in groups.items()
        )

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
            details.append(f"not evaluated for want of evidence: {self.not_evaluated_text}")
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
        return self.verdict_note or self.verdict.text

    @property
    def fails(self) -> bool:
        """True when a finding is at or above the ``--fail-on`` threshold."""
        return self.fail_on is not None and any(f.severity >= self.fail_on for f in self.findings)

    @property
    def urgent(self) -> tuple[ReportFinding, ...]:
        """The findings to fix first: critical and high, except those a diagnosis explains
        (they are fixed by its fix, and shown under it)."""
        return tuple(
            f for f in self.findings if f.severity >= Severity.HIGH and f.explained_by is None
        )

    @property
    def urgent_none_text(self) -> str:
        """What "Fix these first" says when it lists nothing."""
        if any(f.severity >= Severity.HIGH for f in self.findings):
            return "Nothing else critical or high: the diagnosis above explains the rest."
        return "Nothing critical or high."

    def explained(self, diagnosis: ReportDiagnosis) -> tuple[ReportFinding, ...]:
        """The findings a diagnosis explains, in the report's order (all of them: the
        Markdown and HTML reports show every finding)."""
        wanted = set(diagnosis.explains)
        return tuple(f for f in self.findings if f.id in wanted)

    def explained_shown(self, diagnosis: ReportDiagnosis) -> tuple[ReportFinding, ...]:
        """Those of them the terminal shows (informational ones only with -v)."""
        return tuple(f for f in self.explained(diagnosis) if f.severity >= self.hidden_below)

    @property
    def unexplained_note(self) -> str | None:
        """What the report says plainly when no cause explains its critical or high findings."""
        high = [f for f in self.findings if f.severity >= Severity.HIGH]
        if not high or any(f.explained_by for f in high):
            return None
        return (
            "No known cause explains the critical and high findings together: "
            "fix them one by one, in the order below."
        )

    def by_severity(self) -> list[tuple[Severity, list[ReportFinding]]]:
        """Findings grouped under each severity that has any, worst first."""
        groups = [(s, [f for f in self.findings if f.severity == s]) for s in reversed(Severity)]
        return [(s, items) for s, items in groups if items]

    @property
    def shown_findings(self) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if f.severity >= self.hidden_below)


#: How a report names the kinds of evidence a rule waits for.
KIND_WORDS = {
    MEUM_STATUS: "a Meum status",
    SITE_REPORT: "a site report (--site-report)",
    "release-data": "release data",
}
#: The verdict's words when no rule ran at all: silence is not health.
NOTHING_JUDGED = "nothing could be judged: no rule had its evidence"


def _kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def id_ranges(ids: Iterable[str]) -> str:
    """``MD101–MD104, MD201, MD301–MD302``: IDs in order, consecutive numbers joined."""
    parsed: list[tuple[str, int, str]] = []
    others: list[str] = []
    for rule_id in ids:
        match = re.fullmatch(r"([A-Za-z]+)(\d+)", rule_id)
        if match:
            parsed.append((match.group(1), int(match.group(2)), rule_id))
        else:
            others.append(rule_id)
    parsed.sort()
    runs: list[list[tuple[str, int, str]]] = []
    for item in parsed:
        last = runs[-1][-1] if runs else None
        if last is not None and item[0] == last[0] and item[1] == last[1] + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    parts = [run[0][2] if len(run) == 1 else f"{run[0][2]}–{run[-1][2]}" for run in runs]
    return ", ".join([*parts, *others])


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
    """Worst severity first, then category order, then the expert's order within it
    (:data:`EXPERT_ORDER`), then rule ID; stable within a rule."""
    return sorted(
        findings,
        key=lambda f: (
            -f.severity,
            f.rule.category,
            EXPERT_ORDER.get(f.rule.id, len(EXPERT_ORDER)),
            f.rule.id,
        ),
    )


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
    include_raw: bool = False,
    reasoning: Reasoning | None = None,
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
    # The site report, when there is one: its strings are searched too (after the status's,
    # so the store keeps its number), and what only it holds is added (see siteview).
    site_model = evidence.models.get(SITE_REPORT)
    site_document = evidence.documents.get(SITE_REPORT)
    site_data: dict[str, Any] | None = None
    site_raw = ""
    also: dict[str, str] | None = None
    if site_model is not None and site_document is not None:
        from meum_doctor import siteview

        site_data = siteview.model_dict(site_model)
        site_raw = siteview.body_text(site_document)
        also = siteview.literals(site_data, site_raw) if redact else None
    redactor = Redactor.for_data(
        status.raw if status is not None else {},
        identity=redact,
        state=redaction,
        also=also,
        more=site_data,
    )
    shown_status = redactor.document(status.raw) if status is not None else None
    if secrets and shown_status is not None:
        # Before the redacted fingerprint is taken: it must match the status the report
        # shows, which anyone can hash to check it.
        shown_status = secrets.scrub_data(shown_status)
    budget = _Budget()
    # Finding ids in the run's order (a rule's first finding is its ID, the next -2 …), then
    # the findings in priority order, each marked with the cause that explains it.
    ids = dict(
        zip(
            (id(item) for item in evaluation.findings),
            finding_ids(item.rule.id for item in evaluation.findings),
            strict=True,
        )
    )
    ordered = prioritized(evaluation.findings)
    diagnoses = _diagnoses(reasoning, redactor, [ids[id(item)] for item in ordered])
    explained = _explained_by(diagnoses)
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
            id=ids[id(item)],
            explained_by=explained.get(ids[id(item)]),
        )
        for item in ordered
    )
    cause_failures = reasoning.failures if reasoning is not None else ()
    counts = {s.label: 0 for s in reversed(Severity)}
    for finding in findings:
        counts[finding.severity.label] += 1
    site = None
    if status is not None:
        site = status.site_url or (
            status.raw.get("site_url") if isinstance(status.raw.get("site_url"), str) else None
        )
    elif site_model is not None:  # the site report alone: the store it describes
        site = getattr(site_model, "home_url", None) or getattr(site_model, "site_url", None)
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
        verdict=verdict_of(
            (f.severity for f in findings), incomplete=bool(evaluation.failures or cause_failures)
        ),
        counts=counts,
        findings=findings,
        rule_errors=tuple(
            RuleError(
                f.rule.id,
                f.rule.name,
                cap(redactor.text(f.error), STEP_LIMIT),
                redactor.text(f.traceback),
            )
            for f in (*evaluation.failures, *cause_failures)
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
        site_report=_site_view(site_document, site_model, redactor, redact, site_raw),
        include_raw=include_raw,
        diagnoses=diagnoses,
    )
    if report.rules_evaluated == 0 and not report.findings and not report.rule_errors:
        # Silence from no rule at all is not health: never "healthy" for nothing judged.
        report = replace(report, verdict=Verdict.INCOMPLETE, verdict_note=NOTHING_JUDGED)
    # Last, on the finished data: every string any renderer can show (titles, evidence,
    # request id, source, errors, the raw status) loses every secret of the run, in any
    # form it was echoed in. Rules never see a key, but the API may send one back.
    return secrets.scrub_data(report) if secrets else report


def _site_view(
    document: Document | None, model: Any, redactor: Redactor, redact: bool, raw: str
) -> SiteReportView | None:
    if document is None or model is None:
        return None
    from meum_doctor.siteview import build_view

    return build_view(document, model, redactor, redact=redact, raw=raw)


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
