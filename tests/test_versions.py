"""The WordPress-world version reader: what it reads, and that it orders as WordPress does.

WordPress orders versions with PHP's ``version_compare``. :func:`php_version_compare` below
is a line-by-line port of PHP's ``ext/standard/versioning.c`` (canonicalisation, special
forms ``dev < alpha = a < beta = b < RC = rc < # < pl = p``, an unknown word below them
all), used as the oracle: a hand-checked table of pairs, then generated strings.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES as EXAMPLE_DIR
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from meum_doctor.policy import parse_version
from meum_doctor.status import parse
from meum_doctor.versions import WPVersion, branch_of, read_version

EXAMPLES = int(os.environ.get("MEUM_DOCTOR_FUZZ_EXAMPLES", "150"))
BOUNDED = settings(max_examples=EXAMPLES, deadline=None)


# PHP's version_compare, ported -----------------------------------------------------------

_SPECIAL_FORMS = (
    ("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3), ("rc", 3),
    ("#", 4), ("pl", 5), ("p", 5),
)


def _canonicalize(version: str) -> str:
    """php_canonicalize_version(): -, _ and + become '.', and a '.' goes between a run of
    digits and a run of other characters; other punctuation becomes one '.'."""
    if not version:
        return ""
    out = [version[0]]
    last = version[0]

    def isdig(c: str) -> bool:
        return c.isdigit() and c != "."

    def isndig(c: str) -> bool:
        return not c.isdigit() and c != "."

    for char in version[1:]:
        if char in "-_+":
            if out[-1] != ".":
                out.append(".")
        elif (isndig(last) and isdig(char)) or (isdig(last) and isndig(char)):
            if out[-1] != ".":
                out.append(".")
            out.append(char)
        elif not char.isalnum():
            if out[-1] != ".":
                out.append(".")
        else:
            out.append(char)
        last = char
    return "".join(out)


def _special(form1: str, form2: str) -> int:
    def order(form: str) -> int:
        for name, rank in _SPECIAL_FORMS:
            if form.startswith(name):  # strncmp(form, name, strlen(name)): a prefix match
                return rank
        return -6

    found1, found2 = order(form1), order(form2)
    return (found1 > found2) - (found1 < found2)


def php_version_compare(ver1: str, ver2: str) -> int:
    """-1, 0 or 1, exactly as PHP 8's version_compare($ver1, $ver2)."""
    if not ver1 or not ver2:
        if not ver1 and not ver2:
            return 0
        return 1 if ver1 else -1
    parts1 = (ver1 if ver1.startswith("#") else _canonicalize(ver1)).split(".")
    parts2 = (ver2 if ver2.startswith("#") else _canonicalize(ver2)).split(".")
    compare = 0
    index = 0
    while index < len(parts1) and index < len(parts2):
        p1, p2 = parts1[index], parts2[index]
        if not p1 or not p2:  # the C loop stops at an empty part (a trailing '.')
            break
        if p1[0].isdigit() and p2[0].isdigit():
            n1, n2 = int(_digits(p1)), int(_digits(p2))
            compare = (n1 > n2) - (n1 < n2)
        elif not p1[0].isdigit() and not p2[0].isdigit():
            compare = _special(p1, p2)
        elif p1[0].isdigit():
            compare = _special("#N#", p2)
        else:
            compare = _special(p1, "#N#")
        if compare:
            return compare
        index += 1
    rest1, rest2 = parts1[index:], parts2[index:]
    if rest1 and not rest2:
        return 1 if rest1[0][:1].isdigit() else php_version_compare(".".join(rest1), "#N#")
    if rest2 and not rest1:
        return -1 if rest2[0][:1].isdigit() else php_version_compare("#N#", ".".join(rest2))
    return 0


def _digits(part: str) -> str:
    return part[: len(part) - len(part.lstrip("0123456789"))]


def test_the_port_agrees_with_php_documented_examples() -> None:
    # From the PHP manual and php-src's tests/strings/version_compare.phpt.
    assert php_version_compare("5.2", "5.2.0") == -1
    assert php_version_compare("1.0rc1", "1.0") == -1
    assert php_version_compare("1.0", "1.0.0") == -1
    assert php_version_compare("1.0pl1", "1.0") == 1
    assert php_version_compare("1.0-dev", "1.0a1") == -1
    assert php_version_compare("1.0a1", "1.0b1") == -1
    assert php_version_compare("1.0b1", "1.0RC1") == -1
    assert php_version_compare("1.0RC1", "1.0rc1") == 0
    assert php_version_compare("1.0alpha1", "1.0a1") == 0
    assert php_version_compare("1.0.1", "1.0pl1") == -1  # PHP: pl beats any number


