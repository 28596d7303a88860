"""Error codes: every error line ends in ``[code]``, ``-f json`` gets the error as JSON on
standard output, batch summaries give each failed store's code, and the client tells
failures apart by exception type, not by their text."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import EXAMPLES, NOW, SECRET_KEY, SECRET_TAIL, Result, assert_one_line_error
from faultserver import FaultServer, always, response
from pytest_httpserver import HTTPServer

from meum_doctor.client import exception_error
from meum_doctor.errors import (
    CODES,
    AuthRejected,
    ConnectFailed,
    DNSFailed,
    Forbidden,
    NotFound,
    StatusUnavailable,
    TLSFailed,
    UsageError,
)
from meum_doctor.failures import error_dict, json_requested, stderr_line

PATH = "/v1/integration/woocommerce/status"
KEYS = {"code", "message", "http_status", "request_id", "retried"}


def json_error(result: Result) -> dict[str, Any]:
    """The error object of a failed ``-f json`` run, checked against its stderr line."""
    assert_one_line_error(result)
    document = json.loads(result.out)
    assert set(document) == {"error"}
    error: dict[str, Any] = document["error"]
    assert set(error) == KEYS
    assert error["code"] in CODES
    line = result.err.strip().splitlines()[-1]
    assert line.endswith(f" [{error['code']}]")
    assert error["message"] in line
    assert SECRET_TAIL not in result.out + result.err
    return error


# Reading -f json from the raw arguments ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["check", "-f", "json"], True),
        (["check", "-fjson"], True),
        (["check", "--format", "json"], True),
        (["check", "--format=json"], True),
        (["batch", "-rf", "json", "x"], True),
        (["check", "-vfjson"], True),
        (["check", "-f", "json", "-f", "text"], False),  # the last one wins, as in click
        (["check", "-f", "text", "--format=json"], True),
        (["check"], False),
        (["check", "-f"], False),
        (["check", "--input", "-f", "json"], False),  # -f is --input's value here
        (["check", "--select", "-fjson"], False),
        (["check", "-o", "-fjson"], False),
        (["batch", "--", "-fjson"], False),  # after --, a file name
        (["check", "--demo", "-f", "json"], True),  # --demo's value is optional
    ],
)
def test_json_is_read_from_the_raw_arguments(args: list[str], wanted: bool) -> None:
    from meum_doctor.cli import cli
    from meum_doctor.failures import value_options

    assert json_requested(args, value_options(cli)) is wanted


# -f json: the error object on standard output ------------------------------------------------


@pytest.mark.parametrize("fmt", [["-f", "json"], ["-fjson"], ["--format", "json"],
                                 ["--format=json"]])
def test_a_check_that_cannot_read_its_file_writes_the_error_as_json(
    run: Any, tmp_path: Path, fmt: list[str]
) -> None:
    result = run(["check", "--input", str(tmp_path / "absent.json"), *fmt])
    assert result.code == 3
    error = json_error(result)
    assert error == {
        "code": "file-unreadable",
        "message": f"status file {tmp_path / 'absent.json'} does not exist",
        "http_status": None,
        "request_id": None,
        "retried": False,
    }


def test_without_json_the_error_is_only_the_line(run: Any, tmp_path: Path) -> None:
    result = run(["check", "--input", str(tmp_path / "absent.json")])
    assert result.out == ""
    assert result.err == (
        f"meum-doctor: error: status file {tmp_path / 'absent.json'} does not exist "
        "[file-unreadable]\n"
    )


def test_clicks_own_usage_errors_have_the_usage_code_and_json(run: Any) -> None:
    result = run(["check", "--bogus", "-f", "json"])
    assert result.code == 2
    assert json_error(result)["code"] == "usage"
    assert result.err.startswith("meum-doctor: error: No such option")


def test_a_bad_option_value_is_usage_even_before_the_format_is_parsed(run: Any) -> None:
    result = run(["check", "--fail-on", "sometimes", "--format=json"])
    assert result.code == 2
    assert json_error(result)["code"] == "usage"


def test_a_usage_error_of_the_tool_writes_json_with_the_key_scrubbed(run: Any) -> None:
    result = run(["check", "-f", "json", "--api-key", SECRET_KEY, "--input", "x.json"])
    assert result.code == 2
    error = json_error(result)
    assert error["code"] == "usage"
    assert error["message"].startswith("choose one source of status")


def test_an_unwritable_output_is_write_failed(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.json"
    result = run(["check", "--demo", "-f", "json", "-o", str(target)])
    assert result.code == 2
    assert json_error(result)["code"] == "write-failed"


def test_an_unwritable_output_dir_is_write_failed(run: Any, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    result = run(["batch", str(EXAMPLES / "healthy.json"), "-f", "json",
                  "--output-dir", str(not_a_folder)])
    assert result.code == 2
    assert json_error(result)["code"] == "write-failed"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (bytes(range(256)), "not-text"),
        (b"<html><body>oops</body></html>", "not-json"),
        (b'{"a": ' + b"9" * 5000 + b"}", "not-json"),
        (b"[" * 500 + b"]" * 500, "too-deep"),
        (b"[1, 2]", "not-an-object"),
        (b'{"token": "abc"}', "not-a-status"),
        (b'{"status": "error", "message": "Unauthorized"}', "not-a-status"),
        (b'{"a": "' + b"x" * (1024 * 1024) + b'"}', "too-large"),
    ],
)
def test_bodies_that_are_no_status_have_their_code(
    run: Any, tmp_path: Path, body: bytes, code: str
) -> None:
    path = tmp_path / "status.json"
    path.write_bytes(body)
    result = run(["check", "--input", str(path), "-f", "json"])
    assert result.code == 3
    assert json_error(result)["code"] == code


def test_a_folder_as_input_is_file_unreadable(run: Any, tmp_path: Path) -> None:
    result = run(["check", "--input", str(tmp_path)])
    assert result.code == 3
    assert result.err.endswith(" [file-unreadable]\n")


def test_a_bug_is_internal_and_still_json(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import meum_doctor.sources.meum_status

    def broken(body: bytes) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(meum_doctor.sources.meum_status, "parse", broken)
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "-f", "json"])
    assert result.code == 4
    error = json_error(result)
    assert error["code"] == "internal"
    assert error["message"].startswith("internal error: RuntimeError: simulated bug")


def test_ctrl_c_is_interrupted(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import meum_doctor.sources.meum_status

    def interrupted(body: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(meum_doctor.sources.meum_status, "parse", interrupted)
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "-f", "json"])
    assert result.code == 130
    # click turns Ctrl-C inside a command into its Abort (after a line break of its own).
    assert result.err.strip() == "meum-doctor: aborted [interrupted]"
    assert json.loads(result.out)["error"]["code"] == "interrupted"


def test_a_report_is_never_mixed_with_an_error_object(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json"])
    assert result.code == 0
    assert "error" not in json.loads(result.out)


# The network: one code per way of failing, through real servers ---------------------------


def check_api(run: Any, url: str, *extra: str) -> Result:
    result: Result = run(["check", "--base-url", url, "-f", "json", *extra],
                         env={"MEUM_API_KEY": SECRET_KEY})
    return result


def test_a_timeout_is_timeout_and_retried(run: Any) -> None:
    with FaultServer(always(1.0)) as server:
        result = check_api(run, server.url, "--timeout", "0.2")
    assert result.code == 3
    error = json_error(result)
    assert (error["code"], error["retried"], error["http_status"]) == ("timeout", True, None)


def test_tls_to_a_plain_http_server_is_tls(run: Any) -> None:
    with FaultServer(always(response(200)), wait_for_request=False) as server:
        result = check_api(run, server.url.replace("http:", "https:"), "--timeout", "2")
    assert result.code == 3
    error = json_error(result)
    assert error["code"] == "tls"
    assert error["retried"] is False  # a TLS failure is not transient


def test_an_unresolvable_host_is_dns(run: Any) -> None:
    result = check_api(run, "https://no-such-host.invalid", "--timeout", "2")
    assert result.code == 3
    assert json_error(result)["code"] == "dns"


def test_a_closed_port_is_connect(run: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check_api(run, f"http://127.0.0.1:{port}", "--timeout", "1")
    assert result.code == 3
    error = json_error(result)
    assert error["code"] == "connect"
    assert "connection refused" in error["message"]


def test_a_redirect_off_site_is_redirect(run: Any) -> None:
    answer = response(302, headers={"Location": "http://localhost:1/"})
    with FaultServer(always(answer)) as server:
        result = check_api(run, server.url)
    assert json_error(result)["code"] == "redirect"


def test_the_line_adds_what_the_message_does_not_say() -> None:
    error = StatusUnavailable("the API failed", http_status=502, request_id="req_9")
    assert stderr_line(error, "the API failed") == (
        "meum-doctor: error: the API failed (HTTP 502, request id req_9) [network]"
    )
    said = "the API rejected this key (HTTP 401, request id req_1): check"
    error = AuthRejected(said, http_status=401, request_id="req_1")
    assert stderr_line(error, said) == f"meum-doctor: error: {said} [auth-rejected]"
    assert error_dict(UsageError("x"), "x") == {"error": {
        "code": "usage", "message": "x", "http_status": None, "request_id": None,
        "retried": False}}


def test_an_instance_may_override_its_class_code() -> None:
    assert UsageError("x").code == "usage"
    assert UsageError("x", code="write-failed").code == "write-failed"
    assert Forbidden("x").code == "forbidden" and isinstance(Forbidden("x"), AuthRejected)
    assert NotFound("x").exit_code == 3


# Matching by type, not by text ------------------------------------------------------------


def chained(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as caught:
        return caught


def test_dns_is_found_by_its_exception_type_whatever_its_words() -> None:
    exc = chained(httpx.ConnectError("it went wrong"), socket.gaierror(-99, "no words we know"))
    assert isinstance(exc, httpx.ConnectError)
    error = exception_error(exc, "https://api.example/", 1)
    assert isinstance(error, DNSFailed)


def test_tls_is_found_by_its_exception_type_whatever_its_words() -> None:
    cause = ssl.SSLCertVerificationError(1, "something unusual")
    exc = chained(httpx.ConnectError("it went wrong"), cause)
    assert isinstance(exc, httpx.ConnectError)
    error = exception_error(exc, "https://api.example/", 1)
    assert isinstance(error, TLSFailed)
    assert "its certificate could not be verified" in str(error)


def test_words_alone_do_not_make_dns() -> None:
    exc = chained(httpx.ConnectError("Name or service not known"), ConnectionRefusedError())
    assert isinstance(exc, httpx.ConnectError)
    error = exception_error(exc, "https://api.example/", 1)
    assert isinstance(error, ConnectFailed)
    assert "connection refused" in str(error)


def test_the_light_client_names_do_not_import_httpx(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from meum_doctor.client import check_key, status_url, is_loopback, request_headers\n"
        "status_url('https://api.meum.io'); check_key('sk_live_x')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'ssl', 'asyncio')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


# batch ----------------------------------------------------------------------------------------


def test_batch_that_fails_before_a_summary_writes_the_error_as_json(
    run: Any, tmp_path: Path
) -> None:
    result = run(["batch", "--keys-file", str(tmp_path / "absent.txt"), "-f", "json"])
    assert result.code == 2
    assert json_error(result)["code"] == "file-unreadable"
    result = run(["batch", "-f", "json"])
    assert result.code == 2
    assert json_error(result)["code"] == "usage"


def test_batch_summary_gives_the_code_of_each_store_not_checked(
    run: Any, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(PATH).respond_with_data(
        b"", status=401, headers={"Request-Id": "req_42"}
    )
    keys = tmp_path / "keys.txt"
    keys.write_text(f"revoked,{SECRET_KEY}\nbroken,has space\n")
    not_json = tmp_path / "page.json"
    not_json.write_text("<html></html>")
    args = ["batch", str(not_json), str(EXAMPLES / "healthy.json"), "--keys-file", str(keys),
            "--base-url", httpserver.url_for(""), "--now", NOW]
    result = run([*args, "-f", "json"])
    assert result.code == 3
    summary = json.loads(result.out)
    failed = {f["label"]: f for f in summary["not_checked"]}
    assert {label: f["code"] for label, f in failed.items()} == {
        "revoked": "auth-rejected", "broken": "usage", "page": "not-json"}
    assert (failed["revoked"]["http_status"], failed["revoked"]["request_id"]) == (401, "req_42")
    assert (failed["page"]["http_status"], failed["page"]["request_id"]) == (None, None)
    assert "error_code" not in summary["stores"][0]  # only stores not checked have one
    text = run([*args, "-f", "text"]).out
    assert "[auth-rejected]" in text and "[not-json]" in text and "[usage]" in text
    assert "[not-json]" in run([*args, "-f", "markdown"]).out
    assert "[not-json]" in run([*args, "-f", "html"]).out
    assert SECRET_TAIL not in result.out + text
