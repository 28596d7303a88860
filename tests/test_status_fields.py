"""The status field list is written once (issue 11, item 7): STATUS_FIELDS, and every other
list of fields derived from it, agree with the model, the parser, redaction and the demo."""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from datetime import timedelta
from importlib import resources

from meum_doctor import connection, demo, redact
from meum_doctor.sources import meum_status
from meum_doctor.status import (
    ENUM_FIELDS,
    FIELDS_BY_NAME,
    HARMLESS_EXTRA_FIELDS,
    KNOWN_FIELDS,
    NESTED_ID_FIELDS,
    SPECIFIC_FIELDS,
    STATUS_FIELDS,
    TIME_FIELDS,
    URL_FIELDS,
    FieldKind,
    PendingKey,
    Status,
    from_mapping,
)

#: The Python type of each kind in the model (annotations are strings: postponed evaluation).
MODEL_TYPES = {
    FieldKind.STRING: "str | None",
    FieldKind.VERSION: "str | None",
    FieldKind.URL: "str | None",
    FieldKind.UUID: "str | None",
    FieldKind.STRINGS: "tuple[str, ...]",
    FieldKind.DATETIME: "datetime | None",
    FieldKind.BOOLEAN: "bool | None",
}
BOOKKEEPING = {"extras", "raw", "problems", "problems_omitted", "present"}


def test_names_are_unique() -> None:
    assert len(FIELDS_BY_NAME) == len(STATUS_FIELDS)


def test_the_model_has_exactly_the_documented_fields_with_their_types() -> None:
    model = {f.name: f.type for f in fields(Status) if f.name not in BOOKKEEPING}
    assert set(model) == KNOWN_FIELDS
    for name, annotation in model.items():
        spec = FIELDS_BY_NAME[name]
        if spec.kind is FieldKind.OBJECT:
            assert annotation == "PendingKey | None"
            parts = {f.name: f.type for f in fields(PendingKey)}
            assert [p.name for p in spec.parts] == list(parts)
            assert all(parts[p.name] == MODEL_TYPES[p.kind] for p in spec.parts)
        else:
            assert annotation == MODEL_TYPES[spec.kind], name


def test_the_parser_reads_each_field_in_table_order() -> None:
    # Every documented field sent with a wrong type: one problem each, in table order.
    body: dict[str, object] = {
        spec.name: 12345 for spec in STATUS_FIELDS if spec.kind is not FieldKind.EXTRA
    }
    body["connected"] = "yes"
    for spec in STATUS_FIELDS:
        if spec.kind is FieldKind.VERSION:
            body[spec.name] = [12345]  # a number is a version (6.4), an array is not
    status = from_mapping(body)
    assert [p.field for p in status.problems] == [
        spec.name for spec in STATUS_FIELDS if spec.kind is not FieldKind.EXTRA
    ]
    assert not set(status.extras)


def test_extras_stay_extras() -> None:
    body = {spec.name: "x" for spec in STATUS_FIELDS if spec.kind is FieldKind.EXTRA}
    assert set(from_mapping(body).extras) == set(body)


def test_the_derived_lists_are_what_they_were() -> None:
    # Pinned: these were written out by hand in five modules before the table.
    assert ENUM_FIELDS == (
        "status", "connection_status", "health_status", "credential_status", "webhook_health"
    )
    assert URL_FIELDS == ("site_url", "webhook_url")
    assert (KNOWN_FIELDS - {"status", "issues"}) | {
        "integration_public_id", "payout_configured"
    } == SPECIFIC_FIELDS
    assert meum_status.SPECIFIC_FIELDS is SPECIFIC_FIELDS
    assert redact.ID_FIELDS == ("integration_id", "integration_public_id", "credential_prefix")
    assert dict(NESTED_ID_FIELDS) == {"pending_connection_key": ("key_prefix",)}
    assert {
        "payout_configured", "payout_ready", "payout_status", "payouts_enabled", "livemode",
        "live_mode", "test_mode", "mode", "environment", "currency", "php_version", "plugin_mode",
    } == HARMLESS_EXTRA_FIELDS
    assert redact.HARMLESS_EXTRA_FIELDS is HARMLESS_EXTRA_FIELDS
    assert TIME_FIELDS == ("last_seen_at", "pending_connection_key.expires_at")
    assert connection.LABELS == {
        "connected": "connected flag",
        "connection_status": "connection status",
        "status": "overall integration status",
    }


def test_every_connection_and_enumerated_field_has_a_label() -> None:
    # MD901 and the connection reading name them in sentences.
    for name in (*ENUM_FIELDS, *connection.FIELDS):
        assert FIELDS_BY_NAME[name].label, name


def test_the_bundled_values_are_for_enumerated_fields() -> None:
    defaults = tomllib.loads(
        resources.files("meum_doctor").joinpath("defaults.toml").read_text("utf-8")
    )
    assert set(defaults["values"]) == set(ENUM_FIELDS)


def test_the_demo_moves_every_time_field() -> None:
    body = json.dumps(
        {"last_seen_at": "2026-11-28T11:00:00Z",
         "pending_connection_key": {"key_prefix": "ck_1", "expires_at": "2026-11-29T12:00:00Z"},
         "site_url": "https://a.example"}
    ).encode()
    moved = json.loads(demo.rebase(body, demo.EXAMPLE_EPOCH + timedelta(days=2)))
    assert moved["last_seen_at"] == "2026-11-30T11:00:00Z"
    assert moved["pending_connection_key"] == {"key_prefix": "ck_1",
                                               "expires_at": "2026-12-01T12:00:00Z"}
    assert moved["site_url"] == "https://a.example"
