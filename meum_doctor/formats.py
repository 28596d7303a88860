"""The output formats, each declared once: its name, file suffix, media type, renderers.

Everything that depends on the format reads it from here: the ``-f`` choices of ``check``
and ``batch``, the warning when ``-o`` names a file of another format, the names of the
per-store reports of ``batch --output-dir``, the dispatch of :func:`meum_doctor.render.render`
and :func:`meum_doctor.render.batch.render_batch`, and (later) a web page's download links.
Adding a format means adding one :class:`Format` below and its two renderers.

Renderers are named by dotted path (``module:function``) and imported only when called, so
importing this module costs next to nothing: ``--help`` reads the choices, and the terminal and JSON
formats never load Jinja2. The shipped JSON Schemas of the JSON outputs are read here too
(``meum-doctor schema``), for the same reason: that command must start as fast as ``--help``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple, cast

if TYPE_CHECKING:
    from meum_doctor.batch import BatchSummary
    from meum_doctor.report import Report


class Format(NamedTuple):
    """One output format. (A NamedTuple rather than a dataclass: cli.py imports the registry
    on every start-up, ``--version`` included, and a dataclass generates and compiles its
    methods when its class is created, which a NamedTuple mostly does not.)"""

    #: What ``-f`` takes.
    name: str
    #: The suffix of its files, without the dot: batch's per-store reports are named with it.
    suffix: str
    #: The HTTP media type of a document in this format (a web page's downloads).
    media_type: str
    #: ``module:function`` rendering one store's report: ``(report) -> str``, or
    #: ``(report, *, color) -> str`` when :attr:`color` is true.
    renderer: str
    #: ``module:function`` rendering a batch summary as chunks of text, with the same
    #: signature rule: ``(summary) -> Iterator[str]`` or ``(summary, *, color)``.
    fleet_renderer: str
    #: Whether it may use terminal colour (only text on a terminal ever does).
    color: bool = False
    #: Other suffixes a file of this format is commonly given (``report.htm``).
    other_suffixes: tuple[str, ...] = ()

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every suffix a file of this format may have, the usual one first."""
        return (self.suffix, *self.other_suffixes)

    def render(self, report: Report, *, color: bool = False) -> str:
        """One store's report in this format."""
        function = _load(self.renderer)
        if self.color:
            return cast(str, function(report, color=color))
        return cast(str, function(report))

    def render_fleet(self, summary: BatchSummary, *, color: bool = False) -> Iterator[str]:
        """A batch summary in this format, as chunks (a fleet is written as it is rendered)."""
        function = _load(self.fleet_renderer)
        if self.color:
            return cast(Iterator[str], function(summary, color=color))
        return cast(Iterator[str], function(summary))


def _load(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return cast(Callable[..., Any], getattr(import_module(module), name))


#: Every format, in the order ``--help`` lists them (the first is the default).
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            name="text",
            suffix="txt",
            media_type="text/plain; charset=utf-8",
            renderer="meum_doctor.render.text:render_text",
            fleet_renderer="meum_doctor.render.batch:batch_text",
            color=True,
            other_suffixes=("text",),
        ),
        Format(
            name="markdown",
            suffix="md",
            media_type="text/markdown; charset=utf-8",
            renderer="meum_doctor.render.markdown:render_markdown",
            fleet_renderer="meum_doctor.render.batch:batch_markdown",
            other_suffixes=("markdown",),
        ),
        Format(
            name="html",
            suffix="html",
            media_type="text/html; charset=utf-8",
            renderer="meum_doctor.render.html:render_html",
            fleet_renderer="meum_doctor.render.batch:batch_html",
            other_suffixes=("htm",),
        ),
        Format(
            name="json",
            suffix="json",
            media_type="application/json",
            renderer="meum_doctor.render.json:render_json",
            fleet_renderer="meum_doctor.render.batch:batch_json",
        ),
    )
}


def names() -> list[str]:
    """The format names, as ``-f`` offers them."""
    return list(FORMATS)


def get(name: str) -> Format:
    """The format called ``name``; ValueError for an unknown one."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None


def suffix_mismatch(path: str | None, name: str) -> str | None:
    """A warning when ``path`` ends in the suffix of another format (``-o report.md -f
    html``), else None. A suffix no format uses (``.out``, none) is the user's choice."""
    if not path or path == "-":
        return None
    suffix = os.path.splitext(path)[1].removeprefix(".").lower()
    wanted = get(name)
    if not suffix or suffix in wanted.suffixes:
        return None
    for other in FORMATS.values():
        if suffix in other.suffixes:
            from meum_doctor.text import clean_line

            return (
                f"-o {clean_line(path)}: .{suffix} is a {other.name} file's suffix, but "
                f"-f {wanted.name} writes {wanted.name} (.{wanted.suffix})"
            )
    return None


# The JSON Schemas of the JSON outputs ---------------------------------------------------

#: What ``meum-doctor schema NAME`` prints: a JSON report, a batch summary, an error object.
SCHEMAS = ("report", "batch", "error")


def schema_text(name: str) -> str:
    """The shipped JSON Schema (draft 2020-12) called ``name``, as the file holds it."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}")
    from importlib.resources import files

    return files("meum_doctor").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """The shipped JSON Schema called ``name``, parsed."""
    import json

    return cast(dict[str, Any], json.loads(schema_text(name)))
