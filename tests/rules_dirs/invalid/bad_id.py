"""A rule with an invalid ID."""

from meum_doctor.plugin import Category, Severity, rule


@rule(id="X1", name="bad-id", category=Category.DATA, severity=Severity.LOW)
def bad_id(status, ctx):
    """Has an invalid ID."""
    return []
