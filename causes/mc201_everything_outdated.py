"""Nobody updates the site: WordPress, WooCommerce, PHP and plugins are all behind.

Supports it: version findings about at least three of the site's components (WordPress
MD203/MD213, WooCommerce MD202/MD205, PHP MD209, plugins MD206, the Meum plugin MD201), at
least one of them high or critical (below what is supported, or insecure). Then the updates
are not separate chores but one neglected site, and they go in one careful round, in the
order that keeps it working: PHP when required, WordPress, WooCommerce, then the plugins.

Rules it out: fewer than three components behind, or all of them only a little (low).

Confidence: *likely*: the versions prove the site is behind, not that nobody looks after it.
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause
from meum_doctor.rule import Severity

from ._common import chain

#: Rule -> the component it speaks about, in the order an expert updates them.
COMPONENTS = {
    "MD209": "PHP",
    "MD203": "WordPress",
    "MD213": "WordPress",
    "MD202": "WooCommerce",
    "MD205": "WooCommerce",
    "MD206": "plugins",
    "MD201": "the Meum plugin",
}


@cause(id="MC201", name="site-unmaintained", reads=tuple(COMPONENTS))
def everything_outdated(facts: Facts) -> Diagnosis | None:
    """Nobody updates the site: WordPress, WooCommerce, PHP and plugins are all behind."""
    found = facts.of(*COMPONENTS)
    behind = list(dict.fromkeys(COMPONENTS[f.rule] for f in found))
    if len(behind) < 3 or max(f.severity for f in found) < Severity.HIGH:
        return None
    ordered = [c for c in dict.fromkeys(COMPONENTS.values()) if c in behind]
    return Diagnosis(
        confidence=Confidence.LIKELY,
        title="The site is likely unmaintained: "
        + (", ".join(ordered[:-1]) + " and " + ordered[-1])
        + " are all behind",
        explains=tuple(f.id for f in found),
        reasoning=(
            *(line for rule in COMPONENTS for line in chain(facts, rule)),
            f"{len(behind)} parts of the site are behind at once: one neglected site, not "
            "separate problems.",
        ),
        remediation=(
            "Take a full backup (files and database), and if the host offers one, make a "
            "staging copy with the Meum plugin deactivated to try the updates there first.",
            "Update in this order, checking the shop after each: "
            + ", then ".join(ordered)
            + " (PHP through the host's control panel, the rest in wp-admin › Dashboard › "
            "Updates).",
            "Place a test order with Meum, and agree with the merchant who updates the site from "
            "now on (monthly, or automatic minor updates).",
        ),
        confirm=("Ask the merchant when the site was last updated, and by whom.",),
    )
