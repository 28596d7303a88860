"""Read the text System Status report (already unwrapped by :mod:`.forms`) into the model.

The text is made by a script in wp-admin: for each table a header ``### Label ###`` between
blank lines, for each row ``Label: value``, where the value is the cell's text with the
icons replaced by ``✔`` (yes), ``❌`` (no, or an error) and ``–`` (off, none). Quirks handled:

- **A value holding ", " is cut into lines** at each ", ", and followed by an empty line.
  A line without a label belongs to the row above (joined back with ", "). A piece that
  *has* a ``Label:`` shape (Action Scheduler's hidden ``Oldest: …, Newest: …``) is told
  apart by that empty line: a blank line in the middle of a section means the lines just
  before it were pieces of one value, back to the last row whose label the section is
  known to have (or, for plugin lists, any labelled line).
- Lines indented with tabs or spaces are the page's own line breaks inside a message (an
  error from ``wp_remote_post``): joined with a space.
- Section and row labels are English in every site language (they are export labels); the
  exceptions are the WooCommerce page names and some extensions' rows, which are translated.
  Sections are recognised by their English title, else by structure: the four counted
  sections (``… (N)``) in their fixed order are the plugin lists, a section of ``#id -
  /path/`` rows is the pages, and any other by the known labels its rows carry.
- What a **localized report** gives: every flag (the ✔/❌/– marks are not translated),
  versions, URLs, sizes in the locale's units and separators (``640 Mo``, ``1.000 MB``),
  plugin names, authors (the translated "by" is removed for the common languages), versions
  and newer versions; pages by their position. What it cannot give: the meaning of a
  translated message (a failing remote request keeps the site's own words unless it holds a
  ``cURL error``), and which of a page's problems is meant when the message is translated
  (``"other"``, except a missing shortcode or block, which names them untranslated).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from meum_doctor.sitereport.forms import HEADER_RE
from meum_doctor.sitereport.model import (
    Dropin,
    OutdatedTemplate,
    Page,
    Plugin,
    RemoteCheck,
    Row,
    ScheduledActions,
    Section,
    Settings,
    SiteReport,
    Theme,
)
from meum_doctor.sitereport.values import Problems, page_key
from meum_doctor.status import parse_datetime

TITLE_KINDS = {
    "wordpress environment": "wordpress",
    "server environment": "server",
    "database": "database",
    "post type counts": "post_types",
    "security": "security",
    "active plugins": "active_plugins",
    "inactive plugins": "inactive_plugins",
    "dropin plugins": "dropins",
    "drop-in plugins": "dropins",
    "dropins": "dropins",
    "must use plugins": "mu_plugins",
    "must-use plugins": "mu_plugins",
    "settings": "settings",
    "logging": "logging",
    "wc pages": "pages",
    "woocommerce pages": "pages",
    "theme": "theme",
    "templates": "templates",
    "action scheduler": "action_scheduler",
    "admin": "admin",
    "status report information": "report_info",
}
#: The counted sections, in the order WooCommerce writes them.
COUNTED = ("active_plugins", "inactive_plugins", "dropins", "mu_plugins")
#: Sections in which any ``Label: value`` line is a row (their labels are names).
NAMED_ROWS = frozenset({*COUNTED, "post_types", "pages"})

KNOWN_LABELS: dict[str, frozenset[str]] = {
    "wordpress": frozenset({
        "wordpress address (url)", "site address (url)", "home url", "site url", "wc version",
        "rest api version", "legacy rest api package version", "wc blocks version",
        "wc admin version", "action scheduler version", "log directory writable", "wp version",
        "wp multisite", "wp memory limit", "wp debug mode", "wp cron", "wp environment type",
        "language", "external object cache", "woocommerce blocks package",
        "action scheduler package", "rest api package", "woocommerce admin package",
    }),
    "server": frozenset({
        "server info", "server architecture", "php version", "php post max size",
        "php time limit", "php max input vars", "curl version", "suhosin installed",
        "mysql version", "max upload size", "default timezone is utc", "fsockopen/curl",
        "soapclient", "domdocument", "gzip", "multibyte string", "remote post", "remote get",
    }),
    "database": frozenset({
        "wc database version", "wc database prefix", "total database size",
        "database data size", "database index size", "maxmind geoip database",
    }),
    "security": frozenset({"secure connection (https)", "hide errors from visitors"}),
    "settings": frozenset({
        "api enabled", "legacy api enabled", "force ssl", "currency", "currency position",
        "thousand separator", "decimal separator", "number of decimals",
        "taxonomies: product types", "taxonomies: product visibility",
        "connected to woocommerce.com", "enforce approved product download directories",
        "hpos feature screen enabled", "hpos feature enabled", "hpos enabled",
        "order datastore", "hpos data sync enabled", "enabled features",
    }),
    "logging": frozenset({"enabled", "handler", "retention period", "level threshold",
                          "log directory size"}),
    "theme": frozenset({
        "name", "version", "author url", "child theme", "parent theme name",
        "parent theme version", "parent theme author url", "woocommerce support",
        "theme type",
    }),
    "templates": frozenset({"overrides", "outdated templates", "archive template"}),
    "action_scheduler": frozenset({"version", "data store"}),
    "report_info": frozenset({"generated at"}),
}
#: Labels that tell a section's kind on their own, whatever its (translated) title.
_TELLING = {
    label: kind for kind, labels in KNOWN_LABELS.items() if kind not in ("logging", "theme")
    for label in labels if label not in ("version", "currency", "language", "name", "enabled")
}

YES = ("✔", "✓", "☑", "✅")
NO = ("❌", "✖", "✗", "✘", "⚠")
NONE = ("–", "-", "—")
_BOOL_WORDS = {"yes": True, "true": True, "on": True, "enabled": True, "1": True,
               "no": False, "false": False, "off": False, "disabled": False, "0": False}
# "by %s" is translated: the word as the common WordPress languages write it.
_BY_WORDS = ("by", "von", "par", "por", "di", "da", "door", "av", "af", "przez", "autorstwa",
             "от", "od", "de", "tác giả", "oleh", "από", "által")
_LABEL_RE = re.compile(r"^(?P<label>[^\s:][^:]{0,199}?):(?:[ \t]+(?P<value>.*)|)$")
_COUNT_TITLE_RE = re.compile(r"^(?P<title>.*?)\s*\((?P<count>\d*)\)$")
_VERSION_TOKEN_RE = re.compile(r"\d+(?:[.\-+][0-9A-Za-z~:]+)*")
_PAGE_OK_RE = re.compile(r"#(?P<id>\d{1,18})\s+-\s+(?P<path>\S.*?)\s*$")
_COUNT_RE = re.compile(r"^[\d.,'\s\u00a0\u202f]{1,30}$")
# Digits with the locale's group separators (a space only between digits), then a unit.
_SIZE_RE = re.compile(
    r"(?P<number>\d(?:[\d.,'\u00a0\u202f]|\s(?=\d)){0,24})\s*(?P<unit>[^\W\d_]{0,3})\b")
_UNITS = {"": 1, "b": 1, "o": 1, "б": 1, "k": 1024, "к": 1024, "m": 1024**2, "м": 1024**2,
          "g": 1024**3, "г": 1024**3, "t": 1024**4, "т": 1024**4}
_REDACTED = "[redacted]"


@dataclass
class _Row:
    label: str
    pieces: list[str] = field(default_factory=list)
    #: How each piece after the first was joined: ", " (a split value) or " " (a line break).
    joins: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        out = self.pieces[0] if self.pieces else ""
        for join, piece in zip(self.joins, self.pieces[1:], strict=True):
            out = f"{out}{join}{piece}" if out else piece
        return " ".join(out.split()) if "\t" in out or "  " in out else out.strip()


@dataclass
class _Section:
    title: str
    kind: str | None
    lines: list[str]
    rows: list[_Row] = field(default_factory=list)


def parse_text(lines: list[str], wrappers: list[str]) -> tuple[SiteReport, Problems]:
    """Build the model from the lines of a plain text report."""
    problems = Problems()
    if "cut" in wrappers:
        problems.add("(report)", f"{len(lines):,} lines", "the report is longer than that; "
                     "the rest was not read")
    sections = _split_sections(lines)
    _assign_kinds(sections)
    for section in sections:
        section.rows = _rows(section)
    return _Builder(sections, problems).build(wrappers), problems


def _split_sections(lines: list[str]) -> list[_Section]:
    sections = [_Section("", None, [])]
    for line in lines:
        header = HEADER_RE.match(line.strip())
        if header and not line.startswith((" ", "\t")):
            sections.append(_Section(header.group(1), None, []))
        else:
            sections[-1].lines.append(line)
    if not any(line.strip() for line in sections[0].lines):
        sections.pop(0)
    return sections


def _assign_kinds(sections: list[_Section]) -> None:
    counted = 0  # the next counted slot (active, inactive, dropins, must-use)
    taken: set[str] = set()
    for section in sections:
        title = section.title.strip()
        count = _COUNT_TITLE_RE.match(title)
        base = (count.group("title") if count else title).lower()
        kind = TITLE_KINDS.get(base)
        if kind is None and count and counted < len(COUNTED):
            kind = COUNTED[counted]  # a translated plugin list, known by its place
        if kind is None and title:
            kind = _kind_by_rows(section)
        if kind in taken and kind not in ("admin",):
            kind = None  # a second section of one kind is kept as read, never merged
        if kind in COUNTED:
            counted = COUNTED.index(kind) + 1
        if kind:
            taken.add(kind)
        section.kind = kind


def _kind_by_rows(section: _Section) -> str | None:
    """A section with a translated title, recognised by what its rows hold."""
    labelled = [m for m in map(_LABEL_RE.match, section.lines) if m]
    if sum(1 for m in labelled if _PAGE_OK_RE.match(m.group("value") or "")) >= 2:
        return "pages"
    votes: dict[str, int] = {}
    for match in labelled:
        kind = _TELLING.get(match.group("label").strip().lower())
        if kind:
            votes[kind] = votes.get(kind, 0) + 1
    if not votes:
        return None
    kind, hits = max(votes.items(), key=lambda item: item[1])
    return kind if hits >= 2 or len(labelled) <= 2 else None


def _split_label(line: str, kind: str | None) -> tuple[str, str] | None:
    """``(label, value)`` of a row line, or None for a line that is not one."""
    if line[:1] in (" ", "\t"):
        return None
    known = KNOWN_LABELS.get(kind or "", frozenset())
    start = 0
    for _ in range(3):  # a known label with a colon inside ("Taxonomies: Product Types")
        at = line.find(":", start)
        if at < 0:
            break
        if line[:at].strip().lower() in known:
            return line[:at].strip(), line[at + 1:].strip()
        start = at + 1
    if kind in COUNTED:
        # A plugin name may hold ": " itself; the value begins with "by …" or reaches "–".
        found = _plugin_split(line)
        if found:
            return found
    match = _LABEL_RE.match(line)
    if not match:
        return None
    return match.group("label").strip(), (match.group("value") or "").strip()


def _plugin_split(line: str) -> tuple[str, str] | None:
    lowered = line.lower()
    for word in _BY_WORDS:
        at = lowered.find(f": {word} ")
        if at < 0 and lowered.endswith(f": {word}"):
            at = len(line) - len(word) - 2
        if at > 0:
            return line[:at].strip(), line[at + 2:].strip()
    dash = line.find(" –")
    head = line[:dash] if dash > 0 else line
    at = head.rfind(": ")
    if at > 0:
        return line[:at].strip(), line[at + 2:].strip()
    return None


def _strong(kind: str | None, label: str, value: str) -> bool:
    """True when a labelled line is surely a row of its own, not a piece of a split value."""
    if kind in NAMED_ROWS or kind is None:
        return True
    if kind == "action_scheduler":
        return bool(_COUNT_RE.match(value)) or label.lower() in KNOWN_LABELS[kind]
    if kind == "database" and (value.startswith(("Data:", *NO)) or label.lower().startswith(
            ("wp_", "wc_"))):
        return True
    return label.lower() in KNOWN_LABELS.get(kind, frozenset())


def _rows(section: _Section) -> list[_Row]:
    kind = section.kind
    groups: list[list[str]] = [[]]
    for line in section.lines:
        # Only a truly empty line ends a group; a line of tabs is the page's own whitespace.
        if not line.strip() and "\t" not in line:
            if groups[-1]:
                groups.append([])
        elif line.strip():
            groups[-1].append(line.rstrip())
    if not groups[-1]:
        groups.pop()
    rows: list[_Row] = []
    for number, group in enumerate(groups):
        split = [_split_label(line, kind) for line in group]
        # None: a continuation; True: a row for sure; False: a row unless proven a piece.
        roles: list[bool | None] = [
            None if found is None else _strong(kind, *found) for found in split
        ]
        more_follows = number < len(groups) - 1
        if kind == "action_scheduler":
            # Its hidden ", Oldest: …, Newest: …" pieces: only counts and known labels are rows.
            roles = [None if role is False else role for role in roles]
        if more_follows and len(group) > 1 and roles[-1] is not None:
            # A blank line inside a section follows a split value: the pieces run back to
            # the last line that is surely a row.
            last = max((i for i in range(len(group) - 1) if roles[i]), default=0)
            for i in range(last + 1, len(group)):
                roles[i] = None
        for i, (line, found) in enumerate(zip(group, split, strict=True)):
            if (i > 0 and roles[i] is None) or found is None:
                if not rows:
                    rows.append(_Row("", [line.strip()]))
                    continue
                rows[-1].pieces.append(line.strip())
                rows[-1].joins.append(" " if line[:1] in (" ", "\t") else ", ")
            else:
                rows.append(_Row(found[0], [found[1]]))
    return rows


def _marks(value: str) -> str:
    """The value without its leading ✔/❌ marks (and the emoji variation selector)."""
    return value.lstrip("".join(YES + NO) + "\ufe0f \t")


def _is_redacted(value: str) -> bool:
    return value.strip().lower() == _REDACTED


class _Builder:
    """Turns the sections' rows into the model, consuming the rows it understands."""

    def __init__(self, sections: list[_Section], problems: Problems) -> None:
        self.sections = sections
        self.problems = problems
        self.by_kind = {s.kind: s for s in sections if s.kind}
        self.used: set[int] = set()
        self.redacted: list[str] = []

    # -- access to rows -----------------------------------------------------------------

    def row(self, kind: str, *labels: str) -> _Row | None:
        section = self.by_kind.get(kind)
        if section is None:
            return None
        wanted = {label.lower() for label in labels}
        for row in section.rows:
            if row.label.lower() in wanted:
                self.used.add(id(row))
                return row
        return None

    def text(self, kind: str, *labels: str, part: str | None = None) -> str | None:
        row = self.row(kind, *labels)
        if row is None:
            return None
        value = row.value
        if _is_redacted(value):
            self.redacted.append(part or labels[0].lower())
            return None
        value = _marks(value).strip()
        return None if not value or value in NONE else value

    def flag(self, kind: str, *labels: str) -> bool | None:
        row = self.row(kind, *labels)
        if row is None:
            return None
        value = row.value.strip()
        if value.startswith(YES):
            return True
        if value.startswith(NO) or value in NONE or value.startswith(("– ", "- ")):
            return False
        word = _BOOL_WORDS.get(value.lower())
        if word is None:
            self.problems.add(row.label, value, "neither ✔ nor ❌ nor –")
        return word

    def version(self, kind: str, *labels: str) -> str | None:
        value = self.text(kind, *labels)
        if value is None:
            return None
        # "6.8.3 - There is a newer version …", "7.4.33 - We recommend …": the version is
        # what comes before the site's remark.
        head = re.split(r"\s+[-–]\s+", value, maxsplit=1)[0].strip()
        return head.split()[0] if head.split() else None

    # -- the model ----------------------------------------------------------------------

    def build(self, wrappers: list[str]) -> SiteReport:
        for section in self.sections:
            if any(_is_redacted(line) for line in section.lines) and not section.rows[1:]:
                self.redacted.append(section.kind or section.title)
                for row in section.rows:
                    self.used.add(id(row))
        wp_version_row = self.text("wordpress", "WP Version")
        latest = None
        if wp_version_row:
            found = re.findall(r"\((\d[^()\s]*)\)", wp_version_row)
            latest = found[-1] if found else None
        report = SiteReport(
            site_url=self.text("wordpress", "WordPress address (URL)", "Site URL",
                               part="site_url"),
            home_url=self.text("wordpress", "Site address (URL)", "Home URL", part="home_url"),
            woocommerce_version=self.version("wordpress", "WC Version"),
            woocommerce_database_version=self.version("database", "WC Database Version"),
            wordpress_version=self.version("wordpress", "WP Version"),
            wordpress_latest=latest,
            php_version=self.version("server", "PHP Version"),
            database_server=self.version("server", "MySQL Version"),
            debug_mode=self.flag("wordpress", "WP Debug Mode"),
            wp_cron=self.flag("wordpress", "WP Cron"),
            memory_limit=self.size("wordpress", "WP Memory Limit"),
            environment_type=self.text("wordpress", "WP Environment Type"),
            language=self.text("wordpress", "Language"),
            external_object_cache=self.flag("wordpress", "External object cache"),
            remote_post=self.remote("Remote Post", "wp_remote_post"),
            remote_get=self.remote("Remote Get", "wp_remote_get"),
            https=self.flag("security", "Secure connection (HTTPS)"),
            errors_shown_to_visitors=_negate(self.flag("security", "Hide errors from visitors")),
            active_plugins=self.plugins("active_plugins"),
            inactive_plugins=self.plugins("inactive_plugins"),
            mu_plugins=self.plugins("mu_plugins"),
            dropins=self.dropins(),
            theme=self.theme(),
            settings=self.settings(),
            pages=self.pages(),
            action_scheduler=self.action_scheduler(),
            generated_at=self.generated_at(),
            form="text",
            wrappers=tuple(wrappers),
            sections=frozenset(s.kind for s in self.sections if s.kind),
        )
        unknown = tuple(self.leftovers())
        parts = tuple(dict.fromkeys(self.redacted))
        return replace(report, unknown=unknown, redacted=bool(parts), redacted_parts=parts)

    def leftovers(self) -> Iterable[Section]:
        for section in self.sections:
            rows = tuple(Row(r.label, r.value) for r in section.rows if id(r) not in self.used)
            if rows or section.kind is None:
                yield Section(section.title, rows)

    def size(self, kind: str, label: str) -> int | None:
        value = self.text(kind, label)
        if value is None:
            return None
        match = _SIZE_RE.search(value)
        unit = _UNITS.get(match.group("unit")[:1].lower()) if match else None
        digits = re.sub(r"\D", "", match.group("number")) if match else ""
        if unit is None or not digits or len(digits) > 15:
            self.problems.add(label, value, "not a size such as 256 MB")
            return None
        # size_format() writes whole units with the locale's group separators ("1,000 MB",
        # "1.000 MB"), never decimals: every separator groups thousands.
        return int(digits) * unit

    def remote(self, label: str, function: str) -> RemoteCheck | None:
        row = self.row("server", label)
        if row is None:
            return None
        value = row.value.strip()
        if value.startswith(YES):
            return RemoteCheck(True)
        if not value.startswith(NO) and not value:
            return RemoteCheck(None)
        message = _marks(value).strip()
        english = re.match(
            rf"{function}\(\) failed\. Contact your hosting provider\.\s*(?P<rest>.*)$",
            message, re.S)
        if english:
            message = english.group("rest").strip()
        else:
            curl = re.search(r"cURL error \d+:.*$", message, re.S)
            if curl:
                message = curl.group(0)
        return RemoteCheck(False, message or None)

    def plugins(self, kind: str) -> tuple[Plugin, ...] | None:
        section = self.by_kind.get(kind)
        if section is None:
            return self.omitted_when_empty(kind)
        found = []
        for row in section.rows:
            if not row.label or _is_redacted(row.value):
                continue
            self.used.add(id(row))
            found.append(_plugin(row.label, row.value))
        return tuple(found)

    def omitted_when_empty(self, kind: str) -> tuple[()] | None:
        """WooCommerce leaves out the drop-in and must-use sections when there are none: in a
        report that lists the active plugins, their absence means "none"."""
        if kind in ("dropins", "mu_plugins") and "active_plugins" in self.by_kind:
            return ()
        return None

    def dropins(self) -> tuple[Dropin, ...] | None:
        section = self.by_kind.get("dropins")
        if section is None:
            return self.omitted_when_empty("dropins")
        found = []
        for row in section.rows:
            if row.label:
                self.used.add(id(row))
                found.append(Dropin(row.label, row.value or None))
        return tuple(found)

    def theme(self) -> Theme | None:
        if "theme" not in self.by_kind and "templates" not in self.by_kind:
            return None
        version_text = self.text("theme", "Version")
        version = latest = None
        if version_text:
            parts = re.split(r"\s+–\s+|\s+-\s+", version_text)
            version = parts[0].split()[0] if parts[0].split() else None
            for part in parts[1:]:
                token = _VERSION_TOKEN_RE.search(part)
                if token:
                    latest = token.group(0)
                    break
        overrides: list[str] = []
        outdated: list[OutdatedTemplate] = []
        row = self.row("templates", "Overrides")
        if row is not None:
            for piece in row.pieces:
                piece = _marks(piece).strip()
                if not piece or piece in NONE:
                    continue
                file, _, rest = piece.partition(" ")
                overrides.append(file)
                if rest:
                    tokens = re.findall(r"(?<!\S)(\d[^\s,]*|[-–])(?=[\s.,]|$)", rest)
                    mine = tokens[0] if tokens else None
                    core = tokens[-1] if len(tokens) > 1 else None
                    outdated.append(OutdatedTemplate(
                        file, None if mine in (None, "-", "–") else mine,
                        core.rstrip(".") if core else None))
        has_outdated: bool | None = None
        if "templates" in self.by_kind:
            flagged = self.row("templates", "Outdated Templates")
            has_outdated = bool(outdated) or (
                flagged is not None and flagged.value.strip().startswith(NO))
        return Theme(
            name=self.text("theme", "Name"),
            version=version,
            latest_version=latest,
            child_theme=self.flag("theme", "Child Theme"),
            parent_name=self.text("theme", "Parent Theme Name"),
            parent_version=self.version("theme", "Parent Theme Version"),
            woocommerce_support=self.flag("theme", "WooCommerce Support"),
            overrides=tuple(overrides),
            outdated_templates=tuple(outdated),
            has_outdated_templates=has_outdated,
        )

    def settings(self) -> Settings | None:
        if "settings" not in self.by_kind:
            return None
        currency = self.text("settings", "Currency")
        return Settings(
            currency=currency.split(" (")[0].strip() or None if currency else None,
            force_ssl=self.flag("settings", "Force SSL"),
            legacy_api_enabled=self.flag("settings", "Legacy API Enabled", "API Enabled"),
            hpos_enabled=self.flag("settings", "HPOS enabled", "HPOS feature enabled"),
            hpos_sync_enabled=self.flag("settings", "HPOS data sync enabled"),
            order_datastore=self.text("settings", "Order datastore"),
            woocommerce_com_connected=self.flag("settings", "Connected to WooCommerce.com"),
        )

    def pages(self) -> tuple[Page, ...] | None:
        section = self.by_kind.get("pages")
        if section is None:
            return None
        rows = [row for row in section.rows if row.label]
        found = []
        for index, row in enumerate(rows):
            self.used.add(id(row))
            found.append(_page(row.label, row.value, page_key(row.label, index, len(rows))))
        return tuple(found)

    def action_scheduler(self) -> tuple[ScheduledActions, ...] | None:
        section = self.by_kind.get("action_scheduler")
        if section is None:
            return None
        found = []
        for row in section.rows:
            first = row.pieces[0].strip() if row.pieces else ""
            if not _COUNT_RE.match(first):
                continue
            self.used.add(id(row))
            digits = re.sub(r"\D", "", first)
            dates = [_after_label(piece) for piece in row.pieces[1:3]]
            dates += [None] * (2 - len(dates))
            found.append(ScheduledActions(row.label.strip().lower(),
                                          int(digits) if digits else None, dates[0], dates[1]))
        return tuple(found)

    def generated_at(self) -> datetime | None:
        row = self.row("report_info", "Generated at")
        value = row.pieces[0].strip() if row and row.pieces else None
        if not value:
            return None
        try:
            # PHP's "Y-m-d H:i:s P": a space before the offset that ISO 8601 has not.
            return parse_datetime(re.sub(r"\s+([+-]\d\d:?\d\d)$", r"\1", value))
        except ValueError:
            self.problems.add("Generated at", value, "not a date and time")
            return None


