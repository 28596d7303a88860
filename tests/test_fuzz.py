"""Property tests: whatever the API or a config file holds, the tool answers, never crashes.

Bounded so the suite stays quick: MEUM_DOCTOR_FUZZ_EXAMPLES (default 150) examples per
property; set it higher for a long run, e.g. MEUM_DOCTOR_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from conftest import assert_valid_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meum_doctor.rules import RULES

from meum_doctor.config import config_from_mapping, rule_settings
from meum_doctor.documents import MEUM_STATUS, Document, Provenance
from meum_doctor.engine import evaluate
from meum_doctor.errors import BadResponse, ConfigError
from meum_doctor.evidence import Evidence
from meum_doctor.render import FORMATS, render
from meum_doctor.report import build_report
from meum_doctor.status import KNOWN_FIELDS, parse
from meum_doctor.text import is_unsafe_char

EXAMPLES = int(os.environ.get("MEUM_DOCTOR_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONFIG = config_from_mapping({})
SETTINGS = rule_settings(CONFIG, RULES)
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)

# Every category of Unicode, lone surrogates included (JSON can carry them escaped).
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
hostile_text = st.one_of(
    any_text,
    st.sampled_from([
        "\x1b[31mred\x1b[0m", "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "a\rb",
        "\u202eevil", "zero\u200bwidth", "nul\x00", "<script>alert(1)</script>",
        "[x](javascript:alert(1))", "| a | b |", "```", "</style><!--", "\ud800", "\udfff",
    ]),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False,
                         allow_infinity=False), hostile_text)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
versions = st.one_of(
    st.from_regex(r"\A\d{1,3}(\.\d{1,3}){0,4}(-?(rc|beta|alpha|RC)\d?)?\Z"),
    st.text(max_size=20),
    st.just("9" * 5000),
    st.just(".".join(["1"] * 500)),
)
offsets = st.sampled_from(["Z", "+00:00", "-05:00", "+05:45", "+14:00", "-12:00", "", "+23:59"])
datetimes = st.one_of(
    st.builds(lambda d, o: d.strftime("%Y-%m-%dT%H:%M:%S") + o,
              st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), offsets),
    st.text(max_size=30),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-02-30T00:00:00Z"]),
)
urls = st.one_of(
    st.sampled_from([
        "https://shop.example", "http://shop.example:8080/x", "https://user:pw@shop.example/",
        "javascript:alert(1)", "https://xn--bcher-kva.example", "https://bücher.example/wp",
        "https://[::1]:8443/", "https://shop.example:99999", "//shop.example", "https://",
        "data:text/html,<script>alert(1)</script>", "https://shop.example/\"><script>",
    ]),
    st.builds(lambda h, p: f"https://{h}:{p}/", st.from_regex(r"\A[a-z]{1,10}\.example\Z"),
              st.integers(0, 70000)),
    hostile_text,
)
field_values: dict[str, Any] = dict.fromkeys(KNOWN_FIELDS, json_values)
field_values.update(
    plugin_version=st.one_of(versions, json_values),
    wordpress_version=st.one_of(versions, json_values),
    woocommerce_version=st.one_of(versions, json_values),
    last_seen_at=st.one_of(datetimes, json_values),
    site_url=st.one_of(urls, json_values),
    webhook_url=st.one_of(urls, json_values),
    pending_connection_key=st.one_of(
        json_values,
        st.fixed_dictionaries({"key_prefix": json_values, "expires_at": datetimes}),
    ),
    issues=st.one_of(st.lists(hostile_text, max_size=30), json_values),
)
statuses = st.fixed_dictionaries(
    {}, optional={**field_values, "payout_configured": json_values, "extra_field": json_values}
)


def diagnose(body: bytes, *, redact: bool = False) -> None:
    """parse -> rules -> report -> every renderer; only BadResponse may stop it."""
    try:
        status = parse(body)
    except BadResponse:
        return  # the one error a body may cause; its message is tested elsewhere
    evaluation = evaluate(status, RULES, CONFIG, SETTINGS, NOW)
    assert evaluation.failures == (), evaluation.failures[0].traceback
    raw = Document(MEUM_STATUS, body, Provenance("file", "fuzz.json", NOW))
    report = build_report(Evidence.of_status(status, raw), evaluation, RULES, evaluated_at=NOW, generated_at=NOW,
                          policy_as_of=CONFIG.policy.as_of, fail_on=CONFIG.fail_on,
                          redact=redact, verbose=True)
    for fmt in FORMATS:
        text = render(report, fmt)
        text.encode("utf-8")  # printable and writable: no lone surrogate survives
        if fmt == "json":
            assert assert_valid_report(text)["schema_version"] == 2
        else:
            assert not any(is_unsafe_char(c) for c in text if c not in "\n\t" and c != "\x1b"), fmt
            assert "\x1b" not in text


@FUZZ
@given(json_values)
def test_any_json_value_as_the_body(value: Any) -> None:
    diagnose(json.dumps(value).encode())


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_as_the_body(body: bytes) -> None:
    diagnose(body)


@FUZZ
@given(statuses, st.booleans())
def test_status_objects_with_any_field_of_any_type(status: dict[str, Any], redact: bool) -> None:
    diagnose(json.dumps(status).encode(), redact=redact)


config_keys = st.sampled_from(["fail_on", "select", "ignore", "values", "policy", "rules", "x",
                               "health_status", "healthy", "bad", "meum_plugin", "latest",
                               "minimum", "as_of", "MD301", "severity", "high_after_hours",
                               "requires_wordpress", "wordpress", "woocommerce", "MD999"])
config_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 500), st.floats(allow_nan=False),
              st.sampled_from(["high", "MD3", "7.1", "1.0", "2026-01-01", "x", ""]), any_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(config_keys, inner, max_size=4),
    max_leaves=10,
)


def keys_of(table: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(table, dict):
        for key, value in table.items():
            found |= {key, f"{prefix}{key}"} | keys_of(value, f"{prefix}{key}.")
    return found


@FUZZ
@given(st.dictionaries(config_keys, config_values, max_size=5))
def test_config_with_random_keys_and_types(table: dict[str, Any]) -> None:
    table = {k: v for k, v in table.items() if v is not None}  # TOML has no null
    try:
        config = config_from_mapping(table, "fuzz.toml")
        rule_settings(config, RULES)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("configuration file fuzz.toml: ")
        named = message.removeprefix("configuration file fuzz.toml: ").split(":")[0]
        assert named.split(".")[0].split(" ")[0] in keys_of(table) | {
            "fail_on", "select", "ignore", "policy", "values", "rules"}, message


# A keys file: whatever its lines, no label shows a key and nothing but UsageError escapes.
_key = st.builds(lambda body: "sk_live_" + body, st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    min_size=12, max_size=30))
_field = st.one_of(_key, any_text, st.sampled_from(["", " ", "shop", "#", "Bearer"]))
_keys_line = st.lists(_field, min_size=1, max_size=4).map(",".join)


@FUZZ
@given(st.lists(st.one_of(_keys_line, any_text), min_size=1, max_size=8))
def test_keys_file_labels_never_show_a_key(tmp_path_factory: Any, lines: list[str]) -> None:
    from meum_doctor import batch as fleet
    from meum_doctor.errors import UsageError
    from meum_doctor.secrets import Secrets

    path = tmp_path_factory.mktemp("keys") / "keys.txt"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    secrets = Secrets()
    try:
        found = fleet.read_keys_file(str(path), secrets)
    except UsageError:
        return
    sent = {target.key for target in found if target.key}
    assert sent <= set(secrets) | {k for k in sent if len(k) < 6}
    for target in found:
        named_by_hint = target.label == f"sk_live_… (line {target.label.split()[-1][:-1]})"
        assert named_by_hint or "sk_live_" not in target.label.lower()
        for key in sent:
            assert key not in target.label or len(key) < 6, (key, target.label)
        for secret in secrets:
            assert secret not in target.label, (secret, target.label)


@FUZZ
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_visible_leaves_nothing_invisible(text: str) -> None:
    """Whatever the characters (any category, lone surrogates included), what visible()
    returns holds none that hides, reorders or controls text, and encodes as UTF-8."""
    from meum_doctor.text import visible

    shown = visible(text)
    assert not any(is_unsafe_char(c) for c in shown)
    shown.encode("utf-8")


# A key the API echoes back: removed however it is written, wherever it lands --------------

key_alphabet = st.characters(min_codepoint=0x21, max_codepoint=0x7E)  # what check_key accepts
# A fixed run inside each key keeps it distinct from the report's own words ("schema_v").
echoed_keys = st.builds(lambda p, a, b: f"{p}{a}Zq7{b}", st.sampled_from(["sk_live_", "sk_test_", ""]),
                        st.text(key_alphabet, min_size=3, max_size=15),
                        st.text(key_alphabet, max_size=15))


@FUZZ
@given(echoed_keys, st.lists(any_text, max_size=3), st.booleans(), st.booleans(),
       st.lists(st.integers(0, 400), max_size=6))
def test_an_echoed_key_is_removed_from_the_report_and_the_saved_body(
    key: str, texts: list[str], ascii_only: bool, php_slashes: bool, cuts: list[int]
) -> None:
    from meum_doctor.secrets import Secrets

    secrets = Secrets([key])
    status = {"issues": [*texts, f"key {key}", key], "site_url": f"https://x.example/?k={key}",
              "integration_id": key}
    text = json.dumps(status, ensure_ascii=ascii_only)
    # backslashreplace: a lone surrogate goes out as JSON's \udxxx, as an API would send it.
    body = (text.replace("/", "\\/") if php_slashes else text).encode("utf-8", "backslashreplace")

    # Saved: every echo replaced by the marker, whatever escaping the API chose.
    cleaned, removed = secrets.remove_from_bytes(body)
    assert removed >= 3
    saved = json.dumps(json.loads(cleaned), ensure_ascii=False)
    assert key not in saved.replace("[secret-removed-by-meum-doctor]", "")

    # Reported: no decoded string of the report holds it, in any format.
    parsed = parse(body)
    evaluation = evaluate(parsed, RULES, CONFIG, SETTINGS, NOW)
    raw = Document(MEUM_STATUS, body, Provenance("api", f"https://api.example/status?k={key}", NOW, key))
    report = build_report(Evidence.of_status(parsed, raw), evaluation, RULES, evaluated_at=NOW, generated_at=NOW,
                          policy_as_of=CONFIG.policy.as_of, fail_on=CONFIG.fail_on,
                          redact=False, secrets=secrets, verbose=True)
    for fmt in ("text", "json"):
        output = render(report, fmt)
        decoded = json.dumps(json.loads(output), ensure_ascii=False) if fmt == "json" else output
        assert key not in decoded, fmt
        # The last pass over what is written agrees with one pass over the whole text.
        bounds = [0, *sorted(cuts)]
        pieces = [output[a:b] for a, b in zip(bounds, [*bounds[1:], None], strict=True)]
        assert "".join(secrets.scrub_chunks(pieces)) == secrets.scrub(output)
