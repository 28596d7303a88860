"""The version policy: which Meum plugin, WooCommerce and WordPress versions are current.

The policy is data, bundled in ``defaults.toml`` with the date it was true ("as of"), and
overridable per component in a configuration file. Every version is read by
:func:`meum_doctor.versions.read_version`, WordPress's way (``6.7-alpha-58576-src``,
``10.8.0-rc.1``), so ``6.5`` equals ``6.5.0`` and an unreadable version is ``None`` for the
rules to report, never an exception. Requirement tables (WooCommerce line -> WordPress, -> PHP)
are looked up with the release part of a version, as WordPress checks requirements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from packaging.version import Version

from meum_doctor.versions import MAX_VERSION_LENGTH, branch_of, read_version

__all__ = [
    "COMPONENTS",
    "MAX_VERSION_LENGTH",
    "ComponentPolicy",
    "InsecureList",
    "PhpBranches",
    "VersionPolicy",
    "parse_version",
]

COMPONENTS = ("meum_plugin", "woocommerce", "wordpress")


def parse_version(text: str | None) -> Version | None:
    """The version in ``text`` as a comparable ``packaging`` Version, or None.

    Read WordPress's way (see :mod:`meum_doctor.versions`) and normalised to PEP 440:
    ``6.7-alpha-58576-src`` is ``6.7a58576.dev0``, below ``6.7``. Rules that need the text
    as written, the release part or "is this a pre-release" use ``read_version``.
    """
    read = read_version(text)
    return None if read is None else read.version


@dataclass(frozen=True)
class ComponentPolicy:
    """The newest release, and the oldest one still supported, of one component."""

    latest: Version
    minimum: Version


@dataclass(frozen=True)
class InsecureList:
    """WordPress.org's list of insecure WordPress releases, as a dated snapshot.

    ``api.wordpress.org/core/stable-check/1.0/`` marks every release ``latest``, ``outdated``
    or ``insecure``; within a branch (6.4) every release before the last security release is
    insecure, and so is every release of a branch that no longer gets security fixes. That is
    summarised here per branch: the first release of the branch not marked insecure.
    """

    #: When the snapshot was taken; MD902 reports it when it is old. None: no snapshot.
    as_of: date | None = None
    #: Branch (x.y) -> the first release of that branch WordPress.org does not mark insecure.
    #: Branches older than every one named get no security fixes: all their releases are.
    fixed_in: Mapping[Version, Version] = field(default_factory=dict)

    def judge(self, version: Version) -> tuple[Version, Version | None] | None:
        """``(branch, first safe release)`` when ``version`` is insecure by this list, with
        None as the release when the branch gets no security fixes at all; None when it is
        not insecure, or the list cannot tell (a branch newer than the snapshot)."""
        if not self.fixed_in:
            return None
        branch = branch_of(version)
        fixed = self.fixed_in.get(branch)
        if fixed is None:
            return (branch, None) if branch < min(self.fixed_in) else None
        if fixed <= branch:
            return None  # nothing in the branch is insecure, its own betas and RCs included
        # The full version: a pre-release or checkout of the fix release is not the fix.
        return (branch, fixed) if version < fixed else None


@dataclass(frozen=True)
class PhpBranches:
    """PHP branches and the day their security support ends (php.net's supported versions),
    as a dated snapshot: MD209 judges a store's PHP by it, MD902 judges its age."""

    #: When the table was true; None: no table.
    as_of: date | None = None
    #: Branch (x.y) -> the last day of its security support.
    end_of_life: Mapping[Version, date] = field(default_factory=dict)

    def ended(self, version: Version, today: date) -> tuple[Version, date] | None:
        """``(branch, end date)`` when ``version``'s branch is past its end of life on
        ``today``; None when it is supported, or the table does not know the branch. A
        branch older than every one listed ended before the oldest listed did."""
        if not self.end_of_life:
            return None
        branch = branch_of(version)
        end = self.end_of_life.get(branch)
        if end is None:
            oldest = min(self.end_of_life)
            if branch >= oldest:
                return None  # newer than the table (or between its lines): cannot tell
            end = self.end_of_life[oldest]
        return (branch, end) if today > end else None


@dataclass(frozen=True)
class VersionPolicy:
    """The versions the rules compare a store against, and when they were true."""

    as_of: date
    meum_plugin: ComponentPolicy
    woocommerce: ComponentPolicy
    wordpress: ComponentPolicy
    #: WooCommerce release line (its first version) -> the minimum WordPress it requires.
    woocommerce_requires_wordpress: Mapping[Version, Version] = field(default_factory=dict)
    #: WooCommerce release line -> the minimum PHP it requires.
    woocommerce_requires_php: Mapping[Version, Version] = field(default_factory=dict)
    #: WordPress release line -> the minimum PHP it requires.
    wordpress_requires_php: Mapping[Version, Version] = field(default_factory=dict)
    #: WordPress.org's insecure list, as bundled (or configured), with its own date.
    wordpress_insecure: InsecureList = field(default_factory=InsecureList)
    #: PHP branches' end of security support, as bundled (or configured), with its own date.
    php: PhpBranches = field(default_factory=PhpBranches)

    def wordpress_required_by(self, woocommerce: Version) -> tuple[Version, Version] | None:
        """The (release line, minimum WordPress) that applies to a WooCommerce version.

        Pass the release part (``10.8.0`` for ``10.8.0-rc.1``): a pre-release of a line is
        held to that line's requirements. None when it predates every known line.
        """
        return line_for(self.woocommerce_requires_wordpress, woocommerce)

    def dated_parts(self) -> tuple[tuple[str, date], ...]:
        """Each dated part of the policy, ``(what, as of)``: MD902 judges each one's age."""
        parts = [("version policy", self.as_of)]
        if self.wordpress_insecure.as_of is not None:
            parts.append(("WordPress.org insecure list", self.wordpress_insecure.as_of))
        if self.php.as_of is not None:
            parts.append(("PHP end-of-life table", self.php.as_of))
        return tuple(parts)

    def php_required_by_woocommerce(self, woocommerce: Version) -> tuple[Version, Version] | None:
        """The (release line, minimum PHP) that applies to a WooCommerce release."""
        return line_for(self.woocommerce_requires_php, woocommerce)

    def php_required_by_wordpress(self, wordpress: Version) -> tuple[Version, Version] | None:
        """The (release line, minimum PHP) that applies to a WordPress release."""
        return line_for(self.wordpress_requires_php, wordpress)


def line_for(table: Mapping[Version, Version], version: Version) -> tuple[Version, Version] | None:
    """The ``(line, requirement)`` of ``table`` that applies to ``version``.

    Requirements only ever step up, so the line that applies is the newest one that is not
    newer than the version itself; None when it predates every known line.
    """
    lines = [line for line in table if line <= version]
    if not lines:
        return None
    line = max(lines)
    return line, table[line]
