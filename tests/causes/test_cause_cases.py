"""Data-driven cause tests: one JSON case table per cause in ``cases/`` (issue 13).

A case is one of two kinds:

- **synthetic**: ``"findings"`` lists the findings of the run, in order, each a rule ID or
  ``{"rule": ID, "severity": …, "title": …, "evidence": {…}}`` (a rule not on this branch,
  such as the site report's MD107 or MD304, is stood in for by a rule of that ID);
  ``"quiet"`` lists rules that ran and found nothing; ``"site_report": true`` says the run had
  a site report. The findings are made directly as the engine's ``RuleFinding`` objects and
  weighed by every built-in cause, through the same ``facts_of`` and ``diagnose`` as a run.
- **example**: ``"example": NAME`` runs the whole pipeline (every rule and cause) on the
  bundled example at the suite's fixed time.

``"expect"`` is what the table's cause concludes: null (no diagnosis), or its
``"confidence"`` and the finding ids it ``"explains"`` (as a set; order is presentation).
``"also"`` optionally names other causes that must (``{"MC101": "likely"}``) or must not
(``{"MC101": null}``) be diagnosed in the same run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from meum_doctor.causes import CAUSES
from meum_doctor.rules import RULES

from meum_doctor import app
from meum_doctor.engine import Evaluation, RuleFinding
from meum_doctor.reasoning import diagnose, facts_of
from meum_doctor.rule import Category, Finding, Rule, Severity
from meum_doctor.sources import Source

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).parents[2]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
BUILTIN = {r.id: r for r in RULES}


def _rule(rule_id: str) -> Rule:
    """The built-in rule of that ID, or a stand-in (the site report's rules are written on
    other branches: a cause reads findings by rule ID, so a stand-in is all it sees)."""
    if rule_id in BUILTIN:
        return BUILTIN[rule_id]
    return Rule(
        id=rule_id, name="stand-in", category=Category.DATA, severity=Severity.HIGH,
        check=lambda *args: (), summary="A stand-in.",
    )


def _finding(spec: str | dict[str, Any]) -> RuleFinding:
    spec = {"rule": spec} if isinstance(spec, str) else spec
    rule = _rule(spec["rule"])
    severity = Severity.parse(spec["severity"]) if "severity" in spec else rule.severity
    finding = Finding(
        title=spec.get("title", f"{spec['rule']} found something"),
        detail="",
        evidence=spec.get("evidence", {}),
    )
    return RuleFinding(rule=rule, severity=severity, finding=finding)


def synthetic(case: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """cause ID -> (confidence, ids explained) for a run of the case's findings."""
    findings = tuple(_finding(spec) for spec in case["findings"])
    ran = {f.rule.id: f.rule for f in findings} | {q: _rule(q) for q in case.get("quiet", ())}
    evaluation = Evaluation(findings=findings, failures=())
    models = {"site-report": object()} if case.get("site_report") else {}
    reasoning = diagnose(CAUSES, facts_of(evaluation, list(ran.values()), models, NOW))
    assert not reasoning.failures, reasoning.failures
    return {
        d.cause.id: (d.diagnosis.confidence.label, set(d.diagnosis.explains))
        for d in reasoning.diagnoses
    }


def example(name: str) -> dict[str, tuple[str, set[str]]]:
    settings = app.prepare(
        config_path=None, rules_dirs=(), selected=(), ignored=(), fail_on=None, now=NOW
    )
    path = str(REPO / "examples" / f"{name}.json")
    report = app.diagnose(app.acquire_local([Source("meum-status", "file", path)]), settings)
    return {d.cause: (d.confidence, set(d.explains)) for d in report.diagnoses}


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("MC*.json")):
        table = json.loads(path.read_text())
        for case in table["cases"]:
            params.append(pytest.param(table["cause"], case, id=f"{table['cause']}-{case['name']}"))
    return params


@pytest.mark.parametrize(("cause", "case"), _cases())
def test_cause_case(cause: str, case: dict[str, Any]) -> None:
    found = example(case["example"]) if "example" in case else synthetic(case)
    expect = case["expect"]
    if expect is None:
        assert cause not in found, found.get(cause)
    else:
        assert cause in found, f"{cause} not diagnosed; found {found}"
        assert found[cause] == (expect["confidence"], set(expect["explains"]))
    for other, confidence in case.get("also", {}).items():
        if confidence is None:
            assert other not in found, found.get(other)
        else:
            assert found.get(other, ("none",))[0] == confidence


def test_every_builtin_cause_has_a_case_table() -> None:
    tables = {p.stem for p in CASES.glob("MC*.json")}
    assert tables == {c.id for c in CAUSES}
    for path in CASES.glob("MC*.json"):
        cases = json.loads(path.read_text())["cases"]
        # Confirming (or at least diagnosing) and ruling out, every one.
        assert any(c["expect"] is not None for c in cases), path.name
        assert any(c["expect"] is None for c in cases), path.name
