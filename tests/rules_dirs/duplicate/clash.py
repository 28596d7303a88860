"""Two rules of one rules file that claim the same ID."""

from meum_doctor.plugin import Category, Severity, rule


@rule(id="ACME101", name="first-check", category=Category.CONNECTION, severity=Severity.LOW)
def first(status, ctx):
    """The first rule called ACME101."""
    return []


@rule(id="ACME101", name="second-check", category=Category.CONNECTION, severity=Severity.LOW)
def second(status, ctx):
    """The second rule called ACME101."""
    return []
