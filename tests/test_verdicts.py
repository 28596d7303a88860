"""Verdicts that say no more than was checked, severity overrides of graded rules, and the
configuration mistakes that used to pass silently (issue 10, items 8, 10, 11, 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, assert_one_line_error
from markdown_it import MarkdownIt
from meum_doctor.rules import RULES

#: A Meum status alone runs the rules of the status; those of the site's report wait.
TOTAL = len(RULES)
OF_STATUS = sum(1 for r in RULES if r.needs == ("meum-status",))
WAITING = TOTAL - OF_STATUS

RULES_DIRS = Path(__file__).parent / "rules_dirs"
HEALTHY = str(EXAMPLES / "healthy.json")
DEGRADED = str(EXAMPLES / "degraded.json")


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "meum-doctor.toml"
    path.write_text(text)
    return str(path)


def check(run: Any, *args: str) -> Any:
    return run(["check", "--input", HEALTHY, "--now", NOW, *args])


# Item 8: verdicts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--ignore", "MD"], ["--ignore MD (command line)"]),
        (["--select", "MD501", "--ignore", "MD501"],
         ["--select MD501 (command line)", "--ignore MD501 (command line)"]),
        (["--select", "md5", "--ignore", "MD5"], ["--select md5 (command line)"]),
    ],
)
def test_a_selection_that_leaves_no_rule_is_a_usage_error(
    run: Any, args: list[str], named: list[str]
) -> None:
    result = check(run, *args)
    assert result.code == 2
    assert_one_line_error(result)
    assert "no rule left to run after" in result.err
    for text in named:
        assert text in result.err
    assert result.out == ""


def test_an_empty_selection_from_the_file_names_the_file(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path, 'select = ["MD5"]\nignore = ["MD50"]\n')
    result = check(run, "--config", path)
    assert result.code == 2
    assert f"select = ['MD5'] (configuration file {path})" in result.err
    assert f"ignore = ['MD50'] (configuration file {path})" in result.err


def test_a_failed_rule_makes_the_run_incomplete_never_healthy(run: Any) -> None:
    raising = str(RULES_DIRS / "raising")
    text = check(run, "--rules-dir", raising)
    assert text.code == 5
    assert text.out.startswith("INCOMPLETE: ")
    assert "HEALTHY" not in text.out and "No problems found." not in text.out
    assert "Rule MD798 (buggy) failed to run" in text.out
    assert f"Rules: {OF_STATUS} of {TOTAL + 1} rules ran (" in text.out
    assert f"not evaluated for want of evidence: {WAITING} wait for a site report" in text.out
    assert text.out.split("Rules: ", 1)[1].split("\n", 1)[0].endswith("; 1 failed: MD798)")

    report = json.loads(check(run, "--rules-dir", raising, "-f", "json").out)
    assert report["verdict"] == "incomplete"
    assert report["rule_errors"][0]["rule"] == "MD798"
    assert report["rule_coverage"] == {
        "evaluated": OF_STATUS, "selected": TOTAL + 1, "available": TOTAL + 1, "not_selected": [],
        "failed": ["MD798"], "complete": False,
    }
    markdown = check(run, "--rules-dir", raising, "-f", "markdown")
    assert markdown.code == 5 and "**Verdict: INCOMPLETE**" in markdown.out
    html = check(run, "--rules-dir", raising, "-f", "html")
    assert html.code == 5 and 'data-verdict="incomplete"' in html.out


def test_found_problems_win_over_an_incomplete_run(run: Any) -> None:
    result = run(["check", "--input", DEGRADED, "--now", NOW, "-f", "json",
                  "--rules-dir", str(RULES_DIRS / "raising")])
    assert result.code == 1
    report = json.loads(result.out)
    assert report["verdict"] == "attention"  # incomplete replaces only healthy
    assert report["rule_coverage"]["failed"] == ["MD798"]


def test_without_fail_on_an_incomplete_run_still_exits_5(run: Any) -> None:
    result = run(["check", "--input", DEGRADED, "--now", NOW, "--fail-on", "never",
                  "--rules-dir", str(RULES_DIRS / "raising")])
    assert result.code == 5


def test_a_complete_run_says_every_rule_ran(run: Any) -> None:
    result = check(run)
    assert result.code == 0
    # Every rule whose evidence is there ran; the site report's rules wait for one.
    assert (
        f"Rules: {OF_STATUS} of {TOTAL} rules ran (not evaluated for want of evidence: "
        f"{WAITING} wait for a site report" in result.out
    )
    assert f"No problems found by the {OF_STATUS} rules that ran." in result.out
    coverage = json.loads(check(run, "-f", "json").out)["rule_coverage"]
    assert coverage["failed"] == [] and coverage["not_selected"] == []
    assert coverage["evaluated"] == OF_STATUS and coverage["available"] == TOTAL


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_a_partial_selection_is_stated_in_every_format(run: Any, fmt: str) -> None:
    result = check(run, "--select", "MD5", "-f", fmt)
    assert result.code == 0
    if fmt == "json":
        coverage = json.loads(result.out)["rule_coverage"]
        assert (coverage["evaluated"], coverage["available"]) == (5, TOTAL)
        selected = sum(1 for r in RULES if r.id.startswith("MD5"))
        assert len(coverage["not_selected"]) == TOTAL - selected
        assert "MD101" in coverage["not_selected"]
        return
    text = result.out
    if fmt == "markdown":
        text = MarkdownIt("gfm-like").render(text)
    assert f"5 of {TOTAL} rules ran" in text
    assert f"{TOTAL - sum(1 for r in RULES if r.id.startswith('MD5'))} not selected" in text
    assert "No problems found." not in text
    assert "by the 5 rules that ran" in text


def test_batch_counts_and_shows_an_incomplete_store(run: Any) -> None:
    raising = str(RULES_DIRS / "raising")
    result = run(["batch", HEALTHY, "--now", NOW, "-f", "json", "--rules-dir", raising])
    assert result.code == 5
    summary = json.loads(result.out)
    assert summary["totals"]["incomplete"] == 1 and summary["totals"]["healthy"] == 0
    assert summary["stores"][0]["verdict"] == "incomplete"
    assert summary["stores"][0]["failed_rules"] == ["MD798"]
    text = run(["batch", HEALTHY, "--now", NOW, "--rules-dir", raising])
    assert text.code == 5
    assert "INCOMPLETE" in text.out and "failed to run: MD798" in text.out
    markdown = run(["batch", HEALTHY, "--now", NOW, "-f", "markdown", "--rules-dir", raising])
    assert "| Incomplete |" in markdown.out


def test_batch_exit_code_precedence(run: Any) -> None:
    raising = str(RULES_DIRS / "raising")
    # A store with problems at --fail-on wins over an incomplete one.
    assert run(["batch", HEALTHY, DEGRADED, "--now", NOW, "--rules-dir", raising]).code == 1
    assert run(["batch", HEALTHY, "--now", NOW, "--rules-dir", raising,
                "--fail-on", "never"]).code == 5
    assert run(["batch", HEALTHY, "--now", NOW]).code == 0


# Item 10: severity overrides of graded rules ----------------------------------------------


def md301(run: Any, path: str) -> list[tuple[str, str]]:
    result = run(["check", "--config", path, "--input", DEGRADED, "--now", NOW, "-f", "json",
                  "--select", "MD301"])
    return [(f["rule"], f["severity"]) for f in json.loads(result.out)["findings"]]


def test_an_override_sets_the_top_level_and_lower_grades_keep_their_distance(
    run: Any, tmp_path: Path
) -> None:
    # The example was last seen 29 hours before NOW.
    override = '[rules.MD301]\nseverity = "critical"\nhigh_after_hours = 48\n'
    assert md301(run, write(tmp_path, override)) == [("MD301", "high")]  # medium grade, +1
    override = '[rules.MD301]\nseverity = "critical"\nhigh_after_hours = 28\n'
    assert md301(run, write(tmp_path, override)) == [("MD301", "critical")]  # the top grade
    override = '[rules.MD301]\nseverity = "low"\n'
    assert md301(run, write(tmp_path, override)) == [("MD301", "info")]  # never below info


def test_overrides_apply_to_every_graded_rule(run: Any, tmp_path: Path) -> None:
    # MD201's grades: below the minimum is high (its default), behind the latest low.
    path = write(tmp_path, '[rules.MD202]\nseverity = "medium"\n')
    result = run(["check", "--config", path, "--input", DEGRADED, "--now", NOW, "-f", "json",
                  "--select", "MD202"])
    findings = json.loads(result.out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("MD202", "info")]


def test_graded_severity() -> None:
    from meum_doctor.rule import Severity as S
    from meum_doctor.rule import graded_severity

    assert graded_severity(S.HIGH, None, S.MEDIUM) is S.MEDIUM
    assert graded_severity(S.HIGH, S.CRITICAL, S.HIGH) is S.CRITICAL
    assert graded_severity(S.HIGH, S.CRITICAL, S.MEDIUM) is S.HIGH
    assert graded_severity(S.HIGH, S.CRITICAL, S.INFO) is S.LOW
    assert graded_severity(S.HIGH, S.LOW, S.MEDIUM) is S.INFO
    assert graded_severity(S.HIGH, S.LOW, S.INFO) is S.INFO
    assert graded_severity(S.LOW, S.MEDIUM, S.HIGH) is S.MEDIUM  # above the default: the top


def test_explain_shows_the_levels_in_force(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path, '[rules.MD301]\nseverity = "critical"\nhigh_after_hours = 48\n')
    result = run(["explain", "MD301", "--config", path])
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "Levels in force: high → critical, medium → high" in text
    assert "Older than 24 hours is high, older than 48 hours critical" in text
    default = " ".join(run(["explain", "MD301"]).out.split())
    assert "Older than 24 hours is medium, older than 72 hours high" in default
    assert "Levels in force" not in default


# Item 11: configuration mistakes that passed silently --------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[values.credential_status]\nbad = ["ACTIVE"]\n',
         "values.credential_status.bad: 'ACTIVE' is also listed in "
         "values.credential_status.healthy (a bundled default)"),
        ('[values.health_status]\nhealthy = ["OK"]\ndegraded = ["ok"]\n',
         "values.health_status.degraded: 'ok' is also listed in values.health_status.healthy;"),
        ("[rules.MD301]\nhigh_after_hours = 12\n",
         "rules.MD301.high_after_hours: high_after_hours = 12 is below medium_after_hours = 24"),
        ("[rules.MD301]\nmedium_after_hours = 100\n",
         "rules.MD301.medium_after_hours: high_after_hours = 72 is below medium_after_hours = 100"),
        ('select = ["MD99"]\n', "select: 'MD99' matches no rule"),
        ('ignore = ["MD7"]\n', "ignore: 'MD7' matches no rule"),
    ],
)
def test_silent_config_mistakes_are_errors_naming_the_key(
    run: Any, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    result = run(["check", "--config", path, "--demo", "healthy"])
    assert result.code == 2, result.err
    assert_one_line_error(result)
    assert f"configuration file {path}: {message}" in result.err
    assert "--select" not in result.err


def test_equal_thresholds_are_allowed(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "[rules.MD301]\nmedium_after_hours = 48\nhigh_after_hours = 48\n")
    assert check(run, "--config", path).code == 0


def test_graded_threshold_order_by_convention() -> None:
    """Options named <severity>_within_<unit> shrink as the severity grows."""
    from meum_doctor.config import _Checker
    from meum_doctor.errors import ConfigError

    checker = _Checker("x.toml")
    checker.ordered_thresholds("MD888", {"high_within_hours": 1, "medium_within_hours": 6}, ())
    with pytest.raises(ConfigError, match=r"rules\.MD888\.high_within_hours: .* is above"):
        checker.ordered_thresholds(
            "MD888", {"high_within_hours": 8, "medium_within_hours": 6}, ("high_within_hours",)
        )


# Item 15: the rules listing -----------------------------------------------------------------


def test_rules_listing_has_a_header_and_aligned_columns(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "規則フォルダ" / ("deep" * 12)
    folder.mkdir(parents=True)
    source = (RULES_DIRS / "good" / "custom_rules.py").read_text()
    (folder / "custom_rules.py").write_text(source)
    result = run(["rules", "--rules-dir", str(folder)])
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "CATEGORY", "SEVERITY", "ORIGIN", "NEEDS", "SUMMARY"]
    from wcwidth import wcswidth

    # Each column starts at the same display column on every line.
    starts = lines[0].index("SUMMARY")
    for line in lines[1:]:
        cells = re.split(r"(?<=\S)  +", line, maxsplit=6)
        assert len(cells) == 7, line
        prefix = line[: line.rindex(cells[6])]
        assert wcswidth(prefix) == starts, line
    custom = next(line for line in lines if line.startswith("MD801"))
    assert "rules-dir …" in custom and "custom_rules.py" in custom
