"""``meum-doctor serve`` over real HTTP: the JSON API's answers and statuses, the form's
CSRF protection, the limits, the security headers, and the key kept out of every answer
and log line. The Meum API is the project's example API on another loopback port."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import EXAMPLES, NOW, SECRET_KEY, SECRET_TAIL, example_bytes

pytest.importorskip("starlette", reason="the [web] extra is not installed")
pytest.importorskip("uvicorn", reason="the [web] extra is not installed")

from jsonschema import Draft202012Validator
from webserver import serving

from meum_doctor.exampleapi import ExampleApi
from meum_doctor.formats import load_schema

SITE_REPORT = (EXAMPLES / "site-reports" / "healthy-site.txt").read_text("utf-8")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def validate(name: str, data: Any) -> None:
    Draft202012Validator(load_schema(name)).validate(data)


@pytest.fixture
def meum() -> Iterator[ExampleApi]:
    with ExampleApi({SECRET_KEY: example_bytes("degraded")}) as api:
        yield api


@pytest.fixture
def web(meum: ExampleApi) -> Iterator[str]:
    with serving(base_url=meum.base_url, rate_limit=0, debug=True) as url:
        yield url


def post_api(url: str, body: Any, **params: str) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/diagnose", json=body, params=params, timeout=30)


def assert_secure_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy  # default-src 'none'
    assert "'nonce-" in policy


def test_healthz(web: str) -> None:
    response = httpx.get(f"{web}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert_secure_headers(response)


def test_every_route_sends_the_security_headers(web: str) -> None:
    with httpx.Client(base_url=web, timeout=30) as client:
        answers = [client.get("/"), client.get("/healthz"), client.get("/demo/healthy"),
                   client.get("/nowhere"), client.post("/diagnose"), client.get("/api/v1/diagnose"),
                   client.post("/api/v1/diagnose", json={"demo": "healthy"})]
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 403, 405, 200]
    for answer in answers:
        assert_secure_headers(answer)
    nonces = {a.headers["content-security-policy"] for a in answers}
    assert len(nonces) == len(answers)  # a fresh nonce every time
    assert "strict-transport-security" not in answers[0].headers  # plain http on loopback


def test_a_key_gives_the_report_json_of_schema_v2(web: str, meum: ExampleApi) -> None:
    response = post_api(web, {"api_key": SECRET_KEY, "now": NOW})
    assert response.status_code == 200, response.text
    report = response.json()
    validate("report", report)
    assert report["verdict"] == "attention"
    assert SECRET_TAIL not in response.text
    assert meum.requests == 1


@pytest.mark.parametrize(("fmt", "media", "start"), [
    ("markdown", "text/markdown", "# Meum integration report"),
    ("html", "text/html", "<!DOCTYPE html>"),
])
def test_other_formats(web: str, fmt: str, media: str, start: str) -> None:
    response = post_api(web, {"demo": "degraded"}, format=fmt)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.text.startswith(start)


def test_a_status_and_a_site_report_are_both_used(web: str) -> None:
    status = json.loads(example_bytes("healthy"))
    response = post_api(web, {"status": status, "site_report": SITE_REPORT, "now": NOW,
                              "redact": True})
    assert response.status_code == 200, response.text
    report = response.json()
    validate("report", report)
    kinds = [source["kind"] for source in report["sources"]]
    assert kinds == ["meum-status", "site-report"]
    assert report["redacted"] is True


@pytest.mark.parametrize(("body", "code"), [
    ({"api_key": SECRET_KEY, "demo": "healthy"}, "usage"),
    ({}, "usage"),
    ({"demo": "nope"}, "usage"),
    ({"demo": "healthy", "base_url": "http://evil.example"}, "usage"),  # a visitor never picks it
    ({"demo": "healthy", "now": "yesterday"}, "usage"),
    ({"api_key": "sk_live_with space inside"}, "usage"),
    ([1, 2], "usage"),
])
def test_malformed_requests_are_400(web: str, body: Any, code: str) -> None:
    response = post_api(web, body)
    assert response.status_code == 400, response.text
    validate("error", response.json())
    assert response.json()["error"]["code"] == code
    assert SECRET_TAIL not in response.text


def test_not_json_and_a_form_post_are_400(web: str) -> None:
    response = httpx.post(f"{web}/api/v1/diagnose", content=b"{", headers={
        "content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "usage"
    # A page on another site can post text/plain without a preflight: refused.
    response = httpx.post(f"{web}/api/v1/diagnose", content=b'{"demo": "healthy"}',
                          headers={"content-type": "text/plain"})
    assert response.status_code == 400


def test_a_wrong_key_is_422_and_never_echoed(web: str) -> None:
    wrong = SECRET_KEY.replace("TESTSECRET", "WRONGSECRE")
    response = post_api(web, {"api_key": wrong})
    assert response.status_code == 422
    error = response.json()
    validate("error", error)
    assert error["error"]["code"] == "auth-rejected" and error["error"]["http_status"] == 401
    assert "WRONGSECRE" not in response.text


@pytest.mark.parametrize(("status", "code"), [
    ({"message": "Unauthorized", "status": "error"}, "not-a-status"),
    ({"anything": 1}, "not-a-status"),
])
def test_an_unreadable_document_is_422(web: str, status: Any, code: str) -> None:
    response = post_api(web, {"status": status})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_an_unreadable_site_report_is_422(web: str) -> None:
    response = post_api(web, {"demo": "healthy", "site_report": "hello, not a report"})
    assert response.status_code == 422, response.text
    validate("error", response.json())


def test_a_body_over_the_limit_is_413(meum: ExampleApi) -> None:
    with serving(base_url=meum.base_url, max_body_kib=4) as url:
        big = {"status": {"site_url": "https://x.example", "padding": "x" * 20_000}}
        response = post_api(url, big)
        assert response.status_code == 413
        validate("error", response.json())
        assert response.json()["error"]["code"] == "too-large"
        # Streamed without a Content-Length: counted as it arrives, refused all the same.
        def chunks() -> Iterator[bytes]:
            yield b'{"status": {"p": "'
            for _ in range(100):
                yield b"x" * 1024
            yield b'"}}'
        response = httpx.post(f"{url}/api/v1/diagnose", content=chunks(),
                              headers={"content-type": "application/json"})
        assert response.status_code == 413


def test_the_rate_limit_is_429_with_retry_after(meum: ExampleApi) -> None:
    with serving(base_url=meum.base_url, rate_limit=2) as url:
        answers = [post_api(url, {"demo": "healthy"}) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert int(answers[2].headers["retry-after"]) >= 1
        validate("error", answers[2].json())
        assert answers[2].json()["error"]["code"] == "throttled"
        # The page counts against the same limit.
        assert httpx.get(f"{url}/demo/healthy").status_code == 429
        assert httpx.get(f"{url}/healthz").status_code == 200  # not a diagnosis


def test_meum_unreachable_is_502(web: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with serving(base_url=f"http://127.0.0.1:{port}", timeout=1.0) as url:
        response = post_api(url, {"api_key": SECRET_KEY})
    assert response.status_code == 502
    validate("error", response.json())
    assert response.json()["error"]["code"] == "connect"
    assert SECRET_TAIL not in response.text


def test_too_many_in_flight_is_503_with_retry_after() -> None:
    with ExampleApi({SECRET_KEY: example_bytes("healthy")}, delay=1.0) as slow, \
            serving(base_url=slow.base_url, max_concurrent=2, rate_limit=0) as url:

        async def many() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=30) as client:
                return list(await asyncio.gather(*(
                    client.post(f"{url}/api/v1/diagnose", json={"api_key": SECRET_KEY})
                    for _ in range(6))))

        answers = asyncio.run(many())
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 200, 503, 503, 503, 503]
    for answer in answers:
        if answer.status_code == 503:
            assert answer.headers["retry-after"] and answer.json()["error"]["code"] == "busy"


# The form: CSRF ----------------------------------------------------------------------------


def form_token(client: httpx.Client) -> str:
    page = client.get("/").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_the_form_with_its_token_gives_the_report(web: str) -> None:
    with httpx.Client(base_url=web, timeout=30) as client:
        token = form_token(client)
        cookie = client.cookies.jar
        assert any(c.name == "meum_doctor_csrf" for c in cookie)
        response = client.post("/diagnose", data={"csrf": token, "api_key": SECRET_KEY},
                               headers={"origin": web})
    assert response.status_code == 200
    assert 'id="verdict"' in response.text and 'download="meum-report.json"' in response.text
    assert SECRET_TAIL not in response.text
    assert " style=" not in response.text
    assert 'http-equiv="Content-Security-Policy"' not in response.text
    nonce = response.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.text


def test_the_cookie_is_httponly_and_strict(web: str) -> None:
    cookie = httpx.get(f"{web}/").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


@pytest.mark.parametrize("case", ["no token", "wrong token", "no cookie", "other origin",
                                  "cross-site fetch"])
def test_the_form_is_refused_without_csrf(web: str, meum: ExampleApi, case: str) -> None:
    with httpx.Client(base_url=web, timeout=30) as client:
        token = form_token(client)
        data = {"api_key": SECRET_KEY, "csrf": token}
        headers = {"origin": web}
        if case == "no token":
            del data["csrf"]
        elif case == "wrong token":
            data["csrf"] = "0" * 64
        elif case == "no cookie":
            client.cookies.clear()
        elif case == "other origin":
            headers["origin"] = "https://evil.example"
        else:
            headers = {"origin": "null", "sec-fetch-site": "cross-site"}
        response = client.post("/diagnose", data=data, headers=headers)
    assert response.status_code == 403
    assert "[csrf]" not in response.text and "form expired" in response.text
    assert SECRET_TAIL not in response.text
    assert meum.requests == 0  # the key never left


def test_a_wrong_key_in_the_form_is_tied_to_its_field_and_not_echoed(web: str) -> None:
    wrong = SECRET_KEY.replace("TESTSECRET", "WRONGSECRE")
    with httpx.Client(base_url=web, timeout=30) as client:
        token = form_token(client)
        response = client.post("/diagnose", data={"csrf": token, "api_key": wrong})
    assert response.status_code == 422
    assert 'id="api_key-error"' in response.text
    assert 'aria-describedby="api_key-hint api_key-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "WRONGSECRE" not in response.text


# The key in the logs, and the command ----------------------------------------------------------


def test_the_key_is_in_no_log_line_even_at_debug(
    meum: ExampleApi, capfd: pytest.CaptureFixture[str]
) -> None:
    wrong = SECRET_KEY.replace("TESTSECRET", "WRONGSECRE")
    with serving(base_url=meum.base_url, rate_limit=0, debug=True) as url:
        assert post_api(url, {"api_key": SECRET_KEY}).status_code == 200
        assert post_api(url, {"api_key": wrong}).status_code == 422
        with httpx.Client(base_url=url) as client:
            token = form_token(client)
            client.post("/diagnose", data={"csrf": token, "api_key": SECRET_KEY})
    logged = capfd.readouterr()
    text = logged.out + logged.err
    assert "POST /api/v1/diagnose" in text  # the access log ran
    assert "fetching" in text  # and the core's debug lines
    assert SECRET_TAIL not in text and "WRONGSECRE" not in text


def test_serve_without_the_extra_says_how_to_install_it(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "starlette", None)
    result = run(["serve"])
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "pip install 'meum-doctor[web]'" in lines[0] and lines[0].endswith("[missing-extra]")


def test_serve_refuses_an_unusable_base_url(run: Any) -> None:
    result = run(["serve", "--base-url", "ftp://x"])
    assert result.code == 2 and result.err.rstrip().endswith("[usage]")
