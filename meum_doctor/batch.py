"""Many stores in one run: the fleet view a support team needs during an incident.

Stores come from status files (or folders of ``*.json``) and from a keys file (one store a
line, ``label,key`` or ``key``; ``#`` comments). Each store goes through the same pipeline
as ``check`` (:mod:`meum_doctor.app`: acquire, then diagnose); API stores are fetched
concurrently over one connection pool with the same retries, ``Retry-After`` and timeouts,
at most ``concurrency`` at a time (:func:`run_remote`, which the front end awaits).

Results stream: each store is diagnosed as soon as its status arrives, its full report is
written at once when asked for (``--output-dir``), and only a small :class:`StoreResult`
is kept for the summary, so memory stays flat however many stores there are. A failure
for one store is recorded for that store and never stops the others. Keys are never
printed: a store is named by its label, or by its key's public prefix (``sk_live_…``, when it
has one) and its line; a label that looks like a key is refused (see :func:`read_keys_file`).

Under ``--redact`` a store's label, file name and source path name it as surely as its host:
:func:`anonymize` renames every store ``entry-N`` (its position in the run) before anything
is diagnosed, so the summary, the per-store reports and their file names all show that name,
sources show only their kind (``file``, ``api``) and error texts lose the paths and hosts in
them. Hosts are numbered once for the whole run (:attr:`meum_doctor.app.Settings.redaction`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import os
import re
import stat
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from meum_doctor import formats
from meum_doctor.app import DEFAULT_BASE_URL, Settings, acquire, acquire_local, diagnose
from meum_doctor.documents import MEUM_STATUS, Document
from meum_doctor.errors import InputUnreadable, MeumDoctorError, StatusUnavailable, UsageError
from meum_doctor.report import ConfigUsed, Report
from meum_doctor.rule import Severity
from meum_doctor.secrets import Secrets, public_prefix
from meum_doctor.sources import Source, file_kind
from meum_doctor.text import clean_line, shorten
from meum_doctor.verdict import Verdict

log = logging.getLogger("meum_doctor.batch")


@dataclass(frozen=True)
class Target:
    """One store to check: a status file, or an API key (never shown) with its label."""

    label: str
    path: str | None = None
    key: str | None = field(default=None, repr=False)
    #: Why the store cannot be checked at all (a malformed line of the keys file).
    problem: str | None = None
    #: Found by a folder scan (not named by the user): read only as a regular file, no links.
    scanned: bool = False
    #: Where its full report goes (``--output-dir``), chosen before the run: see report_files.
    report_file: str | None = None
    #: Renamed by :func:`anonymize`: its source and errors are shown without names.
    anonymous: bool = False
    #: What its errors must not show under --redact (its path, file name, the keys file).
    hidden_names: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something a folder scan did not read, and why (shown in the summary)."""

    path: str
    reason: str


SEVERITY_LABELS = tuple(s.label for s in reversed(Severity))


@dataclass(frozen=True, slots=True)
class TopFinding:
    rule: str
    severity: str
    title: str


# slots and tuples: thousands of these are kept for the summary, so each is kept small.
@dataclass(frozen=True, slots=True)
class StoreResult:
    """What the summary keeps of one store: a few small fields, never its status."""

    label: str
    source: str
    site_url: str | None = None
    #: None for a store that could not be checked.
    verdict: Verdict | None = None
    #: Findings per severity, worst first (the order of SEVERITY_LABELS).
    severity_counts: tuple[int, ...] = (0, 0, 0, 0, 0)
    top: TopFinding | None = None
    #: The ID of each rule that fired for the store, once.
    rules: tuple[str, ...] = ()
    fails: bool = False
    #: The rules that failed to run for this store (its report is incomplete).
    failed_rules: tuple[str, ...] = ()
    #: The causes diagnosed confirmed or likely for the store (possible ones are no count).
    causes: tuple[str, ...] = ()
    #: Why it could not be checked; None when it was.
    error: str | None = None
    #: The code of that error (meum_doctor.errors.CODES), and the HTTP status and request id
    #: of the API's answer when there was one.
    error_code: str | None = None
    error_http_status: int | None = None
    error_request_id: str | None = None
    #: The file its full report was written to (``--output-dir``), if any.
    report_file: str | None = None

    @property
    def host(self) -> str | None:
        """The site's host as the status gave it (already redacted under --redact)."""
        if not self.site_url:
            return None
        try:
            return urlsplit(self.site_url).hostname
        except ValueError:
            return None

    @property
    def counts(self) -> dict[str, int]:
        return dict(zip(SEVERITY_LABELS, self.severity_counts, strict=True))

    def sort_key(self) -> tuple[int, ...]:
        return (
            self.verdict.rank if self.verdict is not None else len(Verdict),
            *(-n for n in self.severity_counts),
        )


