"""The typed, immutable model of a WooCommerce System Status report (:class:`SiteReport`).

Both forms of the report (the text copied from wp-admin and the REST JSON) are read into
this one model. Every value is ``None`` when the report does not say it; versions keep the
text exactly as the site wrote it (``6.7``, ``9.9.0-rc.1``, ``6.6.4-alpha-60584-src``): they
are compared elsewhere, by a reader that knows WordPress's way of writing them.

Equality (``==``) compares what *both* forms can say. A field only one form carries is
declared with ``compare=False``, so the text and the JSON of the same site compare equal:
the plugin file (JSON only), the "not tested with WooCommerce X" notice, the newer
WordPress notice, page paths, Action Scheduler counts and the generated-at time (text only),
and the bookkeeping (which form, which wrappers, unknown sections). Each such field says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Canonical names of the parts of a report, as :attr:`SiteReport.sections` lists them.
SECTION_KINDS = (
    "wordpress",
    "server",
    "database",
    "post_types",
    "security",
    "active_plugins",
    "inactive_plugins",
    "dropins",
    "mu_plugins",
    "settings",
    "logging",
    "pages",
    "theme",
    "templates",
    "action_scheduler",
    "admin",
    "report_info",
)


@dataclass(frozen=True)
class Row:
    """One ``label: value`` row as read (a value split at ", " is joined back)."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """A section, or the rows of a known section the model has no field for."""

    title: str
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class RemoteCheck:
    """The site's own test of an outgoing request (``wp_remote_post`` / ``wp_remote_get``)."""

    #: True when the request succeeded; None when the report does not say (JSON null).
    ok: bool | None
    #: What failed, as the site reported it (``cURL error 28: …``, ``403``); None when ok.
    error: str | None = None


@dataclass(frozen=True)
class Plugin:
    """An active, inactive or must-use plugin."""

    name: str
    #: ``woocommerce/woocommerce.php``: only the JSON names the file (text: None).
    file: str | None = field(default=None, compare=False)
    version: str | None = None
    #: A newer version the site knows of; None when none is known (JSON: equal to version).
    latest_version: str | None = None
    author: str | None = None
    network_enabled: bool = False
    #: The WooCommerce version the plugin is "not tested with" (``""`` when the notice names
    #: none, as 3.x wrote it). Only the text form carries the notice.
    untested_with: str | None = field(default=None, compare=False)

    @property
    def slug(self) -> str | None:
        """The plugin's folder (``woocommerce`` for ``woocommerce/woocommerce.php``)."""
        if not self.file:
            return None
        head = self.file.split("/", 1)[0]
        return head.removesuffix(".php") or None


@dataclass(frozen=True)
class Dropin:
    """A drop-in (``advanced-cache.php``, ``object-cache.php`` …) and what it says it is."""

    file: str
    name: str | None = None


@dataclass(frozen=True)
class OutdatedTemplate:
    """A template the theme overrides that is older than WooCommerce's own."""

    file: str
    #: The override's version; None when it declares none (the report shows ``-``).
    version: str | None
    core_version: str | None


@dataclass(frozen=True)
class Theme:
    """The active theme and its WooCommerce template overrides."""

    name: str | None = None
    version: str | None = None
    #: A newer version the site knows of; None when none is known.
    latest_version: str | None = None
    child_theme: bool | None = None
    parent_name: str | None = None
    parent_version: str | None = None
    woocommerce_support: bool | None = None
    #: Every overridden template file, as the site lists it (``storefront/woocommerce/…``).
    overrides: tuple[str, ...] = ()
    outdated_templates: tuple[OutdatedTemplate, ...] = ()
    #: None when the report has no template information at all.
    has_outdated_templates: bool | None = None


@dataclass(frozen=True)
class Settings:
    """The WooCommerce settings the diagnosis uses."""

    currency: str | None = None
    force_ssl: bool | None = None
    legacy_api_enabled: bool | None = None
    hpos_enabled: bool | None = None
    hpos_sync_enabled: bool | None = None
    order_datastore: str | None = None
    woocommerce_com_connected: bool | None = None


#: The WooCommerce pages by key, in the order the report lists them.
PAGE_KEYS = ("shop", "cart", "checkout", "myaccount", "terms")
#: What is wrong with a page, from the first check that fails (as WooCommerce checks them).
PAGE_PROBLEMS = ("not-set", "missing", "not-public", "no-content")


