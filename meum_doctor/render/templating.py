"""The Jinja2 environments for the Markdown and HTML templates, created on first use.

Templates live in ``templates/`` (installed as ``meum_doctor.templates``) and are read
through :mod:`meum_doctor.data`, which works the same for wheels and editable installs.

Escaping is not left to each template to remember:

- HTML: autoescaping is on (``select_autoescape`` is told that ``.html.j2`` is HTML; by
  default it only looks at the last suffix), and ``finalize`` first makes control, bidi and
  invisible characters visible.
- Markdown: ``finalize`` escapes every ``{{ value }}`` for Markdown unless it is
  :class:`MdSafe` (text the renderer built to be Markdown, such as a link it checked). The
  escaping keeps the text readable raw: only characters that would start structure where
  they stand are escaped, and URLs, hosts, versions and timestamps become code spans.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from meum_doctor.data import package_bytes
from meum_doctor.render import common
from meum_doctor.text import visible
from meum_doctor.trust import is_trusted, open_private_folder


class MdSafe(str):
    """Markdown the renderer built itself; passed through unescaped."""

    __slots__ = ()


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    """``source`` compiled on first use: only Markdown needs these, and an HTML report
    should not pay for compiling them."""
    return re.compile(source)


# Markdown is read raw as often as rendered (plain-text ticket views, e-mail), so escaping
# is by context, not by character class: a character is escaped only where it would start
# Markdown or HTML structure; versions, URLs, host names, e-mail addresses and timestamps go
# in code spans, which GFM renders literally and never turns into links.

#: Split a value into words; "|" (table cells) and "`" (code spans) never join a word.
_SEPARATOR = r"(\s+|[|`])"
#: A word worth a code span: a URL or scheme, www., an e-mail, a dotted name (host, file,
#: version, IP address; "e.g." is not one) or a date and time. GFM's autolinks and
#: linkify's fuzzy links all need one of these.
_CODE_WORTHY = (
    r"(?i)//|\b(?:https?|ftp|mailto|javascript|data|vbscript|file|tel):|www\.|@"
    r"|\w\.(?:\d|[^\W\d_]{2})|\d{4}-\d\d-\d\d|\d\d:\d\d"
)
_LEADING = "([\"'"
_TRAILING = ".,;:!?)\"'"
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: An entity or character reference, which GFM would decode: "&amp;", "&#60;".
_ENTITY = r"(?i)&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});"
#: An ordered list marker, which starts a block when it opens a line or a list item.
_ORDERED_START = r"^(\d{1,9})([.)])"


def _inline(text: str) -> str:
    """Prose without code spans: escape only what would start inline structure here."""
    out = []
    last = len(text) - 1
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index < last else ""
        if char in "`*~[]<|":
            # Code spans, emphasis, strikethrough, links and images, raw HTML and
            # autolinks, table cells.
            out.append("\\" + char)
        elif char == "_":
            # Within a word (snake_case) an underscore cannot open or close emphasis.
            out.append(char if before.isalnum() and after.isalnum() else "\\_")
        elif char == "&":
            out.append("\\&" if _pattern(_ENTITY).match(text, index) else "&")
        elif char == "\\":
            # A backslash escapes only punctuation; at the end it might escape what follows.
            out.append("\\\\" if not after or after in _ASCII_PUNCT else "\\")
        else:
            out.append(char)
    return "".join(out)


def md_code(value: object) -> MdSafe:
    """``value`` as a code span, readable raw and literal when rendered.

    The fence is one backtick longer than any run inside, padded with a space when the text
    starts or ends with a backtick. Text with a run of two or more backticks is escaped as
    prose instead: its fence would have three, which opens a code block at a line's start.
    """
    text = " ".join(visible(str(value)).split())
    if not text:
        return MdSafe("")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    if longest >= 2 or "|" in text:  # "|" would end a table cell even inside the span
        return MdSafe(md_escape(text))
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return MdSafe(f"{fence}{pad}{text}{pad}{fence}")


def md_escape(value: object) -> str:
    """``value`` as inert Markdown on one line, escaped only where the context needs it."""
    text = " ".join(visible(str(value)).split())  # one line; no leading indent (code block)
    out = []
    for part in _pattern(_SEPARATOR).split(text):
        if not part or part.isspace() or part in "|`":
            out.append(_inline(part))
            continue
        core = part.lstrip(_LEADING)
        head = part[: len(part) - len(core)]
        stripped = core.rstrip(_TRAILING)
        tail, core = core[len(stripped) :], stripped
        if core and _pattern(_CODE_WORTHY).search(core):
            out += [_inline(head), md_code(core), _inline(tail)]
        else:
            out.append(_inline(part))
    result = "".join(out)
    # A block marker at the start (the value may open a line or a list item).
    if result[:1] in ("#", ">", "+", "=", "-"):
        result = "\\" + result
    else:
        result = _pattern(_ORDERED_START).sub(r"\1\\\2", result, count=1)
    # A run of # at the end of a heading would be taken for its closing sequence.
    return re.sub(r"(^|\s)#(#*)$", r"\1\\#\2", result)


def md_link(title: str, url: str) -> MdSafe:
    """A Markdown link when ``url`` is http(s), otherwise the escaped URL as plain text."""
    target = common.link_url(url)
    if target is None:
        return MdSafe(f"{md_escape(title)}: {md_code(url)}")
    # Angle-bracket destinations allow any character but these three; encode them.
    target = target.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    return MdSafe(f"[{md_escape(title)}](<{target}>)")


def md_fence(text: str, info: str = "") -> MdSafe:
    """``text`` in a fenced code block whose fence no backtick run inside can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return MdSafe(f"{fence}{info}\n{text}\n{fence}")


