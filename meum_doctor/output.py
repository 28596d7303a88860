"""Write reports and saved statuses without harming what is already at the path.

What ``-o PATH`` (and ``--save-status``, and each ``batch --output-dir`` report) does depends
on what ``PATH`` is, as a shell's ``>`` would, except that regular files are replaced whole:

- ``-``, ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``: that stream, written straight.
- a regular file, or nothing yet: a temporary file in the same folder, fsync, then a rename,
  so an interrupted run never leaves half a report and an existing file is untouched unless
  the new one is complete. The new file's mode comes from the umask (``0666 & ~umask``, as
  ``>`` gives), never from another file: copying the mode of whatever a symlink pointed at
  could make a report executable or world-writable.
- a symbolic link: followed to its final target, and that target is replaced as above (the
  link stays a link; a user who points ``report.html`` at a shared place meant that place).
- a character device or a FIFO (``/dev/null``, a terminal, a named pipe): written straight,
  never replaced (as root, a rename would turn ``/dev/null`` into a regular file).
- a folder, a block device or a socket: refused.

Every failure of the operating system (a missing or read-only folder, a name too long,
``/proc``) is the one-line ``cannot write PATH: reason`` usage error (exit 2), never an
internal error. :func:`check_distinct` refuses an output that is the same file as an input
or as another output, so a report never overwrites the ticket's status it was made from.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from meum_doctor.errors import UsageError, WriteFailed

#: ``-`` and the paths that name an already open stream of this process, by descriptor.
_STREAM = re.compile(r"^(?:/dev/fd/|/proc/self/fd/)(\d+)$")
_NAMED_STREAMS = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}


def stream_fd(path: str) -> int | None:
    """The file descriptor ``path`` names (``-`` is standard output), or None for a file."""
    if path in _NAMED_STREAMS:
        return _NAMED_STREAMS[path]
    match = _STREAM.match(path)
    return int(match.group(1)) if match else None


def is_file_target(path: str) -> bool:
    """True when writing ``path`` makes or replaces a regular file (a new name, a file, or a
    link to one); False for a stream, a device or a FIFO, which take bytes and keep nothing
    beside them (so, for one, ``--save-status`` writes no meta file)."""
    if stream_fd(path) is not None:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # nothing there yet (or unreadable: writing will say why)


def _fail(path: str, exc: OSError | str) -> WriteFailed:
    reason = exc if isinstance(exc, str) else (exc.strerror or type(exc).__name__)
    return WriteFailed(f"cannot write {path}: {reason}")


def _kind(mode: int) -> str | None:
    """Why a file of this mode cannot be written to (None: it can)."""
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISBLK(mode):
        return "it is a block device (a disk), not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket"
    return None


def check_writable(path: str) -> None:
    """Fail early (before any work) when ``path`` cannot be written.

    Only what can be told without side effects is checked: a FIFO is not opened here (that
    would wait for a reader), and the final write still reports anything else it meets.
    """
    if stream_fd(path) is not None:
        return
    try:
        target = os.path.realpath(path)
        folder = os.path.dirname(target) or "."
        if not os.path.isdir(folder):
            # Name the folder as the user wrote it, unless a link led somewhere else.
            shown = os.path.dirname(path) or "."
            if os.path.realpath(shown) != folder:
                shown = folder
            raise _fail(path, f"the folder {shown} does not exist")
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and (problem := _kind(mode)) is not None:
            raise _fail(path, problem)
        if (mode is None or stat.S_ISREG(mode)) and not os.access(folder, os.W_OK | os.X_OK):
            # A regular file is replaced by a rename, which needs the folder to be writable.
            raise _fail(path, f"the folder {folder} is not writable")
    except OSError as exc:  # a name too long, a loop of links, a folder we may not search
        raise _fail(path, exc) from None


def write_atomic(path: str, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path``: regular files atomically, anything else straight.

    ``data`` may come in chunks (a large batch summary is rendered as it is written); if
    producing a chunk fails, the temporary file is removed and ``path`` is untouched.
    """
    chunks = [data] if isinstance(data, bytes) else data
    fd = stream_fd(path)
    if fd is not None:
        _write_stream(path, fd, chunks)
        return
    check_writable(path)
    try:
        target = os.path.realpath(path)  # a symlink is written through, to its target
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
    except OSError as exc:
        raise _fail(path, exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        _write_straight(path, target, chunks)
    else:
        _replace(path, target, chunks)


def write_chosen(path: str, data: bytes) -> None:
    """Write a file whose name the tool chose (a store's report in ``--output-dir``).

    Unlike :func:`write_atomic`, what is already at ``path`` is not the user's choice: it may
    come from a ticket's folder used as ``--output-dir``. So nothing there is followed or
    opened: a symbolic link (it could point at any file), a FIFO (opening it would wait
    forever), a device or a folder is refused, and only a regular file (or nothing) is
    replaced, by a same-folder temporary file and a rename, which never follows a link even
    if one appears meanwhile. A refusal is the usual ``cannot write PATH: reason``.
    """
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _fail(path, exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else _what(mode)
        raise _fail(path, f"it is {kind}, and a report is only written over a regular file")
    _replace(path, path, [data])


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _write_stream(path: str, fd: int, chunks: Iterable[bytes]) -> None:
    """Write to an open stream of this process (``-o -``, ``/dev/stdout``): never close it."""
    stream: BinaryIO | None = None
    if fd in (1, 2):
        text = sys.stdout if fd == 1 else sys.stderr
        text.flush()  # what was printed before comes first
        stream = getattr(text, "buffer", None)
    try:
        for chunk in chunks:
            if stream is not None:
                stream.write(chunk)
            else:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
        if stream is not None:
            stream.flush()
    except OSError as exc:  # a closed descriptor, a pipe whose reader went away
        raise _fail(path, exc) from None


def _write_straight(path: str, target: str, chunks: Iterable[bytes]) -> None:
    """A character device or FIFO: open it for writing, as ``>`` would, and write."""
    try:
        mode = os.stat(target).st_mode
        if (problem := _kind(mode)) is not None:
            raise _fail(path, problem)
        # No O_CREAT: if the device vanished meanwhile, a regular file must not appear.
        with open(os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0)), "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as exc:
        raise _fail(path, exc) from None


def _replace(path: str, target: str, chunks: Iterable[bytes]) -> None:
    """A regular file (or none yet): same-folder temporary file, fsync, rename."""
    folder, name = os.path.split(target)
    temporary: str | None = None
    try:
        # A short prefix: a 250-character name must fail at the rename with a clear reason,
        # not make the temporary name itself too long.
        fd, temporary = _create_temporary(folder or ".", f".{name[:32]}.", ".tmp")
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


#: What tempfile.mkstemp opens with: a new file only (never an existing one or a link's
#: target), private (0600) until it is complete, not inherited by child processes.
_TEMPORARY_FLAGS = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)
#: How many names to try before giving up, as tempfile does (``os.TMP_MAX``).
_TEMPORARY_ATTEMPTS = getattr(os, "TMP_MAX", 10000)


