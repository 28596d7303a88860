"""Data-driven rule tests: one JSON case table per rule in ``cases/``.

Each case gives a status (overrides on top of the healthy example, or on an empty status
with ``"base": "empty"``; ``"remove"`` deletes fields), an optional evaluation time and
configuration, and the exact findings (rule ID, severity) the rule must yield, in order;
optionally words the titles must contain (``title_contains``), the remediation steps must
or must not contain (``steps_contain``, ``steps_exclude``), and the titles and details must
not contain (``text_exclude``), and evidence values (``evidence``).
Only the rule under test runs, so a case says precisely when that rule fires.

Rules that read the site's System Status report get one from the case:

- ``"site_report": {...}``: overrides deep-merged (objects merge, anything else replaces)
  into the REST JSON of a healthy site (``site_reports/healthy-site.json``, the same store as
  the healthy status); ``"site_report_remove": ["environment.wp_cron", ...]`` deletes paths;
- ``"site_report_file": "NAME"``: a report as a file, from ``site_reports/`` here, the
  bundled ``examples/site-reports/`` or ``tests/fixtures/site_reports/`` (any form);
- ``"no_status": true``: the run has no Meum status (the site report alone).

Without either site-report key the run has no site report, so a rule that needs one is not
evaluated (and yields nothing): a case table can say so.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from meum_doctor.rules import RULES

from meum_doctor.config import config_from_mapping, rule_settings
from meum_doctor.documents import SITE_REPORT
from meum_doctor.engine import Evaluation, discover, evaluate
from meum_doctor.evidence import Evidence
from meum_doctor.status import from_mapping, parse_datetime

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).parents[2]
HEALTHY = json.loads((REPO / "examples" / "healthy.json").read_text())
SITE_REPORTS = (
    Path(__file__).parent / "site_reports",
    REPO / "examples" / "site-reports",
    REPO / "tests" / "fixtures" / "site_reports",
)
DEFAULT_NOW = "2026-11-28T12:00:00Z"


def _merge(base: Any, overrides: Any) -> Any:
    if isinstance(base, dict) and isinstance(overrides, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in overrides.items()}}
    return overrides


def _remove(data: dict[str, Any], path: str) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        data = data[parent]
    data.pop(name, None)


def site_report_body(case: dict[str, Any]) -> bytes | None:
    """The site report a case gives, as a body; None when it gives none."""
    if "site_report_file" in case:
        for folder in SITE_REPORTS:
            if (folder / case["site_report_file"]).is_file():
                return (folder / case["site_report_file"]).read_bytes()
        raise FileNotFoundError(case["site_report_file"])
    if "site_report" not in case and "site_report_remove" not in case:
        return None
    base = json.loads((SITE_REPORTS[0] / "healthy-site.json").read_text())
    data = _merge(base, case.get("site_report", {}))
    for path in case.get("site_report_remove", []):
        _remove(data, path)
    return json.dumps(data).encode()


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
    models: dict[str, object] = {}
    if not case.get("no_status"):
        models["meum-status"] = from_mapping(data)
    body = site_report_body(case)
    if body is not None:
        from meum_doctor.sitereport import parse_site_report

        models[SITE_REPORT] = parse_site_report(body)[0]
    evidence = Evidence(models=models)
    config = config_from_mapping(case.get("config", {}))
    rules = [r for r in discover(plugins=False) if r.id == rule_id]
    now: datetime = parse_datetime(case.get("now", DEFAULT_NOW))
    evaluation = evaluate(evidence, rules, config, rule_settings(config, rules), now)
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


def test_the_site_report_of_a_case_is_the_healthy_site_with_its_overrides() -> None:
    from meum_doctor.sitereport import parse_site_report

    healthy, problems = parse_site_report(site_report_body({"site_report": {}}) or b"")
    assert problems == []
    assert healthy.wp_cron is True and healthy.remote_post is not None and healthy.remote_post.ok
    assert healthy.site_url == HEALTHY["site_url"]
    assert healthy.wordpress_version == HEALTHY["wordpress_version"]
    changed, _ = parse_site_report(site_report_body({
        "site_report": {"environment": {"wp_cron": False}},
        "site_report_remove": ["environment.remote_post_successful"],
    }) or b"")
    assert changed.wp_cron is False
    assert site_report_body({}) is None