@dataclass(frozen=True)
class BatchSummary:
    """The fleet report: stores worst first, those that could not be checked, rule totals."""

    stores: tuple[StoreResult, ...]
    failures: tuple[StoreResult, ...]
    #: (rule ID, name, number of stores), most widespread first.
    rule_totals: tuple[tuple[str, str, int], ...]
    #: Stores per verdict, every verdict present, worst first.
    verdicts: dict[Verdict, int]
    evaluated_at: datetime
    generated_at: datetime
    tool_version: str
    policy_as_of: str
    fail_on: Severity | None
    redacted: bool
    #: What the folder scans did not read, and why.
    skipped: tuple[Skipped, ...] = ()
    #: True when the run was interrupted (Ctrl-C): only the stores that finished are shown.
    partial: bool = False
    #: How many stores the run set out to check (more than ``total`` when partial).
    planned: int = 0
    #: The folder the summary is written to, for relative links to the stores' reports.
    summary_dir: str | None = None
    #: The configuration file in force, recorded as in every store's report.
    config: ConfigUsed | None = None
    #: (cause ID, name, number of stores it is confirmed or likely for), most first: what an
    #: incident needs ("212 stores: outgoing requests blocked").
    cause_totals: tuple[tuple[str, str, int], ...] = ()

    @property
    def total(self) -> int:
        return len(self.stores) + len(self.failures)

    @property
    def fails(self) -> bool:
        return any(store.fails for store in self.stores)

    @property
    def incomplete(self) -> bool:
        """True when a rule failed to run for some store (whatever its verdict)."""
        return any(store.failed_rules for store in self.stores)


# Finding the stores ------------------------------------------------------------------------


def targets(
    paths: Sequence[str],
    keys_file: str | None,
    secrets: Secrets | None = None,
    *,
    recursive: bool = False,
    skipped: list[Skipped] | None = None,
) -> list[Target]:
    """Every store named by the paths (files, folders of *.json) and the keys file.

    A file named twice (``a.json a.json``, or a folder and a file in it) is one store. What a
    folder scan does not read (links, FIFOs, subfolders unless ``recursive``) is appended to
    ``skipped`` with the reason. Every key and raw line of the keys file is added to
    ``secrets`` before anything is logged.
    """
    from meum_doctor.output import file_identity

    found: list[Target] = []
    skipped = [] if skipped is None else skipped
    for path in paths:
        candidate = Path(path)
        if path != "-" and candidate.is_dir():
            _scan_folder(candidate, candidate, recursive, found, skipped)
        elif path == "-" or candidate.exists() or candidate.is_symlink():
            found.append(Target(label=candidate.stem or path, path=path))
        else:
            raise InputUnreadable(f"no status file or folder at {path}")
    seen: set[tuple[object, ...]] = set()
    unique_files = []
    for target in found:
        assert target.path is not None
        identity = file_identity(target.path) if target.path != "-" else ("stdin",)
        if identity not in seen:
            seen.add(identity)
            unique_files.append(target)
    found = unique_files
    if keys_file:
        found += read_keys_file(keys_file, secrets)
    if not found:
        unread = f" (not read: {skipped[0].path}: {skipped[0].reason}" if skipped else ""
        if len(skipped) > 1:
            unread += f", and {len(skipped) - 1} more"
        raise UsageError(
            "no stores to check: give status files or folders, or --keys-file"
            + (unread + ")" if unread else "")
        )
    return _unique_labels(found)


LINK_NOT_FOLLOWED = "a symbolic link: a folder scan does not follow links"


def _scan_folder(
    top: Path, folder: Path, recursive: bool, found: list[Target], skipped: list[Skipped]
) -> None:
    """The ``*.json`` regular files of ``folder``; links and other files are skipped, said why.

    Nothing is followed or opened here (``lstat`` only): the folder may come from a ticket
    attachment. Reading checks again (no link, regular file), as the folder may change.
    Subfolders are walked with a stack, not by recursion: however deep a tree is, the
    scan never runs out of Python's call depth. The order is that of a depth-first walk
    in name order, so the same tree gives the same stores in the same order.
    """
    # Each stack item is the not yet visited entries of one folder, in reverse name order.
    stack: list[list[os.DirEntry[str]]] = []
    listed = _list_folder(folder, skipped)
    if listed is not None:
        stack.append(listed)
    while stack:
        entries = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()
        subfolder = _scan_entry(top, entry, recursive, found, skipped)
        if subfolder is not None and (listed := _list_folder(subfolder, skipped)) is not None:
            stack.append(listed)


