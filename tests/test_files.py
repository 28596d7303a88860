"""Files the tool writes and reads: -o and --save-status targets, outputs that would overwrite
inputs, folder scans that meet links and FIFOs, and batch report file names."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, assert_one_line_error, assert_valid_summary, example_bytes

from meum_doctor.batch import report_file_name

CHECK = ["check", "--demo", "--now", NOW, "-f", "json"]


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def make_node(path: Path, kind: int, device: tuple[int, int]) -> None:
    try:
        os.mknod(path, kind | 0o666, os.makedev(*device))
    except (PermissionError, AttributeError):
        pytest.skip("creating device nodes needs root (CAP_MKNOD)")


# Item 4: -o writes through, never replaces what is not a regular file ----------------------


def test_a_character_device_is_written_to_not_replaced(run: Any, tmp_path: Path) -> None:
    null = tmp_path / "null"  # a private /dev/null: the real one must never be at risk
    make_node(null, stat.S_IFCHR, (1, 3))
    for option in ("-o", "--save-status"):
        result = run([*CHECK, option, str(null)])
        assert result.code == 1, result.err
        assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_fifo_is_written_to_not_replaced(run: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run([*CHECK, "-o", str(fifo)])
    reader.join(10)
    assert result.code == 1, result.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["verdict"] == "attention"


@pytest.mark.parametrize("target", ["-", "/dev/fd/1", "/proc/self/fd/1"])
def test_standard_output_by_name(run: Any, target: str) -> None:
    result = run([*CHECK, "-o", target])
    assert result.code == 1, result.err
    assert json.loads(result.out)["verdict"] == "attention"


def test_save_status_to_standard_output(run: Any, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = run([*CHECK, "--save-status", "-", "-o", str(report)])
    assert result.code == 1, result.err
    assert json.loads(result.out)["status"] == "CONNECTED"  # the status, as received
    assert json.loads(report.read_text())["verdict"] == "attention"


def test_a_symlink_is_written_through_with_a_mode_from_the_umask(
    run: Any, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "shared" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o777)  # the mode of the file a link points at must not be copied
    link = tmp_path / "report.json"
    link.symlink_to(target)
    result = run([*CHECK, "-o", str(link)])
    assert result.code == 1, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["verdict"] == "attention"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_a_dangling_symlink_creates_its_target(run: Any, tmp_path: Path) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "real.json")
    result = run([*CHECK, "-o", str(link)])
    assert result.code == 1, result.err
    assert link.is_symlink()
    assert json.loads((tmp_path / "real.json").read_text())["verdict"] == "attention"


def test_a_new_file_takes_its_mode_from_the_umask(run: Any, tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        result = run([*CHECK, "-o", str(tmp_path / "private.json")])
    finally:
        os.umask(previous)
    assert result.code == 1
    assert stat.S_IMODE(os.stat(tmp_path / "private.json").st_mode) == 0o600


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/proc/version", "cannot write /proc/version: "),
        ("{tmp}/" + "n" * 300 + ".json", "File name too long"),
        ("{tmp}", "it is a folder"),
        ("{tmp}/missing/r.json", "does not exist"),
    ],
)
def test_every_os_error_is_one_cannot_write_line(
    run: Any, tmp_path: Path, path: str, reason: str
) -> None:
    path = path.format(tmp=tmp_path)
    for option in ("-o", "--save-status"):
        result = run([*CHECK, option, path])
        assert result.code == 2, result.err
        assert_one_line_error(result)
        assert "meum-doctor: error: cannot write " in result.err and reason in result.err


def test_the_write_itself_fails_cleanly(tmp_path: Path) -> None:
    """A failure after the early check (here: a read-only /proc file) is the same error."""
    from meum_doctor.errors import UsageError
    from meum_doctor.output import write_atomic

    with pytest.raises(UsageError, match=r"^cannot write /proc/version: "):
        write_atomic("/proc/version", b"x")
    long_name = str(tmp_path / ("n" * 250 + ".json"))  # 255 bytes: the longest allowed name
    write_atomic(long_name, b"ok")
    assert Path(long_name).read_bytes() == b"ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n" * 250 + ".json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_folder_that_is_not_writable(run: Any, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run([*CHECK, "-o", str(locked / "r.json")])
    assert result.code == 2
    assert "is not writable" in result.err


def test_a_block_device_is_refused(run: Any, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    make_node(disk, stat.S_IFBLK, (7, 250))  # a loop device number nobody uses here
    result = run([*CHECK, "-o", str(disk)])
    assert result.code == 2
    assert "it is a block device" in result.err
    assert stat.S_ISBLK(os.stat(disk).st_mode)


def test_batch_summary_and_reports_use_the_same_writer(run: Any, tmp_path: Path) -> None:
    null = tmp_path / "null"
    make_node(null, stat.S_IFCHR, (1, 3))
    result = run(["batch", str(EXAMPLES / "healthy.json"), "--now", NOW, "-o", str(null)])
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.stat(null).st_mode)
    result = run(["batch", str(EXAMPLES / "healthy.json"), "--now", NOW, "-o", "/proc/version"])
    assert result.code == 2
    assert_one_line_error(result)


# Item 5: an output is never an input, nor another output -----------------------------------


def test_the_report_never_overwrites_the_input(run: Any, tmp_path: Path) -> None:
    status = tmp_path / "s.json"
    status.write_bytes(example_bytes("degraded"))
    hard = tmp_path / "hard.json"
    os.link(status, hard)
    soft = tmp_path / "soft.json"
    soft.symlink_to(status)
    for target in (status, hard, soft, Path(os.path.relpath(status))):
        result = run(["check", "--input", str(status), "--now", NOW, "-o", str(target)])
        assert result.code == 2, (target, result.err)
        assert_one_line_error(result)
        assert "it is the same file as --input" in result.err
        assert status.read_bytes() == example_bytes("degraded")


def test_two_outputs_are_never_one_file(run: Any, tmp_path: Path) -> None:
    x = tmp_path / "x.json"
    result = run([*CHECK, "--save-status", str(x), "-o", str(x)])
    assert result.code == 2
    assert "refusing to write" in result.err and not x.exists()
    # Without -o the report goes to standard output: the saved status may not go there too.
    result = run([*CHECK, "--save-status", "-"])
    assert result.code == 2
    assert "refusing to write standard output for --save-status" in result.err


def test_the_configuration_and_batch_inputs_are_protected(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "meum-doctor.toml"
    config.write_text('fail_on = "critical"\n')
    result = run([*CHECK, "--config", str(config), "-o", str(config)])
    assert result.code == 2 and config.read_text() == 'fail_on = "critical"\n'
    status = tmp_path / "s.json"
    status.write_bytes(example_bytes("healthy"))
    result = run(["batch", str(tmp_path), "--now", NOW, "-o", str(status)])
    assert result.code == 2 and status.read_bytes() == example_bytes("healthy")
    keys = tmp_path / "keys.txt"
    keys.write_text("sk_live_" + "k" * 24 + "\n")
    result = run(["batch", "--keys-file", str(keys), "-o", str(keys)])
    assert result.code == 2 and keys.read_text().startswith("sk_live_")


# Item 6: folder scans read regular files only; a file must look like a status -------------


def folder_with_traps(tmp_path: Path) -> tuple[Path, str]:
    folder = tmp_path / "ticket"
    folder.mkdir()
    (folder / "shop.json").write_bytes(example_bytes("healthy"))
    secret = "credential-" + "s" * 24
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"status": "CONNECTED", "token": secret}))
    (folder / "creds.json").symlink_to(credentials)
    os.mkfifo(folder / "x.json")
    (folder / "nested").mkdir()
    return folder, secret


def test_folder_scan_skips_links_and_fifos_and_says_why(tmp_path: Path) -> None:
    folder, secret = folder_with_traps(tmp_path)
    # A subprocess with a timeout: if the FIFO were opened, the run would hang for ever.
    for fmt in ("json", "text", "markdown", "html"):
        done = subprocess.run(
            [sys.executable, "-m", "meum_doctor", "batch", str(folder), "--now", NOW,
             "-f", fmt, "--redact"],
            # Outside the checkout, so the installed package runs (as in test_cli.py).
            capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        assert secret not in done.stdout + done.stderr
        assert "a symbolic link" in done.stdout and "a FIFO" in done.stdout
    summary = assert_valid_summary(subprocess.run(
        [sys.executable, "-m", "meum_doctor", "batch", str(folder), "--now", NOW, "-f", "json"],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path).stdout)
    assert [s["label"] for s in summary["stores"]] == ["shop"]
    assert summary["skipped"] == [
        {"path": str(folder / "creds.json"),
         "reason": "a symbolic link: a folder scan does not follow links"},
        {"path": str(folder / "nested"), "reason": "a folder: not scanned (use --recursive)"},
        {"path": str(folder / "x.json"), "reason": "a FIFO, not a regular file"},
    ]


def test_reading_a_scanned_file_checks_again(tmp_path: Path) -> None:
    """Between the scan and the read a file may be swapped: the read itself refuses."""
    from meum_doctor.errors import StatusUnavailable
    from meum_doctor.sources import read_file

    folder, _ = folder_with_traps(tmp_path)
    with pytest.raises(StatusUnavailable, match="is a symbolic link, which a folder scan"):
        read_file(str(folder / "creds.json"), scanned=True)
    outcome: list[BaseException] = []

    def read_fifo() -> None:
        try:
            read_file(str(folder / "x.json"), scanned=True)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read_fifo, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # release the blocked reader before failing
        with open(folder / "x.json", "wb"):
            pass
        pytest.fail("reading a FIFO found by a scan blocked")
    assert "is not a regular file (a FIFO)" in str(outcome[0])


def test_a_link_named_explicitly_is_followed(run: Any, tmp_path: Path) -> None:
    # A user who names a link means its target (a symlinked ticket folder, <(curl …)).
    link = tmp_path / "status.json"
    link.symlink_to(EXAMPLES / "healthy.json")
    assert run(["check", "--input", str(link), "--now", NOW]).code == 0
    assert run(["batch", str(link), "--now", NOW]).code == 0


def test_recursive_scan_never_follows_linked_folders(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "fleet"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "status.json").write_bytes(example_bytes("healthy"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "status.json").write_bytes(example_bytes("degraded"))
    (folder / "b").symlink_to(outside)
    summary = json.loads(run(["batch", "-r", str(folder), "--now", NOW, "-f", "json"]).out)
    assert [s["label"] for s in summary["stores"]] == ["a/status"]
    assert summary["skipped"][0]["path"] == str(folder / "b")


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1}',
        b"{}",
        b'{"token": "x", "user": "y"}',
        # Generic keys alone (a Jira export) are not enough to be a Meum status.
        b'{"issues": [{"key": "SHOP-1", "summary": "x"}], "total": 1}',
    ],
)
def test_json_that_is_no_status_is_refused(run: Any, tmp_path: Path, body: bytes) -> None:
    other = tmp_path / "other.json"
    other.write_bytes(body)
    result = run(["check", "--input", str(other), "--now", NOW])
    assert result.code == 3
    assert_one_line_error(result)
    assert f"status file {other} is not a Meum status" in result.err
    result = run(["check", "--input", "-", "--now", NOW], stdin=body)
    assert result.code == 3 and "standard input is not a Meum status" in result.err
    (tmp_path / "shop.json").write_bytes(example_bytes("healthy"))
    result = run(["batch", str(tmp_path), "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert result.code == 3
    assert [f["label"] for f in summary["not_checked"]] == ["other"]
    assert "is not a Meum status" in summary["not_checked"][0]["error"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "error", "message": "Unauthorized"}',
        b'{"status": 401, "error": "invalid_api_key"}',
    ],
)
def test_saved_api_error_answer_is_no_status(run: Any, tmp_path: Path, body: bytes) -> None:
    # A saved error answer once read as a store "not connected (status: error)": CRITICAL,
    # with advice to create a new connection key.
    saved = tmp_path / "answer.json"
    saved.write_bytes(body)
    result = run(["check", "--input", str(saved), "--now", NOW])
    assert result.code == 3
    assert_one_line_error(result)
    assert f"status file {saved} is not a Meum status: it looks like an API error answer" in (
        result.err
    )
    assert "MD101" not in result.out + result.err


def test_one_specific_field_is_enough_to_be_a_status(run: Any, tmp_path: Path) -> None:
    saved = tmp_path / "partial.json"
    saved.write_bytes(b'{"status": "CONNECTED", "site_url": "https://shop.example"}')
    assert run(["check", "--input", str(saved), "--now", NOW]).code != 3


# Item 7 and issue 10 item 14: batch names, labels and the summary -------------------------


def test_report_file_names_keep_letters_and_never_merge_labels() -> None:
    assert report_file_name("ümlaut", "html") == "ümlaut.html"
    assert report_file_name("u\u0308mlaut", "html").startswith("ümlaut-")  # NFD, made NFC
    assert report_file_name("店舗", "markdown") == "店舗.md"
    assert report_file_name("a_b", "markdown") == "a_b.md"
    assert report_file_name("a/b", "markdown").startswith("a_b-")
    assert report_file_name("a/b", "markdown") != report_file_name("a b", "markdown")
    assert report_file_name("a/b", "markdown") == report_file_name("a/b", "markdown")  # stable
    assert report_file_name("../..", "markdown").startswith("store-")
    long = report_file_name("店" * 200, "markdown")
    assert len(long.encode()) < 200 and long != report_file_name("店" * 199, "markdown")


def write_status(path: Path, example: str = "healthy") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(example_bytes(example))
    return path


def test_labels_stay_unique_beside_explicit_suffixes(run: Any, tmp_path: Path) -> None:
    paths = [write_status(tmp_path / "x" / "dup.json"), write_status(tmp_path / "y" / "dup.json"),
             write_status(tmp_path / "dup-2.json")]
    summary = json.loads(run(["batch", *map(str, paths), "--now", NOW, "-f", "json"]).out)
    assert sorted(s["label"] for s in summary["stores"]) == ["dup", "dup-2", "dup-3"]


def test_store_files_are_distinct_and_never_the_summary(run: Any, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    write_status(fleet / "a" / "b.json", "healthy")
    write_status(fleet / "a_b.json", "degraded")
    write_status(fleet / "ümlaut.json", "disconnected")
    write_status(fleet / "summary.json", "outdated")
    write_status(fleet / "Summary.json", "onboarding")
    out = tmp_path / "out"
    result = run(["batch", "-r", str(fleet), "--now", NOW, "-f", "json", "--output-dir", str(out),
                  "-o", str(out / "summary.json")])
    assert result.code == 1, result.err
    summary = json.loads((out / "summary.json").read_text())
    files = {s["label"]: s["report_file"] for s in summary["stores"]}
    assert len(set(files.values())) == len(files) == 5
    assert files["a_b"] == str(out / "a_b.json")
    assert files["a/b"].startswith(str(out / "a_b-"))
    assert files["ümlaut"] == str(out / "ümlaut.json")
    assert files["summary"] == str(out / "summary-3.json")  # the summary keeps its name
    assert files["Summary"] == str(out / "Summary-2.json")  # case-insensitive file systems
    for label, path in files.items():
        assert json.loads(Path(path).read_text())["verdict"], label


def test_html_summary_links_each_report(run: Any, tmp_path: Path) -> None:
    from htmlcheck import assert_inert, parse_html

    out = tmp_path / "javascript:alert(1)"
    result = run(["batch", str(EXAMPLES / "healthy.json"), str(EXAMPLES / "degraded.json"),
                  "--now", NOW, "-f", "html", "--output-dir", str(out),
                  "-o", str(tmp_path / "fleet.html")])
    assert result.code == 1, result.err
    page = parse_html((tmp_path / "fleet.html").read_text())
    links = {e.text: e.attrs["href"] for e in page if e.tag == "a"}
    assert links == {"degraded": "./javascript%3Aalert%281%29/degraded.html",
                     "healthy": "./javascript%3Aalert%281%29/healthy.html"}
    assert_inert(page, relative=True)
    assert (out / "healthy.html").read_text().startswith("<!DOCTYPE html>")


def test_summaries_name_the_site_and_count_files_once(run: Any, tmp_path: Path) -> None:
    a = write_status(tmp_path / "a" / "status.json", "healthy")
    write_status(tmp_path / "b" / "status.json", "degraded")
    result = run(["batch", str(a), str(a), str(tmp_path / "a"), str(tmp_path / "b" / "status.json"),
                  "--now", NOW])
    assert result.out.startswith("2 stores: ")
    assert "lumen-coffee.example" in result.out and "harbor-books.example" in result.out
    markdown = run(["batch", str(a), "--now", NOW, "-f", "markdown"]).out
    assert markdown.startswith("# Meum integration batch report: 1 store\n")
    assert "| status | `lumen-coffee.example` | HEALTHY |" in markdown
    text = run(["batch", str(tmp_path), str(a), "--now", NOW]).out
    assert f"{tmp_path / 'b'}: a folder: not scanned (use --recursive)" in text
    alone = run(["batch", str(tmp_path), "--now", NOW])
    assert alone.code == 2
    assert f"(not read: {tmp_path / 'a'}: a folder: not scanned (use --recursive)" in alone.err


def test_text_columns_align_for_wide_and_long_labels(run: Any, tmp_path: Path) -> None:
    from wcwidth import wcswidth

    for label in ("店舗の名前", "x", "l" * 80):
        write_status(tmp_path / f"{label}.json", "healthy")
    rows = [line for line in run(["batch", str(tmp_path), "--now", NOW]).out.splitlines()
            if line.startswith("HEALTHY")]
    assert len(rows) == 3
    starts = {wcswidth(row[: row.index("lumen-coffee")]) for row in rows}
    assert len(starts) == 1, rows  # the host column starts at the same terminal column
    assert any("l" * 39 + "…" in row for row in rows)


def test_ctrl_c_writes_the_partial_summary_and_exits_130(run: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import meum_doctor.batch as fleet

    for n in range(5):
        write_status(tmp_path / "fleet" / f"store{n}.json")
    finish = fleet._finish
    calls = []

    def interrupted(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        finish(*args)

    monkeypatch.setattr(fleet, "_finish", interrupted)
    out = tmp_path / "summary.json"
    result = run(["batch", str(tmp_path / "fleet"), "--now", NOW, "-f", "json", "-o", str(out)])
    assert result.code == 130
    summary = json.loads(out.read_text())
    assert summary["partial"] is True and summary["planned"] == 5
    assert summary["totals"]["stores"] == 2
    assert "interrupted" in result.err
    calls.clear()
    text = run(["batch", str(tmp_path / "fleet"), "--now", NOW]).out
    assert text.startswith("PARTIAL: interrupted after 2 of 5 stores")


def test_html_summary_keeps_short_labels_whole_in_a_narrow_window(
    run: Any, tmp_path: Path
) -> None:
    """In a real browser at phone width, a short label stays on one line (a long one wraps)."""
    from test_chromium import CHROMIUM, chromium

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from htmlcheck import parse_html

    fleet = tmp_path / "fleet"
    write_status(fleet / "northwind.json", "degraded")
    write_status(fleet / ("x" * 90 + ".json"), "healthy")
    summary = tmp_path / "summary.html"
    result = run(["batch", str(fleet), "--now", NOW, "-f", "html", "-o", str(summary)])
    assert result.code == 1, result.err
    # Measure in the page: a copy without its CSP, with a script that records how many
    # lines each label takes (the report itself runs no script, and must not).
    page = summary.read_text()
    page = page.replace('<meta http-equiv="Content-Security-Policy"', '<meta name="x"')
    page = page.replace("</body>", """<script>
