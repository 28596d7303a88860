"""The version policy: which Meum plugin, WooCommerce and WordPress versions are current.

The policy is data, bundled in ``defaults.toml`` with the date it was true ("as of"), and
overridable per component in a configuration file. Every version comparison in the tool goes
through :func:`parse_version` (``packaging.version``), so ``6.5`` equals ``6.5.0`` and an
unreadable version is ``None`` for the rules to report, never an exception.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from packaging.version import InvalidVersion, Version

#: Longer "versions" are not versions; refusing them early keeps parsing cheap and safe.
MAX_VERSION_LENGTH = 64

COMPONENTS = ("meum_plugin", "woocommerce", "wordpress")


@functools.lru_cache(maxsize=1024)
def parse_version(text: str | None) -> Version | None:
    """The version in ``text``, or None when there is none or it is not a valid version.

    Cached: a fleet reports the same few versions thousands of times, and Version() is a
    regular-expression parse each time. Versions are immutable, so sharing them is safe.
    """
    if text is None or len(text) > MAX_VERSION_LENGTH:
        return None
    try:
        return Version(text.strip())
    except (InvalidVersion, ValueError):  # ValueError: absurdly long numeric parts
        return None


@dataclass(frozen=True)
class ComponentPolicy:
    """The newest release, and the oldest one still supported, of one component."""

    latest: Version
    minimum: Version


@dataclass(frozen=True)
class VersionPolicy:
    """The versions the rules compare a store against, and when they were true."""

    as_of: date
    meum_plugin: ComponentPolicy
    woocommerce: ComponentPolicy
    wordpress: ComponentPolicy
    #: WooCommerce release line (its first version) -> the minimum WordPress it requires.
    woocommerce_requires_wordpress: Mapping[Version, Version] = field(default_factory=dict)

    def wordpress_required_by(self, woocommerce: Version) -> tuple[Version, Version] | None:
        """The (release line, minimum WordPress) that applies to a WooCommerce version.

        Requirements only ever step up, so the line that applies is the newest one that is
        not newer than the version itself; None when it predates every known line.
        """
        lines = [line for line in self.woocommerce_requires_wordpress if line <= woocommerce]
        if not lines:
            return None
        line = max(lines)
        return line, self.woocommerce_requires_wordpress[line]