def _list_folder(folder: Path, skipped: list[Skipped]) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda e: e.name, reverse=True)
    except OSError as exc:
        skipped.append(Skipped(str(folder), f"cannot list the folder: {_reason(exc)}"))
        return None


def _scan_entry(
    top: Path, entry: os.DirEntry[str], recursive: bool, found: list[Target], skipped: list[Skipped]
) -> Path | None:
    """Record one entry of a scanned folder; a subfolder to scan next is returned."""
    json_like = entry.name.lower().endswith(".json") and not entry.name.lower().endswith(
        ".meta.json"
    )
    if entry.name.startswith("."):
        # Hidden files and folders (.git, editors' backups) are no stores; a hidden *.json is
        # said, so that a folder of only such files does not look empty.
        if json_like:
            skipped.append(Skipped(entry.path, "a hidden file (its name starts with a dot)"))
        return None
    path = Path(entry.path)
    try:
        if entry.is_symlink():
            if json_like or entry.is_dir():
                skipped.append(Skipped(entry.path, LINK_NOT_FOLLOWED))
            return None
        if entry.is_dir(follow_symlinks=False):
            if recursive:
                return path
            skipped.append(Skipped(entry.path, "a folder: not scanned (use --recursive)"))
            return None
        if not json_like:
            return None  # PATH.meta.json is what --save-status writes beside a status
        if not entry.name.endswith(".json"):
            reason = "its name ends in .JSON, not .json: only lower-case *.json is read"
            skipped.append(Skipped(entry.path, reason))
            return None
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        skipped.append(Skipped(entry.path, _reason(exc)))
        return None
    if not stat.S_ISREG(mode):
        skipped.append(Skipped(entry.path, f"{file_kind(mode)}, not a regular file"))
        return None
    # In a subfolder the folder names tell stores apart: shops/a/status.json is "a/status".
    label = path.relative_to(top).with_suffix("").as_posix()
    found.append(Target(label=label, path=entry.path, scanned=True))
    return None


# The keys file -------------------------------------------------------------------------------

#: A keys file is refused beyond these: a fleet is far smaller, and a path to a device
#: (``/dev/zero``) or to the wrong file must end in a clear error, not in MemoryError.
MAX_KEYS_STORES = 100_000
MAX_KEYS_BYTES = 16 * 1024 * 1024
#: How long a keys file that is a pipe may take to arrive (``--keys-file <(vault read …)``
#: keeps the keys off the disk, so pipes are welcome; one that never ends must not hang).
PIPE_DEADLINE = 30.0
#: What makes a label look like a key. A label is printed everywhere (every summary format,
#: warnings, file names), so anything a key could be is refused rather than guessed at: the
#: public prefixes in any case, and a run of 20 or more characters of the alphabet keys are
#: made of (a key's random part; a name in words has separators or is shorter).
KEY_PREFIX_IN_LABEL = re.compile(r"sk_(?:live|test)_", re.IGNORECASE)
KEY_ALPHABET_RUN = re.compile(r"[A-Za-z0-9_]{20,}")
#: How much a field looks like a key (see :func:`_keyness`) for a line whose key field has no
#: public prefix to be read as written the wrong way round, ``key,label``: a token of 8 or
#: more letters and digits with no separator and mixed case or digits, as a key's random
#: part is. A label in words (``store-e``, ``Harbor Books``, ``shop2``) scores below it.
REVERSED_KEYNESS = 3
_BARE_TOKEN = re.compile(r"[A-Za-z0-9]{8,}")
_LABEL_SEPARATORS = re.compile(r"[\s\-_.,;:/()\[\]]+")


