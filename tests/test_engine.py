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
    assert len({r.id for r in rules}) == len(rules) == 44


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
        ("duplicate", "duplicate rule ID ACME101: second-check"),
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
        {"rule": "MD798", "name": "buggy", "error": "ZeroDivisionError: the rule's own bug"}
    ]
    assert "MD201" in [f["rule"] for f in report["findings"]]  # the others still ran
    assert "Traceback" not in result.err
    assert result.code == 1


def test_a_rule_that_raises_shows_its_traceback_with_debug(run: Any) -> None:
    result = run(["check", "--demo", "healthy", "--debug", "--rules-dir", str(DIRS / "raising")])
    assert "Traceback" in result.err and "ZeroDivisionError" in result.err
    assert "Rule MD798 (buggy) failed to run" in result.out


@pytest.mark.parametrize(
    ("selected", "ignored", "expected"),
    [
        ([], [], [r.id for r in RULES]),
        (["MD5"], [], ["MD501", "MD502", "MD503", "MD504", "MD505", "MD506"]),
        (["MD5"], ["MD503"], ["MD501", "MD502", "MD504", "MD505", "MD506"]),
        (["MD503"], ["MD5"], ["MD503"]),  # the more specific selector wins
        (["MD5"], ["MD5"], []),  # a tie goes to ignore
        (["md101", "MD90"], [], ["MD101", "MD901", "MD902", "MD903", "MD904"]),
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


# Open namespaces: a plugin's own prefix, MD and MC reserved ---------------------------------

ACME_RULE = '''
    from meum_doctor.plugin import Category, Finding, Severity, rule

    @rule(id="{id}", name="acme-check", category=Category.WEBHOOKS, severity=Severity.HIGH,
          options={{"limit": 3}})
    def acme(status, ctx):
        """Acme's own check, under Acme's own prefix."""
        yield Finding(title="Acme says hello", detail=f"limit {{ctx.options['limit']}}")
'''


def acme_dir(tmp_path: Path, rule_id: str = "ACME101") -> Path:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "acme.py").write_text(textwrap.dedent(ACME_RULE.format(id=rule_id)))
    return folder


def findings_of(result: Any) -> list[str]:
    return [f["rule"] for f in json.loads(result.out)["findings"]]


def test_a_plugin_prefix_loads_runs_and_is_listed(run: Any, tmp_path: Path) -> None:
    folder = acme_dir(tmp_path)
    rules = discover([str(folder)], plugins=False)
    assert rules[-1].id == "ACME101" and rules[-1].origin.startswith("rules-dir ")
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json",
                  "--rules-dir", str(folder)])
    assert findings_of(result) == ["ACME101"]
    assert result.code == 1  # high, at the default threshold
    listing = run(["rules", "--rules-dir", str(folder)])
    assert any(line.startswith("ACME101") for line in listing.out.splitlines())
    explained = run(["explain", "acme101", "--rules-dir", str(folder)])
    assert explained.code == 0 and "Acme's own check" in explained.out


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "ACME"], ["ACME101"]),
        (["--select", "acme1"], ["ACME101"]),
        (["--select", "ACME101"], ["ACME101"]),
        (["--select", "MD", "--select", "ACME"], ["ACME101"]),  # healthy: no MD finding
        (["--ignore", "ACME101"], []),
        (["--ignore", "ACME"], []),
        (["--select", "ACME", "--ignore", "ACME1"], None),  # nothing left: an error
        (["--ignore", "MD"], ["ACME101"]),  # MD names the built-ins only
    ],
)
def test_a_plugin_prefix_is_selectable(run: Any, tmp_path: Path, options: list[str],
                                       expected: list[str] | None) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json",
                  "--rules-dir", str(acme_dir(tmp_path)), *options])
    if expected is None:
        assert result.code == 2 and "no rule left to run" in result.err
    else:
        assert findings_of(result) == expected


