"""MD302 last-seen-in-future: the last check-in is later than now (clock skew)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, age_text, iso, rule


@rule(
    id="MD302",
    name="last-seen-in-future",
    category=Category.LIVENESS,
    severity=Severity.LOW,
    options={"tolerance_minutes": 5},
)
def last_seen_in_future(status: Status, ctx: Context) -> Iterator[Finding]:
    """The last check-in lies more than {tolerance_minutes} minutes after the evaluation time.

    Why it matters: a check-in from the future means a clock is wrong: the machine running
    meum-doctor, Meum's, or the one that produced a saved status. Time-based findings (such as
    MD301 and MD601) are then unreliable.

    How to fix: check the clock of the machine running meum-doctor (and --now, if given).
    """
    seen = status.last_seen_at
    if seen is None:
        return
    ahead = seen - ctx.now
    if ahead > timedelta(minutes=float(ctx.options["tolerance_minutes"])):
        yield Finding(
            title=f"The last check-in is {age_text(ahead.total_seconds())} in the future",
            detail=(
                f"Meum says the plugin last checked in at {iso(seen)}, after the evaluation "
                f"time {iso(ctx.now)}. A clock is wrong somewhere, so time-based findings "
                "may be off."
            ),
            evidence={"last_seen_at": iso(seen), "evaluated_at": iso(ctx.now)},
            remediation=(
                "Check the date and time of the computer running meum-doctor.",
                "If you passed --now, check it is the time you meant.",
                "If both are right, tell Meum support: their clock may be off.",
            ),
        )
