"""The one way meum-doctor writes a moment in time: ISO 8601, UTC, whole seconds, ``Z``.

Every output (reports in every format, batch summaries, saved-status meta files, the
demo's rebased examples, rule findings and evidence) writes time through :func:`iso_z`, so
a time reads the same wherever it appears and can be compared as text.

A naive datetime is taken to be UTC, as the status parser reads a time without an offset
(:func:`meum_doctor.status.parse_datetime`); an aware one is converted to UTC first, so a
time in another zone is never printed with a ``Z`` it does not have. Fractions of a second
are dropped (truncated), as a support engineer compares times to the second.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso_z(value: datetime) -> str:
    """``2026-11-28T12:00:00Z``: ``value`` in UTC (naive means UTC), to the second."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    # Not strftime: "%Y" is not zero-padded below the year 1000 on glibc ("1-01-01T…" for
    # .NET's DateTime.MinValue, 0001-01-01, which a status may well send).
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )
