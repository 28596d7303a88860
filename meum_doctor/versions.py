"""Read version strings as WordPress, WooCommerce and their plugins write them.

``packaging`` follows PEP 440, and the WordPress world does not: a development checkout of
WordPress reports ``6.7-alpha-58576-src`` (which PEP 440 rejects), a nightly
``6.6-alpha-57878``, a release candidate ``6.5-RC1``, WooCommerce ``9.9.0-dev`` or
``10.3.0-rc.2``, a plugin ``13.4-a.1``. :func:`read_version` reads all of them into a
:class:`WPVersion` that

- keeps the text as written (``text``), for display: a report shows what the store sent;
- knows the release it belongs to (``release``: ``6.7`` for ``6.7-alpha-58576-src``) and
  whether it is a pre-release (alpha, beta, RC) or a development build (``-dev``, a ``-src``
  checkout, a nightly with a revision number);
- orders as PHP's ``version_compare`` does, which is what WordPress uses: dev < alpha = a <
  beta = b < RC = rc < the release < pl = p. The order goes through ``packaging`` after
  normalising (``6.6-alpha-57878`` becomes ``6.6a57878``, ``-src`` a ``.dev0`` below the
  build it is a checkout of), so comparisons stay cheap and well tested.

Requirement checks compare the release part only, as WordPress's own
``is_wp_version_compatible()`` does (it drops everything from the first ``-``): WordPress
``6.9-RC1`` meets "requires WordPress 6.9", and a WooCommerce ``10.8.0-rc.1`` belongs to the
10.8 line and is held to its requirements.

Known, deliberate differences from ``version_compare`` (none of them occurs in what WordPress
or WooCommerce write): trailing ``.0`` parts do not count (``6.7`` equals ``6.7.0``, as
WordPress.org keys x.y.0 releases as ``x.y``; PHP puts ``6.7`` below ``6.7.0``); a missing
pre-release number counts as 0 (PHP puts ``beta`` below ``beta0``); a bare ``-src`` ranks with
``-dev``; a patch level (``6.7-pl1``) ranks below ``6.7.1`` (PHP puts it above).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

#: Longer "versions" are not versions; refusing them early keeps parsing cheap and safe.
MAX_VERSION_LENGTH = 64

# Separators as PHP's canonicalisation treats them: "-", "_", "+" and "." all split parts.
_VERSION_RE = re.compile(
    r"""
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:
        (?P<stage_sep>[-_.+]?)
        (?P<stage>dev|alpha|beta|rc|pl|a|b|p)
        (?:(?P<number_sep>[-_.+]?)(?P<number>[0-9]+))?
        # A build or revision number after a pre-release: 6.5-RC1-57880 (a nightly).
        (?:[-_.+](?P<build>[0-9]+))?
    )?
    # A development checkout (wordpress-develop writes "-src"), or "-dev" after a pre-release.
    (?:[-_.+](?P<tail>src|dev))?
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
# A number after "alpha-" (not "alpha1" or "alpha.1") this long is a Subversion revision:
# WordPress names its nightly builds "6.6-alpha-57878"; no one numbers real alphas so high.
_REVISION_DIGITS = 4

_STAGES = {"dev": "dev", "alpha": "alpha", "a": "alpha", "beta": "beta", "b": "beta"}
_STAGES.update({"rc": "rc", "pl": "pl", "p": "pl"})
#: The PEP 440 spelling of each pre-release stage.
_PEP440 = {"alpha": "a", "beta": "b", "rc": "rc"}
_STAGE_NAMES = {"dev": "development", "alpha": "alpha", "beta": "beta", "rc": "RC"}


