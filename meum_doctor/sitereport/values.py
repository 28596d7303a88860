"""Small readers shared by the text and JSON parsers: problems, page keys, version order."""

from __future__ import annotations

import re

from meum_doctor.sitereport.model import PAGE_KEYS
from meum_doctor.status import ParseProblem

#: Problems kept one by one; beyond, only counted (as the status parser does).
MAX_PROBLEMS = 100

#: The English names of the WooCommerce pages (the text and the JSON give the site's
#: translation; a translated name is matched by its position instead, see :func:`page_key`).
PAGE_NAMES = {
    "shop base": "shop",
    "shop": "shop",
    "cart": "cart",
    "checkout": "checkout",
    "my account": "myaccount",
    "terms and conditions": "terms",
}


class Problems:
    """Collects parse problems up to :data:`MAX_PROBLEMS`, counting the rest."""

    def __init__(self) -> None:
        self.items: list[ParseProblem] = []
        self.omitted = 0

    def add(self, where: str, value: object, problem: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.omitted += 1
            return
        self.items.append(ParseProblem(where, shorten(value), problem))

    def result(self) -> list[ParseProblem]:
        if self.omitted:
            return [*self.items, ParseProblem("(more)", str(self.omitted),
                                              f"{self.omitted} more problems not listed")]
        return list(self.items)


def shorten(value: object, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_key(name: str, index: int, count: int) -> str | None:
    """The page's key from its English name, else from its place in WooCommerce's fixed list
    (shop, cart, checkout, my account, terms) when the report lists exactly those five."""
    key = PAGE_NAMES.get(name.strip().lower())
    if key is None and count == len(PAGE_KEYS) and 0 <= index < count:
        key = PAGE_KEYS[index]
    return key


# At most 18 digits a number: a 5,000-digit "version" must not reach int()'s own limit.
_NUMBERS_RE = re.compile(r"\d{1,18}")


def older(version: str | None, core: str | None) -> bool:
    """True when a template override's ``version`` is older than ``core`` (or has none).

    Numbers only, as PHP's ``version_compare`` orders plain releases; templates carry plain
    ``X.Y.Z`` versions, so the WordPress-world subtleties (``-RC1``, ``-src``) do not arise.
    """
    if not core:
        return False
    if not version or version.strip() in ("-", "–"):
        return True
    mine = [int(n) for n in _NUMBERS_RE.findall(version)[:8]]
    theirs = [int(n) for n in _NUMBERS_RE.findall(core)[:8]]
    width = max(len(mine), len(theirs))
    return mine + [0] * (width - len(mine)) < theirs + [0] * (width - len(theirs))
