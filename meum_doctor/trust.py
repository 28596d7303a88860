"""Whether a file or folder on disk may be trusted: it is ours, and no one else can change it.

meum-doctor reads a few things from places another user may reach: the compiled-template
cache (loaded with pickle and marshal, so a planted file runs code as the caller), and the
``./meum-doctor.toml`` of whatever folder it runs in (which changes verdicts). A shared
``XDG_CACHE_HOME``, ``sudo`` keeping the caller's environment, or a ticket folder on a shared
drive all put such a path in another user's hands. The rule, in one place for every such
reader (the template cache, the configuration file, and caches to come):

- it belongs to the user running meum-doctor (the effective user ID), and
- neither its group nor others may write to it.

Callers check the :func:`os.stat_result` of what they actually opened (``os.fstat`` on the
open descriptor), not of a path looked up earlier, so the file cannot be swapped in between.
"""

from __future__ import annotations

import os
import stat


def untrusted_reason(info: os.stat_result) -> str | None:
    """Why the file or folder described by ``info`` may not be trusted; None when it may."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # Windows: no POSIX owners or modes to judge by
        return None
    if info.st_uid != geteuid():
        return f"it belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users may change it (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def is_trusted(info: os.stat_result) -> bool:
    """True when ``info`` describes something the current user owns and only they can change."""
    return untrusted_reason(info) is None


def open_private_folder(folder: str, *, create: bool) -> int | None:
    """A cache folder of ours, opened; None when it cannot be used (it cannot be made or
    opened, or another user owns it or may write to it, as a shared ``XDG_CACHE_HOME`` or
    ``sudo`` keeping the caller's environment would give). ``create`` makes it and its parent
    (``…/meum-doctor/<name>``) with mode 0700 first. The caller reads and writes through the
    descriptor (``dir_fd``), so the checked folder is the one used."""
    import contextlib

    if os.open not in os.supports_dir_fd:
        return None
    try:
        if create:
            os.makedirs(os.path.dirname(os.path.dirname(folder)), exist_ok=True)
            for path in (os.path.dirname(folder), folder):
                with contextlib.suppress(FileExistsError):
                    os.mkdir(path, 0o700)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    if not is_trusted(os.fstat(fd)):
        os.close(fd)
        return None
    return fd