def read_keys_file(path: str, secrets: Secrets | None = None) -> list[Target]:
    """One store a line: ``label,key`` or ``key``; blank lines and ``#`` comments skipped.

    A line that is not exactly that (three fields, an empty key, a label that looks like a
    key, as when a line is written ``key,label``) becomes a store that is not checked, named
    by its line number: its fields are never shown and nothing is sent. Every key, every raw
    line and anything key-like in a comment joins ``secrets`` first, so that no message
    logged while reading can show one.
    """
    lines = _decode_keys(path, _read_capped(path))
    parsed = [(number, line) for number, line in enumerate(lines, 1) if line]
    stores = [(number, line) for number, line in parsed if not line.startswith("#")]
    if len(stores) > MAX_KEYS_STORES:
        raise UsageError(
            f"the keys file {path} has more than {MAX_KEYS_STORES} stores, the most one run "
            "checks: split it into several files"
        )
    if not stores:
        raise UsageError(
            f"the keys file {path} has no stores (only blank lines and comments): write one "
            "store a line, 'label,key' or 'key'"
        )
    fields = {number: [part.strip() for part in line.split(",")] for number, line in stores}
    # Everything that is, or might be, a key becomes a secret before anything is logged.
    # The key of a well-formed line is its last field; of a malformed one, nobody knows, so
    # its raw line and every key-like field are secrets (a plain word that only stood in the
    # key's place is not: hiding it everywhere would garble the output and protect nothing).
    # A line written the wrong way round (``key,label``) has both: nobody knows which field
    # is the key, so both are secrets and neither is shown or sent.
    flipped = {
        number
        for number, parts in fields.items()
        if len(parts) == 2 and _reversed(parts[0], parts[1])
    }
    keys = {
        parts[-1]
        for number, parts in fields.items()
        if len(parts) == 1
        or (len(parts) == 2 and parts[-1] and not _key_like(parts[0]) and number not in flipped)
    }
    if secrets is not None:
        for number, line in parsed:
            if line.startswith("#"):
                secrets.extend(t for t in re.split(r"[\s,#]+", line) if _key_like(t))
            else:
                secrets.add(line)
                parts = fields[number]
                secrets.extend(part for part in parts if _key_like(part))
                if parts[-1] in keys or number in flipped:
                    secrets.add(parts[-1])
                if number in flipped:
                    secrets.add(parts[0])
                    # A key inside it ("shop <key>"); its plain words stay printable.
                    words = _LABEL_SEPARATORS.split(parts[0])
                    secrets.extend(w for w in words if _keyness(w) >= REVERSED_KEYNESS)
    in_file = Secrets(keys)

    from meum_doctor.client import check_key  # keys mean the network: httpx is needed anyway

    found = []
    for number, parts in fields.items():
        found.append(_keys_line(path, number, parts, keys, in_file, check_key))
    return found


def _keys_line(
    path: str,
    number: int,
    parts: list[str],
    keys: set[str],
    in_file: Secrets,
    check_key: Callable[[str], list[str]],
) -> Target:
    """The store of one line of a keys file (see :func:`read_keys_file`)."""
    where = f"line {number} of {path}"
    if len(parts) > 2:
        return Target(
            label=f"line {number}",
            problem=f"{where} has {len(parts)} comma-separated fields; write 'label,key' or "
            "'key' (a label cannot contain a comma)",
        )
    key = parts[-1]
    raw_label = parts[0] if len(parts) == 2 else ""
    problems = []
    why = _label_problem(raw_label, keys, in_file)
    if not why and raw_label and _reversed(raw_label, key):
        why = "and the field after it does not: the line may be written key,label"
    if why:
        problems.append(
            f"the label looks like an API key ({why}), so it is not shown; write 'label,key' "
            "with the key last and a name in words as the label"
        )
    label = "" if why else clean_line(raw_label)
    name = label or (f"{public_prefix(key)}… (line {number})" if public_prefix(key) else "")
    name = name or f"line {number}"
    if not key:
        problems.append("the key is empty (nothing after the last comma)")
    else:
        try:
            warnings = check_key(key)
        except UsageError as exc:
            problems.append(str(exc))
            warnings = []
    if problems:
        return Target(label=name, problem=f"{where}: {'; '.join(problems)}")
    for warning in warnings:
        log.warning("%s: %s", f"store {label} (line {number})" if label else where, warning)
    return Target(label=name, key=key)


def _key_like(text: str) -> bool:
    """True for text that is, or contains, something that looks like a key."""
    return bool(KEY_PREFIX_IN_LABEL.search(text) or KEY_ALPHABET_RUN.search(text))


def _keyness(text: str) -> int:
    """How much ``text``, as one whole field, looks like a key: 0 (a name) and up.

    A public prefix settles it. Otherwise a key is one long token of letters and digits,
    mixed case or with digits; anything with a separator (space, hyphen, underscore), or
    shorter than 8 characters, is how names are written, not keys.
    """
    if KEY_PREFIX_IN_LABEL.match(text):
        return 10
    if not _BARE_TOKEN.fullmatch(text):
        return 0
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    digits = any(c.isdigit() for c in text)
    return 1 + (len(text) >= 12) + (len(text) >= 20) + mixed + digits


def _reversed(label: str, key: str) -> bool:
    """True when a ``label,key`` line looks written ``key,label``: the key field has no
    public prefix and the label (or a word of it) looks at least as much like a key as the
    key field does. Such a line is refused, never guessed at: either field may be the key."""
    if not label or not key or public_prefix(key):
        return False
    label_keyness = max(_keyness(word) for word in [label, *_LABEL_SEPARATORS.split(label)])
    return label_keyness >= max(REVERSED_KEYNESS, _keyness(key))


