"""Keys-file lines written the wrong way round, secrets that are common words, and what a
malformed keys file may show (nothing of its lines) even with ``-v --debug``.

Every test that feeds a key looks for it in everything printed and written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import NOW, SECRET_KEY, SECRET_TAIL, example_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_keysfile import everything, write_keys

from meum_doctor import batch as fleet
from meum_doctor.exampleapi import ExampleApi
from meum_doctor.secrets import Secrets

#: A key without the public prefix: long, mixed case and digits, no separators.
BARE = "abcdEFGH1234xyz9"
KEY_A = "sk_live_STOREA_" + "a" * 20


def test_a_reversed_line_with_a_bare_key_is_refused_and_shows_nothing(
    run: Any, tmp_path: Path
) -> None:
    keys = write_keys(tmp_path, f"lumen,{KEY_A}\n{BARE},store-e\n")
    out = tmp_path / "out"
    with ExampleApi({KEY_A: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", "json", "-v", "--output-dir", str(out)])
        requests = server.requests
    assert requests == 1  # only lumen: neither field of line 2 was sent as a key
    failures = {f["label"]: f["error"] for f in json.loads(result.out)["not_checked"]}
    assert set(failures) == {"line 2"}
    assert "line 2 of" in failures["line 2"]
    assert "the label looks like an API key" in failures["line 2"]
    assert "does not start with sk_live_" not in result.err  # refused, not sent with a warning
    seen = everything(result, tmp_path)
    for text in (BARE, BARE[:4], BARE[-4:], "store-e"):
        assert text not in seen, text
    assert not (out / f"{BARE}.txt").exists()


def test_a_bare_key_that_is_sent_still_warns(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, f"shop-e,{BARE}\n")
    with ExampleApi({BARE: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-f", "json"])
        requests = server.requests
    assert result.code == 0
    assert requests == 1
    assert "store shop-e (line 1): the API key does not start with sk_live_" in result.err
    assert BARE not in result.out + result.err


def test_reversed_lines_make_both_fields_secrets(tmp_path: Path) -> None:
    keys = write_keys(tmp_path, f"{BARE},store-e\n{KEY_A},store-b\nNorthwind {BARE}2,shop-n\n")
    secrets = Secrets()
    found = fleet.targets([], keys, secrets=secrets)
    assert {BARE, "store-e", KEY_A, "store-b", f"{BARE}2", "shop-n"} <= set(secrets)
    assert "Northwind" not in secrets  # a plain word of the label stays printable
    assert [(t.label, t.key) for t in found] == [("line 1", None), ("line 2", None),
                                                 ("line 3", None)]


def test_real_labels_with_a_bare_key_are_kept(tmp_path: Path) -> None:
    """Labels in words (hyphens, spaces, short, a number) stay labels next to a bare key."""
    labels = ["store-e", "Harbor Books (EU)", "shop2", "eu_store_3", "Northwind 2024",
              "northwind-outfitters-europe"]
    keys = write_keys(tmp_path, "".join(f"{label},{BARE}{i}\n" for i, label in enumerate(labels)))
    found = fleet.read_keys_file(keys, Secrets())
    assert [(t.label, t.key, t.problem) for t in found] == [
        (label, f"{BARE}{i}", None) for i, label in enumerate(labels)
    ]


# A property: a line written key,label never prints or sends the key -------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_bare_keys = st.text(_ALNUM, min_size=16, max_size=40).filter(
    lambda k: any(c.isupper() for c in k) and any(c.islower() for c in k)
    and any(c.isdigit() for c in k)
)
_keys = st.one_of(
    _bare_keys,
    st.builds(lambda p, k: p + k, st.sampled_from(["sk_live_", "sk_test_"]), _bare_keys),
)
_words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12).flatmap(
    lambda w: st.sampled_from([w, w.capitalize(), w.upper()[:4]])
)
_labels = st.builds(
    lambda words, seps, number: "".join(
        w + s for w, s in zip(words, [*seps, ""], strict=False)
    ) + number,
    st.lists(_words, min_size=1, max_size=4),
    st.lists(st.sampled_from([" ", "-", "_", " - "]), min_size=3, max_size=3),
    st.sampled_from(["", "2", "-3", " 12", "2024", " (EU)"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_keys, label=_labels)
def test_a_reversed_line_never_shows_or_sends_the_key(
    tmp_path: Path, key: str, label: str
) -> None:
    path = write_keys(tmp_path, f"{key},{label}\n")
    secrets = Secrets()
    (target,) = fleet.read_keys_file(path, secrets)
    assert target.key is None  # nothing is sent
    shown = f"{target.label}\n{target.problem}"
    assert key not in shown
    assert key[-6:] not in shown
    assert key in secrets


# Item 2: a secret that is a word the tool prints does not garble its messages ---------------


def test_bearer_alone_as_the_key_reads_right(run: Any) -> None:
    for given_key in ("Bearer", "Bearer ", "Authorization: Bearer", "bearer"):
        result = run(["check", "--api-key", given_key, "--base-url", "http://127.0.0.1:9"])
        assert result.code == 2
        assert "starts with the word Bearer: pass the key alone" in result.err, given_key
        assert "'Authorization: Bearer' itself" in result.err
        assert "[secret]" not in result.err


def test_bearer_alone_in_a_keys_file_reads_right(run: Any, tmp_path: Path) -> None:
    keys = write_keys(tmp_path, "shop,Bearer\nBearer\n")
    result = run(["batch", "--keys-file", keys, "--base-url", "http://127.0.0.1:9", "-f", "json"])
    failures = {f["label"]: f["error"] for f in json.loads(result.out)["not_checked"]}
    assert set(failures) == {"shop", "line 2"}
    for error in failures.values():
        assert "starts with the word Bearer: pass the key alone" in error
        assert "[secret]" not in error


def test_words_the_tool_prints_are_not_secrets() -> None:
    secrets = Secrets(["Bearer", "authorization", "Authorization: Bearer", "sk_live_", "secret",
                       "short", SECRET_KEY, f"Bearer {SECRET_KEY}"])
    assert set(secrets) == {SECRET_KEY, f"Bearer {SECRET_KEY}"}
    text = "send it as 'Authorization: Bearer' (sk_live_…), never a secret"
    assert secrets.scrub(text) == text
    assert SECRET_TAIL not in secrets.scrub(f"x {SECRET_KEY} y")


# Item 3: a keys file of every malformed shape shows nothing of its lines -----------------------


def test_every_malformed_shape_with_verbose_debug_shows_no_key(run: Any, tmp_path: Path) -> None:
    bare2 = "QWERty7890abcdXYzz12"
    key_b = "sk_live_STOREB_" + "b" * 20
    key_c = "sk_test_STOREC_" + "c" * 20
    key_d = "sk_live_STORED_" + "d" * 20
    lines = [
        f"lumen,{KEY_A}",  # 1: well formed, checked
        f"{key_b},",  # 2: trailing comma
        f"{key_b},store-b",  # 3: reversed
        f"{BARE},store-e",  # 4: reversed, bare key
        f"store-c,{key_c},prod",  # 5: three fields
        f"{bare2},{BARE}x",  # 6: two bare keys
        f"shop {bare2}q,{key_d}",  # 7: a key inside the label
        f"Bearer {key_d}",  # 8: Bearer
        f"shop,{key_c} tail",  # 9: whitespace inside the key
        f"shop9,{key_c}\x07",  # 10: a control character
        f"shöp,{key_c}ü",  # 11: not ASCII
        f"# old {key_c}x",  # 12: a comment with a key
        f"SK_LIVE_{BARE},shop",  # 13: the prefix in upper case
        f"{KEY_A}",  # 14: a label that is another line's key? no: the key alone, again
    ]
    keys = write_keys(tmp_path, "\n".join(lines) + "\n")
    secrets_in_file = [KEY_A, key_b, key_c, key_d, BARE, bare2]
    out = tmp_path / "reports"
    with ExampleApi({KEY_A: example_bytes("healthy")}) as server:
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW,
                      "-v", "--debug", "--output-dir", str(out), "-f", "json",
                      "-o", str(tmp_path / "summary.json")])
    assert result.code == 3
    summary = json.loads((tmp_path / "summary.json").read_text())
    refused = [f for f in summary["not_checked"] if f" of {keys}: " in f["error"]
               or f" of {keys} has " in f["error"]]
    # Each malformed line (2 to 13, but the comment) is named by its number, a public prefix
    # or its label, never by its text.
    assert len(refused) == 11, summary["not_checked"]
    assert all(re.fullmatch(r"(sk_live_… \()?line \d+\)?|sh.p9?", f["label"]) for f in refused)
    seen = everything(result, tmp_path) + "\n".join(
        f.read_text() for f in tmp_path.rglob("*.txt") if f.name != "keys.txt"
    )
    for secret in secrets_in_file:
        for part in (secret, secret.removeprefix("sk_live_").removeprefix("sk_test_")[:10],
                     secret[-8:]):
            assert part not in seen, part
    for word in ("store-b", "store-e", "prod", "tail"):
        assert word not in seen, word
