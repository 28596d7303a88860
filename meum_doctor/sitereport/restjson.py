"""Read the REST JSON (``GET /wp-json/wc/v3/system_status``) into the model.

Written against what WooCommerce's code really returns, which differs from its published
schema in ways that matter here:

- the WooCommerce version is ``environment.version`` (the schema says ``wc_version``);
- ``environment.external_object_cache`` exists though the schema omits it;
- ``dropins_mu_plugins`` is an object ``{"dropins": […], "mu_plugins": […]}`` (the schema
  says an array of strings; a list is still read, as drop-ins);
- ``settings.woocommerce_com_connected`` is ``"yes"``/``"no"`` (schema: ``wccom_connected``);
- ``pages[].page_id`` is a string, a number or ``false``; counts are strings;
- ``remote_post_successful`` may be null (not computed) and ``remote_post_response`` is an
  HTTP status number on success and an error string on failure;
- ``plugin.version_latest`` equals ``version`` when no update is known (read as None);
- some clients receive the whole answer wrapped in ``{"data": …}`` (unwrapped by
  :mod:`.forms`).

Any field may be missing, null or of a wrong type: it becomes None (and a parse problem when
it was sent but unreadable). Keys the model does not use are kept in ``unknown``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from meum_doctor.sitereport.model import (
    Dropin,
    OutdatedTemplate,
    Page,
    Plugin,
    RemoteCheck,
    Row,
    Section,
    Settings,
    SiteReport,
    Theme,
)
from meum_doctor.sitereport.values import Problems, older, page_key, shorten

_BOOL_TEXT = {"yes": True, "true": True, "1": True, "on": True,
              "no": False, "false": False, "0": False, "off": False, "": False}
#: Top-level keys and the section kinds (:data:`~.model.SECTION_KINDS`) they hold.
_KINDS = {
    "environment": ("wordpress", "server"),
    "database": ("database",),
    "post_type_counts": ("post_types",),
    "security": ("security",),
    "active_plugins": ("active_plugins",),
    "inactive_plugins": ("inactive_plugins",),
    "dropins_mu_plugins": ("dropins", "mu_plugins"),
    "settings": ("settings",),
    "logging": ("logging",),
    "pages": ("pages",),
    "theme": ("theme", "templates"),
}


class _Reader:
    """Typed access to one JSON object, recording what was read and what was wrong."""

    def __init__(self, data: Any, where: str, problems: Problems) -> None:
        self.data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        self.where = where
        self.problems = problems
        self.used: set[str] = set()
        if data is not None and not isinstance(data, Mapping):
            problems.add(where, data, "expected an object")

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None or isinstance(value, bool):
            if isinstance(value, bool):
                self.problems.add(f"{self.where}.{key}", value, "expected text")
            return None
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            self.problems.add(f"{self.where}.{key}", value, "expected text")
            return None
        return value.strip() or None

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
            return _BOOL_TEXT[value.strip().lower()]
        self.problems.add(f"{self.where}.{key}", value, "expected true or false")
        return None

    def integer(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None or value is False:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
            return int(value)
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
            return int(value.strip())
        self.problems.add(f"{self.where}.{key}", value, "expected a whole number")
        return None

    def objects(self, key: str) -> list[Any] | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, Mapping):  # PHP arrays with gaps arrive as objects
            value = list(value.values())
        if not isinstance(value, list):
            self.problems.add(f"{self.where}.{key}", value, "expected a list")
            return None
        return value

    def rest(self, title: str) -> Section | None:
        rows = tuple(Row(str(key), _as_text(value)) for key, value in self.data.items()
                     if key not in self.used)
        return Section(title, rows) if rows else None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)[:2000]
    except (TypeError, ValueError):  # pragma: no cover - decoded JSON always dumps
        return shorten(value)


def parse_json(data: Mapping[str, Any], wrappers: list[str]) -> tuple[SiteReport, Problems]:
    """Build the model from the decoded System Status object."""
    problems = Problems()
    env = _Reader(data.get("environment"), "environment", problems)
    database = _Reader(data.get("database"), "database", problems)
    security = _Reader(data.get("security"), "security", problems)
    unknown: list[Section] = []

    memory = env.integer("wp_memory_limit")
    database_server = env.text("mysql_version_string") or env.text("mysql_version")
    hide_errors = security.flag("hide_errors") if "security" in data else None
    extras = _Reader(data.get("dropins_mu_plugins"), "dropins_mu_plugins", problems) \
        if isinstance(data.get("dropins_mu_plugins"), Mapping) else None
    report = SiteReport(
        site_url=env.text("site_url"),
        home_url=env.text("home_url"),
        woocommerce_version=env.text("version"),
        woocommerce_database_version=database.text("wc_database_version"),
        wordpress_version=env.text("wp_version"),
        php_version=env.text("php_version"),
        database_server=database_server,
        debug_mode=env.flag("wp_debug_mode"),
        wp_cron=env.flag("wp_cron"),
        memory_limit=memory,
        environment_type=env.text("wp_environment_type"),
        language=env.text("language"),
        external_object_cache=env.flag("external_object_cache"),
        remote_post=_remote(env, "post") if "environment" in data else None,
        remote_get=_remote(env, "get") if "environment" in data else None,
        https=security.flag("secure_connection"),
        errors_shown_to_visitors=None if hide_errors is None else not hide_errors,
        active_plugins=_plugins(data, "active_plugins", problems),
        inactive_plugins=_plugins(data, "inactive_plugins", problems),
        mu_plugins=_mu_plugins(data, extras, problems),
        dropins=_dropins(data, extras, problems),
        theme=_theme(data, problems, unknown),
        settings=_settings(data, problems, unknown),
        pages=_pages(data, problems),
        form="json",
        wrappers=tuple(wrappers),
        sections=frozenset(kind for key, kinds in _KINDS.items() if key in data
                           for kind in kinds),
    )
    for reader in (env, database, security, extras):
        if reader is not None and (section := reader.rest(reader.where)):
            unknown.append(section)
    known = {*_KINDS, "environment", "database", "security"}
    others = tuple(Row(str(key), _as_text(value)) for key, value in data.items()
                   if key not in known)
    if others:
        unknown.append(Section("(other)", others))
    # Sections the model reads nothing from are kept whole (post type counts, logging).
    for key in ("post_type_counts", "logging"):
        if key in data:
            unknown.append(Section(key, (Row(key, _as_text(data[key])),)))
    return _with_unknown(report, unknown), problems


def _with_unknown(report: SiteReport, unknown: list[Section]) -> SiteReport:
    from dataclasses import replace

    return replace(report, unknown=tuple(unknown))


def _remote(env: _Reader, kind: str) -> RemoteCheck:
    ok = env.flag(f"remote_{kind}_successful")
    response = env.raw(f"remote_{kind}_response")
    if ok is not False:
        return RemoteCheck(ok)
    if isinstance(response, str):
        error: str | None = " ".join(response.split()) or None
    elif isinstance(response, int | float) and not isinstance(response, bool):
        error = str(response)
    else:
        error = None
    return RemoteCheck(False, error)


def _plugin(item: Any, where: str, problems: Problems) -> Plugin | None:
    reader = _Reader(item, where, problems)
    name = reader.text("name")
    file = reader.text("plugin")
    if name is None and file is None:
        if isinstance(item, str) and item.strip():
            return Plugin(name=item.strip())
        return None
    version = reader.text("version")
    latest = reader.text("version_latest")
    return Plugin(
        name=name or file or "",
        file=file,
        version=version,
        latest_version=latest if latest and latest != version else None,
        author=reader.text("author_name"),
        network_enabled=reader.flag("network_activated") is True,
    )


def _plugins(data: Mapping[str, Any], key: str, problems: Problems) -> tuple[Plugin, ...] | None:
    if key not in data:
        return None
    items = _Reader(data, "", problems).objects(key)
    if items is None:
        return None if data.get(key) is None else ()
    found = (_plugin(item, f"{key}[{i}]", problems) for i, item in enumerate(items))
    return tuple(plugin for plugin in found if plugin is not None)


def _mu_plugins(data: Mapping[str, Any], extras: _Reader | None,
                problems: Problems) -> tuple[Plugin, ...] | None:
    if extras is None:
        return None
    items = extras.objects("mu_plugins")
    if items is None:
        return None
    found = (_plugin(item, f"mu_plugins[{i}]", problems) for i, item in enumerate(items))
    return tuple(plugin for plugin in found if plugin is not None)


def _dropins(data: Mapping[str, Any], extras: _Reader | None,
             problems: Problems) -> tuple[Dropin, ...] | None:
    if extras is not None:
        items = extras.objects("dropins")
    elif isinstance(data.get("dropins_mu_plugins"), list):
        items = data["dropins_mu_plugins"]  # the documented (never seen) array of strings
    else:
        return None
    if items is None:
        return None
    found = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            found.append(Dropin(item))
            continue
        reader = _Reader(item, f"dropins[{i}]", problems)
        file = reader.text("plugin")
        if file:
            found.append(Dropin(file, reader.text("name")))
    return tuple(found)


def _theme(data: Mapping[str, Any], problems: Problems, unknown: list[Section]) -> Theme | None:
    if "theme" not in data:
        return None
    theme = _Reader(data["theme"], "theme", problems)
    version = theme.text("version")
    latest = theme.text("version_latest")
    overrides: list[str] = []
    outdated: list[OutdatedTemplate] = []
    for i, item in enumerate(theme.objects("overrides") or ()):
        entry = _Reader(item, f"theme.overrides[{i}]", problems)
        file = entry.text("file")
        if not file:
            continue
        overrides.append(file)
        mine, core = entry.text("version"), entry.text("core_version")
        if older(mine, core):
            outdated.append(OutdatedTemplate(file, mine, core))
    flagged = theme.flag("has_outdated_templates")
    result = Theme(
        name=theme.text("name"),
        version=version,
        latest_version=latest if latest and latest != version else None,
        child_theme=theme.flag("is_child_theme"),
        parent_name=theme.text("parent_name"),
        parent_version=theme.text("parent_version"),
        woocommerce_support=theme.flag("has_woocommerce_support"),
        overrides=tuple(overrides),
        outdated_templates=tuple(outdated),
        has_outdated_templates=None if flagged is None and not outdated
        else bool(flagged or outdated),
    )
    if section := theme.rest("theme"):
        unknown.append(section)
    return result


def _settings(data: Mapping[str, Any], problems: Problems,
              unknown: list[Section]) -> Settings | None:
    if "settings" not in data:
        return None
    settings = _Reader(data["settings"], "settings", problems)
    result = Settings(
        currency=settings.text("currency"),
        force_ssl=settings.flag("force_ssl"),
        legacy_api_enabled=settings.flag("api_enabled"),
        hpos_enabled=settings.flag("HPOS_enabled"),
        hpos_sync_enabled=settings.flag("HPOS_sync_enabled"),
        order_datastore=settings.text("order_datastore"),
        woocommerce_com_connected=settings.flag("woocommerce_com_connected"),
    )
    if section := settings.rest("settings"):
        unknown.append(section)
    return result


def _pages(data: Mapping[str, Any], problems: Problems) -> tuple[Page, ...] | None:
    if "pages" not in data:
        return None
    items = _Reader(data, "", problems).objects("pages") or []
    named = [item for item in items if isinstance(item, Mapping)]
    found = []
    for index, item in enumerate(named):
        page = _Reader(item, f"pages[{index}]", problems)
        name = page.text("page_name") or ""
        page_id = page.integer("page_id")
        if page.flag("page_set") is False:
            problem: str | None = "not-set"
        elif page.flag("page_exists") is False:
            problem = "missing"
        elif page.flag("page_visible") is False:
            problem = "not-public"
        elif (page.flag("shortcode_required") or page.flag("block_required")) and not (
            page.flag("shortcode_present") or page.flag("block_present")
        ):
            problem = "no-content"
        else:
            problem = None
        found.append(Page(name=name, key=page_key(name, index, len(named)), problem=problem,
                          page_id=page_id or None))
    return tuple(found)
