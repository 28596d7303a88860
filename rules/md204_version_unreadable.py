"""MD204 version-unreadable: a reported version is not a version, or is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    connection_of,
    read_version,
    rule,
)

from ._common import VERSION_FIELDS
from ._site import report_version

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD204",
    name="version-unreadable",
    category=Category.VERSIONS,
    severity=Severity.LOW,
    uses=("site-report",),
)
def version_unreadable(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """A version field is not a valid version, or is missing while the store is connected.

    Versions are read as WordPress and WooCommerce write them (``6.5-RC1``,
    ``6.7-alpha-58576-src``, ``9.9.0-dev``, ``10.3.0-rc.2``, a JSON number such as ``6.4``);
    only what is none of these is unreadable.

    Why it matters: without a readable version, the outdated-version rules (MD201, MD202,
    MD203, MD205) cannot judge the store, so a risky old version may go unnoticed. When the
    site's System Status report gives a readable version instead, those rules judge that
    one, so nothing was skipped and this rule stays quiet.

    How to fix: open wp-admin › Dashboard › Updates to see the real versions; reconnecting
    the Meum plugin makes it report them again.
    """
    connected = connection_of(status, ctx).connected
    for field_name, component in VERSION_FIELDS:
        value = getattr(status, field_name)
        if value is None:
            # Sent but neither a string nor a number (true, []): MD901 says it could not be
            # read; not "did not report".
            if not connected or status.unreadable(field_name):
                continue
            title = f"The store did not report its {component} version"
        elif read_version(value) is None:
            title = f"The {component} version {value!r} is not a valid version"
        else:
            continue
        if report is not None and read_version(report_version(report, field_name)) is not None:
            continue  # the version rules judge the report's version (see _site.judge_version)
        yield Finding(
            title=title,
            detail=(
                f"meum-doctor cannot tell whether {component} is up to date, so the version "
                "checks for it were skipped."
            ),
            evidence={field_name: value},
            remediation=(
                "In wp-admin, open Dashboard › Updates to see the installed versions.",
                "Reconnect or update the Meum plugin so it reports the versions again.",
            ),
            links=admin_link(status, "update-core.php", "Dashboard › Updates"),
        )
