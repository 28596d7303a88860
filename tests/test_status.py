"""The status parser: tolerant of everything but a body that is not a JSON object."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from meum_doctor.errors import BadResponse
from meum_doctor.status import KNOWN_FIELDS, Status, parse

DOCUMENTED = {
    "status": "CONNECTED",
    "connection_status": "CONNECTED",
    "health_status": "HEALTHY",
    "issues": ["<string>"],
    "integration_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "site_url": "https://shop.example",
    "plugin_version": "<string>",
    "wordpress_version": "<string>",
    "woocommerce_version": "<string>",
    "credential_status": "<string>",
    "credential_prefix": "<string>",
    "webhook_health": "<string>",
    "webhook_url": "https://shop.example/wp-json/meum/v1/webhook",
    "last_seen_at": "2023-11-07T05:31:56Z",
    "pending_connection_key": {"key_prefix": "<string>", "expires_at": "2023-11-07T05:31:56Z"},
    "connected": True,
}


def load(data: object) -> Status:
    return parse(json.dumps(data).encode())


def test_documented_example_parses_completely() -> None:
    status = load(DOCUMENTED)
    assert status.problems == ()
    assert status.connected is True and status.is_connected
    assert status.issues == ("<string>",)
    assert status.last_seen_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)
    assert status.pending_connection_key is not None
    assert status.pending_connection_key.key_prefix == "<string>"
    assert status.extras == {}
    assert status.present == frozenset(DOCUMENTED)


def test_every_field_null_is_absent_without_problems() -> None:
    status = load(dict.fromkeys(DOCUMENTED))
    assert status.problems == ()
    assert status.connected is None and not status.is_connected
    assert status.issues == () and status.pending_connection_key is None
    assert status.present == frozenset(DOCUMENTED)


def test_empty_object() -> None:
    status = load({})
    assert status == Status(raw={}, extras={})
    assert status.present == frozenset()


WRONG_TYPES = {
    "status": 1,
    "connection_status": ["CONNECTED"],
    "health_status": {"x": 1},
    "issues": "one issue",
    "integration_id": 42,
    "site_url": 3.5,
    "plugin_version": {"major": 1},
    "wordpress_version": True,
    "woocommerce_version": [],
    "credential_status": False,
    "credential_prefix": 7,
    "webhook_health": {},
    "webhook_url": ["https://x.example"],
    "last_seen_at": ["2026-11-28T12:00:00Z"],
    "pending_connection_key": "key",
    "connected": "true",
}


@pytest.mark.parametrize("field", sorted(WRONG_TYPES))
def test_each_wrong_type_is_a_problem_not_an_exception(field: str) -> None:
    status = load({**DOCUMENTED, field: WRONG_TYPES[field]})
    assert [p.field for p in status.problems] == [field]
    assert status.problems[0].problem.startswith("expected ")
    value = getattr(status, field)
    assert value in (None, ())


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("integration_id", "not-a-uuid", "not a valid UUID"),
        ("site_url", "shop.example", "not an absolute URL with a host"),
        ("webhook_url", "https://", "not an absolute URL with a host"),
        ("site_url", "https://shop.example:99999/", "not a valid URL"),
        ("last_seen_at", "yesterday", "not a date-time meum-doctor can read"),
        ("last_seen_at", "2026-13-01T00:00:00Z", "not a date-time meum-doctor can read"),
        ("last_seen_at", "12", "not a date-time meum-doctor can read"),
    ],
)
def test_unparseable_values_are_problems(field: str, value: str, why: str) -> None:
    status = load({field: value})
    assert [(p.field, p.value, p.problem) for p in status.problems] == [(field, value, why)]
    assert getattr(status, field) is None


def test_problems_inside_lists_and_objects_name_the_path() -> None:
    status = load({"issues": ["fine", 3, None], "pending_connection_key": {"key_prefix": 9,
                                                                          "expires_at": "soon"}})
    assert [p.field for p in status.problems] == [
        "issues[1]",
        "issues[2]",
        "pending_connection_key.key_prefix",
        "pending_connection_key.expires_at",
    ]
    assert status.issues == ("fine",)


def test_extra_fields_are_kept() -> None:
    status = load({**DOCUMENTED, "payout_configured": False, "integration_public_id": "int_abc"})
    assert status.extras == {"payout_configured": False, "integration_public_id": "int_abc"}
    assert status.raw["payout_configured"] is False
    assert not set(status.extras) & KNOWN_FIELDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T12:00:00Z", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T13:30:00+01:30", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T07:00:00-05:00", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T12:00:00", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T12:00:00.123456Z", datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC)),
        # Every form an API or a PHP site really sends (issue 10, item 2):
        ("2026-11-28T12:00:00z", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28t12:00:00Z", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28 12:00:00", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28 12:00:00 UTC", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28 12:00:00utc", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T12:00:00 GMT", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T13:00:00+0100", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("2026-11-28T12:00:00.123456789Z", datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-28T12:00:00.5 UTC", datetime(2026, 11, 28, 12, 0, 0, 500000, tzinfo=UTC)),
        ("Sat, 28 Nov 2026 13:00:00 +0100", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("28 Nov 2026 12:00:00 GMT", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("1795867200", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        ("1795867200.25", datetime(2026, 11, 28, 12, 0, 0, 250000, tzinfo=UTC)),
        ("1795867200000", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        (" 1795867200 ", datetime(2026, 11, 28, 12, tzinfo=UTC)),
        (1795867200, datetime(2026, 11, 28, 12, tzinfo=UTC)),
        (1795867200.25, datetime(2026, 11, 28, 12, 0, 0, 250000, tzinfo=UTC)),
        (1795867200000, datetime(2026, 11, 28, 12, tzinfo=UTC)),
    ],
)
def test_datetimes_are_aware_utc(text: str | float, expected: datetime) -> None:
    status = load({"last_seen_at": text})
    assert status.problems == ()
    value = status.last_seen_at
    assert value == expected
    assert value is not None and value.utcoffset() == timedelta(0)
    assert value.tzinfo in (UTC, UTC)


@pytest.mark.parametrize(
    "value",
    [
        0,
        12,
        -1795867200,
        946684799,  # a second before 2000-01-01: outside the bounds of a plausible Unix time
        4102444800,  # 2100-01-01
        4102444800000,
        1e300,
        "1e9",
        "Sat, 31 Feb 2026 11:00:00 GMT",
        "Sat, 28 Foo 2026 11:00:00 GMT",
        "2026-11-28 12:00:00 CET",  # an ambiguous zone abbreviation is not guessed
        "x" * 65,
        # A date is not a moment: read as midnight it made this morning "36 hours ago".
        "2026-11-27",
        "20261127",
        # Unix time in Arabic-Indic digits (1795867200): only ASCII digits are a number.
        "\u0661\u0667\u0669\u0665\u0668\u0666\u0667\u0662\u0660\u0660",
    ],
)
def test_implausible_or_unreadable_times_are_problems(value: object) -> None:
    status = load({"last_seen_at": value, "pending_connection_key": {"expires_at": value}})
    assert [p.field for p in status.problems] == [
        "last_seen_at",
        "pending_connection_key.expires_at",
    ]
    assert status.last_seen_at is None


def test_booleans_are_not_unix_times() -> None:
    status = load({"last_seen_at": True})
    assert [p.problem for p in status.problems] == ["expected a date-time, got a boolean"]


@pytest.mark.parametrize("value", ["0000-00-00 00:00:00", "0000-00-00T00:00:00", "0000-00-00"])
def test_mysql_zero_date_means_never(value: str) -> None:
    status = load({"last_seen_at": value})
    assert status.last_seen_at is None and status.problems == ()


@pytest.mark.parametrize("key", [{}, {"key_prefix": None, "expires_at": None}])
def test_an_empty_pending_key_is_a_problem_not_a_key(key: dict[str, object]) -> None:
    status = load({"pending_connection_key": key})
    assert status.pending_connection_key is None
    assert [p.field for p in status.problems] == ["pending_connection_key"]


def test_sent_and_unreadable_tell_absent_from_unreadable() -> None:
    status = load({"site_url": "javascript:alert(1)", "webhook_url": None})
    assert status.unreadable("site_url") and status.sent("site_url")
    assert not status.unreadable("webhook_url") and not status.sent("webhook_url")
    assert not status.unreadable("last_seen_at") and not status.sent("last_seen_at")


def test_far_dates_that_overflow_are_problems() -> None:
    status = load({"last_seen_at": "9999-12-31T23:59:59-23:59"})
    assert [p.field for p in status.problems] == ["last_seen_at"]


def test_enumerated_values_keep_their_raw_case() -> None:
    assert load({"health_status": "Degraded"}).health_status == "Degraded"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"[1, 2]", "not an object (it is an array)"),
        (b'"text"', "not an object (it is a string)"),
        (b"null", "not an object (it is null)"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML page"),
        (b'{"status": "CONN', "truncated"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b"{" * 300 + b"}" * 300, "nested more than"),
        (b"[" * 10000 + b"]" * 10000, "nested more than"),
        (b'{"a": ' + b"9" * 5000 + b"}", "not usable JSON"),
    ],
)
def test_bodies_that_are_not_objects_raise_bad_response(body: bytes, message: str) -> None:
    with pytest.raises(BadResponse, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(body)


def test_nan_and_overflowing_numbers_do_not_break_later_serialisation() -> None:
    status = parse(b'{"a": NaN, "b": 1e999, "c": 1.5}')
    assert status.extras == {"a": "NaN", "b": "1e999", "c": 1.5}
    json.dumps(dict(status.raw), allow_nan=False)


def test_utf8_bom_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbf" + json.dumps({"status": "X"}).encode()).status == "X"
