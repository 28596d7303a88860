"""A hostile or buggy API that echoes the key where the tool shortens or lower-cases text.

The run's secrets scrub recognises a key only whole and as written. An API error message cut
at 200 characters, a request id at 100, a Content-Encoding at 40 or 100 could end inside an
echoed key and print all of it but its last characters; a host name or content coding shown
lower-cased is the key with its case folded. Each case runs the real command line against a
real server on 127.0.0.1 and looks for any 8 consecutive characters of the key's secret part,
in any case, on stdout (the JSON error object) and stderr.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from faultserver import FaultServer, Script, always, response

KEY = "sk_live_echo_Zq7Wx3Vb9Nm2Lk5Jh8"
SECRET_PART = KEY.removeprefix("sk_live_")


def assert_no_piece_of_the_key(*texts: str) -> None:
    for text in texts:
        folded = text.lower()
        for start in range(len(SECRET_PART) - 7):
            piece = SECRET_PART[start : start + 8].lower()
            assert piece not in folded, (piece, text)


def message_of_length(prefix: int) -> bytes:
    return json.dumps({"error": {"code": "invalid_key", "message": "x" * prefix + KEY}}).encode()


CASES: dict[str, tuple[Script, str]] = {
    # "invalid_key: " + the message is cut at 200: the key's last character falls off.
    "api-message-cut": (always(response(401, message_of_length(170))), "auth-rejected"),
    "request-id-cut": (always(response(401, headers={"Request-Id": "r" * 75 + KEY})),
                       "auth-rejected"),
    "coding-cut": (always(response(200, b"{}", {"Content-Encoding": "gzip, br, " + "q" * 60
                                                 + KEY})), "decode"),
    "coding-folded": (always(response(200, b"{}", {"Content-Encoding": "x" + KEY})), "decode"),
    "redirect-host-folded": (
        always(response(302, headers={"Location": f"http://{KEY}.evil.example/x"})), "redirect"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_an_echo_that_is_cut_or_lower_cased_shows_no_piece_of_the_key(
    run: Any, name: str
) -> None:
    script, code = CASES[name]
    with FaultServer(script) as server:
        result = run(["check", "--base-url", server.url, "-f", "json"],
                     env={"MEUM_API_KEY": KEY})
    assert result.code == 3, result.err
    assert json.loads(result.out)["error"]["code"] == code
    assert result.err.rstrip().endswith(f"[{code}]")
    assert_no_piece_of_the_key(result.out, result.err)


def test_a_shortened_text_never_ends_inside_a_word() -> None:
    from meum_doctor.text import shorten

    assert shorten("short", 10) == "short"
    assert shorten("the key sk_live_abcdef", 14) == "the key…"
    assert shorten("one two three", 7) == "one two…"
    assert shorten("x" * 50, 10) == "…"


@pytest.mark.parametrize("key", ["message", "request_id", "retried"])
def test_a_key_that_is_a_word_of_the_json_error_object_leaves_the_object_intact(
    run: Any, key: str
) -> None:
    """Secrets are removed from the error object's values, not from its encoded text, so a
    key that is one of the object's own words (a placeholder, a test) cannot rename a key
    (``run`` validates every JSON output against the shipped error schema)."""
    echo = json.dumps({"error": {"code": "invalid_key", "message": f"no such key {key}"}})
    with FaultServer(always(response(401, echo, {"Request-Id": f"req_{key}"}))) as server:
        result = run(["check", "--base-url", server.url, "-f", "json", "--api-key", key])
    assert result.code == 3
    error = json.loads(result.out)["error"]
    assert sorted(error) == ["code", "http_status", "message", "request_id", "retried"]
    assert error["code"] == "auth-rejected"
    assert key not in error["message"] and key not in error["request_id"]
    assert key not in result.err


def test_the_json_error_object_never_holds_an_echoed_key() -> None:
    from meum_doctor.errors import AuthRejected
    from meum_doctor.failures import error_json
    from meum_doctor.secrets import Secrets

    error = AuthRejected("the API said: bad key " + KEY, request_id="req_" + KEY)
    text = error_json(error, str(error), Secrets([KEY]).scrub)
    assert SECRET_PART not in text
    assert json.loads(text)["error"]["request_id"] == "req_sk_live_…"