def _label_problem(label: str, keys: set[str], in_file: Secrets) -> str | None:
    """Why ``label`` may not be printed (it looks like a key), or None. Never the label."""
    if not label:
        return None
    if KEY_PREFIX_IN_LABEL.search(label):
        return "it contains sk_live_ or sk_test_"
    if KEY_ALPHABET_RUN.search(label):
        return "it has 20 or more letters, digits or underscores in a row, as keys do"
    if label in keys or in_file.count(label):
        return "it is, or contains, a key of this file"
    return None


def _read_capped(path: str) -> bytes:
    """The keys file's bytes, at most MAX_KEYS_BYTES (+1 to tell), never blocking forever.

    Opened without blocking (a FIFO with no writer would block ``open`` itself), then what
    it is decides how it is read: a regular file to its end or the cap, a pipe until the
    writer closes it, the cap, or :data:`PIPE_DEADLINE`; anything else is refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputUnreadable(f"cannot read keys file {path}: {_reason(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputUnreadable(f"cannot read keys file {path}: it is a folder, not a file")
        if stat.S_ISREG(mode):
            os.set_blocking(fd, True)
            data = _read_until(fd, deadline=None)
        elif stat.S_ISFIFO(mode):
            data = _read_until(fd, deadline=time.monotonic() + PIPE_DEADLINE)
        else:
            raise InputUnreadable(
                f"cannot read keys file {path}: it is a device or socket, not a file or pipe"
            )
    except TimeoutError:  # before OSError, of which it is a kind
        raise InputUnreadable(
            f"cannot read keys file {path}: the pipe did not finish within {PIPE_DEADLINE:g} s "
            "(is anything writing to it?)"
        ) from None
    except OSError as exc:
        raise InputUnreadable(f"cannot read keys file {path}: {_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEYS_BYTES:
        raise UsageError(
            f"the keys file {path} is larger than {MAX_KEYS_BYTES // (1024 * 1024)} MiB, the "
            f"most meum-doctor reads (at most {MAX_KEYS_STORES} stores): split it into "
            "several files"
        )
    return data


def _read_until(fd: int, deadline: float | None) -> bytes:
    """Read ``fd`` to its end or to one byte past the cap; TimeoutError past ``deadline``."""
    import select

    chunks: list[bytes] = []
    size = 0
    while size <= MAX_KEYS_BYTES:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        try:
            chunk = os.read(fd, min(1024 * 1024, MAX_KEYS_BYTES + 1 - size))
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _decode_keys(path: str, data: bytes) -> list[str]:
    """The stripped lines of the keys file; a byte that is not UTF-8 is named by its line."""
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors save, is fine
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputUnreadable(
            f"cannot read keys file {path}: it is not UTF-8 text (line {line}); save it as "
            "UTF-8"
        ) from None
    # Lines end at \n only (as editors number them); whatever else is whitespace is stripped.
    return [line.strip() for line in text.split("\n")]


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def anonymize(found: Sequence[Target], keys_file: str | None = None) -> list[Target]:
    """Every store renamed ``entry-N`` (N its position in the run), for ``--redact``: labels,
    file names and paths often name the store."""
    anonymous = []
    for number, target in enumerate(found, 1):
        names = [target.label, *([keys_file] if keys_file else [])]
        if target.path and target.path != "-":
            path = Path(target.path)
            names += [target.path, str(path.resolve()), path.name, path.stem]
        hidden = tuple(sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True))
        anonymous.append(
            replace(target, label=f"entry-{number}", anonymous=True, hidden_names=hidden)
        )
    return anonymous


def _unique_labels(found: list[Target]) -> list[Target]:
    """Labels made unique in order: a repeated label gets the first free ``-2``, ``-3``, …

    Every label as given is reserved first, so a repeated ``dup`` beside an explicit
    ``dup-2`` becomes ``dup-3``, never a second ``dup-2``.
    """
    taken = {target.label for target in found}
    used: set[str] = set()
    unique = []
    for target in found:
        label = target.label
        if label in used:
            number = 2
            while f"{label}-{number}" in taken or f"{label}-{number}" in used:
                number += 1
            label = f"{label}-{number}"
            target = dataclasses.replace(target, label=label)
        used.add(label)
        unique.append(target)
    return unique


# Planning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The stores of a run, each with its report file chosen, and what the scan skipped."""

    targets: tuple[Target, ...]
    skipped: tuple[Skipped, ...]

    @property
    def remote(self) -> bool:
        """True when some store is fetched from the API (an event loop is needed)."""
        return any(t.key is not None and t.problem is None for t in self.targets)


