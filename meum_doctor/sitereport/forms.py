"""Recognise the form a System Status report came in, and unwrap the text forms.

A ticket holds the report however the merchant's tools left it. This module turns every
text form into the plain report (``### Section ###`` headers and ``Label: value`` rows, one
per line), or says what the body looks like when it is not a report at all. Nothing here
knows what the sections mean: that is :mod:`.textreport`'s job.

Wrappers removed, in this order (each recorded, for the report's "what was received"):

- ``crlf``: Windows line endings (``\\r\\n``) and old Mac ones (``\\r``);
- ``html``: pasted as HTML, lines ended by ``<br>`` (or ``<p>``/``<div>``), entities
  encoded; tags are dropped and entities decoded *only then*, since a plain text report may
  legitimately contain ``&amp;`` or ``<`` in a value;
- ``quote``: quoted in an e-mail or a forum (``> `` before most lines, nested quotes too);
- ``details``: "Copy for GitHub" puts the report in ``<details><summary>…</summary>``;
- ``backticks`` / ``fence``: the report as copied begins and ends with a lone backtick,
  "Copy for GitHub" uses two, people re-fence it in three (```` ```text ````);
- ``indent``: a Markdown code block indented by four spaces.
"""

from __future__ import annotations

import html
import json
import re

from meum_doctor.errors import EmptyBody, NotText, TooLarge

#: Bodies larger than this are refused (the largest real reports are about 100 KB).
MAX_BODY = 1024 * 1024
#: Lines read; beyond, the report is cut (and says so). A big store's report has about
#: 5,000 lines; 1 MiB of one-word rows would otherwise cost a second.
MAX_LINES = 20_000

HEADER_RE = re.compile(r"^#{3}\s*(.*?)\s*#{3}\s*$")
# Only headers at the start of a line (after quote marks or an HTML tag) count, so that a
# "###" inside a value is never mistaken for one. A ">" counts only where a run of quote
# marks starts (not after a space or another ">"): else each ">" of a line of 30,000 nested
# quote marks started a scan to the line's end, and 64 KiB of "> " took seconds.
_HEADER_ANYWHERE_RE = re.compile(
    r"(?:^|[\r\n]|<br\s*/?>|(?<![ \t>])>)[ \t>]*#{3} ?[^#\n<]{1,80}? ?#{3}", re.I
)
# A tag that ends a line; a newline right after it is the same line end, not a blank line.
_BR_RE = re.compile(r"(?:<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</tr\s*>)[ \t]*\n?", re.I)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_QUOTE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_FENCE_RE = re.compile(r"^`{1,3}[A-Za-z0-9_-]{0,20}$")
_DETAILS_RE = re.compile(r"^\s*(?:</?details[^<>]*>|<summary[^<>]*>.*?</summary>|</?summary>)\s*",
                         re.I)
#: JSON keys that only a System Status answer has at its top level.
_REPORT_KEYS = frozenset(
    {"environment", "active_plugins", "inactive_plugins", "dropins_mu_plugins", "theme",
     "settings", "security", "pages", "post_type_counts", "database"}
)
#: Keys of a Meum integration status (what ``--input`` takes).
_MEUM_KEYS = frozenset(
    {"connection_status", "health_status", "integration_id", "webhook_health",
     "credential_status", "plugin_version", "last_seen_at"}
)


def decode(body: bytes) -> tuple[str, list[str]]:
    """The body as text, and notes on how it was decoded; BadResponse when not text at all."""
    if len(body) > MAX_BODY:
        raise TooLarge(
            f"the site report is larger than {MAX_BODY // 1024} KiB ({len(body):,} bytes), "
            "far more than a System Status report; is it the right file?"
        )
    if not body.strip():
        raise EmptyBody("the site report is empty")
    notes: list[str] = []
    # Notepad's "Unicode" is UTF-16 with a byte-order mark: a real way a .txt reaches us.
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return body.decode("utf-16"), ["utf-16"]
        except UnicodeDecodeError:
            pass
    if b"\x00" in body[:4096]:
        raise NotText(
            f"the site report is not text (binary data, {len(body):,} bytes); "
            "expected a WooCommerce System Status report"
        )
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A report saved by an old Windows editor: cp1252 keeps the words; the ✔/❌ marks
        # were already lost on saving, which the parser reports for the rows that had them.
        text = body.decode("cp1252", errors="replace")
        notes.append("cp1252")
    return text, notes


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def json_report(data: object) -> tuple[dict[str, object], list[str]] | None:
    """The report object inside decoded JSON (unwrapping ``{"data": …}``), or None."""
    wrappers: list[str] = []
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and not (
        _REPORT_KEYS & data.keys()
    ):
        data = data["data"]
        wrappers.append("data")
    if isinstance(data, dict) and len(_REPORT_KEYS & data.keys()) >= 1 and (
        isinstance(data.get("environment"), dict) or len(_REPORT_KEYS & data.keys()) >= 2
    ):
        return data, wrappers
    return None