@dataclass(frozen=True)
class Page:
    """One WooCommerce page (Cart, Checkout …) and the first problem the site found with it."""

    #: The page's name as the report gives it (translated in a localized report).
    name: str
    #: One of :data:`PAGE_KEYS`, when known (from the English name or the page's position).
    key: str | None
    #: None for a page without problems; else one of :data:`PAGE_PROBLEMS`, or ``"other"``.
    problem: str | None = None
    #: The text shows the ID only for a page without problems; the JSON always.
    page_id: int | None = field(default=None, compare=False)
    #: The page's path (``/checkout/``): text only.
    path: str | None = field(default=None, compare=False)
    #: The site's own words about the problem, as written (translated).
    message: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ScheduledActions:
    """Action Scheduler's count of actions in one status, with its oldest and newest."""

    #: The status as labelled, lower-cased (``complete``, ``past-due``; translated if so).
    status: str
    count: int | None
    oldest: str | None = None
    newest: str | None = None


@dataclass(frozen=True)
class SiteReport:
    """A WooCommerce System Status report, as far as it could be read."""

    #: ``site_url`` is where WordPress lives ("WordPress address"); ``home_url`` is the
    #: address visitors use ("Site address"). Both None when redacted.
    site_url: str | None = None
    home_url: str | None = None
    woocommerce_version: str | None = None
    woocommerce_database_version: str | None = None
    wordpress_version: str | None = None
    #: The newer WordPress the text report announces (``There is a newer version …``).
    wordpress_latest: str | None = field(default=None, compare=False)
    php_version: str | None = None
    #: As the server reports itself: ``8.0.36``, ``5.5.5-10.5.24-MariaDB-1:10.5.24+maria~…``.
    database_server: str | None = None
    debug_mode: bool | None = None
    #: True when WP-Cron runs (False: ``DISABLE_WP_CRON`` is set).
    wp_cron: bool | None = None
    #: WordPress's memory limit in bytes (the text's "256 MB" is read as 256 MiB).
    memory_limit: int | None = None
    environment_type: str | None = None
    language: str | None = None
    external_object_cache: bool | None = None
    remote_post: RemoteCheck | None = None
    remote_get: RemoteCheck | None = None
    https: bool | None = None
    #: True when PHP errors are shown to visitors ("Hide errors from visitors" is off).
    errors_shown_to_visitors: bool | None = None
    #: None when the report has no such section (or it was cut); () when it lists none.
    active_plugins: tuple[Plugin, ...] | None = None
    inactive_plugins: tuple[Plugin, ...] | None = None
    mu_plugins: tuple[Plugin, ...] | None = None
    dropins: tuple[Dropin, ...] | None = None
    theme: Theme | None = None
    settings: Settings | None = None
    pages: tuple[Page, ...] | None = None
    #: Text only: the REST API does not include extensions' sections.
    action_scheduler: tuple[ScheduledActions, ...] | None = field(default=None, compare=False)
    #: When the site generated the report (text only: "Status report information").
    generated_at: datetime | None = field(default=None, compare=False)
    #: True when parts were removed before sharing ("Copy for GitHub": ``[Redacted]``).
    redacted: bool = False
    #: Which parts were redacted (``site_url``, ``home_url``, ``database``).
    redacted_parts: tuple[str, ...] = field(default=(), compare=False)
    #: ``"text"`` or ``"json"``.
    form: str = field(default="text", compare=False)
    #: How the text was wrapped when it came: ``backticks``, ``details``, ``fence``,
    #: ``quote``, ``html``, ``crlf``, ``data`` (JSON in ``{"data": …}``) …
    wrappers: tuple[str, ...] = field(default=(), compare=False)
    #: The kinds (see :data:`SECTION_KINDS`) of the sections the report holds.
    sections: frozenset[str] = field(default=frozenset(), compare=False)
    #: Sections the model does not know, and the unknown rows of known sections, as read.
    unknown: tuple[Section, ...] = field(default=(), compare=False)

    def plugins(self) -> tuple[Plugin, ...]:
        """Active, then inactive, then must-use plugins (whatever the report lists)."""
        return (*(self.active_plugins or ()), *(self.inactive_plugins or ()),
                *(self.mu_plugins or ()))

    def page(self, key: str) -> Page | None:
        """The page with :data:`PAGE_KEYS` key ``key``, if the report lists it."""
        return next((page for page in self.pages or () if page.key == key), None)

    def scheduled(self, status: str) -> int | None:
        """The Action Scheduler count for ``status`` (``past-due``, ``failed`` …), if listed."""
        for entry in self.action_scheduler or ():
            if entry.status == status:
                return entry.count
        return None
