"""A support team's own rule, dropped into a rules directory."""

from meum_doctor.plugin import Category, Finding, Severity, rule


@rule(id="MD801", name="staging-site", category=Category.CONNECTION, severity=Severity.MEDIUM)
def staging_site(status, ctx):
    """The site URL looks like a staging site.

    Why it matters: payments on a staging copy are not real orders.
    """
    if status.site_url and "staging" in status.site_url:
        yield Finding(title="The site looks like a staging copy", detail="Its address says so.")
