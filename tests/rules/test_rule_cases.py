"""Data-driven rule tests: one JSON case table per rule in ``cases/``.

Each case gives a status (overrides on top of the healthy example, or on an empty status
with ``"base": "empty"``; ``"remove"`` deletes fields), an optional evaluation time and
configuration, and the exact findings (rule ID, severity) the rule must yield, in order;
optionally words the titles must contain (``title_contains``), the remediation steps must
or must not contain (``steps_contain``, ``steps_exclude``), and the titles and details must
not contain (``text_exclude``), and evidence values (``evidence``).
Only the rule under test runs, so a case says precisely when that rule fires.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from meum_doctor.rules import RULES

from meum_doctor.config import config_from_mapping, rule_settings
from meum_doctor.engine import Evaluation, discover, evaluate
from meum_doctor.status import from_mapping, parse_datetime

CASES = Path(__file__).parent / "cases"
HEALTHY = json.loads((Path(__file__).parents[2] / "examples" / "healthy.json").read_text())
DEFAULT_NOW = "2026-11-28T12:00:00Z"


def _cases() -> list[Any]:
    params = []
    for file in sorted(CASES.glob("*.json")):
        table = json.loads(file.read_text())
        for case in table["cases"]:
            params.append(pytest.param(table["rule"], case, id=f"{table['rule']}: {case['name']}"))
    return params


def run_rule(rule_id: str, case: dict[str, Any]) -> Evaluation:
    base = {} if case.get("base") == "empty" else dict(HEALTHY)
    data = {**base, **case.get("status", {})}
    for name in case.get("remove", []):
        data.pop(name, None)
    status = from_mapping(data)
    config = config_from_mapping(case.get("config", {}))
    rules = [r for r in discover(plugins=False) if r.id == rule_id]
    now: datetime = parse_datetime(case.get("now", DEFAULT_NOW))
    evaluation = evaluate(status, rules, config, rule_settings(config, rules), now)
    assert evaluation.failures == ()
    return evaluation


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(rule_id: str, case: dict[str, Any]) -> None:
    evaluation = run_rule(rule_id, case)
    found = [(f.rule.id, f.severity.label) for f in evaluation.findings]
    assert found == [tuple(item) for item in case["expect"]]
    for needle in case.get("title_contains", []):
        assert any(needle in f.finding.title for f in evaluation.findings), needle
    steps = [step for f in evaluation.findings for step in f.finding.remediation]
    for needle in case.get("steps_contain", []):
        assert any(needle in step for step in steps), needle
    for needle in case.get("steps_exclude", []):
        assert not any(needle in step for step in steps), needle
    for name, value in case.get("evidence", {}).items():
        assert any(f.finding.evidence.get(name, object()) == value for f in evaluation.findings)
    texts = [f"{f.finding.title} {f.finding.detail}" for f in evaluation.findings]
    for needle in case.get("text_exclude", []):
        assert not any(needle in text for text in texts), needle


def test_every_rule_has_a_case_table_with_firing_and_quiet_cases() -> None:
    tables = {}
    for file in CASES.glob("*.json"):
        table = json.loads(file.read_text())
        tables[table["rule"]] = table
    assert set(tables) == {r.id for r in RULES}
    for rule_id, table in tables.items():
        assert any(case["expect"] for case in table["cases"]), f"{rule_id} never fires"
        assert any(not case["expect"] for case in table["cases"]), f"{rule_id} never stays quiet"
