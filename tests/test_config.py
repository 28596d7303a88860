"""Configuration: every documented key, and a clear exit 2 naming the key for every mistake."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, assert_one_line_error
from packaging.version import Version

from meum_doctor.config import find_config_path, load_config
from meum_doctor.rule import Severity

FULL = """
fail_on = "medium"
select = ["MD1", "MD2", "MD5"]
ignore = ["MD104"]

[values.health_status]
healthy = ["HEALTHY", "GREEN"]
degraded = ["AMBER"]
bad = ["RED"]

[values.webhook_health]
bad = ["BROKEN"]

[policy]
as_of = 2026-11-20

[policy.meum_plugin]
latest = "1.3.0"
minimum = "1.1.0"

[policy.woocommerce]
latest = "11.2"
minimum = "9.5"

[policy.woocommerce.requires_wordpress]
"11.2" = "7.0"

[policy.wordpress]
latest = "7.2"
minimum = "7.0"

[rules.MD301]
severity = "critical"
medium_after_hours = 12
high_after_hours = 36
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "meum-doctor.toml"
    path.write_text(text)
    return str(path)


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    assert config.fail_on is Severity.MEDIUM
    assert config.select == ("MD1", "MD2", "MD5") and config.ignore == ("MD104",)
    assert config.values["health_status"].classify("green") == "healthy"
    assert config.values["health_status"].classify("amber") == "degraded"
    assert config.values["health_status"].classify("DEGRADED") == "unknown"  # replaced list
    assert config.values["webhook_health"].classify("broken") == "bad"
    assert config.values["webhook_health"].classify("HEALTHY") == "healthy"  # defaults kept
    policy = config.policy
    assert policy.as_of == date(2026, 11, 20)
    assert (policy.meum_plugin.latest, policy.meum_plugin.minimum) == (Version("1.3"), Version("1.1"))
    assert policy.woocommerce.minimum == Version("9.5")
    assert policy.wordpress.latest == Version("7.2")
    assert policy.woocommerce_requires_wordpress[Version("11.2")] == Version("7.0")
    assert policy.woocommerce_requires_wordpress[Version("10.8")] == Version("6.9")  # kept
    assert config.rules["MD301"]["severity"] == "critical"


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config.fail_on is Severity.HIGH
    policy = config.policy
    assert policy.as_of == date(2026, 11, 29)
    assert str(policy.woocommerce.latest) == "11.1.2"
    assert str(policy.woocommerce.minimum) == "9.1"
    assert str(policy.wordpress.latest) == "7.1"
    assert str(policy.wordpress.minimum) == "6.9"
    assert str(policy.meum_plugin.latest) == "1.2.0"
    # WooCommerce line -> WordPress, as of the date above (issue 14).
    assert {str(k): str(v) for k, v in policy.woocommerce_requires_wordpress.items()} == {
        "9.6": "6.6", "10.4": "6.8", "10.8": "6.9", "11.1": "7.0"}
    assert {str(k): str(v) for k, v in policy.woocommerce_requires_php.items()} == {"8.2": "7.4"}
    assert {str(k): str(v) for k, v in policy.wordpress_requires_php.items()} == {
        "6.6": "7.2.24", "7.0": "7.4.0"}
    insecure = policy.wordpress_insecure
    assert insecure.as_of == date(2026, 11, 29)
    assert min(insecure.fixed_in) == Version("4.7")
    assert insecure.fixed_in[Version("6.8")] == Version("6.8.3")
    assert ("WordPress.org insecure list", date(2026, 11, 29)) in policy.dated_parts()


