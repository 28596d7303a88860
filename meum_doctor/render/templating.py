"""The Jinja2 environments for the Markdown and HTML templates, created on first use.

Templates live in ``templates/`` (installed as ``meum_doctor.templates``) and are read
through :mod:`meum_doctor.data`, which works the same for wheels and editable installs.

Escaping is not left to each template to remember:

- HTML: autoescaping is on (``select_autoescape`` is told that ``.html.j2`` is HTML; by
  default it only looks at the last suffix), and ``finalize`` first makes control, bidi and
  invisible characters visible.
- Markdown: ``finalize`` escapes every ``{{ value }}`` for Markdown unless it is
  :class:`MdSafe` (text the renderer built to be Markdown, such as a link it checked).
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

import jinja2
from markupsafe import Markup

from meum_doctor.data import package_bytes
from meum_doctor.render import common
from meum_doctor.text import visible


class MdSafe(str):
    """Markdown the renderer built itself; passed through unescaped."""

    __slots__ = ()


# Every ASCII character with a meaning somewhere in GitHub-flavoured Markdown, including the
# ones that start autolinks (":" of a scheme, "." of "www.", "@" of an e-mail).
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:@])")


def md_escape(value: object) -> str:
    """``value`` as inert Markdown text on one line."""
    text = visible(str(value)).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_PUNCT.sub(r"\\\1", text)


def md_link(title: str, url: str) -> MdSafe:
    """A Markdown link when ``url`` is http(s), otherwise the escaped URL as plain text."""
    target = common.link_url(url)
    if target is None:
        return MdSafe(f"{md_escape(title)}: {md_escape(url)}")
    # Angle-bracket destinations allow any character but these three; encode them.
    target = target.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    return MdSafe(f"[{md_escape(title)}](<{target}>)")


def md_fence(text: str, info: str = "") -> MdSafe:
    """``text`` in a fenced code block whose fence no backtick run inside can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return MdSafe(f"{fence}{info}\n{text}\n{fence}")


def _md_finalize(value: Any) -> Any:
    if isinstance(value, MdSafe) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return md_escape(value)


def _html_finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


def _load(name: str) -> str:
    return package_bytes("meum_doctor.templates", name).decode("utf-8")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached in the user's cache folder: compiling the HTML template
    costs more than the rest of a run. Jinja keys each entry on the template's source and
    on the Jinja and Python versions, so a stale entry is never used. MEUM_DOCTOR_NO_CACHE
    turns it off; a cache folder that cannot be made just means no cache."""
    if os.environ.get("MEUM_DOCTOR_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "meum-doctor", "templates")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(folder)


def _filters() -> dict[str, Any]:
    return {
        "value_text": common.value_text,
        "timestamp": common.timestamp,
        "link_url": common.link_url,
        "raw_json": common.raw_json,
        "source_text": common.source_text,
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
        env.filters.update(md_link=md_link, md_fence=md_fence, md=md_escape)
    env.filters.update(_filters())
    return env
