"""API keys as given: keys files (strict lines, bounded reading), key hints, key messages, scale.

Every test that feeds a key looks for it (and its secret part) in everything printed and written.
"""

from __future__ import annotations

import html
import json
import os
import random
import string
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, SECRET_KEY, SECRET_TAIL, assert_one_line_error, example_bytes
from pytest_httpserver import HTTPServer

from meum_doctor import batch as fleet
from meum_doctor.exampleapi import ExampleApi
from meum_doctor.secrets import SMALL, Secrets, _alternation

KEY_A = "sk_live_STOREA_" + "a" * 20
KEY_B = "sk_live_STOREB_" + "b" * 20
KEY_C = "sk_live_STOREC_" + "c" * 20
#: A key without the public prefix: every character of it is secret.
BARE = "Qm9Zx7Lp2Wc4Rt8Yv1Nb"
PATH = "/v1/integration/woocommerce/status"


def write_keys(tmp_path: Path, text: str | bytes, name: str = "keys.txt") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def everything(result: Any, tmp_path: Path) -> str:
    """All that a run printed and wrote (file names included)."""
    texts = [result.out, result.err]
    for file in tmp_path.rglob("*"):
        texts.append(file.name)
        if file.is_file() and file.suffix != ".txt":
            texts.append(file.read_text(errors="replace"))
    # Markdown escapes "_" and HTML escapes quotes: a key must not hide behind either.
    return "\n".join(html.unescape(text).replace("\\", "") for text in texts)


# Item 9.1: a slightly wrong line never turns a key into a label -----------------------------


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (f"{KEY_B},", "the label looks like an API key (it contains sk_live_"),
        (f"{KEY_B},store-b", "the label looks like an API key (it contains sk_live_"),
        (f"store-c,{KEY_B},prod", "has 3 comma-separated fields"),
        (f"{KEY_B[8:]},{KEY_C}", "20 or more letters, digits or underscores"),
        (f"SK_TEST_x,{KEY_C}", "it contains sk_live_ or sk_test_"),
        (f"shop {BARE},{KEY_C}", "20 or more letters"),
        (f"{KEY_A}x,{KEY_C}", "it contains sk_live_"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_a_malformed_line_is_refused_by_number_and_shows_no_key(
    run: Any, tmp_path: Path, line: str, why: str, fmt: str
) -> None:
    statuses = {KEY_A: example_bytes("healthy"), KEY_C: example_bytes("degraded")}
    keys = write_keys(tmp_path, f"lumen,{KEY_A}\n# the next line is wrong\n{line}\n")
    with ExampleApi(statuses) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", fmt, "-o", str(tmp_path / f"summary.{fmt}"),
                      "--output-dir", str(tmp_path / "reports")])
        requests = server.requests
    assert result.code == 3
    assert requests == 1  # only lumen: nothing of the wrong line was sent as a key
    summary = (tmp_path / f"summary.{fmt}").read_text()
    assert "line 3 of" in summary
    if fmt in ("text", "json"):  # Markdown and HTML escape the message as their syntax needs
        assert why in summary
    seen = everything(result, tmp_path)
    for secret in (KEY_B[8:], KEY_C[8:], BARE, "store-b", "SK_TEST_x"):
        if secret in line:
            assert secret not in seen, secret