def plan(
    paths: Sequence[str],
    keys_file: str | None,
    settings: Settings,
    *,
    base_url: str,
    recursive: bool,
    fmt: str,
    output: str | None,
    output_dir: str | None,
) -> Plan:
    """Find the stores and check every output before any store runs: the summary (``output``,
    None for standard output) and the ``output_dir`` reports may overwrite no input, and a
    base URL that keys must not go to stops the run before anything is sent."""
    from meum_doctor.app import protected_inputs
    from meum_doctor.output import check_distinct, check_writable, prepare_output_dir

    skipped: list[Skipped] = []
    found = targets(
        paths, keys_file, secrets=settings.secrets, recursive=recursive, skipped=skipped
    )
    if settings.redact:
        found = anonymize(found, keys_file)  # labels and file names name stores too
    if any(t.key for t in found):
        from meum_doctor.sources.meum_status import check_base_url

        check_base_url(base_url)
    inputs = protected_inputs(
        settings,
        ("--keys-file", keys_file),
        *(("the status file", t.path) for t in found if t.path and t.path != "-"),
    )
    summary_path = output or "-"
    check_distinct([("-o" if output else "the summary", summary_path)], inputs)
    directory = prepare_output_dir(output_dir)  # first: -o may name a file inside it
    check_writable(summary_path)
    if directory is not None:
        # Chosen before any store runs: the summary and the inputs are never overwritten by
        # a store's report, and the same fleet gets the same file names every run.
        reserved = [path for _, path in inputs] + ([output] if output else [])
        found = report_files(found, fmt, directory, reserved)
    return Plan(tuple(found), tuple(skipped))


# Running ---------------------------------------------------------------------------------


StoreCallback = Callable[[StoreResult, Report | None], None]


def _source(target: Target, base_url: str = DEFAULT_BASE_URL) -> Source:
    """What to acquire for a store: its status file, or its status from the API."""
    if target.key is not None:
        return Source(MEUM_STATUS, "api", base_url, credentials=(target.key,))
    assert target.path is not None
    kind = "stdin" if target.path == "-" else "file"
    return Source(MEUM_STATUS, kind, target.path, scanned=target.scanned)


def run_local(found: Sequence[Target], settings: Settings, *, on_store: StoreCallback) -> None:
    """Diagnose every store that needs no network (status files, and the lines of the keys
    file that cannot be checked), calling ``on_store`` as each one finishes.

    No secret of the run (``settings.secrets``) reaches ``on_store``: a report is built
    without them, and a store's result (its label, an error quoting the API's answer or
    request id, a title) is scrubbed before it is handed on.
    """
    deliver = _deliverer(settings, on_store)
    for target in found:
        if target.problem is not None:
            deliver(_failed(target, "keys file", target.problem, settings, code="usage"), None)
        elif target.path is not None:
            try:
                documents = acquire_local([_source(target)])
            except MeumDoctorError as exc:
                deliver(_failed(target, target.path, exc, settings), None)
                continue
            except Exception as exc:  # whatever one store does, the others still run
                deliver(_failed(target, target.path, _internal(exc), settings), None)
                continue
            _finish(target, documents, settings, deliver)


async def run_remote(
    found: Sequence[Target],
    settings: Settings,
    *,
    base_url: str,
    concurrency: int,
    on_store: StoreCallback,
) -> None:
    """Fetch and diagnose every store of the keys file, at most ``concurrency`` at a time
    over one connection pool, calling ``on_store`` as each one finishes (in any order)."""
    from meum_doctor.sources.meum_status import check_base_url, shared_client

    remote = [t for t in found if t.key is not None and t.problem is None]
    if not remote:
        return
    deliver = _deliverer(settings, on_store)
    check_base_url(base_url)
    pending = iter(remote)  # shared by the workers: the event loop runs one at a time
    # Diagnosing is CPU work. Done by the worker that fetched, it would hold back that
    # worker's next request until the rules ran; handed to one consumer instead, the next
    # request is already on the wire while the last answer is diagnosed.
    arrived: asyncio.Queue[tuple[Target, list[Document]] | None] = asyncio.Queue()

    async def worker(client: object) -> None:
        for target in pending:
            try:
                documents = await acquire([_source(target, base_url)], settings, client=client)
            except StatusUnavailable as exc:
                deliver(_failed(target, "api", exc, settings), None)
                continue
            except Exception as exc:  # MemoryError or a bug: this store fails, not the run
                deliver(_failed(target, "api", _internal(exc), settings), None)
                continue
            arrived.put_nowait((target, documents))

    async def diagnose_arrivals() -> None:
        while (item := await arrived.get()) is not None:
            _finish(*item, settings, deliver)

    consumer = asyncio.create_task(diagnose_arrivals())
    try:
        async with shared_client(base_url, settings.timeout, concurrency) as client:
            workers = min(concurrency, len(remote))
            await asyncio.gather(*(worker(client) for _ in range(workers)))
    finally:
        arrived.put_nowait(None)
        await consumer


