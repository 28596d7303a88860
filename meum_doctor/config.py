"""Load and validate the configuration: bundled defaults overlaid with the user's TOML file.

The file is found as ``--config PATH``, else ``$MEUM_DOCTOR_CONFIG``, else
``./meum-doctor.toml`` when it exists. That last one comes from whatever folder the tool runs
in (a ticket's attachments, a shared drive), and it can change verdicts: it is used only when
it is a regular file that belongs to the current user and that no one else may write
(:mod:`meum_doctor.trust`), else it is ignored with a warning. Whichever file is used, the
command line says so on stderr and every report records it (:class:`Config` keeps its path,
SHA-256 and what it adds). It has the shape of the bundled ``defaults.toml``::

    fail_on = "high"                      # critical|high|medium|low|info|never
    select = ["MD1", "MD501"]             # IDs or prefixes; empty means all
    ignore = ["MD602"]
    [values.health_status]                # recognised values per enumerated field
    bad = ["UNHEALTHY", "DOWN"]
    [policy.meum_plugin]                  # the version policy, per component
    latest = "1.3.0"
    [rules.MD301]                         # per rule: a severity override and its options
    severity = "critical"
    high_after_hours = 48

Every unknown key, wrong type or invalid version is a :class:`ConfigError` naming the key.
Per-rule tables are checked against the rules actually loaded (:func:`rule_settings`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from packaging.version import Version

from meum_doctor import ids
from meum_doctor.data import package_bytes
from meum_doctor.errors import ConfigError
from meum_doctor.policy import (
    COMPONENTS,
    ComponentPolicy,
    InsecureList,
    PhpBranches,
    VersionPolicy,
    parse_version,
)
from meum_doctor.rule import Rule, Severity, ValueClasses
from meum_doctor.status import ENUM_FIELDS
from meum_doctor.trust import untrusted_reason
from meum_doctor.versions import branch_of

CONFIG_ENV = "MEUM_DOCTOR_CONFIG"
DEFAULT_CONFIG_NAME = "meum-doctor.toml"
#: How the file in the current folder is named in messages and reports.
IMPLICIT_CONFIG = os.path.join(os.curdir, DEFAULT_CONFIG_NAME)
#: A configuration is a few lines; more is not one (and /dev/zero would never end).
MAX_CONFIG_BYTES = 1024 * 1024
FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "never")
VALUE_CLASSES = ("healthy", "degraded", "bad")
TOP_LEVEL_KEYS = ("fail_on", "select", "ignore", "values", "policy", "rules")


@dataclass(frozen=True)
class RuleSettings:
    """What the configuration says of one rule."""

    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """The validated configuration in force for a run."""

    #: None means "never fail".
    fail_on: Severity | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    values: Mapping[str, ValueClasses]
    policy: VersionPolicy
    #: Rule ID -> its raw table from the file; validated by :func:`rule_settings`.
    rules: Mapping[str, Mapping[str, Any]]
    #: The file it came from, or None for the bundled defaults alone.
    path: str | None = None
    #: ``sha256:<hex>`` of the file's bytes, when a file was used.
    sha256: str | None = None
    #: What the file's [values.*] tables add: field -> class -> values (upper case).
    values_added: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    #: Why ./meum-doctor.toml was found but not used (one line for a warning), if it was.
    skipped: str | None = None
    #: The [policy] keys the file sets (``as_of``, ``wordpress.latest``,
    #: ``woocommerce.requires_wordpress``, ``wordpress.insecure``): they win over live
    #: release data (meum_doctor.releasedata.overlay).
    policy_configured: frozenset[str] = frozenset()


def find_config_path(explicit: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The configuration file to use, by the documented order; None for defaults only."""
    if explicit:
        return explicit
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return env[CONFIG_ENV]
    return IMPLICIT_CONFIG if os.path.lexists(DEFAULT_CONFIG_NAME) else None


def configure(explicit: str | None, env: Mapping[str, str] | None = None) -> Config:
    """The configuration in force: the file found by the documented order over the defaults,
    the one in the current folder only when it can be trusted (see the module docstring)."""
    env = os.environ if env is None else env
    path = find_config_path(explicit, env)
    implicit = path is not None and not explicit and not env.get(CONFIG_ENV)
    return load_config(path, trusted_only=implicit)