@dataclass(frozen=True)
class WPVersion:
    """One version string, read; compares (``<``, ``==``…) in WordPress's order.

    Equality and hashing follow the order (``6.5`` equals ``6.5.0``), not the text.
    """

    #: The text exactly as written, for display.
    text: str = field(compare=False)
    #: The whole version, normalised to PEP 440: what comparisons use.
    version: Version
    #: The release part alone (``6.7`` for ``6.7-alpha-58576-src``): requirement checks.
    release: Version = field(compare=False)
    #: ``dev``, ``alpha``, ``beta``, ``rc`` or ``pl`` (a patch level); None for a release.
    stage: str | None = field(default=None, compare=False)
    #: A development build: ``-dev``, a ``-src`` checkout, or a nightly with a revision.
    development: bool = field(default=False, compare=False)

    @property
    def prerelease(self) -> bool:
        """True for anything before its release: alpha, beta, RC and development builds."""
        return self.development or self.stage in ("dev", "alpha", "beta", "rc")

    @property
    def kind(self) -> str:
        """``a development build``, ``a beta``, ``a release candidate``… or ``a release``."""
        if self.development or self.stage == "dev":
            return "a development build"
        if self.stage == "alpha":
            return "an alpha"
        if self.stage == "beta":
            return "a beta"
        if self.stage == "rc":
            return "a release candidate"
        return "a release"

    def describe(self) -> str:
        """The text, followed for a pre-release by what it is: ``6.7-alpha-58576-src (6.7, a
        development build)``; a release is just its text."""
        if not self.prerelease:
            return self.text.strip()
        return f"{self.text.strip()} ({self.release}, {self.kind})"

    def __lt__(self, other: WPVersion) -> bool:
        return self.version < other.version

    def __le__(self, other: WPVersion) -> bool:
        return self.version <= other.version

    def __gt__(self, other: WPVersion) -> bool:
        return self.version > other.version

    def __ge__(self, other: WPVersion) -> bool:
        return self.version >= other.version

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=1024)
def read_version(text: str | None) -> WPVersion | None:
    """The version written in ``text``, or None when it is not one.

    Surrounding whitespace and a leading ``v`` are ignored (`` 6.8 ``, ``v6.8``); stage
    names in any case (``RC1``, ``rc.1``). Cached: a fleet reports the same few versions
    thousands of times, and the result is immutable.
    """
    if text is None or len(text) > MAX_VERSION_LENGTH:
        return None
    body = text.strip()
    if body[:1] in ("v", "V"):
        body = body[1:]
    match = _VERSION_RE.fullmatch(body)
    if match is None:
        return None
    stage = _STAGES[match["stage"].lower()] if match["stage"] else None
    number = int(match["number"]) if match["number"] else None
    build, tail = match["build"], (match["tail"] or "").lower()
    if stage in ("dev", "pl") and (build or tail):
        return None  # "9.9.0-dev-1", "6.7-pl1-src": no one writes these; not guessed at
    development = (
        stage == "dev"
        or bool(tail)
        or build is not None
        or (
            stage == "alpha"
            and match["number_sep"] == "-"
            and match["number"] is not None
            and len(match["number"]) > _REVISION_DIGITS
        )
    )
    pep440 = match["release"]
    if stage in _PEP440:
        pep440 += f"{_PEP440[stage]}{number or 0}"
        if build is not None:
            pep440 += f".post{int(build)}"  # after its pre-release, as PHP orders it
    elif stage == "pl":
        pep440 += f".post{number or 0}"
    elif stage == "dev":
        pep440 += f".dev{number or 0}"
    if tail:
        # A checkout comes before the build it is a checkout of (PHP: "src" < any number).
        pep440 += ".dev0"
    try:
        version = Version(pep440)
        release = Version(match["release"])
    except (InvalidVersion, ValueError):  # ValueError: absurdly long numeric parts
        return None
    return WPVersion(
        text=text, version=version, release=release, stage=stage, development=development
    )


def release_of(text: str | None) -> Version | None:
    """The release part of a version string (``6.7`` for ``6.7-alpha-58576-src``), or None."""
    read = read_version(text)
    return None if read is None else read.release


def branch_of(version: Version) -> Version:
    """The release branch (x.y) a version belongs to: ``6.4`` for ``6.4.5``."""
    parts = (*version.release, 0)[:2]
    return Version(f"{parts[0]}.{parts[1]}")