def _after_label(piece: str) -> str | None:
    _, colon, rest = piece.partition(": ")
    value = (rest if colon else piece).strip()
    return None if not value or value in NONE else value


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _plugin(name: str, value: str) -> Plugin:
    """``by <Author> – <version>[ (update to version X is available)][ – notices]``."""
    parts = re.split(r"\s+–(?:\s+|$)", " " + value.strip())
    head = parts[0].strip()
    lowered = head.lower()
    for word in _BY_WORDS:
        if lowered == word or lowered.startswith(word + " "):
            head = head[len(word):].strip()
            break
    author = head or None
    version = latest = untested = None
    network = False
    if len(parts) > 1:
        first = parts[1].strip()
        update = re.search(r"\((?:[^()]*?\s)?(\d[^()\s]*)(?:\s[^()]*)?\)\s*$", first)
        if update:
            latest = update.group(1)
            first = first[: update.start()].strip()
        version = first.split()[0] if first.split() else None
    for part in parts[2:]:
        part = part.strip()
        token = _VERSION_TOKEN_RE.findall(part)
        if "woocommerce" in part.lower():
            untested = token[-1] if token else ""
        elif token and latest is None:
            latest = token[0]
        elif part and not token:
            network = True  # " – Network enabled", the only suffix without a number
    return Plugin(name=name, version=version, latest_version=latest, author=author,
                  network_enabled=network, untested_with=untested)


def _page(name: str, value: str, key: str | None) -> Page:
    text = value.strip()
    ok = _PAGE_OK_RE.search(text)
    if not text.startswith(NO) and ok:
        return Page(name=name, key=key, problem=None, page_id=int(ok.group("id")),
                    path=ok.group("path"))
    message = _marks(text).strip() or None
    lowered = (message or "").lower()
    if "page not set" in lowered:
        problem = "not-set"
    elif "does not exist" in lowered:
        problem = "missing"
    elif "visibility" in lowered:
        problem = "not-public"
    elif "[woocommerce_" in lowered or "woocommerce/" in lowered or "shortcode" in lowered:
        problem = "no-content"
    else:
        problem = "other"
    return Page(name=name, key=key, problem=problem,
                page_id=int(ok.group("id")) if ok else None,
                path=ok.group("path") if ok else None, message=message)
