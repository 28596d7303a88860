"""The HTML report in a real browser: headless Chromium opens, screenshots and prints it.

Skipped, with the reason, where Chromium is not installed (``.ci/run`` installs Debian's).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW
from htmlcheck import parse_html
from test_report import injected_status

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
    "google-chrome"
)
pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    # The flags keep a root, offline, headless Chromium quiet: no sandbox (root), no GPU,
    # no background connections that this machine's closed network would refuse.
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
         *args],
        capture_output=True, text=True, timeout=90, check=False,
    )


def write_report(run: Any, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "report.html"
    result = run(["check", *args, "--now", NOW, "-f", "html", "-o", str(out)])
    assert result.code in (0, 1), result.err
    return out


@pytest.mark.parametrize("example", ["degraded", "healthy", "disconnected"])
def test_browser_renders_screenshots_and_prints(run: Any, tmp_path: Path, example: str) -> None:
    report = write_report(run, tmp_path, "--demo", example)
    dom = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    elements = parse_html(dom.stdout)
    verdict = next(e for e in elements if e.attrs.get("id") == "verdict")
    expected = {"degraded": "attention", "healthy": "healthy", "disconnected": "critical"}
    assert verdict.attrs["data-verdict"] == expected[example]
    # The diagnosis, as the browser built the page, comes before the findings (issue 13).
    causes = [e.attrs["data-cause"] for e in elements if "data-cause" in e.attrs]
    expected_causes = {"degraded": ["MC101", "MC201", "MC102"], "healthy": [],
                       "disconnected": ["MC401"]}
    assert causes == expected_causes[example]
    if causes:
        articles = [e for e in elements if e.tag == "article"]
        assert "data-cause" in articles[0].attrs and "data-rule" in articles[-1].attrs

    png = tmp_path / "shot.png"
    shot = chromium(tmp_path, f"--screenshot={png}", "--window-size=420,1200", report.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    pdf = tmp_path / "report.pdf"
    printed = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if example == "degraded":
        # Print CSS starts each section on a new page: several pages, none cut mid-card.
        pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes())
        assert len(pages) >= 3


def test_injected_status_runs_no_script_in_the_browser(run: Any, tmp_path: Path) -> None:
    source = tmp_path / "injected.json"
    source.write_text(json.dumps(injected_status()))
    report = write_report(run, tmp_path, "--input", str(source))
    dom = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    elements = parse_html(dom.stdout)
    titles = [e.text for e in elements if e.tag == "title"]
    # Every payload tries to set document.title to "pwned": had any run, the title would be it.
    assert len(titles) == 1
    assert titles[0].startswith("Meum integration report: ")
    assert titles[0] != "pwned"
    assert not [e for e in elements if e.tag in ("script", "img")]
