"""Deep links lead only to the store's own wp-admin (item 12 of the safety issue)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import NOW, example_bytes
from htmlcheck import assert_inert, parse_html

from meum_doctor.rule import http_url, site_base

HOSTILE_SITES = [
    "https://support.meum.io@evil.example/phish?x=",
    "https://support.meum.io:pw@evil.example/",
    "https://evil.example\\@shop.example/",
    "https://shop.example/?redirect=https://evil.example/",
    "https://shop.example/shop?",
    "https://shop.example/#@evil.example",
]


@pytest.mark.parametrize("site", HOSTILE_SITES)
def test_site_urls_with_hidden_parts_give_no_base(site: str) -> None:
    assert site_base(site) is None


@pytest.mark.parametrize(
    ("site", "base"),
    [
        ("https://shop.example", "https://shop.example"),
        ("https://Shop.Example./", "https://shop.example"),
        ("http://shop.example:8080/store/", "http://shop.example:8080/store"),
        ("https://bücher.example/", "https://xn--bcher-kva.example"),
        ("https://shop.example/a b/<x>", "https://shop.example/a%20b/%3Cx%3E"),
        ("https://[::1]:8443/wp", "https://[::1]:8443/wp"),
        ("ftp://shop.example", None),
        ("https://shop.example:99999/", None),
        ("https://sh\"op.example/", None),
    ],
)
def test_site_base_keeps_scheme_host_port_and_path_only(site: str, base: str | None) -> None:
    assert site_base(site) == base


def test_a_link_with_user_info_is_never_a_link() -> None:
    assert http_url("https://support.meum.io@evil.example/") is None
    assert http_url("https://shop.example/wp-admin/plugins.php") is not None


def status_with(site_url: str) -> bytes:
    data = json.loads(example_bytes("degraded"))  # has findings that link to wp-admin
    data["site_url"] = site_url
    return json.dumps(data).encode()


def test_a_phishing_site_url_gives_no_links_and_one_md901(run: Any) -> None:
    body = status_with("https://support.meum.io@evil.example/phish?x=")
    result = run(["check", "--input", "-", "--now", NOW, "-f", "json"], stdin=body)
    report = json.loads(result.out)
    assert all(f["links"] == [] for f in report["findings"])
    md901 = [f for f in report["findings"] if f["rule"] == "MD901"]
    assert len(md901) == 1 and "site_url" in md901[0]["title"]
    for fmt in ("html", "markdown"):
        out = run(["check", "--input", "-", "--now", NOW, "-f", fmt], stdin=body).out
        assert "evil.example/wp-admin" not in out and "](<https://support" not in out
        if fmt == "html":
            assert_inert(parse_html(out), allowed_hosts=())  # not a single outside link


def test_links_show_their_host(run: Any) -> None:
    body = status_with("https://bücher.example/shop/")
    html = run(["check", "--input", "-", "--now", NOW, "-f", "html"], stdin=body).out
    assert 'href="https://xn--bcher-kva.example/shop/wp-admin/plugins.php"' in html
    assert 'Plugins</a> <span class="host muted">(xn--bcher-kva.example)</span>' in html
    markdown = run(["check", "--input", "-", "--now", NOW, "-f", "markdown"], stdin=body).out
    assert (
        "- [Plugins](<https://xn--bcher-kva.example/shop/wp-admin/plugins.php>) "
        "(`xn--bcher-kva.example`)\n" in markdown
    )
