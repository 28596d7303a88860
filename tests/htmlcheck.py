"""Parse HTML (a report, or Markdown rendered by a real GFM renderer) into elements to assert on."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Collector(HTMLParser):
    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if self.stack:
            self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def parse_html(text: str) -> list[Element]:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.elements


def assert_inert(
    elements: list[Element], *, allowed_hosts: tuple[str, ...] = (), relative: bool = False
) -> None:
    """No script, no executable attribute, no link but http(s) ones to allowed hosts (and,
    with ``relative``, links to files beside the page, which can have no scheme)."""
    prefixes = ("https://", "http://", "#", *(("./", "../") if relative else ()))
    for element in elements:
        assert element.tag not in ("script", "iframe", "object", "embed", "img", "form",
                                   "base", "svg", "math"), element
        for name, value in element.attrs.items():
            assert not name.startswith("on"), element
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert value.startswith(prefixes), element
                if value.startswith("http"):
                    host = value.split("/")[2]
                    assert host in allowed_hosts, (host, element)
