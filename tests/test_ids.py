"""The ID space: what a rule (or, later, cause) ID may be, and selection by prefix."""

from __future__ import annotations

import pytest

from meum_doctor.ids import check_id, is_selector, selects


@pytest.mark.parametrize("rule_id", ["ACME101", "AB000", "ZZZZZ999", "MD701", "MD899"])
def test_ids_a_plugin_may_take(rule_id: str) -> None:
    assert check_id(rule_id, "rule") is None


@pytest.mark.parametrize(
    ("rule_id", "problem"),
    [
        ("MDX101", "has a reserved ID"),
        ("MCFOO101", "has a reserved ID"),
        ("MC101", "has a reserved ID"),
        ("MD101", "has a reserved ID"),
        ("MD901", "has a reserved ID"),
        ("md101", "(capitals only)"),
        ("A101", "has an invalid ID"),
        ("ABCDEF101", "has an invalid ID"),
        ("ACME1011", "has an invalid ID"),
        ("ACME١٠١", "has an invalid ID"),  # Arabic-Indic digits are not digits here
        ("", "has an invalid ID"),
        ("ACME101\n", "has an invalid ID"),
        (None, "an ID is text, not NoneType"),
        (101, "an ID is text, not int"),
    ],
)
def test_ids_a_plugin_may_not_take(rule_id: object, problem: str) -> None:
    found = check_id(rule_id, "rule")
    assert found is not None and problem in found


@pytest.mark.parametrize(
    ("rule_id", "ok"),
    [("MD101", True), ("MD999", True), ("MD701", False), ("MD801", False), ("ACME101", False),
     ("MC101", False)],
)
def test_builtin_rules_are_md_outside_the_users_ranges(rule_id: str, ok: bool) -> None:
    assert (check_id(rule_id, "rule", builtin=True) is None) is ok


def test_causes_share_the_space_with_their_own_prefix() -> None:
    # Issue 13's causes: MC for meum-doctor's own, the same rules for a plugin's.
    assert check_id("MC101", "cause", builtin=True) is None
    assert check_id("MD101", "cause", builtin=True) is not None
    assert check_id("ACME501", "cause") is None
    assert "reserved" in (check_id("MC701", "cause") or "")
    assert "reserved" in (check_id("MD701", "cause") or "")  # MD7xx is for rules


@pytest.mark.parametrize(
    ("selector", "rule_id", "expected"),
    [
        ("MD", "MD301", True),
        ("md3", "MD301", True),
        ("MD301", "MD301", True),
        ("MD3010", "MD301", False),
        ("MD", "MDX101", False),
        ("ACME", "ACME101", True),
        ("acme1", "ACME101", True),
        ("AC", "ACME101", False),
        ("ACMEX", "ACME101", False),
        ("ACME2", "ACME101", False),
    ],
)
def test_selection_takes_whole_letters_then_digits(selector: str, rule_id: str,
                                                   expected: bool) -> None:
    assert selects(selector, rule_id) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("MD", True), ("md5", True), ("ACME", True), ("ACME101", True), ("M", False),
     ("ABCDEF", False), ("MD1234", False), ("MD-1", False), ("", False), ("MD1\n", False), ("AC1E", False)],
)
def test_is_selector(text: str, expected: bool) -> None:
    assert is_selector(text) is expected