def test_line_problems_in_json(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, "\n".join([
        f"{KEY_B},",  # 1: trailing comma
        f"{KEY_B},store-b",  # 2: reversed
        f"store-c,{KEY_B},prod",  # 3: three fields
        "shop,",  # 4: an empty key
        f"shopkey99,{KEY_C}",  # 5: a label that is another line's key
        "shopkey99",  # 6: a key without the prefix (odd, but a key)
        f",{KEY_A}",  # 7: an empty label is no label
    ]) + "\n")
    with ExampleApi({KEY_A: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", "json"])
    summary = json.loads(result.out)
    failures = {f["label"]: f["error"] for f in summary["not_checked"]}
    assert set(failures) == {"line 1", "line 2", "line 3", "shop", "sk_live_… (line 5)", "line 6"}
    assert "the key is empty" in failures["line 1"]
    assert "the key is empty (nothing after the last comma)" in failures["shop"]
    assert "MEUM_API_KEY" not in failures["shop"]
    assert "it is, or contains, a key of this file" in failures["sk_live_… (line 5)"]
    assert "HTTP 401" in failures["line 6"]  # sent (it is the key), named by its line only
    assert [s["label"] for s in summary["stores"]] == ["sk_live_… (line 7)"]
    assert "store-b" not in result.out  # it stood where the key goes: never shown
    assert KEY_B[8:] not in result.out + result.err


def test_every_key_raw_line_and_key_like_comment_joins_the_secrets(tmp_path: Path) -> None:
    keys = write_keys(tmp_path, f"# old: {KEY_C}\nlumen , {KEY_A}\n{KEY_B},store-b\nxx,yy,zz\n"
                                f"{BARE}\n")
    secrets = Secrets()
    fleet.targets([], keys, secrets=secrets)
    assert {KEY_A, KEY_B, KEY_C, BARE, f"lumen , {KEY_A}", f"{KEY_B},store-b", "xx,yy,zz"} <= set(
        secrets)
    # A reversed line (key,label): either field may be the key, so both are secrets.
    assert "store-b" in secrets
    assert "lumen" not in secrets


def test_labels_stay_as_given(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, f"Harbor Books (EU),{KEY_A}\nnorthwind-outfitters-europe,{KEY_C}\n")
    with ExampleApi({KEY_A: example_bytes("healthy"), KEY_C: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", "json"])
    assert result.code == 0
    labels = {s["label"] for s in json.loads(result.out)["stores"]}
    assert labels == {"Harbor Books (EU)", "northwind-outfitters-europe"}


# Item 9.3: no secret character of a key in logs or store names ------------------------------


def test_verbose_log_shows_only_a_public_prefix(
    run: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(PATH).respond_with_data(example_bytes("healthy"))
    result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-v"],
                 env={"MEUM_API_KEY": BARE})
    assert result.code == 0
    assert "with key [secret]" in result.err
    assert BARE[:4] not in result.err + result.out
    loud = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-v"],
               env={"MEUM_API_KEY": SECRET_KEY})
    assert "with key sk_live_…" in loud.err
    assert SECRET_TAIL[:4] not in loud.err + loud.out


def test_an_unlabelled_store_without_the_prefix_is_named_by_its_line(
    run: Any, tmp_path: Path
) -> None:
    keys = write_keys(tmp_path, f"{BARE}\n{KEY_A}\n")
    with ExampleApi({BARE: example_bytes("healthy"), KEY_A: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", "json", "-v", "--output-dir", str(tmp_path / "out")])
    assert result.code == 0
    labels = {s["label"] for s in json.loads(result.out)["stores"]}
    assert labels == {"line 1", "sk_live_… (line 2)"}
    assert "line 1 of" in result.err  # the warning about the odd key names the line
    assert BARE[:4] not in everything(result, tmp_path)


# Item 9.14: bounded reading, at most 100,000 stores, scrubbing at scale ---------------------


def test_a_device_is_refused_at_once(run: Any) -> None:
    started = time.monotonic()
    result = run(["batch", "--keys-file", "/dev/zero"])
    assert result.code == 2
    assert "cannot read keys file /dev/zero: it is a device" in result.err
    assert_one_line_error(result)
    assert time.monotonic() - started < 5


def test_a_regular_file_over_16_mib_is_refused(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, b"#" * (16 * 1024 * 1024 + 1))
    result = run(["batch", "--keys-file", keys])
    assert result.code == 2
    assert "is larger than 16 MiB" in result.err
    assert_one_line_error(result)
    exactly = write_keys(tmp_path, b"#" * (16 * 1024 * 1024 - len(KEY_A) - 1) + b"\n"
                         + KEY_A.encode(), "exact.txt")
    assert len(fleet.read_keys_file(exactly)) == 1  # 16 MiB itself is allowed


def test_an_endless_pipe_is_read_no_further_than_the_cap(run: Any) -> None:
    read_end, write_end = os.pipe()
    written = [0]

    def flood() -> None:
        block = b"#" * 65536
        try:
            while True:
                written[0] += os.write(write_end, block)
        except OSError:  # the reader closed its end
            pass

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    try:
        result = run(["batch", "--keys-file", f"/dev/fd/{read_end}"])
    finally:
        os.close(read_end)  # the writer's next write fails: it stops
        writer.join(5)
        os.close(write_end)
    assert result.code == 2
    assert "is larger than 16 MiB" in result.err
    # What was read is at most the cap + 1 byte, plus what the pipe's buffer holds.
    assert written[0] <= 16 * 1024 * 1024 + 1 + 1024 * 1024


def test_a_pipe_that_never_ends_times_out(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fleet, "PIPE_DEADLINE", 0.5)
    fifo = tmp_path / "keys.fifo"
    os.mkfifo(fifo)
    opened = threading.Event()
    done = threading.Event()

    def silent_writer() -> None:
        with open(fifo, "wb") as sink:  # blocks until meum-doctor opens the reading end
            sink.write(f"lumen,{KEY_A}\n".encode())
            sink.flush()
            opened.set()
            done.wait(10)  # holds the pipe open, sending no end of file

    writer = threading.Thread(target=silent_writer, daemon=True)
    writer.start()
    started = time.monotonic()
    try:
        result = run(["batch", "--keys-file", str(fifo)])
    finally:
        done.set()
        if not opened.is_set():  # unblock the writer's open if nobody read
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(5)
    assert result.code == 2
    assert "the pipe did not finish within 0.5 s" in result.err
    assert time.monotonic() - started < 5
    assert KEY_A[8:] not in result.err


def test_a_pipe_with_the_keys_is_read(run: Any, tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, f"lumen,{KEY_A}\n".encode())
    os.close(write_end)
    with ExampleApi({KEY_A: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", f"/dev/fd/{read_end}", "--base-url",
                      server.base_url, "--now", NOW, "-f", "json"])
    os.close(read_end)
    assert result.code == 0
    assert [s["label"] for s in json.loads(result.out)["stores"]] == ["lumen"]


def test_more_than_100000_stores_are_refused(run: Any, tmp_path: Path) -> None:
    lines = "".join(f"sk_live_{n:024d}\n" for n in range(100_001))
    result = run(["batch", "--keys-file", write_keys(tmp_path, lines),
                  "--base-url", "http://127.0.0.1:9"])
    assert result.code == 2
    assert "has more than 100000 stores" in result.err
    assert_one_line_error(result)


def _random_key(rng: random.Random) -> str:
    return "sk_live_" + "".join(rng.choices(string.ascii_letters + string.digits, k=24))


def test_scrubbing_time_does_not_grow_with_the_number_of_keys() -> None:
    """20,000 keys (with their raw lines): a line costs what it costs with 2,000 keys.

    One alternation of every key tried each key wherever ``sk_live_`` occurs, so a summary
    naming N stores cost N × keys: 20,000 keys with -v took 34 s instead of 12 s.
    """
    rng = random.Random(9)  # noqa: S311 - test data, not crypto
    keys = [_random_key(rng) for _ in range(20_000)]
    lines = [f"meum-doctor: INFO: store {n} (sk_live_… (line {n})): fetching with key sk_live_…"
             for n in range(20_000)]

    def cost(count: int) -> float:
        secrets = Secrets(keys[:count])
        secrets.extend(f"store-{n},{key}" for n, key in enumerate(keys[:count]))
        secrets.scrub("warm up")
        started = time.perf_counter()
        for line in lines:
            assert secrets.scrub(line) == line
        return time.perf_counter() - started

    small, large = cost(2_000), cost(20_000)
    assert large < 3 * small + 0.5, (small, large)
    assert large < 10, large


def test_large_sets_scrub_exactly_as_one_pattern_would() -> None:
    rng = random.Random(14)  # noqa: S311 - test data, not crypto
    alphabet = string.ascii_letters + string.digits + "_/\"\\ ,%+"
    secrets = Secrets(_random_key(rng) for _ in range(SMALL))
    secrets.extend("".join(rng.choices(alphabet, k=rng.randint(6, 30))) for _ in range(300))
    secrets.extend(["sk_live_" + "x" * 20, "sk_live_" + "x" * 21, "abcdef", "abcdefgh"])
    assert secrets._anchors is None
    secrets.scrub("x")
    assert secrets._anchors is not None  # the anchored path is the one tested
    reference = _alternation(secrets._replacement)
    assert reference is not None
    values = sorted(secrets._replacement)
    for _ in range(300):
        parts = [rng.choice(values) if rng.random() < 0.3 else "".join(
            rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(rng.randint(1, 8))]
        text = "".join(parts)
        expected = reference.sub(lambda m: secrets._replacement[m.group()], text)
        assert secrets.scrub(text) == expected
        assert secrets.count(text) == sum(1 for _ in reference.finditer(text))


# Item 10.12: messages about keys say what was actually given --------------------------------


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--api-key", ""], {}, "the API key is empty: --api-key was given an empty value"),
        (["--api-key", "  "], {}, "the API key is empty: --api-key was given an empty value"),
        ([], {"MEUM_API_KEY": ""}, "the API key is empty: MEUM_API_KEY is set but empty"),
        (["--api-key", "", "--demo"], {}, "choose one source of status, not --api-key and --demo"),
        (["--api-key", f"Bearer {SECRET_KEY}"], {}, "the API key starts with the word Bearer"),
        (["--api-key", f"Authorization: bearer {SECRET_KEY}"], {}, "starts with the word Bearer"),
        (["--api-key", SECRET_KEY, "--base-url", "https://api.meum.io/?x=1"], {},
         "the API base URL must not have a query"),
    ],
)
def test_key_messages_name_what_was_given(
    run: Any, args: list[str], env: dict[str, str], message: str
) -> None:
    result = run(["check", *args], env=env)
    assert result.code == 2
    assert message in result.err
    assert "no status to check" not in result.err
    assert_one_line_error(result)
    result.assert_no_secret()


def test_surrounding_whitespace_is_dropped_from_every_key(
    run: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """One rule for --api-key, MEUM_API_KEY and keys files (see app.choose_sources)."""
    httpserver.expect_request(
        PATH, headers={"Authorization": f"Bearer {SECRET_KEY}"}
    ).respond_with_data(example_bytes("healthy"))
    base = httpserver.url_for("")
    assert run(["check", "--base-url", base, "--now", NOW, "--api-key", f" {SECRET_KEY}\n"]
               ).code == 0
    assert run(["check", "--base-url", base, "--now", NOW],
               env={"MEUM_API_KEY": f"{SECRET_KEY}  "}).code == 0
    keys = write_keys(tmp_path, f"shop ,  {SECRET_KEY}\t\r\n")
    result = run(["batch", "--keys-file", keys, "--base-url", base, "--now", NOW])
    assert result.code == 0
    inside = run(["check", "--base-url", base, "--api-key", f"{SECRET_KEY[:12]} {SECRET_TAIL[4:]}"])
    assert inside.code == 2
    assert "contains whitespace" in inside.err


def test_keys_file_messages(run: Any, tmp_path: Path) -> None:
    empty = write_keys(tmp_path, "# nothing yet\n\n", "empty.txt")
    result = run(["batch", "--keys-file", empty])
    assert result.code == 2
    assert f"the keys file {empty} has no stores" in result.err
    assert "or --keys-file" not in result.err

    latin1 = write_keys(tmp_path, f"lumen,{KEY_A}\nb\xe4ckerei,{KEY_C}\n".encode("latin-1"),
                        "latin1.txt")
    result = run(["batch", "--keys-file", latin1])
    assert result.code == 2
    assert "is not UTF-8 text (line 2)" in result.err
    assert "UnicodeDecodeError" not in result.err
    assert_one_line_error(result)

    folder = run(["batch", "--keys-file", str(tmp_path)])
    assert folder.code == 2
    assert "it is a folder" in folder.err

    bom = write_keys(tmp_path, "\ufefflumen,".encode() + KEY_A.encode() + b"\n", "bom.txt")
    assert [t.label for t in fleet.read_keys_file(bom)] == ["lumen"]


def test_bearer_in_a_keys_file_is_refused_for_that_store(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, f"shop,Bearer {SECRET_KEY}\n")
    result = run(["batch", "--keys-file", keys, "--base-url", "http://127.0.0.1:9", "-f", "json"])
    failures = {f["label"]: f["error"] for f in json.loads(result.out)["not_checked"]}
    assert "starts with the word Bearer" in failures["shop"]
    result.assert_no_secret()


@pytest.mark.parametrize("suffix", ["/v1", "/v1/", PATH, "/proxy/meum/v1"])
def test_a_base_url_ending_in_the_api_path_is_the_api(
    run: Any, httpserver: HTTPServer, suffix: str
) -> None:
    expected = "/proxy/meum" + PATH if suffix.startswith("/proxy") else PATH
    httpserver.expect_request(expected).respond_with_data(example_bytes("healthy"))
    result = run(["check", "--base-url", httpserver.url_for(suffix), "--now", NOW, "-v"],
                 env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 0, result.err
    assert "already ends in" in result.err
    result.assert_no_secret()


def test_an_empty_input_or_demo_is_that_source_not_the_api(run: Any) -> None:
    # Counting `--api-key ""` as given made every empty option count: none may fall through
    # to the API with no key (an internal error).
    assert run(["check", "--input", ""]).code == 3
    assert run(["check", "--demo", ""]).code == 2


def test_a_key_of_punctuation_alone_is_a_secret_like_any_other(tmp_path: Path) -> None:
    """Found by fuzzing: `:::::{` has no word in it, and "only words the tool prints" was
    vacuously true of it, so it was sent as a key but never scrubbed from any output."""
    from meum_doctor import batch as fleet
    from meum_doctor.secrets import Secrets

    path = tmp_path / "keys.txt"
    path.write_text("sk_live_000000000000\n:::::{\n", encoding="utf-8")
    secrets = Secrets()
    sent = {target.key for target in fleet.read_keys_file(str(path), secrets)}
    assert ":::::{" in sent
    assert ":::::{" in secrets
    assert secrets.scrub("echo :::::{ here") == "echo [secret] here"


@pytest.mark.parametrize("key", ["sk_live_AUTHORIZATION", "AUTHORIZATION", "sk_test_api_key"])
def test_a_key_made_only_of_words_the_tool_prints_is_refused(
    tmp_path: Path, run: Any, key: str
) -> None:
    """Found by fuzzing: such a "key" is no secret (the tool prints those words itself, so it
    cannot be kept out of outputs), yet it was sent. It is refused, on the command line and
    by its line number in a keys file, and nothing is sent."""
    from meum_doctor import batch as fleet
    from meum_doctor.secrets import Secrets

    path = tmp_path / "keys.txt"
    path.write_text(f"sk_live_000000000000\n{key}\n", encoding="utf-8")
    found = fleet.read_keys_file(str(path), Secrets())
    assert [t.key for t in found if t.key] == ["sk_live_000000000000"]
    assert any(t.problem and "line 2" in t.problem for t in found)
    result = run(["check", "--api-key", key, "--base-url", "http://127.0.0.1:9"])
    assert result.code == 2
    assert "is only words like Authorization" in result.err
