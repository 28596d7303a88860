"""The report in its four formats: golden files, HTML structure, injection and redaction."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, REPO
from htmlcheck import Element, assert_inert, parse_html
from markdown_it import MarkdownIt

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_EXAMPLES = ("healthy", "degraded", "disconnected", "onboarding")
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


def normalise(text: str) -> str:
    """Hide what changes from run to run: the generation time."""
    text = re.sub(r'"generated_at": "[^"]+"', '"generated_at": "<generated_at>"', text)
    return re.sub(r"\| Generated at \| [^|]+ \|", "| Generated at | <generated_at> |", text)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Report sources name the file as given: run from the repository with relative paths.
    monkeypatch.chdir(REPO)


@pytest.mark.usefixtures("in_repo")
@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@pytest.mark.parametrize("example", GOLDEN_EXAMPLES)
def test_golden(run: Any, request: pytest.FixtureRequest, example: str, fmt: str) -> None:
    result = run(["check", "--input", f"examples/{example}.json", "--now", NOW, "-f", fmt])
    assert result.code in (0, 1), result.err
    path = GOLDEN / f"{example}.{SUFFIX[fmt]}"
    actual = normalise(result.out)
    if request.config.getoption("--update-golden"):
        path.write_text(actual)
    assert path.exists(), f"no golden file {path.name}: run pytest --update-golden"
    assert actual == path.read_text(), f"{path.name} changed; review, then --update-golden"


def html_report(run: Any, *args: str) -> tuple[str, list[Element]]:
    result = run(["check", *args, "--now", NOW, "-f", "html"])
    assert result.code in (0, 1), result.err
    return result.out, parse_html(result.out)


def by_id(elements: list[Element], element_id: str) -> Element:
    return next(e for e in elements if e.attrs.get("id") == element_id)


@pytest.mark.usefixtures("in_repo")
def test_html_structure(run: Any) -> None:
    report = json.loads(run(["check", "--input", "examples/degraded.json", "--now", NOW,
                             "-f", "json"]).out)
    text, elements = html_report(run, "--input", "examples/degraded.json")
    assert text.startswith("<!DOCTYPE html>")
    assert by_id(elements, "verdict").attrs["data-verdict"] == "attention"
    counts = {e.attrs["data-severity"]: int(e.attrs["data-count"])
              for e in elements if e.tag == "li" and "data-count" in e.attrs}
    assert counts == report["counts"]
    cards = [e for e in elements if e.tag == "article" and "data-rule" in e.attrs]
    assert [(c.attrs["data-rule"], c.attrs["data-severity"]) for c in cards] == [
        (f["rule"], f["severity"]) for f in report["findings"]
    ]
    # The diagnosis comes first (issue 13): its cards before every finding's, each linking
    # to the findings it explains, which link back to it.
    diagnoses = [e for e in elements if e.tag == "article" and "data-cause" in e.attrs]
    assert [(d.attrs["data-cause"], d.attrs["data-confidence"]) for d in diagnoses] == [
        (d["cause"], d["confidence"]) for d in report["diagnoses"]
    ]
    assert elements.index(diagnoses[0]) < elements.index(cards[0])
    hrefs = {e.attrs.get("href") for e in elements if e.tag == "a"}
    for finding in report["findings"]:
        assert by_id(elements, f"finding-{finding['id']}").attrs["data-rule"] == finding["rule"]
        if finding["explained_by"]:
            assert f"#{finding['explained_by']}" in hrefs
            assert f"#finding-{finding['id']}" in hrefs
    first = cards[0]
    assert any(child.tag == "table" for child in first.children)  # evidence
    steps = next(c for c in first.children if c.tag == "ol")
    assert [li.text for li in steps.children] == report["findings"][0]["remediation"]
    links = [e.attrs["href"] for e in elements if e.tag == "a" and e.attrs["href"].startswith("http")]
    assert "https://harbor-books.example/wp-admin/plugins.php" in links
    fix_first = by_id(elements, "fix-first")
    # Every high finding of the degraded store is explained by a diagnosis above, so the
    # list of what to fix first says so instead of repeating them (issue 13).
    assert all(f["explained_by"] for f in report["findings"] if f["severity"] == "high")
    assert "the diagnosis above explains the rest" in fix_first.text
    assert '"plugin_version": "0.9.4"' in by_id(elements, "raw-status").text


def test_html_is_self_contained(run: Any) -> None:
    text, elements = html_report(run, "--demo", "degraded")
    assert not [e for e in elements if e.tag in ("script", "link", "img", "iframe")]
    assert "@import" not in text and "url(" not in text
    csp = next(e for e in elements if e.attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp.attrs["content"]
    assert "@media print" in text and "break-inside: avoid" in text


def test_healthy_html(run: Any) -> None:
    _, elements = html_report(run, "--demo", "healthy")
    assert by_id(elements, "verdict").attrs["data-verdict"] == "healthy"
    assert by_id(elements, "no-findings")


# Injection --------------------------------------------------------------------------------

PAYLOAD = (
    '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">'
    " [click me](javascript:alert(1)) ![pixel](https://evil.example/p.png) <https://evil.example>"
    " www.evil.example mail@evil.example | a | b |\n# Heading\n```\n</style><!-- \" ' `code`"
    " \x1b[31mRED\x1b[0m \x1b]8;;https://evil.example/\x07osc-link\x1b]8;;\x07"
    " visible\roverwritten \u202eRTL\u202c zero\u200bwidth NUL\x00 bell\x07"
)


def injected_status() -> dict[str, Any]:
    fields = ["status", "connection_status", "health_status", "plugin_version",
              "wordpress_version", "woocommerce_version", "credential_status",
              "credential_prefix", "webhook_health", "integration_id"]
    status: dict[str, Any] = dict.fromkeys(fields, PAYLOAD)
    status.update(
        issues=[PAYLOAD, "second " + PAYLOAD],
        site_url='https://shop.example/"><script>document.title="pwned"</script>',
        webhook_url="javascript:document.title='pwned'",
        last_seen_at=PAYLOAD,
        pending_connection_key={"key_prefix": PAYLOAD, "expires_at": PAYLOAD},
        connected=True,
        payout_configured=PAYLOAD,
        **{PAYLOAD: PAYLOAD},
    )
    return status


@pytest.fixture
def injected(tmp_path: Path) -> str:
    path = tmp_path / "injected.json"
    path.write_text(json.dumps(injected_status()))
    return str(path)


def test_injection_html_is_inert(run: Any, injected: str) -> None:
    text, elements = html_report(run, "--input", injected)
    assert_inert(elements, allowed_hosts=("shop.example",))
    title = next(e for e in elements if e.tag == "title")
    assert "pwned" in title.text  # shown as text...
    assert [e for e in elements if e.tag == "title"] == [title]  # ...and nothing else parsed
    cards = [e for e in elements if e.tag == "article"]
    assert len(cards) > 10
    assert "<script>" not in text and "javascript:" not in "".join(
        e.attrs.get("href", "") for e in elements
    )
    assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text


def test_injection_markdown_renders_as_text(run: Any, injected: str) -> None:
    result = run(["check", "--input", injected, "--now", NOW, "-f", "markdown"])
    report = json.loads(run(["check", "--input", injected, "--now", NOW, "-f", "json"]).out)
    html = MarkdownIt("gfm-like").render(result.out)
    elements = parse_html(html)
    assert_inert(elements, allowed_hosts=("shop.example",))
    # The structure is ours alone: one title, our sections, one heading per finding.
    assert len([e for e in elements if e.tag == "h1"]) == 1
    assert [e.text for e in elements if e.tag == "h2" and e.text != "Diagnosis"][:2] == [
        "Fix these first", "Findings"
    ]
    assert len([e for e in elements if e.tag == "h4"]) == len(report["findings"])
    # The payload is still readable, as text.
    assert 'document.title="pwned"' in html.replace("&quot;", '"')
    assert "\x1b" not in result.out and "\u202e" not in result.out


def test_injection_terminal_has_no_escapes(run: Any, injected: str) -> None:
    result = run(["check", "--input", injected, "--now", NOW, "-v"])
    for char in ("\x1b", "\r", "\x07", "\x00", "\u202e", "\u200b"):
        assert char not in result.out
    assert "\\x1b[31mRED" in result.out  # visible, readable, inert
    assert "\\u202eRTL" in result.out


def test_injection_json_is_valid_and_escaped(run: Any, injected: str) -> None:
    result = run(["check", "--input", injected, "--now", NOW, "-f", "json"])
    assert result.out.isascii()
    assert json.loads(result.out)["status"]["issues"][0] == PAYLOAD


# Redaction --------------------------------------------------------------------------------


def identifying(example: str) -> list[str]:
    data = json.loads((REPO / "examples" / f"{example}.json").read_text())
    values = []
    for name in ("site_url", "webhook_url"):
        if data.get(name):
            host = data[name].split("/")[2]
            values += [host, host.removeprefix("www.")]
    for name in ("integration_id", "integration_public_id", "credential_prefix"):
        if data.get(name):
            values.append(data[name])
    if isinstance(data.get("pending_connection_key"), dict):
        values.append(data["pending_connection_key"]["key_prefix"])
    assert values
    return values


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
@pytest.mark.parametrize("example", ["degraded", "staging-takeover", "onboarding", "disconnected"])
def test_redact_hides_the_store_everywhere(run: Any, example: str, fmt: str) -> None:
    result = run(["check", "--demo", example, "--redact", "-v", "-f", fmt])
    assert result.code in (0, 1)
    output = (result.out + result.err).lower()
    for value in identifying(example):
        assert value.lower() not in output, (value, fmt)
    assert "store-1.example" in output


def test_redact_is_consistent_and_masks_to_four_characters(run: Any) -> None:
    result = run(["check", "--demo", "staging-takeover", "--redact", "-f", "json"])
    report = json.loads(result.out)
    status = report["status"]
    assert status["site_url"] == "https://store-1.example"
    assert status["webhook_url"] == "http://store-2.example/wp-json/meum/v1/webhook"
    assert status["integration_id"] == "c7a3…"
    assert status["credential_prefix"] == "sk_l…"
    assert status["pending_connection_key"]["key_prefix"] == "mk_c…"
    assert report["redacted"] is True
    mismatch = next(f for f in report["findings"] if f["rule"] == "MD504")
    assert mismatch["title"] == "Webhooks go to store-2.example, but the store is store-1.example"


def test_without_redact_the_store_is_shown(run: Any) -> None:
    result = run(["check", "--demo", "staging-takeover", "-f", "json"])
    assert "fernhill-garden.example" in result.out


# Resource bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_reports_stay_bounded_for_enormous_strings(run: Any, tmp_path: Path, fmt: str) -> None:
    status = json.loads((REPO / "examples" / "degraded.json").read_text())
    status["issues"] = ["x" * 300_000] + [f"issue {n}" for n in range(5_000)]
    status["health_status"] = "W" * 100_000
    path = tmp_path / "big.json"
    path.write_text(json.dumps(status))
    size = path.stat().st_size
    result = run(["check", "--input", str(path), "--now", NOW, "-f", fmt, "-v"])
    assert result.code == 1
    # The raw status is shown once; findings add little on top of it.
    assert len(result.out) < size * 1.2 + 100_000
    if fmt == "json":
        report = json.loads(result.out)
        issues = [f for f in report["findings"] if f["rule"] == "MD103"]
        assert len(issues) == 21  # 20 one by one, then "and N more"
        assert issues[-1]["title"] == "Meum reports 4981 more problems, not listed one by one"
        assert len(issues[0]["detail"]) < 2100 and "more characters" in issues[0]["detail"]


@pytest.mark.parametrize("spelling", ["plain", "escaped"])
def test_a_key_echoed_in_the_status_is_redacted(run: Any, tmp_path: Path, spelling: str) -> None:
    from conftest import SECRET_KEY, SECRET_TAIL

    from meum_doctor.exampleapi import ExampleApi

    echoed = SECRET_KEY if spelling == "plain" else "".join(f"\\u{ord(c):04x}" for c in SECRET_KEY)
    body = (REPO / "examples" / "degraded.json").read_bytes().replace(
        b'"issues": [', b'"issues": ["your key is ' + echoed.encode() + b'", ', 1
    )
    with ExampleApi({SECRET_KEY: body}) as api:
        for fmt in ("text", "markdown", "html", "json"):
            result = run(["check", "--base-url", api.base_url, "--now", NOW, "-f", fmt, "-v"],
                          env={"MEUM_API_KEY": SECRET_KEY})
            assert result.code == 1
            assert SECRET_TAIL not in result.out + result.err
            if fmt == "text":
                assert "your key is sk_live_…" in result.out  # still says what it was
