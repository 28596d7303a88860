"""Is the store connected? One answer, read from the three fields that say so.

The status says it three times: ``connected`` (a boolean, "fully connected and ready to
accept payments"), ``connection_status`` and the overall ``status`` (open enumerations such
as CONNECTED or PENDING). No single field decides: a null ``connection_status`` next to
``connected: true`` and ``status: CONNECTED`` is a gap in the data, not a disconnected store,
and telling its merchant to reconnect with a new key would be wrong advice.

So each field is read on its own (yes, no, missing, unreadable, or an unrecognised value),
and the verdict is:

- ``connected`` / ``not_connected`` when every field that could be read agrees;
- ``contradictory`` when some say yes and some no (MD104 reports it, naming the fields);
- ``unknown`` when none could be read (MD901 reports missing and unreadable fields, MD101
  unrecognised values).

A verdict that only one field speaks for is flagged (:attr:`Connection.single_voice`): MD101
then asks to confirm in the dashboard instead of advising a reconnect.

Every built-in rule that asks "is it connected?" uses :func:`connection_of`, so they all
give the same answer for the same status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from meum_doctor.rule import Context
from meum_doctor.status import FIELDS_BY_NAME, Status

Reading = Literal["yes", "no", "missing", "unreadable", "unknown"]
Verdict = Literal["connected", "not_connected", "contradictory", "unknown"]

#: The fields that say whether the store is connected, in the order they are shown.
FIELDS = ("connected", "connection_status", "status")
#: How each field is named in sentences.
LABELS = {name: FIELDS_BY_NAME[name].label for name in FIELDS}


@dataclass(frozen=True)
class ConnectionField:
    """One field's say on the connection: its value as sent and how it reads."""

    name: str
    #: The value exactly as sent; None when the key is absent or null.
    value: Any
    reading: Reading

    @property
    def label(self) -> str:
        """How the field is named in sentences: "connection status"."""
        return LABELS[self.name]

    def describe(self) -> str:
        """``connected: false`` or ``connection_status: CONNECTED``, for titles."""
        if isinstance(self.value, bool):
            return f"{self.name}: {'true' if self.value else 'false'}"
        if isinstance(self.value, str):
            return f"{self.name}: {self.value}"
        return f"{self.name}: {'not reported' if self.value is None else repr(self.value)}"


@dataclass(frozen=True)
class Connection:
    """The connection verdict and the readings it was made from."""

    verdict: Verdict
    fields: tuple[ConnectionField, ...]

    @property
    def connected(self) -> bool:
        """True when every readable field says connected (and at least one does)."""
        return self.verdict == "connected"

    @property
    def not_connected(self) -> bool:
        """True when every readable field says not connected (and at least one does)."""
        return self.verdict == "not_connected"

    @property
    def single_voice(self) -> bool:
        """True when only one of the three fields could be read at all (yes or no).

        The verdict still follows that one field, but a lone field is weak evidence: a
        ``status: "error"`` in a body that has nothing else of a status is far more likely an
        error answer or a half-written file than a disconnected store. So MD101 does not give
        its critical "reconnect with a new key" advice on one field's word: it reports at high
        and asks to check the dashboard first (see MD101). Two agreeing fields are needed for
        the critical finding.
        """
        return len(self.reading("yes", "no")) == 1

    def reading(self, *readings: Reading) -> tuple[ConnectionField, ...]:
        """The fields that read as one of ``readings``, in :data:`FIELDS` order."""
        return tuple(f for f in self.fields if f.reading in readings)

    def evidence(self) -> dict[str, Any]:
        """Each field's value as sent (None when absent): what the verdict was made from."""
        return {f.name: f.value for f in self.fields}


def connection_of(status: Status, ctx: Context) -> Connection:
    """Read ``connected``, ``connection_status`` and ``status`` together into one verdict."""
    fields = tuple(_read(status, ctx, name) for name in FIELDS)
    says = {f.reading for f in fields} & {"yes", "no"}
    verdict: Verdict
    if says == {"yes", "no"}:
        verdict = "contradictory"
    elif says == {"yes"}:
        verdict = "connected"
    elif says == {"no"}:
        verdict = "not_connected"
    else:
        verdict = "unknown"
    return Connection(verdict=verdict, fields=fields)


def _read(status: Status, ctx: Context, name: str) -> ConnectionField:
    value = status.raw.get(name)
    reading: Reading
    if status.unreadable(name):
        reading = "unreadable"  # e.g. connected: "true" or 1: sent, but not a boolean
    elif name == "connected":
        reading = "missing" if status.connected is None else "yes" if status.connected else "no"
    else:
        cls = ctx.classify(name, getattr(status, name))
        if cls == "healthy":
            reading = "yes"
        elif cls in ("degraded", "bad"):
            reading = "no"  # PENDING or ONBOARDING (degraded) is "not connected yet"
        elif cls == "missing":
            reading = "missing"
        else:
            reading = "unknown"
    return ConnectionField(name=name, value=value, reading=reading)
