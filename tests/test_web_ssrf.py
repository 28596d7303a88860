"""``serve --allow-live-site-report``: the address policy (SSRF) on resolved addresses, the
pinned transport (one lookup, connect to the address checked, re-checked on every redirect
hop), and the server over real HTTP refusing loopback, private and metadata addresses with
422 ``blocked-address`` while fetching from the store when the policy allows it."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import NOW, SECRET_KEY, example_bytes

from meum_doctor.client.addresses import IPAddress, any_address, public_only
from meum_doctor.client.policy import SITE_STATUS_PATH
from meum_doctor.client.site import fetch_site_report
from meum_doctor.client.transport import PinnedTransport, make_client
from meum_doctor.errors import BlockedAddress, RedirectError
from meum_doctor.exampleapi import ExampleApi

WC_KEY = "ck_visitor_key_0123456789abcdef"
WC_SECRET = "cs_visitor_secret_fedcba9876543210"
SITE_BODY = (Path(__file__).parent / "rules" / "site_reports" / "healthy-site.json").read_bytes()


# The policy, on resolved addresses ---------------------------------------------------------


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.1", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("100.100.100.200", "metadata"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("::ffff:127.0.0.1", "loopback"),      # IPv4-mapped
    ("::ffff:10.1.2.3", "private"),
    ("64:ff9b::a9fe:a9fe", "metadata"),     # NAT64 of 169.254.169.254
    ("2002:0a00:0001::1", "private"),       # 6to4 of 10.0.0.1
])
def test_public_only_refuses_every_address_that_is_not_public(address: str, reason: str) -> None:
    found = public_only(ipaddress.ip_address(address))
    assert found is not None and reason in found


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111",
                                     "172.32.0.1", "100.128.0.1", "192.169.0.1"])
def test_public_only_lets_public_addresses_through(address: str) -> None:
    assert public_only(ipaddress.ip_address(address)) is None


# The pinned transport --------------------------------------------------------------------------


class Recording(httpx.AsyncBaseTransport):
    """Answers 200 and keeps the request as it would have gone on the wire."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=b"{}")


