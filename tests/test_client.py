"""The API client, through the real command line, against a real HTTP server on 127.0.0.1.

Every case checks the exit code, that the failure is told in one line without a traceback,
and that the API key appears nowhere in what was printed.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import NOW, SECRET_KEY, Result, assert_one_line_error, example_bytes
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PATH = "/v1/integration/woocommerce/status"


@pytest.fixture
def check(run: Any, httpserver: HTTPServer) -> Callable[..., Result]:
    def invoke(*extra: str) -> Result:
        result: Result = run(
            ["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", "json", *extra],
            env={"MEUM_API_KEY": SECRET_KEY},
        )
        result.assert_no_secret()
        return result

    return invoke


def test_success_sends_the_documented_headers(check: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        PATH,
        headers={"Authorization": f"Bearer {SECRET_KEY}", "Accept": "application/json"},
    ).respond_with_data(example_bytes("healthy"), headers={"Request-Id": "req_123"})
    result = check()
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["verdict"] == "healthy"
    assert report["source"]["type"] == "api"
    assert report["source"]["location"] == httpserver.url_for(PATH)
    assert report["source"]["request_id"] == "req_123"
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("meum-doctor/")


@pytest.mark.parametrize(
    ("status", "body", "error_code", "message"),
    [
        (401, b"", "auth-rejected", "the API rejected this key (HTTP 401"),
        (
            403,
            json.dumps({"error": {"type": "permission_error", "code": "INSUFFICIENT_SCOPE",
                                  "message": "Missing transactions:read scope"}}).encode(),
            "forbidden",
            "INSUFFICIENT_SCOPE: Missing transactions:read scope",
        ),
        (403, b'{"code": "forbidden", "message": "legacy shape"}', "forbidden",
         "forbidden: legacy shape"),
        (403, b"<html><body>Forbidden</body></html>", "forbidden", "HTTP 403"),
        (404, b'{"error": {"code": "not_found"}}', "not-found", "HTTP 404"),
        (429, b"", "rate-limited", "HTTP 429"),
        (500, b'{"error": {"type": "api_error", "code": "INTERNAL"}}', "server-error",
         "server error (HTTP 500"),
        (418, b"", "http-error", "HTTP 418"),
    ],
)
def test_http_errors(
    check: Any, httpserver: HTTPServer, status: int, body: bytes, error_code: str, message: str
) -> None:
    """Each family of HTTP status has its code: on the stderr line, in brackets at the end,
    and (the run asked for -f json) as the JSON error object on standard output."""
    httpserver.expect_request(PATH).respond_with_data(
        body, status=status, headers={"Retry-After": "0"}
    )
    result = check()
    assert result.code == 3
    assert_one_line_error(result)
    assert message in result.err
    assert result.err.rstrip("\n").endswith(f" [{error_code}]")
    error = json.loads(result.out)["error"]
    assert set(error) == {"code", "message", "http_status", "request_id", "retried"}
    assert error["code"] == error_code
    assert error["http_status"] == status
    assert error["message"] in result.err
    # Only the retryable statuses are tried again (429 and 503 here, not 500 or 4xx).
    assert error["retried"] is (status == 429)


def test_the_json_error_carries_the_request_id_and_never_the_key(
    run: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(PATH).respond_with_data(
        f'{{"error": {{"message": "bad key {SECRET_KEY}"}}}}', status=401,
        headers={"Request-Id": "req_1"},
    )
    result = run(["check", "--base-url", httpserver.url_for(""), "--format=json"],
                 env={"MEUM_API_KEY": SECRET_KEY})
    result.assert_no_secret()
    error = json.loads(result.out)["error"]
    assert error["request_id"] == "req_1"
    assert error["code"] == "auth-rejected"
    assert result.err.startswith(
        "meum-doctor: error: the API rejected this key (HTTP 401, request id req_1)"
    )
    assert result.err.endswith(" [auth-rejected]\n")


def test_request_id_is_quoted_in_errors(check: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data(b"", status=401,
                                                      headers={"X-Request-Id": "req_abc"})
    result = check()
    assert "request id req_abc" in result.err


def test_429_with_retry_after_then_success(check: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_data(
        b"", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request(PATH).respond_with_data(example_bytes("healthy"))
    started = time.monotonic()
    result = check()
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 1.0  # it waited as asked
    assert len(httpserver.log) == 2


def test_503_three_times_gives_up(check: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data(b"busy", status=503)
    result = check()
    assert result.code == 3
    assert_one_line_error(result)
    assert "HTTP 503" in result.err
    assert len(httpserver.log) == 3  # at most three attempts in all


def test_404_is_not_retried(check: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data(b"", status=404)
    assert check().code == 3
    assert len(httpserver.log) == 1


def test_slow_server_past_timeout(check: Any, httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(example_bytes("healthy"))

    httpserver.expect_request(PATH).respond_with_handler(slow)
    started = time.monotonic()
    result = check("--timeout", "0.3")
    elapsed = time.monotonic() - started
    assert result.code == 3
    assert_one_line_error(result)
    assert "did not answer within 0.3 s" in result.err
    # Three attempts, each cut at the timeout, and short backoffs; the server is one thread,
    # so later attempts also queue behind the earlier sleeping handlers.
    assert elapsed < 6


def test_connection_refused(run: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(["check", "--base-url", f"http://127.0.0.1:{port}"],
                 env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 3
    assert_one_line_error(result)
    assert "connection refused" in result.err
    result.assert_no_secret()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><head><title>Oops</title></head><body>Error</body></html>",
         "HTML page"),
        (b"", "empty"),
        (b"[1, 2, 3]", "not an object (it is an array)"),
        (b'{"status": "CONNECTED", "connec', "truncated"),
    ],
)
def test_bodies_that_are_not_a_status(
    check: Any, httpserver: HTTPServer, body: bytes, message: str
) -> None:
    httpserver.expect_request(PATH).respond_with_data(body, content_type="application/json")
    result = check()
    assert result.code == 3
    assert_one_line_error(result)
    assert message in result.err


def test_two_mib_body_is_refused(check: Any, httpserver: HTTPServer) -> None:
    body = b'{"issues": ["' + b"x" * (2 * 1024 * 1024) + b'"]}'
    httpserver.expect_request(PATH).respond_with_data(body)
    result = check()
    assert result.code == 3
    assert_one_line_error(result)
    assert "larger than 1024 KiB" in result.err


def test_key_over_plain_http_to_another_host_is_refused(run: Any) -> None:
    result = run(["check", "--base-url", "http://api.meum.example"],
                 env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 2
    assert "refusing to send the API key over plain http://" in result.err
    result.assert_no_secret()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (SECRET_KEY + " extra", "contains whitespace"),
        (SECRET_KEY + "\x1b[31m", "control characters"),
        (SECRET_KEY + "é", "not plain ASCII"),
    ],
)
def test_malformed_keys_are_refused_without_echoing_them(run: Any, key: str, message: str) -> None:
    result = run(["check", "--api-key", key, "--base-url", "http://127.0.0.1:9"])
    assert result.code == 2
    assert message in result.err
    result.assert_no_secret()


def test_key_without_the_live_prefix_only_warns(check: Any, httpserver: HTTPServer, run: Any) -> None:
    httpserver.expect_request(PATH).respond_with_data(example_bytes("healthy"))
    result = run(["check", "--base-url", httpserver.url_for(""), "--api-key", "test_key_123456"])
    assert result.code == 0
    assert "does not start with sk_live_" in result.err
    assert "test_key_123456" not in result.err + result.out