# What the reader reads ---------------------------------------------------------------------

# text -> (release, stage, development build, pre-release, as displayed)
READS = {
    "6.7": ("6.7", None, False, False, "6.7"),
    "6.7.1": ("6.7.1", None, False, False, "6.7.1"),
    "6.5-RC1": ("6.5", "rc", False, True, "6.5-RC1 (6.5, a release candidate)"),
    "6.3-beta3": ("6.3", "beta", False, True, "6.3-beta3 (6.3, a beta)"),
    "6.6-alpha-57878": ("6.6", "alpha", True, True, "6.6-alpha-57878 (6.6, a development build)"),
    "6.6.4-alpha-60584-src": (
        "6.6.4", "alpha", True, True, "6.6.4-alpha-60584-src (6.6.4, a development build)"
    ),
    "6.7-alpha-58576-src": (
        "6.7", "alpha", True, True, "6.7-alpha-58576-src (6.7, a development build)"
    ),
    "9.9.0-dev": ("9.9.0", "dev", True, True, "9.9.0-dev (9.9.0, a development build)"),
    "9.9.0-beta.1": ("9.9.0", "beta", False, True, "9.9.0-beta.1 (9.9.0, a beta)"),
    "10.3.0-rc.2": ("10.3.0", "rc", False, True, "10.3.0-rc.2 (10.3.0, a release candidate)"),
    "10.8.0-rc.1": ("10.8.0", "rc", False, True, "10.8.0-rc.1 (10.8.0, a release candidate)"),
    "13.4-a.1": ("13.4", "alpha", False, True, "13.4-a.1 (13.4, an alpha)"),
    "4.17250": ("4.17250", None, False, False, "4.17250"),
    " 6.8 ": ("6.8", None, False, False, "6.8"),
    "v6.8": ("6.8", None, False, False, "v6.8"),
    "6.5-RC1-57880-src": ("6.5", "rc", True, True, "6.5-RC1-57880-src (6.5, a development build)"),
    "7.0-pl1": ("7.0", "pl", False, False, "7.0-pl1"),
}


@pytest.mark.parametrize("text", sorted(READS))
def test_every_form_the_wordpress_world_writes_is_read(text: str) -> None:
    release, stage, development, prerelease, shown = READS[text]
    read = read_version(text)
    assert read is not None
    assert read.text == text  # kept as written, for display
    assert read.release == Version(release)
    assert (read.stage, read.development, read.prerelease) == (stage, development, prerelease)
    assert read.describe() == shown
    assert parse_version(text) == read.version  # the packaging Version rules compare


@pytest.mark.parametrize(
    "text",
    ["", "   ", "banana", "seven", "6.8-hotfix", "6.8 beta", "6..8", "-6.8", "6.8-", "9.9.0-dev-1-src",
     "1" * 65, "6.7-alpha-58576-src-src", None],
)
def test_what_is_not_a_version(text: str | None) -> None:
    assert read_version(text) is None
    assert parse_version(text) is None


def test_the_text_is_kept_but_comparisons_ignore_it() -> None:
    assert read_version("6.5") == read_version("6.5.0")
    assert read_version(" 6.5 ") == read_version("v6.5")
    assert len({read_version("6.5"), read_version("6.5.0")}) == 1
    assert str(read_version(" 6.5 ")) == " 6.5 "


def test_release_part_is_what_requirements_compare() -> None:
    # WordPress's is_wp_version_compatible() drops everything from the first "-".
    dev = read_version("6.7-alpha-58576-src")
    assert dev is not None and dev.release < Version("6.9") and dev.release == Version("6.7")
    rc = read_version("6.9-RC1")
    assert rc is not None and rc.release >= Version("6.9") and rc.version < Version("6.9")


def test_branch_of() -> None:
    assert branch_of(Version("6.4.5")) == Version("6.4")
    assert branch_of(Version("7")) == Version("7.0")


# The order, against PHP -----------------------------------------------------------------------

