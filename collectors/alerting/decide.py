"""What a rule should do now, from what is known about it. No I/O: tested as a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Decision(Enum):
    NOTHING = "nothing"
    PEND = "pend"  # breaching, but not yet for for_s (or silenced): remember since when
    CLEAR = "clear"  # stopped breaching before it fired: forget the pending start
    FIRE = "fire"
    RESOLVE = "resolve"
    REMIND = "remind"


@dataclass(frozen=True)
class RuleState:
    breaching: bool
    recovered: bool  # may lag behind "not breaching": the recovery threshold damps flaps
    for_s: float = 0
    repeat_s: float = 0
    pending_since: datetime | None = None
    open_state: str | None = None  # 'firing' or 'acknowledged' when an alert is open
    last_notified_at: datetime | None = None
    silenced: bool = False  # a maintenance window, or the check it depends on is down
    notified: int = 0  # notifications sent for the open alert: the first, then reminders
    max_reminders: int | None = None  # None: no cap


def decide(s: RuleState, now: datetime) -> Decision:
    """1. an open alert resolves once recovered, else maybe reminds (at most max_reminders
       times after its first notification);
    2. without one, a breach fires after for_s unless silenced, else is remembered."""
    if s.open_state is not None:
        if s.recovered:
            return Decision.RESOLVE
        if (s.breaching and s.open_state == "firing" and not s.silenced and s.repeat_s > 0
                and (s.max_reminders is None or s.notified - 1 < s.max_reminders)
                and _age(s.last_notified_at, now) >= s.repeat_s):
            return Decision.REMIND
        return Decision.NOTHING
    if not s.breaching:
        return Decision.CLEAR if s.pending_since is not None else Decision.NOTHING
    if not s.silenced and _age(s.pending_since or now, now) >= s.for_s:
        return Decision.FIRE
    return Decision.NOTHING if s.pending_since is not None else Decision.PEND


def _age(since: datetime | None, now: datetime) -> float:
    return float("inf") if since is None else (now - since).total_seconds()