def md_value(value: object) -> MdSafe:
    """An evidence value: a string as prose, anything else (JSON, a number, true) as code."""
    if value is None or isinstance(value, str):
        return MdSafe(md_escape(common.value_text(value)))
    return md_code(common.value_text(value))


def _md_finalize(value: Any) -> Any:
    if isinstance(value, MdSafe) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return md_escape(value)


def _html_finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


def raw_html(data: Any, compact: bool = False) -> Markup:
    """The raw status as HTML text, cut at RAW_VIEW_LIMIT characters *after* escaping: HTML
    escaping alone can make 1 MiB of ``&`` into 5 MB. Never cut inside an entity."""
    escaped = str(markupsafe.escape(common.raw_text(data, compact)))
    limit = common.RAW_VIEW_LIMIT
    if len(escaped) <= limit:
        return Markup(escaped)  # noqa: S704 - escaped just above
    cut = limit
    start = escaped.rfind("&", limit - 8, limit)
    if start != -1 and ";" not in escaped[start:limit]:
        cut = start
    notice = common.cut_notice(len(escaped) - cut).replace("characters", "characters of HTML")
    return Markup(escaped[:cut]) + notice  # noqa: S704 - escaped; the notice is escaped by +


def _load(name: str) -> str:
    return package_bytes("meum_doctor.templates", name).decode("utf-8")


CACHE_FILE = "__jinja2_%s.cache"  # jinja2.FileSystemBytecodeCache's names: old caches still work


class PrivateBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in a folder only the current user can change.

    Jinja loads cached bytecode with pickle and marshal: whoever can write a cache file runs
    code as whoever renders a report. So the folder is opened once, checked (ours, not
    writable by group or others) on its open descriptor, and every file is opened relative to
    that descriptor without following links and checked the same way before it is read; a
    file that fails the check is ignored (and replaced by the next write, atomically).
    """

    def __init__(self, folder_fd: int) -> None:
        self.folder_fd = folder_fd

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            fd = os.open(CACHE_FILE % bucket.key, flags, dir_fd=self.folder_fd)
        except OSError:
            return
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and is_trusted(info):
                try:
                    bucket.load_bytecode(handle)
                except Exception:  # a damaged entry is only a cache miss
                    bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = CACHE_FILE % bucket.key
        temporary = f".{name}.{os.getpid()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        try:
            fd = os.open(temporary, flags, 0o600, dir_fd=self.folder_fd)
            with os.fdopen(fd, "wb") as handle:
                bucket.write_bytecode(handle)
            os.replace(temporary, name, src_dir_fd=self.folder_fd, dst_dir_fd=self.folder_fd)
        except OSError:  # a full disk or a race with another run: no cache this time
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.folder_fd)


def cache_folder() -> str:
    """Where compiled templates are cached: ``$XDG_CACHE_HOME/meum-doctor/templates``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "meum-doctor", "templates")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached in the user's cache folder: compiling the HTML template
    costs more than the rest of a run. Jinja keys each entry on the template's source and
    on the Jinja and Python versions, so a stale entry is never used. MEUM_DOCTOR_NO_CACHE
    turns it off. Our folders are made 0700; a folder that cannot be made, or that another
    user owns or may write to (a shared XDG_CACHE_HOME, sudo keeping the caller's
    environment), just means no cache, silently: the report is the same without it."""
    if os.environ.get("MEUM_DOCTOR_NO_CACHE"):
        return None
    fd = open_private_folder(cache_folder(), create=True)
    return None if fd is None else PrivateBytecodeCache(fd)


def _filters() -> dict[str, Any]:
    return {
        "value_text": common.value_text,
        "timestamp": common.timestamp,
        "link_url": common.link_url,
        "link_host": common.link_host,
        "raw_json": common.raw_json,
        "raw_html": raw_html,
        "source_text": common.source_text,
        "source_info_text": common.source_info_text,
        "other_sources": common.other_sources,
        "config_text": common.config_text,
    }


@functools.cache
def environment(kind: str) -> jinja2.Environment:
    """The environment for ``kind`` (``html`` or ``markdown``)."""
    if kind == "html":
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_load),
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html.j2", "html"), default_for_string=True, default=True
            ),
            finalize=_html_finalize,
            bytecode_cache=_bytecode_cache(),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    else:
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_load),
            autoescape=False,  # noqa: S701 - Markdown, escaped by finalize instead
            finalize=_md_finalize,
            bytecode_cache=_bytecode_cache(),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(
            md_link=md_link, md_fence=md_fence, md=md_escape, md_code=md_code, md_value=md_value
        )
    env.filters.update(_filters())
    return env