def load_config(path: str | None, *, trusted_only: bool = False) -> Config:
    """The defaults, overlaid with the file at ``path`` (if any), validated.

    ``trusted_only``: a file that is not a regular file, belongs to another user or may be
    written by others is not used; the defaults come back with ``skipped`` saying why.
    """
    user: dict[str, Any] = {}
    digest = None
    if path is not None:
        data, reason = _read(path, trusted_only)
        if reason is not None:
            skipped = (
                f"ignoring {path}: {reason}; pass --config {path} to use it anyway"
            )
            return replace(config_from_mapping({}), skipped=skipped)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"cannot read configuration file {path}: {_reason(exc)}") from None
        import tomllib  # only for a configuration file: the defaults need none (see _defaults)

        try:
            user = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from None
    return replace(config_from_mapping(user, path), sha256=digest)


def _read(path: str, trusted_only: bool) -> tuple[bytes, str | None]:
    """The file's bytes, or the reason it may not be used. What is judged is what was opened
    (fstat of the descriptor), so the file cannot be swapped between the check and the read."""
    # A FIFO planted as ./meum-doctor.toml must not block; an explicit one (--config <(...))
    # is the user's own choice and is read normally.
    flags = os.O_RDONLY | (getattr(os, "O_NONBLOCK", 0) if trusted_only else 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if trusted_only:
            return b"", "it is a broken link"
        raise ConfigError(f"configuration file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {path}: {_reason(exc)}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if trusted_only:
            reason = (
                untrusted_reason(info) if stat.S_ISREG(info.st_mode) else "it is not a regular file"
            )
            if reason is not None:
                return b"", reason
        try:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"cannot read configuration file {path}: {_reason(exc)}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"configuration file {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB"
        )
    return data, None


def config_from_mapping(user: dict[str, Any], path: str | None = None) -> Config:
    """The defaults overlaid with ``user`` (a decoded configuration table), validated."""
    return _build(_defaults(), user, path)


def _defaults() -> dict[str, Any]:
    """The bundled ``defaults.toml``, decoded: from :mod:`meum_doctor._defaults`, generated
    from it, when the file is the one it was generated from (always, unless someone edited
    it in place), which spares every run importing tomllib and parsing (milliseconds).
    Anything else is parsed as it is, so the file stays the one place the defaults live."""
    from meum_doctor import _defaults as generated

    text = package_bytes("meum_doctor", "defaults.toml").decode("utf-8")
    if text == generated.SOURCE:
        return generated.data()
    import tomllib

    return tomllib.loads(text)


def defaults_source() -> str:
    """The source of :mod:`meum_doctor._defaults` for the bundled ``defaults.toml``."""
    import pprint
    import tomllib

    text = package_bytes("meum_doctor", "defaults.toml").decode("utf-8")
    # The text in short pieces, so that no line of the module is longer than ruff allows.
    pieces = "".join(
        f"    {line[start : start + 72]!r}\n"
        for line in text.splitlines(keepends=True)
        for start in range(0, len(line), 72)
    )
    data = pprint.pformat(tomllib.loads(text), width=88, sort_dicts=False)
    body = "\n".join(" " * 11 + row if index else row for index, row in enumerate(data.split("\n")))
    return (
        '"""The bundled ``defaults.toml``, decoded ahead of time (see ``config._defaults``).\n\n'
        "Generated by `python -m meum_doctor.config > meum_doctor/_defaults.py`; do not edit.\n"
        '"""\n\n'
        "import datetime\n"
        "from typing import Any\n\n"
        "#: The text this was generated from: used only while the file still reads exactly so.\n"
        f"SOURCE = (\n{pieces})\n\n\n"
        "def data() -> dict[str, Any]:\n"
        '    """A fresh copy of the decoded defaults (the caller may change it)."""\n'
        f"    return {body}\n"
    )


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


class _Checker:
    """Validates the user's table, naming the file and the dotted key in every error."""

    def __init__(self, path: str | None) -> None:
        self.where = f"configuration file {path}" if path else "configuration"

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {key}: {message}")

    def table(self, value: object, key: str, allowed: Iterable[str] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {_kind(value)}")
        if allowed is not None:
            allowed = tuple(allowed)
            for name in value:
                if name not in allowed:
                    raise self.fail(
                        f"{key}.{name}" if key else name,
                        f"unknown key (expected one of: {', '.join(allowed)})",
                    )
        return value

    def string_list(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"must be a list of strings, not {_kind(value)}")
        return tuple(value)

    def version(self, value: object, key: str) -> Version:
        if not isinstance(value, str):
            raise self.fail(key, f"must be a version string, not {_kind(value)}")
        parsed = parse_version(value)
        if parsed is None:
            raise self.fail(key, f"{value!r} is not a valid version")
        return parsed

    def iso_date(self, value: object, key: str) -> date:
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise self.fail(key, f"{value!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(key, f"must be a date (YYYY-MM-DD), not {_kind(value)}")
        return value

    def requirements(
        self, defaults: Mapping[str, Any], given: object, key: str
    ) -> dict[Version, Version]:
        """A requirement table (release line -> minimum version), the user's lines added to
        (or overriding) the bundled ones, never replacing the table.

        Requirements only step up with the line, and the rules rely on it (the newest line
        not newer than a version applies): a table where a newer line requires less is
        refused, naming the line the user wrote.
        """
        given = self.table(given, key, None)
        table: dict[Version, Version] = {}
        written: dict[Version, str] = {}
        for line, needed in {**defaults, **given}.items():
            parsed = self.version(line, f"{key} (release line)")
            table[parsed] = self.version(needed, f"{key}.{line}")
            written[parsed] = line
        ordered = sorted(table)
        for low, high in itertools.pairwise(ordered):
            if table[high] < table[low]:
                named = written[high] if written[high] in given else written[low]
                raise self.fail(
                    f"{key}.{named}",
                    f"{written[high]} requires {table[high]}, less than the older line "
                    f"{written[low]} ({table[low]}); requirements only step up",
                )
        return table

    def one_class_each(
        self, field_name: str, merged: Mapping[str, Any], given: Mapping[str, Any]
    ) -> None:
        """A value may be in one class of a field only: classification takes the first class
        that lists it, so a second listing (``bad = ["ACTIVE"]`` while the bundled healthy list
        has ACTIVE) would be ignored without a word."""
        owner: dict[str, str] = {}
        for cls in VALUE_CLASSES:
            for item in merged.get(cls, ()):
                value = item.strip().upper()
                first = owner.setdefault(value, cls)
                if first == cls:
                    continue
                # Name the class the user wrote; say when the other listing is a default.
                mine, other = (cls, first) if cls in given else (first, cls)
                origin = "" if other in given else " (a bundled default)"
                raise self.fail(
                    f"values.{field_name}.{mine}",
                    f"{item.strip()!r} is also listed in values.{field_name}.{other}{origin}; "
                    f"a value belongs to one class: set values.{field_name}.{other} without it",
                )

    def ordered_thresholds(
        self, rule_id: str, options: Mapping[str, Any], given: Iterable[str]
    ) -> None:
        """Graded thresholds must keep their order: ``high_after_hours`` below
        ``medium_after_hours`` would make the medium grade unreachable and contradict the
        documentation. Options named ``<severity>_after_<unit>`` grow with the severity
        (older is worse); ``<severity>_within_<unit>`` shrink with it (sooner is worse)."""
        given = set(given)
        groups: dict[tuple[str, str], list[tuple[Severity, str, float]]] = {}
        for name, value in options.items():
            match = _GRADED_OPTION.fullmatch(name)
            if match is None or isinstance(value, bool) or not isinstance(value, int | float):
                continue
            level = Severity.parse(match["level"])
            groups.setdefault((match["kind"], match["unit"]), []).append((level, name, value))
        for (kind, _unit), items in groups.items():
            items.sort()
            for (_, low_name, low), (_, high_name, high) in itertools.pairwise(items):
                wrong = high < low if kind == "after" else high > low
                if wrong:
                    relation = "below" if kind == "after" else "above"
                    # Name the key the user wrote (the other may be a default).
                    named = high_name if high_name in given or low_name not in given else low_name
                    raise self.fail(
                        f"rules.{rule_id}.{named}",
                        f"{high_name} = {high} is {relation} {low_name} = {low}; the worse "
                        "grade's threshold must not be "
                        f"{'lower' if kind == 'after' else 'higher'} than the milder one's",
                    )

    def severity(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value.strip().lower()


_GRADED_OPTION = re.compile(
    r"(?P<level>critical|high|medium|low|info)_(?P<kind>after|within)_(?P<unit>\w+)"
)


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table", date: "a date"})
    return names.get(type(value), type(value).__name__)


def _build(defaults: dict[str, Any], user: dict[str, Any], path: str | None) -> Config:
    check = _Checker(path)
    check.table(user, "", TOP_LEVEL_KEYS)

    fail_on = check.severity(user.get("fail_on", defaults["fail_on"]), "fail_on", FAIL_ON_CHOICES)
    select = check.string_list(user.get("select", defaults["select"]), "select")
    ignore = check.string_list(user.get("ignore", defaults["ignore"]), "ignore")
    for key, selectors in (("select", select), ("ignore", ignore)):
        for selector in selectors:
            if not is_selector(selector):
                raise check.fail(
                    key, f"{selector!r} is not a rule ID or prefix (like MD301, MD5, ACME1)"
                )

    user_values = check.table(user.get("values", {}), "values", ENUM_FIELDS)
    values: dict[str, ValueClasses] = {}
    added: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in ENUM_FIELDS:
        merged = dict(defaults["values"].get(name, {}))
        overrides = check.table(user_values.get(name, {}), f"values.{name}", VALUE_CLASSES)
        for cls, items in overrides.items():
            merged[cls] = check.string_list(items, f"values.{name}.{cls}")
            added.setdefault(name, {})[cls] = tuple(v.strip().upper() for v in merged[cls])
        check.one_class_each(name, merged, overrides)
        values[name] = ValueClasses(
            **{
                cls: frozenset(v.strip().upper() for v in merged.get(cls, ()))
                for cls in VALUE_CLASSES
            }
        )

    policy = _policy(defaults["policy"], user.get("policy", {}), check)

    rules = check.table(user.get("rules", {}), "rules", None)
    for rule_id, table in rules.items():
        check.table(table, f"rules.{rule_id}", None)

    return Config(
        fail_on=None if fail_on == "never" else Severity.parse(fail_on),
        select=tuple(s.upper() for s in select),
        ignore=tuple(s.upper() for s in ignore),
        values=values,
        policy=policy,
        rules=rules,
        path=path,
        values_added=added,
        policy_configured=_configured(user.get("policy", {})),
    )


def _configured(user: object) -> frozenset[str]:
    """The policy keys a (validated) [policy] table sets, as overlay() names them."""
    if not isinstance(user, dict):
        return frozenset()
    keys = {"as_of"} & set(user)
    for name, table in user.items():
        if isinstance(table, dict):
            keys |= {f"{name}.{key}" for key in table}
    return frozenset(keys)


#: The keys of each component's policy table, beyond latest and minimum.
_COMPONENT_TABLES = {
    "meum_plugin": (),
    "woocommerce": ("requires_wordpress", "requires_php"),
    "wordpress": ("requires_php", "insecure"),
}


def _policy(defaults: dict[str, Any], user: object, check: _Checker) -> VersionPolicy:
    user = check.table(user, "policy", ("as_of", *COMPONENTS, "php"))
    as_of = check.iso_date(user.get("as_of", defaults["as_of"]), "policy.as_of")

    components: dict[str, ComponentPolicy] = {}
    tables: dict[str, dict[Version, Version]] = {}
    for name in COMPONENTS:
        allowed = ("latest", "minimum", *_COMPONENT_TABLES[name])
        table = check.table(user.get(name, {}), f"policy.{name}", allowed)
        merged = {**defaults[name], **table}
        latest = check.version(merged["latest"], f"policy.{name}.latest")
        minimum = check.version(merged["minimum"], f"policy.{name}.minimum")
        if minimum > latest:
            raise check.fail(f"policy.{name}", f"minimum {minimum} is newer than latest {latest}")
        components[name] = ComponentPolicy(latest=latest, minimum=minimum)
        for requires in ("requires_wordpress", "requires_php"):
            if requires in _COMPONENT_TABLES[name]:
                tables[f"{name}_{requires}"] = check.requirements(
                    defaults[name].get(requires, {}),
                    table.get(requires, {}),
                    f"policy.{name}.{requires}",
                )
    insecure = _insecure(
        defaults["wordpress"].get("insecure", {}),
        check.table(user.get("wordpress", {}), "policy.wordpress", None).get("insecure", {}),
        check,
    )
    return VersionPolicy(
        as_of=as_of,
        meum_plugin=components["meum_plugin"],
        woocommerce=components["woocommerce"],
        wordpress=components["wordpress"],
        woocommerce_requires_wordpress=tables["woocommerce_requires_wordpress"],
        woocommerce_requires_php=tables["woocommerce_requires_php"],
        wordpress_requires_php=tables["wordpress_requires_php"],
        wordpress_insecure=insecure,
        php=_php(defaults.get("php", {}), user.get("php", {}), check),
    )


def _php(defaults: dict[str, Any], user: object, check: _Checker) -> PhpBranches:
    """PHP branches' end of security support: the bundled table, with the user's branches
    added (or overriding) and the user's date, if given."""
    key = "policy.php"
    user = check.table(user, key, ("as_of", "end_of_life"))
    as_of = user.get("as_of", defaults.get("as_of"))
    lines = {
        **defaults.get("end_of_life", {}),
        **check.table(user.get("end_of_life", {}), f"{key}.end_of_life", None),
    }
    end_of_life: dict[Version, date] = {}
    for branch_text, end in lines.items():
        branch = check.version(branch_text, f"{key}.end_of_life (branch)")
        if branch_of(branch) != branch:
            raise check.fail(
                f"{key}.end_of_life.{branch_text}", "a PHP branch is x.y, like \"8.1\""
            )
        end_of_life[branch] = check.iso_date(end, f"{key}.end_of_life.{branch_text}")
    if end_of_life and as_of is None:
        raise check.fail(f"{key}.as_of", "the table needs the date it was true (YYYY-MM-DD)")
    return PhpBranches(
        as_of=None if as_of is None else check.iso_date(as_of, f"{key}.as_of"),
        end_of_life=end_of_life,
    )


def _insecure(defaults: dict[str, Any], user: object, check: _Checker) -> InsecureList:
    """WordPress.org's insecure list: the bundled snapshot, with the user's branches added
    (or overriding) and the user's date, if given."""
    key = "policy.wordpress.insecure"
    user = check.table(user, key, ("as_of", "fixed_in"))
    as_of = user.get("as_of", defaults.get("as_of"))
    fixed_in: dict[Version, Version] = {}
    lines = {
        **defaults.get("fixed_in", {}),
        **check.table(user.get("fixed_in", {}), f"{key}.fixed_in", None),
    }
    for branch_text, fixed_text in lines.items():
        branch = check.version(branch_text, f"{key}.fixed_in (branch)")
        fixed = check.version(fixed_text, f"{key}.fixed_in.{branch_text}")
        if branch_of(branch) != branch or branch_of(fixed) != branch:
            raise check.fail(
                f"{key}.fixed_in.{branch_text}",
                f"a branch is x.y and its first safe release one of its own ({branch_text} = "
                f"{fixed_text!r} is not)",
            )
        fixed_in[branch] = fixed
    if fixed_in and as_of is None:
        raise check.fail(f"{key}.as_of", "the list needs the date it was true (YYYY-MM-DD)")
    return InsecureList(
        as_of=None if as_of is None else check.iso_date(as_of, f"{key}.as_of"), fixed_in=fixed_in
    )


def is_selector(text: str) -> bool:
    """True for a rule ID or ID prefix (any case); see :mod:`meum_doctor.ids`."""
    return ids.is_selector(text)


def rule_settings(
    config: Config, rules: Iterable[Rule], causes: Iterable[str] = ()
) -> dict[str, RuleSettings]:
    """Check each ``[rules.ID]`` table against the rules loaded, and resolve the options.

    Every loaded rule gets an entry: its default options overlaid with the configured ones.
    ``causes`` are the IDs of the causes loaded, which ``select`` and ``ignore`` may name too.
    """
    check = _Checker(config.path)
    by_id = {r.id: r for r in rules}
    selectable = [*by_id, *causes]
    for key, selectors in (("select", config.select), ("ignore", config.ignore)):
        for selector in selectors:
            if not any(ids.selects(selector, item_id) for item_id in selectable):
                raise check.fail(
                    key,
                    f"{selector!r} matches no rule or cause (`meum-doctor rules` and "
                    "`meum-doctor causes` list them)",
                )
    for rule_id in config.rules:
        if rule_id not in by_id:
            raise check.fail(f"rules.{rule_id}", "no rule has this ID (see `meum-doctor rules`)")
    settings: dict[str, RuleSettings] = {}
    for rule_id, rule in by_id.items():
        table = dict(config.rules.get(rule_id, {}))
        severity = None
        if "severity" in table:
            label = check.severity(
                table.pop("severity"), f"rules.{rule_id}.severity", FAIL_ON_CHOICES[:-1]
            )
            severity = Severity.parse(label)
        options = dict(rule.options)
        for name, value in table.items():
            key = f"rules.{rule_id}.{name}"
            if name not in rule.options:
                known = ", ".join(["severity", *rule.options])
                raise check.fail(key, f"unknown option for {rule_id} (expected one of: {known})")
            options[name] = _option_value(value, rule.options[name], key, check)
        check.ordered_thresholds(rule_id, options, table)
        settings[rule_id] = RuleSettings(severity=severity, options=options)
    return settings


def _option_value(value: object, default: object, key: str, check: _Checker) -> object:
    """``value`` if it has the type of the option's default (an int may stand for a float)."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and isinstance(value, int | float) and value < 0:
            raise check.fail(key, f"must not be negative, got {value}")
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise check.fail(key, f"must be {_kind(default)}, not {_kind(value)}")
    return value


if __name__ == "__main__":
    print(defaults_source(), end="")
