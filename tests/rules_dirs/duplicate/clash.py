"""A rule that reuses a built-in ID."""

from meum_doctor.plugin import Category, Severity, rule


@rule(id="MD101", name="my-not-connected", category=Category.CONNECTION, severity=Severity.LOW)
def clash(status, ctx):
    """Clashes with the built-in MD101."""
    return []
