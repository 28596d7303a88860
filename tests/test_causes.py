"""Causes and diagnoses (issue 13): finding ids, the report's first screen in every format,
the causes command and explain, plugins and --rules-dir causes, selection, and failures."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, REPO, assert_one_line_error
from meum_doctor.causes import CAUSES

from meum_doctor.cause import finding_ids

CAUSE_FILE = '''
    from meum_doctor.plugin import Confidence, Diagnosis, cause

    @cause(id="ACME901", name="acme-webhooks")
    def acme(facts):
        """Acme's own explanation of failing webhooks."""
        if not facts.fired("MD501"):
            return None
        return Diagnosis(
            confidence=Confidence.CONFIRMED, title="Acme's proxy eats webhooks",
            explains=facts.ids("MD501") + ("MD999",), reasoning=("Acme knows.",),
            remediation=("Restart the Acme proxy.",),
        )
'''


def check_json(run: Any, *args: str) -> tuple[Any, dict[str, Any]]:
    result = run(["check", *args, "--now", NOW, "-f", "json"])
    return result, json.loads(result.out)


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body))
    return folder


# Finding ids ------------------------------------------------------------------------------


def test_finding_ids_number_a_rules_further_findings_only() -> None:
    assert finding_ids(["MD103", "MD301", "MD103", "MD103"]) == [
        "MD103", "MD301", "MD103-2", "MD103-3"
    ]


def test_findings_get_ids_and_a_second_finding_of_a_rule_gets_a_suffix(
    run: Any, tmp_path: Path
) -> None:
    status = json.loads((EXAMPLES / "degraded.json").read_text())
    status["issues"] = [*status["issues"], "Another thing Meum saw"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    _, report = check_json(run, "--input", str(path))
    ids = [f["id"] for f in report["findings"]]
    assert "MD103" in ids and "MD103-2" in ids and len(set(ids)) == len(ids)
    assert all(f["id"].split("-")[0] == f["rule"] for f in report["findings"])


# The first screen -------------------------------------------------------------------------


def test_disconnected_shows_one_cause_with_its_three_critical_findings(run: Any) -> None:
    result, report = check_json(run, "--demo", "disconnected")
    assert [d["cause"] for d in report["diagnoses"]] == ["MC401"]
    diagnosis = report["diagnoses"][0]
    assert diagnosis["confidence"] == "confirmed" and diagnosis["remediation"]
    critical = [f for f in report["findings"] if f["severity"] == "critical"]
    assert len(critical) == 3
    assert all(f["explained_by"] == "MC401" and f["id"] in diagnosis["explains"] for f in critical)
    assert result.code == 1  # the exit code still follows the worst finding, explained or not


def test_degraded_opens_with_a_likely_cause_and_what_would_confirm_it(run: Any) -> None:
    result = run(["check", "--demo", "degraded", "--now", NOW])
    body = result.out.split("\n\n", 1)[1]
    assert body.startswith("Most likely cause: MC101 ")
    assert body.index("Most likely cause") < body.index("[!] HIGH")
    assert "System Status report" in body.split("[!]")[0]
    assert "(explained by MC101, above)" in result.out
    assert result.code == 1


def test_a_healthy_store_gets_no_diagnosis(run: Any) -> None:
    result, report = check_json(run, "--demo", "healthy")
    assert report["diagnoses"] == [] and result.code == 0
    assert all(f["explained_by"] is None for f in report["findings"])
    text = run(["check", "--demo", "healthy", "--now", NOW]).out
    assert "cause" not in text.lower()


def test_possible_causes_never_take_findings_away(run: Any) -> None:
    _, report = check_json(run, "--demo", "degraded")
    possible = [d for d in report["diagnoses"] if d["confidence"] == "possible"]
    assert possible  # MC102: a deactivated plugin looks the same from Meum's side
    taken = {f["id"]: f["explained_by"] for f in report["findings"]}
    for diagnosis in possible:
        assert all(taken[i] != diagnosis["cause"] for i in diagnosis["explains"])


def test_diagnoses_come_strongest_first(run: Any) -> None:
    _, report = check_json(run, "--demo", "degraded")
    order = {"confirmed": 0, "likely": 1, "possible": 2}
    ranks = [order[d["confidence"]] for d in report["diagnoses"]]
    assert ranks == sorted(ranks)


def test_no_cause_for_the_high_findings_is_said_plainly(run: Any, tmp_path: Path) -> None:
    status = json.loads((EXAMPLES / "healthy.json").read_text())
    status["payout_configured"] = False  # MD106, high: no cause explains it
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    text = run(["check", "--input", str(path), "--now", NOW]).out
    assert "No known cause explains the critical and high findings" in text
    markdown = run(["check", "--input", str(path), "--now", NOW, "-f", "markdown"]).out
    assert "## Diagnosis" in markdown and "No known cause explains" in markdown


def test_markdown_puts_the_diagnosis_first_and_marks_explained_findings(run: Any) -> None:
    out = run(["check", "--demo", "disconnected", "--now", NOW, "-f", "markdown"]).out
    assert out.index("## Diagnosis") < out.index("## Fix these first") < out.index("## Findings")
    assert "### Confirmed cause: MC401 credentials-revoked" in out
    fix_first = out.split("## Fix these first")[1].split("## Findings")[0]
    assert "MD101" not in fix_first and "MD301" in fix_first  # MD301 no cause explains
    assert out.count("*Explained by MC401 (see Diagnosis).*") == 5


# Documentation ----------------------------------------------------------------------------


def test_causes_command_lists_every_cause(run: Any) -> None:
    text = run(["causes"]).out
    assert [line.split()[0] for line in text.splitlines()[1:]] == [c.id for c in CAUSES]
    listed = json.loads(run(["causes", "-f", "json"]).out)
    assert [c["id"] for c in listed] == [c.id for c in CAUSES]
    assert listed[0]["name"] == "site-unreachable-from-meum"


def test_docs_causes_md_is_generated(run: Any) -> None:
    assert (REPO / "docs" / "causes.md").read_text() == run(["causes", "-f", "markdown"]).out, (
        "docs/causes.md is out of date: meum-doctor causes --format markdown > docs/causes.md"
    )


def test_explain_a_cause(run: Any) -> None:
    result = run(["explain", "mc401"])
    assert result.code == 0
    assert result.out.startswith("MC401 credentials-revoked\n")
    assert "Rules it out" in result.out
    unknown = run(["explain", "MC999"])
    assert unknown.code == 2 and "no rule or cause 'MC999'" in unknown.err


# Plugins, rules dirs, selection, failures ---------------------------------------------------


def test_a_rules_dir_cause_diagnoses_and_unknown_ids_are_dropped(run: Any, tmp_path: Path) -> None:
    folder = write(tmp_path / "causes", "acme.py", CAUSE_FILE)
    _, report = check_json(run, "--demo", "degraded", "--rules-dir", str(folder))
    first = report["diagnoses"][0]
    assert first["cause"] == "ACME901" and first["explains"] == ["MD501"]
    webhooks = next(f for f in report["findings"] if f["rule"] == "MD501")
    assert webhooks["explained_by"] == "ACME901"  # confirmed beats likely
    listed = run(["causes", "--rules-dir", str(folder)]).out
    assert "ACME901" in listed and "rules-dir" in listed


def test_an_entry_point_cause_is_discovered(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_causes.py").write_text(textwrap.dedent(CAUSE_FILE))
    info = tmp_path / "acme_meum_causes-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-meum-causes\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[meum_doctor.causes]\nacme = acme_causes\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        listed = json.loads(run(["causes", "-f", "json"]).out)
    finally:
        sys.modules.pop("acme_causes", None)
    assert {"id": "ACME901", "origin": "plugin acme-meum-causes"}.items() <= listed[-1].items()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (CAUSE_FILE.replace("ACME901", "MC901"), "has a reserved ID"),
        (CAUSE_FILE + "\n    CAUSES = ['not a cause']\n", "is not a cause"),
        (CAUSE_FILE.replace('"""Acme\'s own explanation of failing webhooks."""', "pass"),
         "has no docstring"),
    ],
)
def test_bad_causes_exit_2_naming_the_culprit(
    run: Any, tmp_path: Path, body: str, message: str
) -> None:
    folder = write(tmp_path / "bad", "acme.py", body)
    result = run(["check", "--demo", "healthy", "--rules-dir", str(folder)])
    assert result.code == 2
    assert_one_line_error(result)
    assert message in result.err


def test_rules_and_causes_share_one_id_space_across_files(run: Any, tmp_path: Path) -> None:
    rule = '''
        from meum_doctor.plugin import Category, Finding, Severity, rule

        @rule(id="ACME901", name="acme-rule", category=Category.DATA, severity=Severity.LOW)
        def acme_rule(status, ctx):
            """A rule with the cause's ID."""
            return ()
    '''
    folder = write(tmp_path / "both", "a_rule.py", rule)
    write(folder, "b_cause.py", CAUSE_FILE)
    result = run(["causes", "--rules-dir", str(folder)])
    assert result.code == 2 and "duplicate ID ACME901" in result.err


def test_select_and_ignore_take_cause_ids(run: Any) -> None:
    _, only = check_json(run, "--demo", "degraded", "--select", "MC201")
    assert [d["cause"] for d in only["diagnoses"]] == ["MC201"]
    assert len(only["findings"]) == 9  # every rule still ran
    _, none = check_json(run, "--demo", "degraded", "--ignore", "MC")
    assert none["diagnoses"] == [] and all(f["explained_by"] is None for f in none["findings"])
    _, rules_only = check_json(run, "--demo", "degraded", "--select", "MD501")
    assert [f["rule"] for f in rules_only["findings"]] == ["MD501"]
    assert rules_only["diagnoses"] == []  # MC101 needs MD301 too, which was not selected
    bad = run(["check", "--demo", "degraded", "--select", "MC999"])
    assert bad.code == 2 and "matches no rule or cause" in bad.err


def test_a_cause_that_raises_is_contained(run: Any, tmp_path: Path) -> None:
    body = CAUSE_FILE.replace("if not facts.fired", "1 / 0\n        if not facts.fired")
    folder = write(tmp_path / "raising", "acme.py", body)
    result, report = check_json(run, "--demo", "degraded", "--rules-dir", str(folder))
    assert {"rule": "ACME901", "name": "acme-webhooks",
            "error": "ZeroDivisionError: division by zero"} in report["rule_errors"]
    assert [d["cause"] for d in report["diagnoses"]][:1] == ["MC101"]  # the others still ran
    # Every rule with its evidence ran (the site report's rules wait for one): a cause's
    # failure is not a rule's.
    coverage = report["rule_coverage"]
    assert coverage["evaluated"] == coverage["selected"] - len(report["not_evaluated"])
    assert coverage["failed"] == ["ACME901"]
    assert report["verdict"] == "incomplete" or result.code == 1
    assert "Traceback" not in result.err


def test_batch_counts_stores_per_cause(run: Any, tmp_path: Path) -> None:
    for name, copies in (("degraded", 2), ("disconnected", 1), ("healthy", 1)):
        for n in range(copies):
            (tmp_path / f"{name}{n}.json").write_text((EXAMPLES / f"{name}.json").read_text())
    summary = json.loads(run(["batch", str(tmp_path), "--now", NOW, "-f", "json"]).out)
    assert summary["causes"] == [
        {"cause": "MC101", "name": "site-unreachable-from-meum", "stores": 2},
        {"cause": "MC201", "name": "site-unmaintained", "stores": 2},
        {"cause": "MC401", "name": "credentials-revoked", "stores": 1},
    ]  # MC102 is only possible for the degraded stores: no count
    text = run(["batch", str(tmp_path), "--now", NOW]).out
    assert "Most likely causes across the fleet:\n  2 stores: MC101 site-unreachable-from-meum" in text


def test_the_readme_cause_example_works(run: Any, tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Writing a cause", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    folder = write(tmp_path / "readme", "acme.py", code)
    status = json.loads((EXAMPLES / "healthy.json").read_text())
    status["webhook_health"] = "FAILING"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    _, report = check_json(run, "--input", str(path), "--rules-dir", str(folder))
    assert [(d["cause"], d["confidence"], d["explains"]) for d in report["diagnoses"]] == [
        ("ACME901", "likely", ["MD501"])
    ]


def test_diagnosis_texts_are_inert_and_redacted(run: Any, tmp_path: Path) -> None:
    from htmlcheck import assert_inert, parse_html
    from markdown_it import MarkdownIt
    from test_report import PAYLOAD

    status = json.loads((EXAMPLES / "healthy.json").read_text())
    status.update(health_status="DEGRADED", issues=["Webhook trouble at shop.example " + PAYLOAD])
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    _, report = check_json(run, "--input", str(path))
    assert report["diagnoses"][0]["cause"] == "MC104"
    assert any(PAYLOAD[:20] in step for step in report["diagnoses"][0]["reasoning"])
    html = run(["check", "--input", str(path), "--now", NOW, "-f", "html"]).out
    assert_inert(parse_html(html), allowed_hosts=("lumen-coffee.example",))
    markdown = run(["check", "--input", str(path), "--now", NOW, "-f", "markdown"]).out
    diagnosis = markdown.split("## Diagnosis")[1].split("## Fix these first")[0]
    assert_inert(parse_html(MarkdownIt("gfm-like").render(diagnosis)))
    text = run(["check", "--input", str(path), "--now", NOW]).out
    assert "\x1b" not in text and "\u202e" not in text
    _, redacted = check_json(run, "--input", str(path), "--redact")
    assert "shop.example" not in json.dumps(redacted["diagnoses"])


def test_a_configuration_may_ignore_causes(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "meum-doctor.toml"
    config.write_text('ignore = ["MC101", "MD505"]\n')
    _, report = check_json(run, "--demo", "degraded", "--config", str(config))
    assert "MC101" not in [d["cause"] for d in report["diagnoses"]]
    assert report["config"]["ignored_rules"] == ["MD505"]


def test_remaining_findings_follow_the_experts_order(run: Any) -> None:
    _, report = check_json(run, "--demo", "degraded", "--ignore", "MC")
    high_versions = [f["rule"] for f in report["findings"]
                     if f["severity"] == "high" and f["category"] == "versions"]
    assert high_versions == ["MD203", "MD205", "MD201"]  # WordPress, WooCommerce, then plugins


def test_batch_markdown_and_html_show_the_causes(run: Any, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text((EXAMPLES / "disconnected.json").read_text())
    markdown = run(["batch", str(tmp_path), "--now", NOW, "-f", "markdown"]).out
    assert "## Most likely causes across the fleet" in markdown
    assert "| MC401 | credentials-revoked | 1 |" in markdown
    html = run(["batch", str(tmp_path), "--now", NOW, "-f", "html"]).out
    assert '<tr data-cause="MC401">' in html
