"""Prioritize an evaluation into the one :class:`Report` every renderer presents.

The report is built once per run and holds everything any format shows: the findings in
priority order (severity, then category, then rule ID), the verdict, counts per severity,
rule failures, the redacted status with its parse problems, and the metadata an escalation
needs to trust and re-run it (tool version, rule set, policy date, times, source, and the
SHA-256 fingerprint of the body as received). Redaction happens here, on the data, before
any renderer sees it. Renderers decide nothing: every choice is made here.

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
from typing import Any

from meum_doctor import __version__
from meum_doctor.engine import Evaluation, RuleFinding
from meum_doctor.redact import RedactionState, Redactor
from meum_doctor.rule import Link, Rule, Severity
from meum_doctor.sources import RawStatus
from meum_doctor.status import ParseProblem, Status

SCHEMA_VERSION = 1
#: Caps on the texts of a finding, so a hostile or broken API cannot make a report enormous
#: (the raw status, itself capped at 1 MiB by the client, still shows everything received).
TITLE_LIMIT = 300
DETAIL_LIMIT = 2000
STEP_LIMIT = 1000
EVIDENCE_LIMIT = 500
#: What a redacted report says instead of the name of the status file it read.
HIDDEN_FILE_NAME = "(name hidden)"
VERDICT_TEXT = {
    "critical": "payments are blocked or at risk now",
    "attention": "problems need attention",
    "healthy": "no problems that need attention",
}


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
class Report:
    """Everything a renderer needs, and nothing it has to work out for itself."""

    tool_version: str
    generated_at: datetime
    evaluated_at: datetime
    source_type: str
    source_location: str
    request_id: str | None
    #: The SHA-256 of the body as received; None in a redacted report.
    fingerprint: str | None
    verdict: str
    counts: dict[str, int]
    findings: tuple[ReportFinding, ...]
    rule_errors: tuple[RuleError, ...]
    rules: tuple[RuleInfo, ...]
    policy_as_of: date
    #: The status as received (decoded), redacted.
    status: dict[str, Any]
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

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT[self.verdict]

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


def _cap_value(value: Any) -> Any:
    if isinstance(value, str):
        return cap(value, EVIDENCE_LIMIT)
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
        return value if len(text) <= EVIDENCE_LIMIT else cap(text, EVIDENCE_LIMIT)
    return value


def fingerprint(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def redacted_fingerprint(status: dict[str, Any]) -> str:
    """The SHA-256 of the redacted status as canonical JSON (keys sorted, no spaces, UTF-8):
    anyone can recompute it from the ``status`` of a JSON report."""
    text = json.dumps(status, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return fingerprint(text.encode("utf-8", "surrogatepass"))


def verdict_of(severities: Iterable[Severity]) -> str:
    worst = max(severities, default=None)
    if worst is None or worst < Severity.MEDIUM:
        return "healthy"
    return "critical" if worst == Severity.CRITICAL else "attention"


def prioritized(findings: Iterable[RuleFinding]) -> list[RuleFinding]:
    """Worst severity first, then category order, then rule ID; stable within a rule."""
    return sorted(findings, key=lambda f: (-f.severity, f.rule.category, f.rule.id))


def build_report(
    raw: RawStatus,
    status: Status,
    evaluation: Evaluation,
    rules: Sequence[Rule],
    *,
    evaluated_at: datetime,
    generated_at: datetime,
    policy_as_of: date,
    fail_on: Severity | None,
    redact: bool,
    secrets: Iterable[str] = (),
    verbose: bool = False,
    redaction: RedactionState | None = None,
) -> Report:
    """The report of one status: prioritized, counted, redacted.

    ``redaction`` is the run's numbering of hosts, shared by every store of a batch.
    """
    # Rules never see the key, so it can only reach the report through the body itself:
    # look for it there once, rather than searching every string of every report for it.
    # A body with \u escapes could spell the key without containing its bytes: keep all.
    escaped = b"\\u" in raw.body
    present = [s for s in secrets if s and (escaped or s.encode("utf-8") in raw.body)]
    redactor = Redactor.for_status(status, identity=redact, secrets=present, state=redaction)
    shown_status = redactor.document(status.raw)
    findings = tuple(
        ReportFinding(
            rule=item.rule.id,
            name=item.rule.name,
            category=item.rule.category.label,
            severity=item.severity,
            title=cap(redactor.text(item.finding.title), TITLE_LIMIT),
            detail=cap(redactor.text(item.finding.detail), DETAIL_LIMIT),
            evidence={
                cap(str(name), EVIDENCE_LIMIT): _cap_value(value)
                for name, value in redactor.data(dict(item.finding.evidence)).items()
            },
            remediation=tuple(
                cap(redactor.text(step), STEP_LIMIT) for step in item.finding.remediation
            ),
            links=tuple(
                Link(title=cap(redactor.text(link.title), TITLE_LIMIT), url=redactor.text(link.url))
                for link in item.finding.links
            ),
        )
        for item in prioritized(evaluation.findings)
    )
    counts = {s.label: 0 for s in reversed(Severity)}
    for finding in findings:
        counts[finding.severity.label] += 1
    site = status.site_url or (
        status.raw.get("site_url") if isinstance(status.raw.get("site_url"), str) else None
    )
    location = redactor.text(raw.location)
    if redact and raw.source_type == "file":
        location = HIDDEN_FILE_NAME  # a ticket's file name often names the store
    return Report(
        tool_version=__version__,
        generated_at=generated_at,
        evaluated_at=evaluated_at,
        source_type=raw.source_type,
        source_location=location,
        request_id=raw.request_id,
        fingerprint=None if redact else fingerprint(raw.body),
        verdict=verdict_of(f.severity for f in findings),
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
                _problem_value(shown_status, p.field) if redact else redactor.text(p.value),
                p.problem,
            )
            for p in status.problems
        ),
        site_url=redactor.text(site) if isinstance(site, str) else None,
        redacted=redact,
        fail_on=fail_on,
        redacted_fingerprint=redacted_fingerprint(shown_status) if redact else None,
        hidden_below=Severity.INFO if verbose else Severity.LOW,
    )


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
