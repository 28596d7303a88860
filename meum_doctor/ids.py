"""The ID space of rules (and of the causes to come): what an ID may be, and selection by prefix.

An ID is a prefix of 2 to 5 capital letters followed by three digits: ``MD301``, ``ACME101``.
meum-doctor's own rules use ``MD`` and its causes will use ``MC``; every prefix *beginning*
with ``MD`` or ``MC`` is reserved for meum-doctor, so a plugin can never take an ID a later
release will need (``MDX101``, ``MCFOO101`` and ``MC101`` are refused). One exception, documented
since the first release: users' own rules may use ``MD7xx`` and ``MD8xx``.

Rules and causes share this one space (a rule and a cause never have the same ID), so both
are checked by :func:`check_id`, given the kind of item and whether meum-doctor ships it.

Selection (``--select``, ``--ignore``, the configuration's ``select`` and ``ignore``) takes an
ID or a prefix of one, as ruff does: the letters whole, then any leading digits (``ACME``,
``ACME1``, ``MD50``). The letters are never cut short: ``MD`` selects ``MD301`` but not a
``MDX101``, and ``AC`` selects nothing of ``ACME``'s. Selectors are read in any case.
"""

from __future__ import annotations

import re
from typing import Literal

#: What an ID is made of; ASCII only (``\\d`` would also take other scripts' digits).
#: Always used with fullmatch: ``$`` would let a trailing newline through.
ID_RE = re.compile(r"([A-Z]{2,5})([0-9]{3})")
#: What a selector is made of, once upper-cased: whole letters, then up to three digits.
SELECTOR_RE = re.compile(r"([A-Z]{2,5})([0-9]{0,3})")
#: Prefixes beginning with these belong to meum-doctor.
RESERVED = ("MD", "MC")

Kind = Literal["rule", "cause"]
#: The prefix of meum-doctor's own items of each kind.
BUILTIN_PREFIX: dict[Kind, str] = {"rule": "MD", "cause": "MC"}
#: Reserved IDs that users' own items may still take: MD7xx and MD8xx, as documented.
USER_RANGES: dict[Kind, tuple[str, ...]] = {"rule": ("MD7", "MD8"), "cause": ()}


def check_id(identifier: object, kind: Kind = "rule", *, builtin: bool = False) -> str | None:
    """None when ``identifier`` may be the ID of a ``kind`` (from meum-doctor itself when
    ``builtin``, else from a plugin or a rules directory); otherwise the problem, worded to
    follow "rule 'X' " in an error message ("has an invalid ID: …").

    The one place that decides what an ID may be: the rule engine calls it for every rule it
    loads, and the causes registry is to call it with ``kind="cause"``.
    """
    own, users_ranges = BUILTIN_PREFIX[kind], USER_RANGES[kind]
    if builtin:
        match = ID_RE.fullmatch(identifier) if isinstance(identifier, str) else None
        # MD7xx and MD8xx are the users': meum-doctor never takes one for itself.
        users_own = bool(users_ranges) and isinstance(identifier, str) and (
            identifier.startswith(users_ranges)
        )
        if match is not None and match[1] == own and not users_own:
            return None
        users = "".join(f", not {r}xx" for r in users_ranges)
        return f"has an invalid ID: built-in {kind} IDs are {own} and three digits{users}"
    if not isinstance(identifier, str):
        return f"has an invalid ID: an ID is text, not {type(identifier).__name__}"
    match = ID_RE.fullmatch(identifier)
    if match is None:
        shape = "IDs are 2 to 5 capital letters followed by three digits, like ACME101"
        if ID_RE.fullmatch(identifier.upper()):
            return f"has an invalid ID: {shape} (capitals only)"
        return f"has an invalid ID: {shape}"
    if match[1].startswith(RESERVED):
        if users_ranges and identifier.startswith(users_ranges):
            return None
        ranges = " or ".join(f"{r}xx" for r in users_ranges)
        own_ranges = f" (or {ranges})" if ranges else ""
        return (
            "has a reserved ID: prefixes beginning with MD or MC belong to meum-doctor; "
            f"use a prefix of your own, like ACME101{own_ranges}"
        )
    return None


def is_selector(text: str) -> bool:
    """True for an ID or an ID prefix, in any case: ``MD``, ``MD5``, ``MD501``, ``ACME1``."""
    return SELECTOR_RE.fullmatch(text.upper()) is not None


def selects(selector: str, identifier: str) -> bool:
    """True when ``selector`` (an ID or prefix, any case) names ``identifier``: the same
    letters, and digits that begin with the selector's."""
    wanted = SELECTOR_RE.fullmatch(selector.upper())
    found = ID_RE.fullmatch(identifier)
    if wanted is None or found is None:
        return False
    return wanted[1] == found[1] and found[2].startswith(wanted[2])