def _deliverer(settings: Settings, on_store: StoreCallback) -> StoreCallback:
    def deliver(result: StoreResult, report: Report | None) -> None:
        on_store(settings.secrets.scrub_data(result), report)

    return deliver


def _finish(
    target: Target, documents: list[Document], settings: Settings, on_store: StoreCallback
) -> None:
    source = target.path or "api"
    try:
        report = diagnose(documents, settings)
    except StatusUnavailable as exc:
        on_store(_failed(target, source, exc, settings), None)
        return
    except Exception as exc:  # a bug (or MemoryError) must not stop the other stores
        on_store(_failed(target, source, _internal(exc), settings), None)
        return
    top = report.findings[0] if report.findings else None
    result = StoreResult(
        label=target.label,
        source=_shown_source(target, source),
        site_url=report.site_url,
        verdict=report.verdict,
        severity_counts=tuple(report.counts[label] for label in SEVERITY_LABELS),
        top=TopFinding(top.rule, top.severity.label, top.title) if top else None,
        rules=tuple(dict.fromkeys(finding.rule for finding in report.findings)),
        fails=report.fails,
        report_file=target.report_file,
        failed_rules=report.failed_rules,
        causes=tuple(d.cause for d in report.diagnoses if d.takes_findings),
    )
    on_store(result, report)


def _internal(exc: Exception) -> str:
    """The one-line reason a store failed for an unexpected reason (never the key: the
    message is scrubbed with the run's secrets like everything else printed)."""
    log.debug("store failed", exc_info=exc)
    said = shorten(clean_line(str(exc)), 200)
    return f"internal error: {type(exc).__name__}{': ' + said if said else ''}"
def _shown_source(target: Target, source: str) -> str:
    """Where a store came from; only the kind of source for an anonymous store."""
    if not target.anonymous:
        return source
    return "api" if source == "api" else "keys file" if source == "keys file" else "file"


def _failed(
    target: Target,
    source: str,
    error: str | MeumDoctorError,
    settings: Settings,
    *,
    code: str = "internal",
) -> StoreResult:
    """The result of a store that could not be checked, its error redacted when asked.

    ``error`` is the error itself (its code, HTTP status and request id are kept) or a
    reason in words, whose code is ``code``.
    """
    http_status = request_id = None
    if isinstance(error, MeumDoctorError):
        code, http_status, request_id = error.code, error.http_status, error.request_id
        error = str(error)
    if target.anonymous:
        from meum_doctor.redact import Redactor
        from meum_doctor.report import HIDDEN_FILE_NAME

        redactor = Redactor.for_data(
            [error],
            identity=True,
            state=settings.redaction,
            also=dict.fromkeys(target.hidden_names, HIDDEN_FILE_NAME),
        )
        error = redactor.text(error)
    return StoreResult(
        target.label,
        _shown_source(target, source),
        error=error,
        error_code=code,
        error_http_status=http_status,
        error_request_id=request_id,
    )


def summarize(
    results: Iterable[StoreResult],
    settings: Settings,
    *,
    generated_at: datetime,
    tool_version: str,
    skipped: Sequence[Skipped] = (),
    planned: int | None = None,
    partial: bool = False,
    summary_dir: str | None = None,
) -> BatchSummary:
    """The fleet summary of the results, worst first."""
    checked: list[StoreResult] = []
    failed: list[StoreResult] = []
    totals: Counter[str] = Counter()
    cause_totals: Counter[str] = Counter()
    for result in results:
        if result.error is not None:
            failed.append(result)
        else:
            checked.append(result)
            totals.update(result.rules)
            cause_totals.update(result.causes)
    checked.sort(key=lambda r: (r.sort_key(), r.label))
    failed.sort(key=lambda r: r.label)
    verdicts = Counter(r.verdict for r in checked)
    names = {rule.id: rule.name for rule in settings.rules}
    cause_names = {cause.id: cause.name for cause in settings.causes}
    return BatchSummary(
        stores=tuple(checked),
        failures=tuple(failed),
        rule_totals=tuple(
            (rule, names.get(rule, ""), n)
            for rule, n in sorted(totals.items(), key=lambda i: (-i[1], i[0]))
        ),
        verdicts={v: verdicts.get(v, 0) for v in Verdict},
        evaluated_at=settings.now,
        generated_at=generated_at,
        tool_version=tool_version,
        policy_as_of=settings.config.policy.as_of.isoformat(),
        fail_on=settings.fail_on,
        redacted=settings.redact,
        skipped=tuple(skipped),
        partial=partial,
        planned=len(checked) + len(failed) if planned is None else planned,
        summary_dir=summary_dir,
        config=settings.config_used,
        cause_totals=tuple(
            (cause, cause_names.get(cause, ""), n)
            for cause, n in sorted(cause_totals.items(), key=lambda i: (-i[1], i[0]))
        ),
    )