# (a, b, PHP's version_compare(a, b)), checked by hand against the rules quoted above.
PAIRS = [
    ("6.7", "6.7.1", -1),
    ("6.5-RC1", "6.5", -1),
    ("6.5-RC1", "6.5-RC2", -1),
    ("6.5-rc1", "6.5-RC1", 0),
    ("6.3-beta3", "6.3-RC1", -1),
    ("6.3-beta3", "6.3-beta10", -1),
    ("6.3-alpha-55654", "6.3-beta1", -1),
    ("6.6-alpha-57878", "6.6-alpha-57900", -1),
    ("6.6-alpha-57878", "6.6", -1),
    ("6.6-alpha-57878", "6.5.5", 1),
    ("6.6.4-alpha-60584-src", "6.6.4-alpha-60584", -1),
    ("6.6.4-alpha-60584-src", "6.6.4", -1),
    ("6.6.4-alpha-60584-src", "6.6.3", 1),
    ("6.5-RC1-57880-src", "6.5-RC1", 1),
    ("6.5-RC1-src", "6.5-RC1", -1),
    ("6.5-RC1-57880-src", "6.5-RC1-57880", -1),
    ("6.5-RC1-57880", "6.5-RC1", 1),
    ("6.5-RC1-57880", "6.5-RC2", -1),
    ("9.9.0-dev", "9.9.0-beta.1", -1),
    ("9.9.0-dev", "9.8.9", 1),
    ("9.9.0-beta.1", "9.9.0-rc.1", -1),
    ("9.9.0-rc.1", "9.9.0", -1),
    ("10.3.0-rc.2", "10.3.0-rc.10", -1),
    ("13.4-a.1", "13.4-alpha1", 0),
    ("13.4-a.1", "13.4-b.1", -1),
    ("4.17250", "4.9", 1),
    ("6.10", "6.9", 1),
    ("7.0-pl1", "7.0", 1),
    ("7.0-pl1", "7.0-p2", -1),
    ("6.8", "6.8-dev", 1),
]


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS)
def test_order_table_matches_php(a: str, b: str, expected: int) -> None:
    assert php_version_compare(a, b) == expected  # the table is PHP's
    assert php_version_compare(b, a) == -expected
    ra, rb = read_version(a), read_version(b)
    assert ra is not None and rb is not None
    assert _sign(ra, rb) == expected
    assert _sign(rb, ra) == -expected


def test_documented_differences_from_php() -> None:
    # Trailing .0 parts do not count (WordPress.org keys 6.7.0 as "6.7"); PHP: 6.7 < 6.7.0.
    assert php_version_compare("6.7", "6.7.0") == -1
    assert read_version("6.7") == read_version("6.7.0")
    # A patch level ranks below a longer release (PHP puts it above; no one writes this).
    assert php_version_compare("6.7-pl1", "6.7.1") == 1
    assert _sign(_read("6.7-pl1"), _read("6.7.1")) == -1


def _read(text: str) -> WPVersion:
    read = read_version(text)
    assert read is not None
    return read


def _sign(a: WPVersion, b: WPVersion) -> int:
    return (a > b) - (a < b)


# Generated WordPress-world strings: release, an optional stage and number, a revision or
# build number after a pre-release, an optional -src. Stage numbers start at 1 (PHP puts
# "beta" below "beta0"; we do not: a documented difference no one meets).
_release = st.lists(st.integers(0, 12), min_size=1, max_size=3).map(
    lambda parts: ".".join(map(str, parts))
)
_sep = st.sampled_from(["", "-", "."])
_stage = st.sampled_from(["dev", "alpha", "a", "beta", "b", "RC", "rc", "pl", "p"])
_number = st.integers(1, 60000).map(str)


@st.composite
def wp_versions(draw: st.DrawFn) -> str:
    text = draw(_release)
    if draw(st.booleans()):
        stage = draw(_stage)
        text += draw(_sep) + stage
        if draw(st.booleans()):
            text += draw(_sep) + draw(_number)
        if stage.lower() not in ("dev", "pl", "p"):
            if draw(st.booleans()):
                text += "-" + draw(_number)
            if draw(st.booleans()):
                text += "-src"
    return text


def _trimmed(text: str) -> str:
    """The text with trailing .0 parts of its release removed: the documented difference."""
    match = re.match(r"[0-9]+(?:\.[0-9]+)*", text)
    assert match is not None
    release, rest = match.group(), text[match.end():]
    parts = release.split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts) + rest


def _is_patch_level(read: WPVersion) -> bool:
    return read.stage == "pl"