def test_new_policy_tables_can_be_overridden(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
[policy.woocommerce.requires_php]
"11.2" = "8.0"

[policy.wordpress.requires_php]
"7.2" = "8.1"

[policy.wordpress.insecure]
as_of = 2026-12-10

[policy.wordpress.insecure.fixed_in]
"7.1" = "7.1.1"
"""))
    policy = config.policy
    assert policy.woocommerce_requires_php[Version("11.2")] == Version("8.0")
    assert policy.woocommerce_requires_php[Version("8.2")] == Version("7.4")  # kept
    assert policy.wordpress_requires_php[Version("7.2")] == Version("8.1")
    assert policy.wordpress_insecure.as_of == date(2026, 12, 10)
    assert policy.wordpress_insecure.fixed_in[Version("7.1")] == Version("7.1.1")
    assert policy.wordpress_insecure.fixed_in[Version("6.8")] == Version("6.8.3")  # kept
    assert policy.wordpress_insecure.judge(Version("7.1")) == (Version("7.1"), Version("7.1.1"))


def test_policy_versions_are_read_the_wordpress_way(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[policy.wordpress]\nlatest = '7.2-RC1'\n"))
    assert config.policy.wordpress.latest < Version("7.2")


def test_config_found_by_env_then_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_path(None, {}) is None
    (tmp_path / "meum-doctor.toml").write_text("")
    assert find_config_path(None, {}) == "./meum-doctor.toml"
    assert find_config_path(None, {"MEUM_DOCTOR_CONFIG": "other.toml"}) == "other.toml"
    assert find_config_path("explicit.toml", {"MEUM_DOCTOR_CONFIG": "other.toml"}) == "explicit.toml"


def test_config_applies_in_check(tmp_path: Path, run: Any) -> None:
    path = write(tmp_path, FULL)
    result = run(["check", "--config", path, "--input", str(EXAMPLES / "degraded.json"),
                  "--now", NOW, "-f", "json"])
    report = json.loads(result.out)
    rules = {f["rule"] for f in report["findings"]}
    assert rules <= {r for r in rules if r[:3] in ("MD1", "MD2", "MD5")}
    assert "MD301" not in rules  # not selected
    assert report["fail_on"] == "medium"


def test_severity_override_and_thresholds(tmp_path: Path, run: Any) -> None:
    # 29 hours is past high_after_hours = 24: the top grade, which the override sets.
    path = write(
        tmp_path,
        '[rules.MD301]\nseverity = "critical"\nmedium_after_hours = 1\nhigh_after_hours = 24\n',
    )
    result = run(["check", "--config", path, "--input", str(EXAMPLES / "degraded.json"),
                  "--now", NOW, "-f", "json", "--select", "MD301"])
    findings = json.loads(result.out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("MD301", "critical")]
    assert json.loads(result.out)["verdict"] == "critical"


def test_explain_fills_in_configured_thresholds(tmp_path: Path, run: Any) -> None:
    path = write(tmp_path, "[rules.MD301]\nmedium_after_hours = 12\n")
    result = run(["explain", "md301", "--config", path])
    assert result.code == 0
    assert "more than 12 hours" in result.out
    assert "medium_after_hours = 12" in result.out
    assert "{" not in result.out


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("colour = 'red'\n", "colour: unknown key"),
        ("fail_on = 'sometimes'\n", "fail_on: must be one of"),
        ("fail_on = 3\n", "fail_on: must be one of"),
        ("select = 'MD1'\n", "select: must be a list of strings"),
        ("ignore = ['webhooks']\n", "ignore: 'webhooks' is not a rule ID"),
        ("[values.mood]\nhealthy = ['OK']\n", "values.mood: unknown key"),
        ("[values.health_status]\ngood = ['OK']\n", "values.health_status.good: unknown key"),
        ("[values.health_status]\nbad = 'DOWN'\n", "values.health_status.bad: must be a list"),
        ("[policy.wordpress]\nlatest = 'seven'\n", "policy.wordpress.latest: 'seven' is not a valid version"),
        ("[policy.wordpress]\nminimum = 6.9\n", "policy.wordpress.minimum: must be a version string"),
        ("[policy.wordpress]\nminimum = '8.0'\n", "policy.wordpress: minimum 8.0 is newer than latest"),
        ("[policy.joomla]\nlatest = '1'\n", "policy.joomla: unknown key"),
        ("[policy.meum_plugin]\nrequires_wordpress = {}\n", "policy.meum_plugin.requires_wordpress: unknown key"),
        ("[policy]\nas_of = 'last week'\n", "policy.as_of: 'last week' is not a date"),
        ("[policy.woocommerce.requires_wordpress]\n'x' = '6.0'\n", "'x' is not a valid version"),
        ("[policy.woocommerce.requires_wordpress]\n'11.0' = '6.5'\n",
         "policy.woocommerce.requires_wordpress.11.0: 11.0 requires 6.5, less than the older line 10.8 (6.9)"),
        ("[policy.woocommerce.requires_php]\n'8.0' = '8.4'\n",
         "policy.woocommerce.requires_php.8.0: 8.2 requires 7.4, less than the older line 8.0 (8.4)"),
        ("[policy.wordpress.requires_php]\n'7.0' = 'x'\n", "policy.wordpress.requires_php.7.0: 'x' is not a valid version"),
        ("[policy.meum_plugin]\nrequires_php = {}\n", "policy.meum_plugin.requires_php: unknown key"),
        ("[policy.woocommerce]\ninsecure = {}\n", "policy.woocommerce.insecure: unknown key"),
        ("[policy.wordpress.insecure]\nas_of = 'soon'\n", "policy.wordpress.insecure.as_of: 'soon' is not a date"),
        ("[policy.wordpress.insecure]\nlist = []\n", "policy.wordpress.insecure.list: unknown key"),
        ("[policy.wordpress.insecure.fixed_in]\n'6.8.1' = '6.8.3'\n",
         "policy.wordpress.insecure.fixed_in.6.8.1: a branch is x.y"),
        ("[policy.wordpress.insecure.fixed_in]\n'6.8' = '6.9.1'\n",
         "policy.wordpress.insecure.fixed_in.6.8: a branch is x.y"),
        ("[rules.MD999]\nseverity = 'low'\n", "rules.MD999: no rule has this ID"),
        ("[rules.MD301]\nseverity = 'urgent'\n", "rules.MD301.severity: must be one of"),
        ("[rules.MD301]\nhigh_after_hours = '72'\n", "rules.MD301.high_after_hours: must be an integer, not a string"),
        ("[rules.MD301]\nhigh_after_hours = -1\n", "rules.MD301.high_after_hours: must not be negative"),
        ("[rules.MD301]\nwhen = 1\n", "rules.MD301.when: unknown option for MD301"),
        ("[rules]\nMD301 = 1\n", "rules.MD301: must be a table"),
        ("fail_on = \n", "is not valid TOML"),
    ],
)
def test_config_mistakes_exit_2_naming_the_key(tmp_path: Path, run: Any, text: str, key: str) -> None:
    path = write(tmp_path, text)
    result = run(["check", "--config", path, "--demo", "healthy"])
    assert result.code == 2, result.err
    assert_one_line_error(result)
    assert key in result.err


def test_missing_config_file(run: Any, tmp_path: Path) -> None:
    result = run(["check", "--config", str(tmp_path / "nope.toml"), "--demo"])
    assert result.code == 2
    assert "does not exist" in result.err


def test_config_from_environment(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "colour = 1\n")
    result = run(["check", "--demo", "healthy"], env={"MEUM_DOCTOR_CONFIG": path})
    assert result.code == 2 and "colour" in result.err


def test_cli_select_replaces_and_ignore_adds(tmp_path: Path, run: Any) -> None:
    path = write(tmp_path, "select = ['MD2']\nignore = ['MD203']\n")
    result = run(["check", "--config", path, "--input", str(EXAMPLES / "degraded.json"), "--now",
                  NOW, "-f", "json", "--select", "MD2", "--select", "MD5", "--ignore", "MD205"])
    rules = [f["rule"] for f in json.loads(result.out)["findings"]]
    assert sorted(rules) == ["MD201", "MD202", "MD501", "MD505"]


def test_the_example_configuration_is_valid(run: Any) -> None:
    path = Path(__file__).parent.parent / "examples" / "meum-doctor.toml"
    result = run(["check", "--config", str(path), "--demo", "healthy", "--now", NOW])
    assert result.code == 0, result.err


def test_the_generated_defaults_are_up_to_date() -> None:
    """meum_doctor/_defaults.py is defaults.toml decoded ahead of time (start-up: no tomllib);
    after editing defaults.toml, run `python -m meum_doctor.config > meum_doctor/_defaults.py`."""
    import tomllib
    from pathlib import Path

    from meum_doctor import _defaults, config

    text = Path(config.__file__).with_name("defaults.toml").read_text("utf-8")
    assert text == _defaults.SOURCE
    assert _defaults.data() == tomllib.loads(text)
    assert config.defaults_source() == Path(_defaults.__file__).read_text("utf-8")


def test_an_edited_defaults_file_is_parsed_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated copy is used only while defaults.toml reads exactly as it was made from:
    an installation whose file was edited in place gets what the file says."""
    from meum_doctor import config

    original = config.package_bytes

    def edited(package: str, name: str) -> bytes:
        data = original(package, name)
        return data.replace(b'fail_on = "high"', b'fail_on = "low"') if name == "defaults.toml" else data

    assert config.config_from_mapping({}).fail_on != Severity.LOW
    monkeypatch.setattr(config, "package_bytes", edited)
    assert config.config_from_mapping({}).fail_on == Severity.LOW