@pytest.mark.parametrize("selector", ["AC", "ACME2", "ACMEX"])
def test_a_prefix_is_cut_only_after_its_letters(run: Any, tmp_path: Path, selector: str) -> None:
    # "AC" is not ACME's prefix: the letters of a selector are a whole prefix, as in ruff.
    result = run(["check", "--demo", "healthy", "--rules-dir", str(acme_dir(tmp_path)),
                  "--select", selector])
    assert result.code == 2
    assert_one_line_error(result)
    assert f"--select {selector} matches no rule" in result.err


def test_a_plugin_prefix_in_the_configuration(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "meum-doctor.toml"
    config.write_text('select = ["acme1"]\n[rules.ACME101]\nseverity = "low"\nlimit = 7\n')
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json",
                  "--config", str(config), "--rules-dir", str(acme_dir(tmp_path))])
    report = json.loads(result.out)
    assert [(f["rule"], f["severity"], f["detail"]) for f in report["findings"]] == [
        ("ACME101", "low", "limit 7")
    ]
    assert result.code == 0


@pytest.mark.parametrize(
    ("rule_id", "message"),
    [
        ("MDX101", "has a reserved ID: prefixes beginning with MD or MC belong to meum-doctor"),
        ("MCFOO101", "has a reserved ID: prefixes beginning with MD or MC belong to meum-doctor"),
        ("MC101", "has a reserved ID: prefixes beginning with MD or MC belong to meum-doctor"),
        ("MD301", "has a reserved ID"),  # the built-ins' own range, even when unused
        ("MD999", "has a reserved ID"),
        ("md101", "has an invalid ID: IDs are 2 to 5 capital letters followed by three digits, "
                  "like ACME101 (capitals only)"),
        ("acme101", "has an invalid ID: IDs are 2 to 5 capital letters"),
        ("A101", "has an invalid ID: IDs are 2 to 5 capital letters followed by three digits"),
        ("ABCDEF101", "has an invalid ID: IDs are 2 to 5 capital letters"),
        ("ACME1011", "has an invalid ID: IDs are 2 to 5 capital letters"),
        ("ACME01", "has an invalid ID"),
    ],
)
def test_refused_ids_exit_2_saying_why(run: Any, tmp_path: Path, rule_id: str,
                                       message: str) -> None:
    result = run(["check", "--demo", "healthy", "--rules-dir", str(acme_dir(tmp_path, rule_id))])
    assert result.code == 2
    assert_one_line_error(result)
    assert f"rule '{rule_id}' {message}" in result.err


@pytest.mark.parametrize("rule_id", ["MD701", "MD801", "MD899"])
def test_users_may_still_take_md7xx_and_md8xx(tmp_path: Path, rule_id: str) -> None:
    assert discover([str(acme_dir(tmp_path, rule_id))], plugins=False)[-1].id == rule_id


def test_an_entry_point_plugin_is_held_to_the_same_ids(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(make_plugin(tmp_path, PLUGIN.replace("MD701", "MC701"))))
    try:
        with pytest.raises(RuleLoadError, match="plugin acme-meum-rules: rule 'MC701' has a reserved"):
            discover()
    finally:
        sys.modules.pop("acme_rules", None)


def test_builtin_ids_are_unchanged() -> None:
    assert [r.id for r in RULES] == [
        "MD101", "MD102", "MD103", "MD104", "MD105", "MD106", "MD107", "MD108", "MD109", "MD110",
        "MD111", "MD112", "MD201", "MD202", "MD203", "MD204", "MD205", "MD206", "MD207", "MD208", "MD209", "MD210", "MD211", "MD212", "MD213",
        "MD301", "MD302", "MD303", "MD304", "MD305", "MD306", "MD401", "MD501", "MD502", "MD503",
        "MD504", "MD505", "MD506", "MD601", "MD602", "MD901", "MD902", "MD903", "MD904",
    ]