@BOUNDED
@given(wp_versions(), wp_versions())
def test_generated_versions_order_as_php(a: str, b: str) -> None:
    ra, rb = _read(a), _read(b)
    # The other documented difference: only within one release does pl order as PHP's.
    if (_is_patch_level(ra) or _is_patch_level(rb)) and ra.release != rb.release:
        return
    assert _sign(ra, rb) == php_version_compare(_trimmed(a), _trimmed(b)), (a, b)


@BOUNDED
@given(st.lists(wp_versions(), min_size=3, max_size=3))
def test_order_is_antisymmetric_and_transitive(texts: list[str]) -> None:
    reads = [_read(text) for text in texts]
    for a, b in itertools.permutations(reads, 2):
        assert _sign(a, b) == -_sign(b, a)
        assert (a == b) == (_sign(a, b) == 0)
    for a, b, c in itertools.permutations(reads, 3):
        if a <= b and b <= c:
            assert a <= c


@BOUNDED
@given(st.text(max_size=70))
def test_any_text_is_read_or_refused_never_raises(text: str) -> None:
    read = read_version(text)
    assert read is None or read.text == text


# Versions sent as JSON numbers -----------------------------------------------------------------


def test_a_json_number_is_read_from_its_text() -> None:
    status = parse(b'{"wordpress_version": 6.10, "woocommerce_version": 10, "plugin_version": 1.2}')
    assert (status.wordpress_version, status.woocommerce_version) == ("6.10", "10")
    assert status.plugin_version == "1.2"
    assert status.problems == ()
    assert _read("6.10") > _read("6.1")  # 6.10 is not 6.1
    # The raw body still holds a number, so JSON output shows what was sent.
    assert status.raw["wordpress_version"] == 6.1


def test_a_number_that_is_no_version_is_reported_unreadable() -> None:
    status = parse(b'{"wordpress_version": 1e999, "plugin_version": true}')
    assert status.wordpress_version == "1e999"
    assert read_version(status.wordpress_version) is None
    assert [p.field for p in status.problems] == ["plugin_version"]


# End to end: what a support engineer sees -------------------------------------------------------


def _check(run: Any, tmp_path: Path, **versions: str) -> Any:
    text = (EXAMPLE_DIR / "healthy.json").read_text()
    for name, value in versions.items():
        # Replaced as text: a number must reach the tool as written (6.10, not 6.1).
        text, count = re.subn(rf'"{name}": "[^"]*"', f'"{name}": {value}', text)
        assert count == 1
    path = tmp_path / "status.json"
    path.write_text(text)
    return run(["check", "--input", str(path), "--now", "2026-11-28T12:00:00Z", "-f", "json"])


def test_a_version_sent_as_the_json_number_6_10_is_wordpress_6_10(
    run: Any, tmp_path: Path
) -> None:
    # Read as the float 6.1, it would be below the minimum 6.9 (MD203 high) and insecure
    # (MD213: 6.1 before 6.1.9); 6.10 is only behind the latest 7.1 (and below the 7.0 that
    # WooCommerce 11.1 needs).
    result = _check(run, tmp_path, wordpress_version="6.10")
    findings = json.loads(result.out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("MD205", "high"), ("MD203", "low")]
    assert findings[1]["evidence"]["wordpress_version"] == "6.10"
    assert findings[1]["title"] == "WordPress 6.10 is behind the latest 7.1"


def test_a_development_checkout_is_judged_not_called_healthy(run: Any, tmp_path: Path) -> None:
    result = _check(
        run,
        tmp_path,
        wordpress_version='"6.7-alpha-58576-src"',
        woocommerce_version='"10.8.0-rc.1"',
    )
    report = json.loads(result.out)
    assert result.code == 1
    titles = {(f["rule"], f["title"]) for f in report["findings"]}
    assert (
        "MD203",
        "WordPress 6.7-alpha-58576-src (6.7, a development build) is below the minimum "
        "supported 6.9",
    ) in titles
    assert (
        "MD205",
        "WooCommerce 10.8.0-rc.1 (10.8.0, a release candidate) needs WordPress 6.9 or newer, "
        "but the store runs 6.7-alpha-58576-src (6.7, a development build)",
    ) in titles
    assert sorted(rule for rule, _ in titles) == [
        "MD202", "MD203", "MD205", "MD211", "MD211", "MD213"]
