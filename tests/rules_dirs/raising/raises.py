"""A rule with a bug."""

from meum_doctor.plugin import Category, Severity, rule


@rule(id="MD798", name="buggy", category=Category.DATA, severity=Severity.LOW)
def buggy(status, ctx):
    """Always raises."""
    raise ZeroDivisionError("the rule's own bug")
