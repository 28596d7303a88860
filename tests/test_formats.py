"""The format registry: every format declared once, and everything reading from it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, assert_valid_report

import meum_doctor
from meum_doctor import formats
from meum_doctor.batch import report_file_name
from meum_doctor.render import render
from meum_doctor.render.batch import render_batch

CHECK = ["check", "--input", str(EXAMPLES / "degraded.json"), "--now", NOW]


def test_every_format_is_declared_once_with_its_suffix_and_media_type() -> None:
    assert formats.names() == ["text", "markdown", "html", "json"]
    assert {f.name: (f.suffix, f.media_type) for f in formats.FORMATS.values()} == {
        "text": ("txt", "text/plain; charset=utf-8"),
        "markdown": ("md", "text/markdown; charset=utf-8"),
        "html": ("html", "text/html; charset=utf-8"),
        "json": ("json", "application/json"),
    }
    # Only the terminal format may colour.
    assert [f.name for f in formats.FORMATS.values() if f.color] == ["text"]


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        formats.get("pdf")


@pytest.mark.parametrize("fmt", formats.names())
def test_the_cli_offers_every_registered_format(run: Any, fmt: str) -> None:
    result = run([*CHECK, "-f", fmt])
    assert result.code == 1, result.err
    assert result.out


def test_a_registered_format_reaches_check_and_batch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A format added to the registry alone is offered by -f, rendered by check and batch,
    and names batch's per-store files: nothing else lists the formats."""
    module = tmp_path / "toyformat.py"
    module.write_text(
        "def one(report):\n    return f'TOY {report.verdict}\\n'\n"
        "def fleet(summary):\n    yield f'TOY FLEET {summary.total}\\n'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    toy = formats.Format("toy", "toy", "text/x-toy", "toyformat:one", "toyformat:fleet")
    monkeypatch.setitem(formats.FORMATS, "toy", toy)
    # -f's choices were read when cli.py was imported: import it again, as a new process would
    # (and put the first one back afterwards, the package's attribute too).
    monkeypatch.setattr(meum_doctor, "cli", sys.modules["meum_doctor.cli"])
    monkeypatch.delitem(sys.modules, "meum_doctor.cli")
    from meum_doctor.cli import main

    def invoke(args: list[str]) -> tuple[int, str]:
        capsys.readouterr()
        try:
            main(args)
        except SystemExit as exc:
            return int(exc.code or 0), capsys.readouterr().out
        raise AssertionError("main always exits")  # pragma: no cover

    assert invoke([*CHECK, "-f", "toy"]) == (1, "TOY attention\n")
    reports = tmp_path / "reports"
    assert invoke(["batch", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "toy",
                   "--output-dir", str(reports)]) == (0, "TOY FLEET 1\n")
    assert [p.name for p in reports.iterdir()] == ["healthy.toy"]
    assert (reports / "healthy.toy").read_text() == "TOY healthy\n"


def test_render_dispatches_through_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, bool]] = []
    monkeypatch.setitem(
        formats.FORMATS,
        "text",
        formats.Format("text", "txt", "text/plain", "tests:x", "tests:y", color=True),
    )
    monkeypatch.setattr(
        formats, "_load", lambda path: lambda obj, *, color=False: calls.append((path, color))
    )
    render(object(), "text", color=True)  # type: ignore[arg-type]
    render_batch(object(), "text", color=False)  # type: ignore[arg-type]
    assert calls == [("tests:x", True), ("tests:y", False)]


def test_a_format_that_may_not_colour_is_never_given_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[Any, ...]] = []
    monkeypatch.setattr(formats, "_load", lambda path: lambda *a, **k: seen.append((a, k)))
    render("R", "json", color=True)  # type: ignore[arg-type]
    assert seen == [(("R",), {})]


@pytest.mark.parametrize("fmt", formats.names())
def test_batch_report_files_take_the_registered_suffix(fmt: str) -> None:
    assert report_file_name("shop", fmt) == f"shop.{formats.get(fmt).suffix}"


@pytest.mark.parametrize(
    ("path", "fmt", "warned"),
    [
        ("report.md", "html", True),
        ("REPORT.HTML", "json", True),
        ("out/report.htm", "markdown", True),
        ("report.txt", "json", True),
        ("report.html", "html", False),
        ("report.htm", "html", False),
        ("report.markdown", "markdown", False),
        ("report.out", "html", False),  # a suffix no format uses is the user's business
        ("report", "html", False),
        ("-", "html", False),
        (None, "html", False),
        ("folder.md/report", "html", False),
    ],
)
def test_suffix_mismatch(path: str | None, fmt: str, warned: bool) -> None:
    assert (formats.suffix_mismatch(path, fmt) is not None) == warned


def test_check_warns_when_o_names_a_file_of_another_format(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = run([*CHECK, "-f", "html", "-o", str(target)])
    assert result.code == 1
    assert result.err == (
        f"meum-doctor: warning: -o {target}: .md is a markdown file's suffix, but -f html "
        "writes html (.html)\n"
    )
    assert target.read_text().startswith("<!DOCTYPE html>")  # written all the same


def test_batch_warns_too_and_a_matching_suffix_is_quiet(run: Any, tmp_path: Path) -> None:
    summary = tmp_path / "fleet.txt"
    result = run(["batch", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json",
                  "-o", str(summary)])
    assert result.code == 0
    assert "warning: -o" in result.err and ".txt is a text file's suffix" in result.err
    assert json.loads(summary.read_text())["kind"] == "batch"
    quiet = run([*CHECK, "-f", "json", "-o", str(tmp_path / "r.json")])
    assert quiet.err == ""
    assert_valid_report((tmp_path / "r.json").read_text())


def test_the_warning_is_made_inert(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "x\x1b[2J.md"
    result = run([*CHECK, "-f", "json", "-o", str(target)])
    assert "\x1b" not in result.err
    assert "warning: -o" in result.err


def test_the_readme_table_lists_every_format_as_declared() -> None:
    from conftest import REPO

    rows = (REPO / "README.md").read_text().splitlines()
    for fmt in formats.FORMATS.values():
        [row] = [r for r in rows if r.startswith(f"| `{fmt.name}`")]
        assert f"| `.{fmt.suffix}` | `{fmt.media_type}` |" in row, row
