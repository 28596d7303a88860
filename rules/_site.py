"""Helpers for the rules that read the site's System Status report (nothing here is a rule).

- Links: every finding from the report links to the wp-admin page where the merchant fixes
  it. The store's address comes from Meum's status when there is one, else from the report's
  WordPress address: the report's URL is used for building links and nothing else (it is
  what the site says of itself, and a copied report may come from a staging site).
- The Meum plugin in a report: by name or file, as ``[rules.MD107] match`` configures.
- Versions from both sources: with both, the version rules judge the newer one, and say in
  their evidence which source each version came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import Link, Status, WPVersion, read_version
from meum_doctor.rule import site_base

if TYPE_CHECKING:  # the model's classes are only annotations here: no import at run time
    from meum_doctor.sitereport.model import Plugin, SiteReport

#: The kinds of evidence, as evidence names them.
MEUM = "meum-status"
SITE = "site-report"

#: By default the Meum plugin is any plugin whose name contains "meum" or whose file or
#: folder starts with "meum" (both without regard to case).
DEFAULT_MEUM_MATCH = ["meum"]

PLUGINS_PAGE = ("plugins.php", "Plugins")
UPLOAD_PLUGIN_PAGE = ("plugin-install.php?tab=upload", "Plugins › Add New › Upload Plugin")
GENERAL_SETTINGS_PAGE = ("options-general.php", "Settings › General")
ADVANCED_SETTINGS_PAGE = (
    "admin.php?page=wc-settings&tab=advanced",
    "WooCommerce › Settings › Advanced",
)
PAGES_PAGE = ("edit.php?post_type=page", "Pages")
STATUS_PAGE = ("admin.php?page=wc-status", "WooCommerce › Status")
STATUS_TOOLS_PAGE = ("admin.php?page=wc-status&tab=tools", "WooCommerce › Status › Tools")
UPDATES_PAGE = ("update-core.php", "Dashboard › Updates")
PAYMENTS_PAGE = ("admin.php?page=wc-settings&tab=checkout", "WooCommerce › Settings › Payments")


def store_base(status: Status | None, report: SiteReport | None) -> str | None:
    """The store's address for links: Meum's site URL, else the report's WordPress address
    (where wp-admin lives), else its site address. Only ever used to build links."""
    candidates = (
        status.site_url if status is not None else None,
        report.site_url if report is not None else None,
        report.home_url if report is not None else None,
    )
    for url in candidates:
        base = site_base(url)
        if base is not None:
            return base
    return None


def site_links(
    status: Status | None, report: SiteReport | None, *pages: tuple[str, str]
) -> tuple[Link, ...]:
    """Links to ``pages`` (``(page, title)``) on the store's wp-admin; none without an address."""
    base = store_base(status, report)
    if base is None:
        return ()
    return tuple(Link(title=title, url=f"{base}/wp-admin/{page}") for page, title in pages)


def match_terms(option: object) -> tuple[str, ...]:
    """The configured match terms, lower-cased (blank ones dropped)."""
    items = option if isinstance(option, list | tuple) else DEFAULT_MEUM_MATCH
    return tuple(term.strip().lower() for term in items if isinstance(term, str) and term.strip())


def is_meum_plugin(plugin: Plugin, terms: Iterable[str]) -> bool:
    """True when the plugin's name contains a term, or its file or folder starts with one."""
    name = plugin.name.lower()
    file = (plugin.file or "").lower()
    slug = (plugin.slug or "").lower()
    return any(term in name or file.startswith(term) or slug.startswith(term) for term in terms)


def meum_plugin_of(report: SiteReport, terms: Iterable[str]) -> Plugin | None:
    """The Meum plugin the report lists: an active (or must-use) one first, else an inactive one."""
    terms = tuple(terms)
    for group in (report.active_plugins, report.mu_plugins, report.inactive_plugins):
        for plugin in group or ():
            if is_meum_plugin(plugin, terms):
                return plugin
    return None


def report_version(
    report: SiteReport, field_name: str, terms: Iterable[str] = ("meum",)
) -> str | None:
    """The report's version of the component a status version field names."""
    if field_name == "plugin_version":
        plugin = meum_plugin_of(report, terms)
        return plugin.version if plugin is not None else None
    if field_name == "woocommerce_version":
        return report.woocommerce_version
    if field_name == "wordpress_version":
        return report.wordpress_version
    raise KeyError(field_name)


@dataclass(frozen=True)
class Judged:
    """The version a rule judges, where it came from, and evidence that says so."""

    #: The version as written by the source it came from (None: neither gave one).
    text: str | None
    read: WPVersion | None
    #: ``meum-status``, ``site-report``, or both (``meum-status, site-report``) when equal.
    source: str
    #: What the other source says, when it says something else (None: nothing, or the same).
    other: str | None = None
    #: Evidence naming both sources' values; empty without a site report (the status alone
    #: needs no provenance).
    evidence: dict[str, Any] = field(default_factory=dict)

    def seen_in(self) -> str:
        """A phrase for a finding's text saying where the version came from, when the two
        sources differ; nothing for one source, or two that agree."""
        if self.other is None or self.source not in (MEUM, SITE):
            return ""
        other = source_words(SITE if self.source == MEUM else MEUM)
        return f", according to {source_words(self.source)} ({other}: {self.other.strip()})"


def judge_version(
    field_name: str, status: Status, report: SiteReport | None, terms: Iterable[str] = ("meum",)
) -> Judged:
    """The newer of the Meum status's and the site report's version of one component.

    A version only one source gives (or only one can read) is that one; with neither
    readable, the status's value stands (MD204 reports it). Without a report: the status's.
    """
    mine = getattr(status, field_name)
    if report is None:
        return Judged(mine, read_version(mine), MEUM)
    theirs = report_version(report, field_name, terms)
    read_mine, read_theirs = read_version(mine), read_version(theirs)
    if read_theirs is not None and (read_mine is None or read_theirs > read_mine):
        judged = Judged(theirs, read_theirs, SITE, other=mine)
    elif read_mine is not None and read_theirs is not None and read_mine == read_theirs:
        judged = Judged(mine, read_mine, f"{MEUM}, {SITE}")
    else:
        judged = Judged(mine, read_mine, MEUM, other=theirs)
    evidence = {
        f"{field_name}_source": judged.source,
        f"meum_status.{field_name}": mine,
        f"site_report.{field_name}": theirs,
    }
    return Judged(judged.text, judged.read, judged.source, judged.other, evidence)


def source_words(source: str) -> str:
    """How a finding's text names a source: "Meum's status", "the site's report", or both."""
    if source == MEUM:
        return "Meum's status"
    if source == SITE:
        return "the site's System Status report"
    return "both Meum's status and the site's System Status report"


def listing(items: Sequence[str], limit: int = 5) -> str:
    """``a, b and c``; past ``limit`` items, ``a, b, c, d, e and 3 more``."""
    shown = list(items[:limit])
    rest = len(items) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"
