"""The terminal format, in the manner of ``flutter doctor``: the verdict first, then each
finding worst first with its numbered steps. Every untrusted string is made inert
(:func:`meum_doctor.text.visible`) before it is printed; colour only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable

from meum_doctor.render.common import (
    SEVERITY_MARKERS,
    config_text,
    other_sources,
    source_info_text,
    source_text,
    timestamp,
    value_text,
)
from meum_doctor.report import Report
from meum_doctor.text import clean_line

COLORS = {
    "critical": "\x1b[1;31m",
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[36m",
    "info": "\x1b[2m",
    "healthy": "\x1b[1;32m",
    "incomplete": "\x1b[1;35m",
    "attention": "\x1b[1;33m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
RESET = "\x1b[0m"


def _diagnoses(report: Report, paint: Callable[[str, str], str]) -> list[str]:
    """The "Most likely cause" blocks (issue 13), before the findings: the cause, how sure,
    the chain of evidence, the one fix, what would confirm it, and the findings it explains."""
    lines: list[str] = []
    for d in report.diagnoses:
        lines += [
            "",
            paint("bold", f"{d.heading}: {d.cause} {clean_line(d.title)}"),
        ]
        lines += [f"    {clean_line(step)}" for step in d.reasoning]
        if d.remediation:
            lines.append("    The fix:")
            lines += [f"      {n}. {clean_line(s)}" for n, s in enumerate(d.remediation, 1)]
        if d.confirm:
            lines.append("    To confirm it:")
            lines += [f"      - {clean_line(step)}" for step in d.confirm]
        explained = report.explained_shown(d)
        if explained:
            lines.append(f"    {'Explains' if d.takes_findings else 'Would explain'}:")
            lines += [
                f"      {f.severity.label.upper()} {f.id} {clean_line(f.title)}" for f in explained
            ]
    if report.unexplained_note:
        lines += ["", clean_line(report.unexplained_note)]
    return lines


def render_text(report: Report, *, color: bool = False) -> str:
    def paint(style: str, text: str) -> str:
        return f"{COLORS[style]}{text}{RESET}" if color else text

    counts = ", ".join(f"{n} {name}" for name, n in report.counts.items())
    verdict = report.verdict
    lines = [
        f"{paint(verdict.label, verdict.label.upper())}: {report.verdict_text} ({counts})",
        f"Store: {clean_line(report.site_url or 'unknown site')}",
    ]
    if report.source_type is not None and report.source_location is not None:
        lines += [
            f"Source: {clean_line(source_text(report.source_type, report.source_location))}"
            + (f" ({clean_line(report.provenance)})" if report.provenance else ""),
            (
                f"Fingerprint of the redacted status: {report.redacted_fingerprint}"
                if report.redacted
                else f"Fingerprint of the status as received: {report.fingerprint}"
            ),
        ]
    lines += [f"Also used: {clean_line(source_info_text(s))}" for s in other_sources(report)]
    if report.site_report is not None:  # what the diagnosis read in the site's own report
        lines.append(
            "Site report: "
            + "; ".join(
                f"{clean_line(label)} {clean_line(value)}"
                for label, value in report.site_report.summary
            )
        )
    lines += [
        f"Evaluated at {timestamp(report.evaluated_at)} by meum-doctor {report.tool_version} "
        f"(version policy as of {report.policy_as_of.isoformat()})",
        f"Rules: {report.coverage_text}",
    ]
    if report.time_note:
        lines.append(f"Note: {clean_line(report.time_note)}")
    lines += _diagnoses(report, paint)
    shown = report.shown_findings
    if not shown:
        if report.complete:
            lines += ["", paint("healthy", "No problems found.")]
        else:
            # Never more than was checked: say which rules the silence covers.
            lines += ["", f"No problems found by the {report.rules_evaluated} rules that ran."]
    for finding in shown:
        label = finding.severity.label
        marker = paint(label, f"{SEVERITY_MARKERS[label]} {label.upper()}")
        lines += ["", f"{marker} {finding.id} {paint('bold', clean_line(finding.title))}"]
        if finding.explained_by:
            lines.append(paint("dim", f"    (explained by {finding.explained_by}, above)"))
        lines.append(f"    {clean_line(finding.detail)}")
        for name, value in finding.evidence.items():
            lines.append(paint("dim", f"    · {clean_line(name)}: {clean_line(value_text(value))}"))
        if finding.remediation:
            lines.append("    How to fix:")
            lines += [
                f"      {n}. {clean_line(step)}" for n, step in enumerate(finding.remediation, 1)
            ]
        for link in finding.links:
            lines.append(f"    → {clean_line(link.title)}: {clean_line(link.url)}")
    hidden = len(report.findings) - len(shown)
    if hidden:
        lines += [
            "",
            f"({hidden} informational finding{'s' if hidden != 1 else ''} hidden; -v shows them)",
        ]
    for error in report.rule_errors:
        lines += [
            "",
            paint(
                "critical",
                f"Rule {error.rule} ({error.name}) failed to run: {clean_line(error.error)}",
            ),
            "    Its checks are missing from this report; --debug shows the traceback.",
        ]
    lines += ["", f"Configuration: {clean_line(config_text(report.config))}"]
    lines += [
        "",
        "To attach this to a ticket, add --format html -o meum-report.html (or --format "
        "markdown to paste); --redact hides the store's identity.",
    ]
    return "\n".join(lines) + "\n"