def _create_temporary(folder: str, prefix: str, suffix: str) -> tuple[int, str]:
    """``tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)``, without importing
    tempfile: it brings shutil, random, bz2 and lzma, a few milliseconds of every run that
    writes a report. The same semantics: a random name (here from os.urandom), created with
    O_EXCL and mode 0600, another name on a collision; an absolute path."""
    for _ in range(_TEMPORARY_ATTEMPTS):
        path = os.path.abspath(os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}"))
        try:
            return os.open(path, _TEMPORARY_FLAGS, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name found")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# The same file twice --------------------------------------------------------------------


def file_identity(path: str) -> tuple[object, ...]:
    """What makes two paths the same file: the stream, else device and inode, else the path.

    Compared by the resolved path (so ``./s.json``, ``s.json`` and a symlink to it are one)
    and, when the file exists, by device and inode (so a hard link is the same file too).
    """
    fd = stream_fd(path)
    if fd is not None:
        return ("fd", fd)
    resolved = os.path.realpath(path)
    try:
        info = os.stat(resolved)
    except OSError:
        return ("path", os.path.normcase(resolved))
    return ("inode", info.st_dev, info.st_ino)


def check_distinct(outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str]]) -> None:
    """Refuse when an output is the same file as an input or another output.

    Each item is ``(what, path)``, e.g. ``("-o", "report.md")`` or ``("--input", "s.json")``;
    ``what`` names it in the message. A report written over the status it was made from
    would destroy the ticket's evidence, and two outputs to one file keep only the last.
    """
    seen: dict[tuple[object, ...], tuple[str, str]] = {}
    for what, path in inputs:
        # Standard input may be a file too (`--input - < s.json`): it is that file.
        identity = _stdin_identity() if path == "-" else file_identity(path)
        if identity is not None:
            seen.setdefault(identity, (what, path))
    for what, path in outputs:
        if _keeps_nothing(path):
            continue  # /dev/null (or a terminal, a FIFO) may take any number of outputs
        identity = file_identity(path)
        if identity in seen:
            other_what, other_path = seen[identity]
            raise UsageError(
                f"refusing to write {_where(path)} for {what}: it is the same file as "
                f"{other_what} ({_where(other_path)})"
            )
        seen[identity] = (what, path)


def check_outputs(
    outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str]]
) -> None:
    """Every output distinct from the inputs and the other outputs, and writable: checked
    before anything is fetched, so a run never ends unable to write what it fetched."""
    check_distinct(outputs, inputs)
    for _, path in outputs:
        check_writable(path)


def _stdin_identity() -> tuple[object, ...] | None:
    """The file standard input is redirected from, or None (a pipe, a terminal, closed)."""
    try:
        info = os.fstat(0)
    except OSError:
        return None
    return ("inode", info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _keeps_nothing(path: str) -> bool:
    """True for a character device or FIFO given by name: writing there replaces no file.

    Not for the streams of this process (``-``, ``/dev/stdout``): two outputs on one stream
    would be mixed, and one of them may be a file the shell redirected."""
    if stream_fd(path) is not None:
        return False
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _where(path: str) -> str:
    return "standard output" if path == "-" else path


def prepare_output_dir(output_dir: str | None) -> str | None:
    """The ``--output-dir`` folder, checked before any store is fetched.

    It must be a folder (made if missing, but only its last level: a typo such as
    ``/srv/reprots/today`` should fail, not build a tree) in which a file can be made: a
    probe file is created and removed, which is the only sure test (``/proc`` and read-only
    mounts pass ``os.access`` as root).
    """
    if not output_dir:
        return None
    from pathlib import Path

    directory = Path(output_dir)

    def fail(reason: str) -> WriteFailed:
        return WriteFailed(f"cannot write reports into {output_dir}: {reason}")

    try:
        if directory.exists() and not directory.is_dir():
            raise fail("it is a file, not a folder")
        if not directory.exists():
            parent = directory.parent
            if not parent.is_dir():
                raise fail(
                    f"its parent folder {parent} does not exist (only the last level is made)"
                )
            directory.mkdir()
        import tempfile  # only batch --output-dir probes a folder

        with tempfile.TemporaryFile(dir=directory, prefix=".meum-doctor-probe."):
            pass
    except OSError as exc:
        raise fail((exc.strerror or type(exc).__name__).lower()) from None
    return str(directory)