def describe_json(data: object) -> str:
    """Say what a JSON value that is not a System Status report looks like."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        inner = data["data"]
        if "status" in inner and "code" in data:
            data = {key: data[key] for key in ("code", "message") if key in data}
    if isinstance(data, dict):
        code, message = data.get("code"), data.get("message")
        if isinstance(code, str) and isinstance(message, str):
            return (f"it is an error answer from the site's REST API ({_short(code)}: "
                    f"{_short(message)}), not a System Status report")
        if _MEUM_KEYS & data.keys():
            return ("it is a Meum integration status, not a WooCommerce System Status report "
                    "(give it with --input)")
        keys = ", ".join(_short(str(key), 30) for key in list(data)[:5])
        return f"it is JSON of another shape (an object with keys {keys or 'none'})"
    kind = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(data), "a number")
    return f"it is JSON of another shape ({kind}), not a System Status report"


def describe_text(text: str) -> str:
    """Say what a text that is not a System Status report looks like."""
    head = text.lstrip()[:300].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<title" in head:
        return "it looks like an HTML page (a login page, or an error page from the site?)"
    if head.startswith("<"):
        return "it looks like XML or HTML"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"it is text without System Status sections (it begins {_short(first, 60)!r})"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unwrap(text: str) -> tuple[list[str], list[str]]:
    """The lines of the plain report inside ``text``, and the wrappers that were removed."""
    wrappers: list[str] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        wrappers.append("crlf")
    if len(_BR_RE.findall(text, 0, 65536)) >= 3:
        # Pasted as HTML: the line breaks are tags. Tags go, then entities are decoded
        # (once: "&amp;lt;" was "&lt;" in the report, and stays so).
        text = _BR_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
        text = html.unescape(text)
        wrappers.append("html")
    lines = text.split("\n", MAX_LINES)
    if len(lines) > MAX_LINES:
        lines.pop()
        wrappers.append("cut")
    quoted = [line for line in lines if line.strip()]
    if quoted and sum(1 for line in quoted if _QUOTE_RE.match(line)) >= 0.8 * len(quoted):
        lines = [_QUOTE_RE.sub("", line, count=1) for line in lines]
        wrappers.append("quote")
    kept: list[str] = []
    fences: list[int] = []  # where in ``kept`` a fence line was removed
    for line in lines:
        stripped = line.strip()
        if _DETAILS_RE.match(stripped):
            rest = _DETAILS_RE.sub("", stripped)
            while _DETAILS_RE.match(rest) and rest:
                rest = _DETAILS_RE.sub("", rest)
            if "details" not in wrappers:
                wrappers.append("details")
            if not rest:
                continue
            line = stripped = rest
        if _FENCE_RE.match(stripped):
            # A lone fence line: ` as copied, `` from "Copy for GitHub", ``` re-fenced.
            name = "backticks" if len(stripped.rstrip("abcdefghijklmnopqrstuvwxyz")) < 3 \
                else "fence"
            if name not in wrappers:
                wrappers.append(name)
            fences.append(len(kept))
            continue
        kept.append(line)
    if len(fences) >= 2:
        # Fenced: what lies outside the fences is the merchant's own words ("Here it is:",
        # "Thanks!"), not the report.
        kept = kept[fences[0]:fences[-1]]
    # The opening backtick may sit on the first line itself (`### WordPress Environment ###).
    for index in (0, -1):
        nonblank = [i for i, line in enumerate(kept) if line.strip()]
        if not nonblank:
            break
        at = nonblank[index]
        trimmed = kept[at].strip().strip("`").strip() if index == 0 else kept[at].rstrip()
        if index == 0 and trimmed != kept[at].strip():
            kept[at] = trimmed
            if "backticks" not in wrappers:
                wrappers.append("backticks")
        elif index == -1 and trimmed.endswith("`") and not trimmed.endswith(":`"):
            kept[at] = trimmed.rstrip("`").rstrip()
            if "backticks" not in wrappers:
                wrappers.append("backticks")
    indent = _common_indent(kept)
    if indent:
        kept = [line[indent:] for line in kept]
        wrappers.append("indent")
    return kept, wrappers


def _common_indent(lines: list[str]) -> int:
    """The indentation every non-blank line shares (0 for a report as copied)."""
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    return min(widths) if widths else 0


def has_report_structure(lines: list[str]) -> bool:
    """True when the lines have the shape of a System Status report.

    By structure, so a report in any site language is recognised: ``### … ###`` headers,
    and rows of ``Label: value``. Two headers with rows, or one header with several rows
    that carry a known English label, are a report.
    """
    headers = rows = 0
    for line in lines:
        stripped = line.strip()
        if HEADER_RE.match(stripped):
            headers += 1
        elif ": " in stripped or stripped.endswith(":"):
            rows += 1
        if headers >= 2 and rows >= 2:
            return True
    return headers >= 1 and rows >= 3


def looks_like(body: bytes) -> bool:
    """A cheap guess: does ``body`` look like a System Status report, in any form?"""
    head = body[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16", errors="replace")
        except UnicodeDecodeError:  # pragma: no cover - errors="replace" does not raise
            return False
    else:
        text = head.decode("utf-8", errors="replace")
    if looks_like_json(text):
        try:
            data = json.loads(body.decode("utf-8-sig", errors="replace")) \
                if len(body) <= MAX_BODY else None
        except (ValueError, RecursionError):
            data = None
        if data is not None:
            return json_report(data) is not None
        # Too large or cut: the report's own keys near the start are enough for a guess.
        return '"environment"' in text and ('"wp_version"' in text or '"active_plugins"' in text)
    return len(_HEADER_ANYWHERE_RE.findall(text, 0, 65536)) >= 2
