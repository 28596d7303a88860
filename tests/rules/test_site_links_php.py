"""What the case tables do not check for the site-report rules: links and the PHP table.

Every finding from the site's report links to the wp-admin page where the merchant fixes
it, on the store's address from Meum's status, or from the report when there is none.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from meum_doctor.rules import RULES
from test_rule_cases import run_rule

from meum_doctor.config import config_from_mapping
from meum_doctor.errors import ConfigError

CASES = Path(__file__).parent / "cases"
SITE_RULES = ("MD107", "MD108", "MD109", "MD110", "MD111", "MD206", "MD207", "MD208", "MD209")


def _firing_cases() -> list[Any]:
    params = []
    for rule_id in SITE_RULES:
        table = json.loads((CASES / f"{rule_id}.json").read_text())
        for case in table["cases"]:
            if case["expect"]:
                params.append(pytest.param(rule_id, case, id=f"{rule_id}: {case['name']}"))
    return params


@pytest.mark.parametrize(("rule_id", "case"), _firing_cases())
def test_every_finding_from_the_report_links_to_wp_admin(rule_id: str, case: dict[str, Any]) -> None:
    for found in run_rule(rule_id, case).findings:
        links = found.finding.links
        assert links, found.finding.title
        assert all("/wp-admin/" in link.url for link in links)
        if not case.get("no_status"):
            # The store's address comes from Meum's status when there is one.
            assert all(link.url.startswith("https://lumen-coffee.example/wp-admin/")
                       or link.url.startswith("https://xn--bcher-kva.example/wp-admin/")
                       for link in links), links


def test_links_fall_back_to_the_reports_address_without_a_status() -> None:
    case = {"no_status": True, "site_report": {"security": {"secure_connection": False},
            "environment": {"site_url": "https://shop.example/wp", "home_url": "https://shop.example"}}}
    (found,) = run_rule("MD110", case).findings
    assert [link.url for link in found.finding.links] == [
        "https://shop.example/wp/wp-admin/options-general.php"
    ]


def test_links_prefer_meums_address_over_the_reports() -> None:
    case = {"status": {"site_url": "https://live.example"},
            "site_report": {"pages": [{"page_name": "Checkout", "page_set": False}]}}
    (found,) = run_rule("MD111", case).findings
    assert [link.url for link in found.finding.links] == [
        "https://live.example/wp-admin/admin.php?page=wc-settings&tab=advanced",
        "https://live.example/wp-admin/edit.php?post_type=page",
    ]


def test_no_links_when_neither_source_has_a_usable_address() -> None:
    case = {"no_status": True, "site_report_file": "github-form.md",
            "site_report_remove": []}
    # The GitHub form redacts both addresses; its PHP 8.1 is past its end of life.
    (found,) = run_rule("MD209", case).findings
    assert found.finding.links == ()


def test_a_reports_address_with_user_info_is_never_a_link() -> None:
    case = {"no_status": True, "site_report": {"security": {"secure_connection": False},
            "environment": {"site_url": "https://shop.example@evil.example",
                            "home_url": "https://shop.example@evil.example"}}}
    (found,) = run_rule("MD110", case).findings
    assert found.finding.links == ()


def test_the_site_rules_are_registered_and_read_the_site_report() -> None:
    by_id = {r.id: r for r in RULES}
    for rule_id in SITE_RULES:
        assert "site-report" in by_id[rule_id].needs
    for rule_id in ("MD201", "MD202", "MD203", "MD204", "MD205"):
        assert by_id[rule_id].uses == ("site-report",)


def test_php_end_of_life_table_is_bundled_dated_and_configurable() -> None:
    policy = config_from_mapping({}).policy
    assert policy.php.as_of == date(2026, 11, 29)
    assert ("PHP end-of-life table", date(2026, 11, 29)) in policy.dated_parts()
    configured = config_from_mapping(
        {"policy": {"php": {"as_of": "2027-02-01", "end_of_life": {"8.6": "2030-12-31"}}}}
    ).policy.php
    assert configured.as_of == date(2027, 2, 1)
    assert {str(k) for k in configured.end_of_life} >= {"7.4", "8.5", "8.6"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"php": {"end_of_life": {"8.1.2": "2025-12-31"}}},
         "policy.php.end_of_life.8.1.2: a PHP branch is x.y"),
        ({"php": {"end_of_life": {"8.6": "soon"}}},
         "policy.php.end_of_life.8.6: 'soon' is not a date (YYYY-MM-DD)"),
        ({"php": {"end_of_life": {"eight": "2030-01-01"}}},
         "policy.php.end_of_life (branch): 'eight' is not a valid version"),
        ({"php": {"eol": {}}}, "policy.php.eol: unknown key"),
        ({"php": {"as_of": 5}}, "policy.php.as_of: must be a date"),
    ],
)
def test_php_end_of_life_configuration_errors_name_the_key(
    table: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_mapping({"policy": table})
