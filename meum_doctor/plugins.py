"""Finding plugins: rules and causes, from the built-in lists, entry points and rules folders.

Rules (:mod:`meum_doctor.engine`) and causes (:mod:`meum_doctor.reasoning`) are found the same
way, as flake8 finds its checkers, and this module is that one way, told apart only by a
:class:`PluginKind` (what the item is called, its class, the ``RULES``/``CAUSES`` list a module
may declare, its entry-point group, and its own validation):

1. the built-in list (``meum_doctor.rules.RULES``, ``meum_doctor.causes.CAUSES``);
2. installed plugins: each entry point of the kind's group names a module, an item, a list of
   items, or a callable returning them;
3. ``--rules-dir DIR`` (repeatable): every ``*.py`` file there, loaded once by path under a
   private module name, contributes the items it declares (its list, else every item it
   defines). A file may define rules and causes alike.

Whatever is wrong (a plugin that fails to import, something that is not an item, an invalid
item) is a :class:`~meum_doctor.errors.RuleLoadError` naming the culprit.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any, Generic, NamedTuple, TypeVar

from meum_doctor.errors import RuleLoadError

#: The origin of the items that ship with meum-doctor.
BUILTIN = "built-in"

T = TypeVar("T")


class PluginKind(NamedTuple, Generic[T]):
    """What tells rules and causes apart while they are found."""

    #: "rule" or "cause", as messages name one.
    noun: str
    #: The class every item must be an instance of.
    cls: type[T]
    #: The list a module may declare (``RULES``, ``CAUSES``).
    attribute: str
    #: The entry-point group of installed plugins.
    group: str
    #: The problem with an item as built by someone else's code, or None;
    #: ``builtin`` says whether it ships with meum-doctor.
    invalid: Callable[[T, bool], str | None]


def builtin(kind: PluginKind[T], items: Iterable[object]) -> list[T]:
    """The items meum-doctor ships, validated like any other."""
    return collect(kind, items, BUILTIN)


def from_entry_points(kind: PluginKind[T]) -> list[T]:
    """The items of every installed plugin of the kind's group."""
    if not may_have_plugins(kind.group):
        return []
    from importlib.metadata import entry_points

    found: list[T] = []
    for entry in entry_points(group=kind.group):
        dist = entry.dist.name if entry.dist is not None else "unknown distribution"
        origin = f"plugin {dist}"
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must be named, not crash the tool
            raise RuleLoadError(
                f"{kind.noun} plugin {entry.name!r} ({entry.value}, from {dist}) failed to "
                f"import: {describe(exc)}"
            ) from exc
        found += collect(kind, provided(kind, loaded, origin), origin)
    return found


def from_directories(kind: PluginKind[T], directories: Sequence[str]) -> list[T]:
    """The items the files of ``--rules-dir`` folders define."""
    found: list[T] = []
    for directory in directories:
        for file, module in load_directory(directory):
            origin = f"rules-dir {file}"
            found += collect(kind, provided(kind, module, origin), origin)
    return found


def provided(kind: PluginKind[T], loaded: object, origin: str) -> Iterable[object]:
    """The items an entry point or a rules file provides, in the forms documented above."""
    plural = f"{kind.noun}s"
    if isinstance(loaded, kind.cls):
        return [loaded]
    if isinstance(loaded, ModuleType):
        declared = getattr(loaded, kind.attribute, None)
        if declared is not None:
            return _as_list(kind, declared, origin)
        return [value for value in vars(loaded).values() if isinstance(value, kind.cls)]
    if isinstance(loaded, list | tuple):
        return loaded
    if callable(loaded):
        try:
            return _as_list(kind, loaded(), origin)
        except RuleLoadError:
            raise
        except Exception as exc:
            raise RuleLoadError(f"{origin}: listing its {plural} failed: {describe(exc)}") from exc
    raise RuleLoadError(f"{origin}: provides {type(loaded).__name__}, not {plural}")


def _as_list(kind: PluginKind[T], value: object, origin: str) -> list[object]:
    if isinstance(value, kind.cls):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise RuleLoadError(
        f"{origin}: {kind.attribute} must be a list of {kind.noun}s, not {type(value).__name__}"
    )


def collect(kind: PluginKind[T], items: Iterable[object], origin: str) -> list[T]:
    """``items`` checked one by one (as if untyped: someone else's code built them) and
    stamped with where they came from."""
    found: list[T] = []
    for item in items:
        if not isinstance(item, kind.cls):
            raise RuleLoadError(
                f"{origin}: {item!r:.60} is not a {kind.noun} "
                f"(make one with @meum_doctor.plugin.{kind.noun})"
            )
        problem = kind.invalid(item, origin == BUILTIN)
        if problem:
            raise RuleLoadError(f"{origin}: {kind.noun} {getattr(item, 'id', '?')!r:.20} {problem}")
        found.append(replace(item, origin=origin))  # type: ignore[type-var]
    return found


def may_have_plugins(group: str) -> bool:
    """Does any installed distribution declare the entry-point ``group``?

    A cheap look at the ``entry_points.txt`` files on sys.path, so the common case (no
    plugin) does not pay for importing importlib.metadata at every start. When in doubt (a
    zip on sys.path), it says yes and importlib.metadata decides.
    """
    needle = f"[{group}]"
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.isfile(folder):
                return True  # a zip or egg: only importlib.metadata can read it
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as f:
                    if needle in f.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False


#: Rules files already loaded, by (path, modification time, size): rules and causes are read
#: from the same modules, and a file must run once per change.
_LOADED: dict[tuple[str, int, int], ModuleType] = {}


def load_directory(directory: str) -> list[tuple[str, ModuleType]]:
    """Every ``*.py`` file of a rules directory, loaded as a private module: (file, module)."""
    from pathlib import Path  # only for --rules-dir: not worth loading on every run

    path = Path(directory)
    if not path.is_dir():
        raise RuleLoadError(f"rules directory {directory} does not exist or is not a folder")
    loaded = []
    for file in sorted(path.glob("*.py")):
        try:
            info = file.stat()
        except OSError as exc:
            raise RuleLoadError(f"cannot load rules file {file}: {describe(exc)}") from exc
        key = (str(file.resolve()), info.st_mtime_ns, info.st_size)
        module = _LOADED.get(key)
        if module is None:
            module = _load_file(file)
            _LOADED[key] = module
        loaded.append((str(file), module))
    return loaded


def _load_file(file: Any) -> ModuleType:
    # A private, path-derived name: two folders may both hold a "custom.py".
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
    module_name = f"meum_doctor._rules_dir.{file.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise RuleLoadError(f"cannot load rules file {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # as import does: dataclasses look themselves up
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # SyntaxError included: name the file, do not crash
        del sys.modules[module_name]
        raise RuleLoadError(f"rules file {file} failed to load: {describe(exc)}") from exc
    return module


def describe(exc: BaseException) -> str:
    """An exception in one line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
