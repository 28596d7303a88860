"""The JSON format: the report serialized directly (never through a template).

Its shape is a contract, described by the JSON Schema shipped in
``meum_doctor/schemas/report.schema.json`` (``meum-doctor schema report`` prints it): keys may
be added, never change meaning. ``schema_version`` 2 added ``sources`` (every document the
report used, with its provenance and fingerprint) and ``not_evaluated``; every key of
version 1 means what it meant.
"""

from __future__ import annotations

import json
from typing import Any

from meum_doctor.render.common import timestamp
from meum_doctor.report import SCHEMA_VERSION, ConfigUsed, Report


def report_dict(report: Report) -> dict[str, Any]:
    """The report as the JSON-able dictionary of :data:`~meum_doctor.report.SCHEMA_VERSION`."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "meum-doctor", "version": report.tool_version},
        "generated_at": timestamp(report.generated_at),
        "evaluated_at": timestamp(report.evaluated_at),
        # The Meum status's source, as in v1; null in a run without a Meum status.
        "source": {
            "type": report.source_type,
            "location": report.source_location,
            "request_id": report.request_id,
            "fetched_at": timestamp(report.fetched_at) if report.fetched_at else None,
            "origin": report.origin,
        }
        if report.source_type is not None
        else None,
        # Every document the report used (v2); "source" and "fingerprint" above and below
        # keep describing the Meum status alone, as in v1.
        "sources": [
            {
                "kind": s.kind,
                "type": s.type,
                "location": s.location,
                "retrieved_at": timestamp(s.retrieved_at) if s.retrieved_at else None,
                "fingerprint": s.fingerprint,
                "request_id": s.request_id,
                # Only where there is more to say (release data: which, and why).
                **({"note": s.note} if s.note else {}),
            }
            for s in report.sources
        ],
        # Which moment the status was judged against, and why (a saved status's is said).
        "evaluation_time": {"basis": report.time_basis, "note": report.time_note},
        # Under --redact the body's fingerprint is null: it would let anyone confirm a guess
        # of the store; redacted_fingerprint is that of the redacted status instead.
        "fingerprint": report.fingerprint,
        "redacted_fingerprint": report.redacted_fingerprint,
        "verdict": report.verdict,
        "counts": dict(report.counts),
        # What most likely causes the findings, strongest first (issue 13); each explains
        # finding ids, and each finding says which cause explains it ("explained_by").
        "diagnoses": [
            {
                "cause": d.cause,
                "name": d.name,
                "confidence": d.confidence,
                "title": d.title,
                "reasoning": list(d.reasoning),
                "explains": list(d.explains),
                "remediation": list(d.remediation),
                "confirm": list(d.confirm),
            }
            for d in report.diagnoses
        ],
        "findings": [
            {
                "id": f.id,
                "explained_by": f.explained_by,
                "rule": f.rule,
                "name": f.name,
                "category": f.category,
                "severity": f.severity.label,
                "title": f.title,
                "detail": f.detail,
                "evidence": f.evidence,
                "remediation": list(f.remediation),
                "links": [{"title": link.title, "url": link.url} for link in f.links],
            }
            for f in report.findings
        ],
        "rule_errors": [
            {"rule": e.rule, "name": e.name, "error": e.error} for e in report.rule_errors
        ],
        "rules": [{"id": r.id, "name": r.name, "origin": r.origin} for r in report.rules],
        # Rules that did not run because a document they need was absent (v2); such a rule
        # never makes a run incomplete.
        "not_evaluated": [
            {"rule": n.rule, "needs": list(n.needs)} for n in report.not_evaluated
        ],
        # "rules" lists the rules selected to run; this says how much of the rule set that is.
        "rule_coverage": {
            "evaluated": report.rules_evaluated,
            "selected": len(report.rules),
            "available": report.rules_available,
            "not_selected": list(report.not_selected),
            "failed": list(report.failed_rules),
            "complete": report.complete,
        },
        "policy": {"as_of": report.policy_as_of.isoformat()},
        "redacted": report.redacted,
        "fail_on": report.fail_on.label if report.fail_on is not None else "never",
        "config": config_dict(report.config),
        "status": report.status,
        "parse_problems": [
            {"field": p.field, "value": p.value, "problem": p.problem}
            for p in report.parse_problems
        ],
        "parse_problems_omitted": report.parse_problems_omitted,
        # The site's own System Status report (issue 12): null without one.
        "site_report": site_report_dict(report),
        # Said instead of the verdict's own words when they would claim too much.
        "verdict_note": report.verdict_note,
    }


def site_report_dict(report: Report) -> dict[str, Any] | None:
    """The site report as parsed (the model), what the diagnosis used of it, and its
    fingerprint; its body only with --include-raw."""
    view = report.site_report
    if view is None:
        return None
    data: dict[str, Any] = {
        "form": view.form,
        "generated_at": timestamp(view.generated_at) if view.generated_at else None,
        "fingerprint": view.fingerprint,
        "shared_redacted": view.shared_redacted,
        "used": [{"label": label, "value": value} for label, value in view.summary],
        "model": view.model,
    }
    if report.include_raw:
        data["raw"] = view.raw
    return data


def config_dict(config: ConfigUsed | None) -> dict[str, Any] | None:
    """The configuration file in force, as JSON reports and summaries record it."""
    if config is None:
        return None
    return {
        "path": config.path,
        "sha256": config.sha256,
        "ignored_rules": list(config.ignored_rules),
        "values_added": config.values_added,
    }


def render_json(report: Report) -> str:
    # allow_nan=False: NaN is not JSON; the parser already turned such constants into strings.
    # ensure_ascii: a JSON report cat-ed to a terminal must not carry raw C1 or bidi controls.
    # A large status makes the whole document compact: indenting it could multiply its size.
    indent = None if report.raw_compact else 2
    return json.dumps(report_dict(report), indent=indent, ensure_ascii=True, allow_nan=False) + "\n"
