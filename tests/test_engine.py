"""Rule discovery (built-in, entry points, rules dirs), selection and contained failures."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, assert_one_line_error
from meum_doctor.rules import RULES

from meum_doctor.engine import discover, select
from meum_doctor.errors import RuleLoadError, UsageError

DIRS = Path(__file__).parent / "rules_dirs"


def make_plugin(tmp_path: Path, body: str, value: str = "acme_rules") -> Path:
    """A real installed distribution (a dist-info with an entry point) on a sys.path folder."""
    (tmp_path / "acme_rules.py").write_text(textwrap.dedent(body))
    info = tmp_path / "acme_meum_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-meum-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[meum_doctor.rules]\nacme = {value}\n")
    return tmp_path


PLUGIN = '''
    from meum_doctor.plugin import Category, Finding, Severity, rule

    @rule(id="MD701", name="acme-check", category=Category.WEBHOOKS, severity=Severity.HIGH)
    def acme(status, ctx):
        """Acme's own check."""
        yield Finding(title="Acme says hello", detail="always")
'''


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = make_plugin(tmp_path, PLUGIN)
    monkeypatch.syspath_prepend(str(path))
    yield path
    sys.modules.pop("acme_rules", None)


def test_builtin_rules_come_first_and_are_valid() -> None:
    rules = discover(plugins=False)
    assert [r.id for r in rules] == [r.id for r in RULES]
    assert all(r.origin == "built-in" for r in rules)
    assert len({r.id for r in rules}) == len(rules) == 27


def test_entry_point_plugin_is_discovered(plugin_path: Path) -> None:
    rules = discover()
    acme = [r for r in rules if r.id == "MD701"]
    assert acme and acme[0].origin == "plugin acme-meum-rules"
    assert rules.index(acme[0]) == len(RULES)  # after the built-ins


def test_entry_point_plugin_runs_in_check(plugin_path: Path, run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json"])
    report = json.loads(result.out)
    assert [f["rule"] for f in report["findings"]] == ["MD701"]
    assert {"id": "MD701", "name": "acme-check", "origin": "plugin acme-meum-rules"} in report["rules"]
    assert result.code == 1  # high, at the default threshold


def test_plugin_that_fails_to_import_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              run: Any) -> None:
    monkeypatch.syspath_prepend(str(make_plugin(tmp_path, "import does_not_exist_anywhere\n")))
    result = run(["rules"])
    sys.modules.pop("acme_rules", None)
    assert result.code == 2
    assert_one_line_error(result)
    assert "rule plugin 'acme' (acme_rules, from acme-meum-rules) failed to import" in result.err
    assert "ModuleNotFoundError" in result.err


def test_callable_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = textwrap.dedent(PLUGIN) + "\n\ndef all_rules():\n    return [acme]\n"
    monkeypatch.syspath_prepend(str(make_plugin(tmp_path, body, "acme_rules:all_rules")))
    try:
        assert "MD701" in [r.id for r in discover()]
    finally:
        sys.modules.pop("acme_rules", None)


def test_rules_dir_is_loaded_and_listed(run: Any) -> None:
    result = run(["rules", "--rules-dir", str(DIRS / "good")])
    assert result.code == 0
    line = next(line for line in result.out.splitlines() if line.startswith("MD801"))
    assert "staging-site" in line and "rules-dir" in line


def test_rules_dir_rule_fires_in_check(run: Any, tmp_path: Path) -> None:
    status = json.loads((EXAMPLES / "healthy.json").read_text())
    status["site_url"] = "https://staging.lumen-coffee.example"
    status["webhook_url"] = "https://staging.lumen-coffee.example/wp-json/meum/v1/webhook"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    result = run(["check", "--input", str(path), "--now", NOW, "-f", "json",
                  "--rules-dir", str(DIRS / "good")])
    assert [f["rule"] for f in json.loads(result.out)["findings"]] == ["MD801"]
    assert result.code == 0  # medium is under the default threshold


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("broken", "syntax_error.py failed to load: SyntaxError"),
        ("duplicate", "duplicate rule ID MD101: my-not-connected"),
        ("invalid", "has an invalid ID"),
        ("missing-folder", "does not exist"),
    ],
)
def test_bad_rules_dirs_exit_2_naming_the_culprit(run: Any, folder: str, message: str) -> None:
    result = run(["check", "--demo", "healthy", "--rules-dir", str(DIRS / folder)])
    assert result.code == 2
    assert_one_line_error(result)
    assert message in result.err


def test_a_rule_that_raises_is_contained(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "degraded.json"), "--now", NOW, "-f", "json",
                  "--rules-dir", str(DIRS / "raising")])
    report = json.loads(result.out)
    assert report["rule_errors"] == [
        {"rule": "MD998", "name": "buggy", "error": "ZeroDivisionError: the rule's own bug"}
    ]
    assert "MD201" in [f["rule"] for f in report["findings"]]  # the others still ran
    assert "Traceback" not in result.err
    assert result.code == 1


def test_a_rule_that_raises_shows_its_traceback_with_debug(run: Any) -> None:
    result = run(["check", "--demo", "healthy", "--debug", "--rules-dir", str(DIRS / "raising")])
    assert "Traceback" in result.err and "ZeroDivisionError" in result.err
    assert "Rule MD998 (buggy) failed to run" in result.out


@pytest.mark.parametrize(
    ("selected", "ignored", "expected"),
    [
        ([], [], [r.id for r in RULES]),
        (["MD5"], [], ["MD501", "MD502", "MD503", "MD504", "MD505"]),
        (["MD5"], ["MD503"], ["MD501", "MD502", "MD504", "MD505"]),
        (["MD503"], ["MD5"], ["MD503"]),  # the more specific selector wins
        (["MD5"], ["MD5"], []),  # a tie goes to ignore
        (["md101", "MD90"], [], ["MD101", "MD901", "MD902"]),
        ([], ["MD"], []),
    ],
)
def test_selection_like_ruff(selected: list[str], ignored: list[str], expected: list[str]) -> None:
    assert [r.id for r in select(RULES, selected, ignored)] == expected


@pytest.mark.parametrize("selector", ["MD777", "XY1", "MD1234"])
def test_unknown_selectors_are_usage_errors(selector: str) -> None:
    with pytest.raises(UsageError):
        select(RULES, [selector], [])


def test_rule_load_error_is_a_typed_error() -> None:
    with pytest.raises(RuleLoadError):
        discover([str(DIRS / "broken")])