def resolver(*answers: list[str]) -> tuple[Any, list[str]]:
    """A resolver giving ``answers`` in turn (the last one again after), and its call log."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        answer = answers[min(len(calls), len(answers)) - 1]
        return [ipaddress.ip_address(a) for a in answer]

    return resolve, calls


def send(transport: httpx.AsyncBaseTransport, url: str) -> httpx.Response:
    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url)
    return asyncio.run(run())


def test_the_request_goes_to_the_address_checked_with_the_name_as_host_and_sni() -> None:
    inner = Recording()
    resolve, calls = resolver(["93.184.215.14"])
    send(PinnedTransport(inner, public_only, resolve), "https://store.example:8443/wp-json/")
    (request,) = inner.requests
    assert calls == ["store.example"]  # one lookup
    assert request.url.host == "93.184.215.14" and request.url.port == 8443
    assert request.headers["host"] == "store.example:8443"
    assert request.extensions["sni_hostname"] == "store.example"  # and the certificate's name


@pytest.mark.parametrize("answer", [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"],
                                    ["93.184.215.14", "10.0.0.7"]])  # one bad answer is enough
def test_a_name_resolving_to_a_refused_address_is_refused_before_connecting(
    answer: list[str],
) -> None:
    inner = Recording()
    resolve, _ = resolver(answer)
    with pytest.raises(BlockedAddress) as caught:
        send(PinnedTransport(inner, public_only, resolve), "https://store.example/")
    assert inner.requests == []
    assert caught.value.code == "blocked-address"
    assert "store.example" in str(caught.value)
    assert not any(a in str(caught.value) for a in answer)  # the address is not revealed


def test_localhost_is_resolved_and_refused() -> None:
    inner = Recording()
    with pytest.raises(BlockedAddress, match="loopback"):
        send(PinnedTransport(inner, public_only), "http://localhost:9/")  # the system resolver
    assert inner.requests == []


# A real store (the example API), fetched through the pinned client -----------------------------


def loopback_allowed(address: IPAddress) -> str | None:
    """public_only, except this machine: lets a test reach its loopback servers."""
    return None if address.is_loopback else public_only(address)


def test_the_pinned_client_fetches_from_the_checked_address_without_a_second_lookup() -> None:
    # shop.localhost resolves only through the test's resolver (the system does not know
    # it): the fetch working proves the connection went to the address checked.
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("shop.localhost", 80)
    with ExampleApi({}, site_reports={(WC_KEY, WC_SECRET): SITE_BODY}) as store:
        port = store.base_url.rsplit(":", 1)[1]
        url = f"http://shop.localhost:{port}"
        resolve, calls = resolver(["127.0.0.1"])

        async def run() -> Any:
            async with make_client(url, 5, connections=1, address_policy=loopback_allowed,
                                   resolve=resolve) as client:
                return await fetch_site_report(url, WC_KEY, WC_SECRET, 5, client=client)

        document = asyncio.run(run())
    assert document.body == SITE_BODY
    assert calls == ["shop.localhost"]


class Redirecting(http.server.BaseHTTPRequestHandler):
    """Redirects the System Status to ``location`` (a class attribute set per test)."""

    location = "/"

    def do_GET(self) -> None:
        if self.path.startswith(SITE_STATUS_PATH) and "hop" not in self.path:
            self.send_response(302)
            self.send_header("Location", self.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(SITE_BODY)))
        self.end_headers()
        self.wfile.write(SITE_BODY)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def redirecting(location: str) -> Iterator[int]:
    handler = type("Handler", (Redirecting,), {"location": location})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def fetch_pinned(url: str, resolve: Any) -> Any:
    async def run() -> Any:
        async with make_client(url, 5, connections=1, address_policy=loopback_allowed,
                               resolve=resolve) as client:
            return await fetch_site_report(url, WC_KEY, WC_SECRET, 5, client=client)
    return asyncio.run(run())


def test_a_same_host_redirect_is_checked_again_and_refused_when_the_name_turns_private() -> None:
    # The name answers loopback (allowed here) first, then 10.0.0.7 (DNS rebinding): the
    # redirect's hop, to the same host, is resolved and judged again, and refused.
    with redirecting(f"{SITE_STATUS_PATH}?hop=1") as port:
        resolve, calls = resolver(["127.0.0.1"], ["10.0.0.7"])
        with pytest.raises(BlockedAddress, match="private"):
            fetch_pinned(f"http://shop.localhost:{port}", resolve)
        assert calls == ["shop.localhost", "shop.localhost"]
        resolve, calls = resolver(["127.0.0.1"])  # the same redirect, still loopback: fetched
        assert fetch_pinned(f"http://shop.localhost:{port}", resolve).body == SITE_BODY


@pytest.mark.parametrize("location", ["http://10.0.0.7/wp-json/", "http://169.254.169.254/",
                                      "http://127.0.0.2:1/"])
def test_a_redirect_to_another_address_is_refused(location: str) -> None:
    with redirecting(location) as port:
        resolve, calls = resolver(["127.0.0.1"])
        with pytest.raises(RedirectError):
            fetch_pinned(f"http://shop.localhost:{port}", resolve)
        assert calls == ["shop.localhost"]  # nothing was sent towards the other address


def test_without_a_policy_the_command_line_fetch_is_unchanged() -> None:
    assert any_address(ipaddress.ip_address("127.0.0.1")) is None
    with ExampleApi({}, site_reports={(WC_KEY, WC_SECRET): SITE_BODY}) as store:
        document = asyncio.run(fetch_site_report(store.base_url, WC_KEY, WC_SECRET, 5))
    assert document.body == SITE_BODY


# The server over HTTP --------------------------------------------------------------------------

@pytest.fixture
def store() -> Iterator[ExampleApi]:
    pytest.importorskip("starlette", reason="the [web] extra is not installed")
    with ExampleApi({SECRET_KEY: example_bytes("healthy")},
                    site_reports={(WC_KEY, WC_SECRET): SITE_BODY}) as api:
        yield api


def diagnose_api(url: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/diagnose", json={"now": NOW, **body}, timeout=30)


def assert_no_credentials(text: str) -> None:
    assert WC_KEY not in text and WC_SECRET not in text and SECRET_KEY not in text


def test_the_server_on_loopback_fetches_the_visitors_store(store: ExampleApi) -> None:
    from webserver import serving

    with serving(base_url=store.base_url, rate_limit=0) as url:
        response = diagnose_api(url, api_key=SECRET_KEY, site_url=store.base_url,
                                wc_key=WC_KEY, wc_secret=WC_SECRET)
        assert response.status_code == 200, response.text
        sources = response.json()["sources"]
        assert [s["kind"] for s in sources] == ["meum-status", "site-report"]
        assert_no_credentials(response.text)
        wrong = diagnose_api(url, api_key=SECRET_KEY, site_url=store.base_url,
                             wc_key=WC_KEY, wc_secret="cs_wrong_secret_0000")
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "auth-rejected"
        assert "cs_wrong_secret_0000" not in wrong.text


@pytest.mark.parametrize("target", [
    "{store}",                                    # 127.0.0.1, the example store itself
    "http://localhost:{port}",                    # a name that resolves to 127.0.0.1
    "https://10.0.0.1",
    "https://10.200.3.4:8443/shop",
    "https://169.254.169.254",
    "https://[::1]:{port}",
])
def test_a_public_policy_refuses_loopback_private_and_metadata_with_422(
    store: ExampleApi, target: str, capfd: pytest.CaptureFixture[str],
) -> None:
    from webserver import serving

    site = target.format(store=store.base_url, port=store.base_url.rsplit(":", 1)[1])
    with serving(base_url=store.base_url, rate_limit=0, site_addresses="public",
                 debug=True) as url:
        response = diagnose_api(url, api_key=SECRET_KEY, site_url=site,
                                wc_key=WC_KEY, wc_secret=WC_SECRET)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "blocked-address"
    assert "public" in error["message"]
    assert_no_credentials(response.text)
    assert_no_credentials(capfd.readouterr().err)


def test_a_public_host_is_public_only_and_off_by_default() -> None:
    from meum_doctor.web.options import ServeOptions

    public = ServeOptions(host="0.0.0.0")
    assert not public.live_site_report
    assert ServeOptions(host="0.0.0.0", allow_live_site_report=True).live_site_report
    assert public.public_sites_only("127.0.0.1")  # even from this machine
    local = ServeOptions()
    assert local.live_site_report
    assert not local.public_sites_only("127.0.0.1")
    assert local.public_sites_only("203.0.113.9")  # through a proxy: its forwarded client
    assert not ServeOptions(allow_live_site_report=False).live_site_report


def test_a_server_that_does_not_fetch_says_so(store: ExampleApi) -> None:
    from webserver import serving

    with serving(base_url=store.base_url, rate_limit=0, allow_live_site_report=False) as url:
        response = diagnose_api(url, api_key=SECRET_KEY, site_url=store.base_url,
                                wc_key=WC_KEY, wc_secret=WC_SECRET)
        assert response.status_code == 400
        assert "does not fetch site reports" in response.json()["error"]["message"]
        page = httpx.get(url).text
        assert 'id="site_url"' not in page


@pytest.mark.parametrize(("body", "words"), [
    ({"site_url": "https://store.example"}, "key and its secret"),
    ({"site_url": "https://store.example", "wc_key": WC_KEY, "wc_secret": 5}, "strings"),
    ({"site_url": "https://store.example", "wc_key": WC_KEY, "wc_secret": WC_SECRET,
      "site_report": "x"}, "not both"),
])
def test_incomplete_site_fetches_are_400(store: ExampleApi, body: Any, words: str) -> None:
    from webserver import serving

    with serving(base_url=store.base_url, rate_limit=0) as url:
        response = diagnose_api(url, api_key=SECRET_KEY, **body)
    assert response.status_code == 400 and words in response.json()["error"]["message"]
    assert_no_credentials(response.text)


def test_the_form_refusal_is_tied_to_the_address_field(store: ExampleApi) -> None:
    from webserver import serving

    with serving(base_url=store.base_url, rate_limit=0, site_addresses="public") as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/").text
        assert 'type="password" id="wc_secret"' in page and 'type="password" id="wc_key"' in page
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        response = client.post("/diagnose", headers={"Origin": url}, files={
            "csrf": (None, token), "api_key": (None, SECRET_KEY),
            "site_url": (None, "https://169.254.169.254"),
            "wc_key": (None, WC_KEY), "wc_secret": (None, WC_SECRET)})
    assert response.status_code == 422
    assert 'id="site_url-error"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="https://169.254.169.254"' in response.text  # the address is kept
    assert_no_credentials(response.text)


def make_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (openssl), and its key."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", f"/CN={name}", "-addext",
                    f"subjectAltName=DNS:{name}"], check=True, capture_output=True)
    return cert, key


@contextmanager
def tls_store(cert: Path, key: Path) -> Iterator[int]:
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []

    def seen(sock: Any, name: str | None, ctx: Any) -> None:
        names.append(name)

    context.sni_callback = seen
    handler = type("Handler", (Redirecting,), {"location": f"{SITE_STATUS_PATH}?hop=1"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        assert set(names) <= {"shop.localhost"}


@pytest.mark.parametrize(("certified", "works"), [("shop.localhost", True),
                                                 ("other.localhost", False)])
def test_over_https_the_pinned_address_is_verified_against_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, certified: str, works: bool
) -> None:
    # Connected to 127.0.0.1, but TLS speaks to shop.localhost (SNI) and checks the
    # certificate against that name: a certificate for another name fails.
    from meum_doctor.errors import TLSFailed

    cert, key = make_certificate(tmp_path, certified)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with tls_store(cert, key) as port:
        resolve, calls = resolver(["127.0.0.1"])
        url = f"https://shop.localhost:{port}"
        if works:
            assert fetch_pinned(url, resolve).body == SITE_BODY
            assert calls == ["shop.localhost", "shop.localhost"]  # one lookup a hop
        else:
            with pytest.raises(TLSFailed):
                fetch_pinned(url, resolve)