for (const label of document.querySelectorAll('td.store .label')) {
  const range = document.createRange(); range.selectNodeContents(label);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  label.setAttribute('data-lines', String(tops.size));
}
</script></body>""")
    measured = tmp_path / "measured.html"
    measured.write_text(page)
    dom = chromium(tmp_path, "--dump-dom", "--window-size=360,800", measured.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    lines = {e.text: e.attrs.get("data-lines") for e in parse_html(dom.stdout)
             if "label" in e.attrs.get("class", "").split()}
    assert lines["northwind"] == "1"
    assert int(lines["x" * 90] or 0) > 1


def test_a_real_sigint_during_api_fetches(tmp_path: Path) -> None:
    """SIGINT while stores are being fetched concurrently: a partial summary, exit 130."""
    import signal
    import time

    from meum_doctor.exampleapi import ExampleApi

    statuses = {f"sk_live_store{n:04d}_{'x' * 16}": example_bytes("healthy") for n in range(30)}
    keys = tmp_path / "keys.txt"
    keys.write_text("\n".join(statuses))
    out = tmp_path / "partial.json"
    with ExampleApi(statuses, delay=0.3) as api:
        process = subprocess.Popen(
            [sys.executable, "-m", "meum_doctor", "batch", "--keys-file", str(keys),
             "--base-url", api.base_url, "--concurrency", "2", "-f", "json", "-o", str(out),
             "--now", NOW],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        )
        deadline = time.monotonic() + 30
        while api.requests < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    summary = assert_valid_summary(out.read_text())
    assert summary["partial"] is True and summary["planned"] == 30
    assert 1 <= summary["totals"]["stores"] < 30
    assert "Traceback" not in err
