"""The web page in a real browser: Playwright driving Debian's headless Chromium.

Skipped, saying why, where Playwright or Chromium is missing (``.ci/run`` installs both).
Covers the demo, a key against the example API, an uploaded status with a pasted site
report, every download, a wrong key, use without JavaScript, no CSP violation, and an
automated accessibility check (axe-core, vendored in tests/vendor/axe-core, MPL-2.0) of the
form, its error states and the report with no violation.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, SECRET_KEY, SECRET_TAIL, example_bytes

pytest.importorskip("starlette", reason="the [web] extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(CHROMIUM is None,
                       reason="Chromium is not installed (apt-get install chromium)"),
]

from webserver import serving  # noqa: E402

from meum_doctor.exampleapi import ExampleApi  # noqa: E402


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with ExampleApi({SECRET_KEY: example_bytes("degraded")}) as api, \
            serving(base_url=api.base_url, rate_limit=0) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=request.param, accept_downloads=True,
                                  viewport={"width": 390, "height": 844})  # a phone
    tab = context.new_page()
    tab.console_messages = []
    tab.on("console", lambda message: tab.console_messages.append(message.text))
    yield tab
    # Nothing the page needs was blocked by its own Content-Security-Policy.
    assert not [m for m in tab.console_messages if "Content Security Policy" in m]
    context.close()


def test_the_demo_link(site: str, page: Any) -> None:
    page.goto(site)
    page.get_by_role("link", name="degraded", exact=True).click()
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "attention"
    assert page.locator("#findings article").count() > 0
    # The report's styles applied (its <style> carries the nonce): the banner is coloured.
    colour = verdict.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    # The severity bar's widths came from the nonce'd stylesheet, not style= attributes.
    widths = page.locator(".bar span").evaluate_all("s => s.map(e => e.getBoundingClientRect().width)")
    assert widths and all(w > 0 for w in widths)


def test_a_key_against_the_example_api_and_every_download(
    site: str, page: Any, tmp_path: Path
) -> None:
    page.goto(site)
    page.get_by_label("Meum API key").fill(SECRET_KEY)
    page.get_by_role("button", name="Diagnose my store").click()
    assert page.locator("#verdict").get_attribute("data-verdict") == "attention"
    assert SECRET_TAIL not in page.content()
    assert page.locator("#ticket-note").is_visible()
    links = page.locator("#downloads a")
    assert links.count() == 4
    got = {}
    for index in range(4):
        link = links.nth(index)
        with page.expect_download() as info:
            link.click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        got[download.suggested_filename] = path.read_bytes()
    assert set(got) == {"meum-report.html", "meum-report.md", "meum-report.json", "status.json"}
    assert json.loads(got["meum-report.json"])["verdict"] == "attention"
    assert got["meum-report.md"].startswith(b"# Meum integration report")
    assert b'http-equiv="Content-Security-Policy"' in got["meum-report.html"]  # standalone
    assert json.loads(got["status.json"]) == json.loads(example_bytes("degraded"))
    assert all(SECRET_TAIL.encode() not in body for body in got.values())


def test_an_uploaded_status_and_a_pasted_site_report(site: str, page: Any) -> None:
    page.goto(site)
    page.get_by_label("Or a saved status file (JSON)").set_input_files(
        str(EXAMPLES / "healthy.json"))
    page.get_by_label("Paste the System Status report").fill(
        (EXAMPLES / "site-reports" / "healthy-site.txt").read_text("utf-8"))
    page.get_by_role("button", name="Diagnose my store").click()
    assert page.locator("#verdict").count() == 1
    json_link = page.locator('#downloads a[download="meum-report.json"]')
    href = json_link.get_attribute("href")
    assert href.startswith("data:application/json;base64,")
    report = json.loads(base64.b64decode(href.split(",", 1)[1]))
    assert [s["kind"] for s in report["sources"]] == ["meum-status", "site-report"]


def test_a_wrong_key_shows_the_error_at_its_field(site: str, page: Any) -> None:
    wrong = SECRET_KEY.replace("TESTSECRET", "WRONGSECRE")
    page.goto(site)
    page.get_by_label("Meum API key").fill(wrong)
    page.get_by_role("button", name="Diagnose my store").click()
    field = page.get_by_label("Meum API key")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert "api_key-error" in described
    assert "rejected" in page.locator("#api_key-error").inner_text().lower()
    assert field.input_value() == ""  # not echoed back
    assert "WRONGSECRE" not in page.content()
    assert page.title().startswith("Error:")


def test_labels_and_focus_order(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site)
    # Every form control has a label (or is hidden), and every described-by id exists.
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, textarea, button')]
        .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.textContent.trim())
        .map(e => e.name)""")
    assert unlabelled == []
    missing = page.evaluate("""() => [...document.querySelectorAll('[aria-describedby]')]
        .flatMap(e => e.getAttribute('aria-describedby').split(' '))
        .filter(id => !document.getElementById(id))""")
    assert missing == []
    order = []
    for _ in range(10):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    # On loopback the page may fetch the site report itself: address, key, secret.
    assert order == ["api_key", "status_file", "site_report", "site_report_file", "site_url",
                     "wc_key", "wc_secret", "redact", "", order[9]]
    # (the button has neither id nor name; then the first demo link)
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/demo/healthy"
    # The page has one h1 and a language.
    assert page.locator("h1").count() == 1 and page.locator("html").get_attribute("lang") == "en"
    context.close()


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: The WCAG 2.0, 2.1 and 2.2 A and AA rules, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (rule, nodes)."""
    page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    # axe ran its rules on this page (colour contrast, labels, landmarks, ... among them).
    passed = {rule["id"] for rule in result["passes"]}
    assert {"color-contrast", "landmark-one-main", "page-has-heading-one"} <= passed, passed
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in result["violations"]]


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    # The page's CSP forbids injected scripts, rightly; axe is injected with it bypassed in
    # this test's context only (the other tests check that the CSP blocks nothing needed).
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_the_form_passes_axe(site: str, axe_page: Any) -> None:
    axe_page.goto(site)
    assert axe_violations(axe_page) == []


def test_the_form_with_errors_passes_axe(site: str, axe_page: Any) -> None:
    axe_page.goto(site)
    axe_page.get_by_label("Meum API key").fill(SECRET_KEY.replace("TESTSECRET", "WRONGSECRE"))
    axe_page.get_by_role("button", name="Diagnose my store").click()
    assert axe_page.locator("#api_key-error").count() == 1
    assert axe_violations(axe_page) == []
    # Errors at the site fetch's fields too (here: its key and secret missing).
    axe_page.goto(site)
    axe_page.get_by_label("Meum API key").fill(SECRET_KEY)
    axe_page.get_by_label("Your store's address").fill("https://store.example")
    axe_page.get_by_role("button", name="Diagnose my store").click()
    assert axe_page.locator("#wc_key-error").count() == 1
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("example", ["degraded", "healthy", "degraded-site"])
def test_the_report_page_passes_axe(site: str, axe_page: Any, example: str) -> None:
    axe_page.goto(f"{site}/demo/{example}")
    assert axe_page.locator("#verdict").count() == 1
    assert axe_violations(axe_page) == []


def test_axe_finds_a_violation_where_there_is_one(site: str, axe_page: Any) -> None:
    # The check itself works: a control without a label and text without contrast are found.
    axe_page.goto(site)
    axe_page.evaluate("""() => {
        const input = document.createElement('input');
        document.querySelector('form').append(input);
        const p = document.createElement('p');
        p.textContent = 'faint';
        p.style.color = '#eee';
        document.querySelector('main').append(p);
    }""")
    found = " ".join(axe_violations(axe_page))
    assert "label" in found and "color-contrast" in found