#: A file name's stem is kept under this many bytes of UTF-8 (file systems allow 255).
MAX_STEM_BYTES = 120


def report_file_name(label: str, fmt: str) -> str:
    """A safe file name for a store's report, the same for the same label in every run.

    Letters and digits of any script are kept (``ümlaut`` stays ``ümlaut``, in NFC); anything
    else (``/``, spaces, controls) becomes ``_``. When that changes the label, or it has to
    be shortened, a short hash of the label is added, so ``a/b`` (``a_b-…``) and ``a_b``
    (``a_b``) never share a file, and a store keeps its file whoever else is in the fleet.
    """
    text = unicodedata.normalize("NFC", label)
    stem = re.sub(r"[^\w.-]+", "_", text).strip("._-")
    short = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")
    if short != label or not short:
        digest = hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        short = f"{short or 'store'}-{digest}"
    return f"{short}.{formats.get(fmt).suffix}"


def _name_key(name: str) -> str:
    """Names that one file system or another takes for the same file: case and NFC/NFD."""
    return unicodedata.normalize("NFC", name).casefold()


def report_files(
    found: Sequence[Target], fmt: str, directory: str, reserved: Iterable[str] = ()
) -> list[Target]:
    """``found`` with each store's report file chosen in ``directory``, all distinct.

    Names come from :func:`report_file_name`; a name already used in this run (compared
    case-insensitively, as macOS and Windows compare names) or that is one of the
    ``reserved`` paths (the summary, the input files) gets the first free ``-2``, ``-3``, …
    Names are chosen before any store runs, in the order of ``found``, not as stores finish,
    so the same fleet gives the same names every run.
    """
    from meum_doctor.output import file_identity

    blocked = {file_identity(path) for path in reserved}
    here = os.path.realpath(directory)
    used = {
        _name_key(os.path.basename(path))
        for path in reserved
        if os.path.dirname(os.path.realpath(path)) == here
    }
    chosen = []
    for target in found:
        name = report_file_name(target.label, fmt)
        stem, dot, suffix = name.rpartition(".")
        number = 1
        while True:
            path = os.path.join(directory, name)
            key = _name_key(name)
            if key not in used and file_identity(path) not in blocked:
                break
            number += 1
            name = f"{stem}-{number}{dot}{suffix}"
        used.add(key)
        chosen.append(dataclasses.replace(target, report_file=path))
    return chosen


# Writing each store's report, and the progress bar -----------------------------------------


def write_store_report(
    result: StoreResult, report: Report, fmt: str, secrets: Secrets
) -> StoreResult:
    """Write one store's report; if it cannot be written, that store fails, not the run.

    Every store may already have been fetched: one unwritable file (a folder or a link of
    that name in a ticket's folder, a full disk) must not cost the whole fleet's summary.
    """
    from meum_doctor.output import write_chosen
    from meum_doctor.render import render

    assert result.report_file is not None
    text = "".join(secrets.scrub_chunks([render(report, fmt)]))
    try:
        write_chosen(result.report_file, text.encode("utf-8"))
    except UsageError as exc:
        # Its verdict is kept in the reason, as the failure row shows no verdict column.
        return dataclasses.replace(
            result,
            error=f"checked (verdict {result.verdict}), but its report was not written: {exc}",
            error_code=exc.code,
            report_file=None,
        )
    return result


class Progress:
    """A one-line progress bar on a terminal's stderr: stores done / total, failures."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.done, self.failed, self.enabled = total, 0, 0, enabled

    def update(self, *, failed: bool) -> None:
        import sys

        self.done += 1
        self.failed += failed
        if self.enabled:
            filled = int(30 * self.done / max(self.total, 1))
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} "
                f"stores, {self.failed} could not be checked"
            )
            sys.stderr.flush()

    def close(self) -> None:
        import sys

        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
