from datetime import UTC, datetime, timedelta

import pytest

from collectors.alerting import Decision, RuleState, decide

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
AGO = {s: NOW - timedelta(seconds=s) for s in (10, 60, 120, 4000)}


@pytest.mark.parametrize(("state", "expected"), [
    (RuleState(breaching=False, recovered=True), Decision.NOTHING),
    (RuleState(breaching=True, recovered=False), Decision.FIRE),
    # for_s damps flapping: a breach must last before it fires
    (RuleState(breaching=True, recovered=False, for_s=60), Decision.PEND),
    (RuleState(breaching=True, recovered=False, for_s=60, pending_since=AGO[10]),
     Decision.NOTHING),
    (RuleState(breaching=True, recovered=False, for_s=60, pending_since=AGO[60]),
     Decision.FIRE),
    (RuleState(breaching=False, recovered=True, for_s=60, pending_since=AGO[10]),
     Decision.CLEAR),
    # silenced (maintenance, parent down): never fires, but remembers the breach
    (RuleState(breaching=True, recovered=False, silenced=True), Decision.PEND),
    (RuleState(breaching=True, recovered=False, silenced=True, pending_since=AGO[4000]),
     Decision.NOTHING),
    # open alerts: resolve only when recovered (the recovery threshold), never duplicate
    (RuleState(breaching=True, recovered=False, open_state="firing",
               last_notified_at=AGO[10], repeat_s=3600), Decision.NOTHING),
    (RuleState(breaching=False, recovered=False, open_state="firing"), Decision.NOTHING),
    (RuleState(breaching=False, recovered=True, open_state="firing"), Decision.RESOLVE),
    (RuleState(breaching=False, recovered=True, open_state="acknowledged"),
     Decision.RESOLVE),
    # reminders at a capped rate, not when acknowledged, silenced or disabled
    (RuleState(breaching=True, recovered=False, open_state="firing",
               last_notified_at=AGO[4000], repeat_s=3600), Decision.REMIND),
    (RuleState(breaching=True, recovered=False, open_state="acknowledged",
               last_notified_at=AGO[4000], repeat_s=3600), Decision.NOTHING),
    (RuleState(breaching=True, recovered=False, open_state="firing", silenced=True,
               last_notified_at=AGO[4000], repeat_s=3600), Decision.NOTHING),
    (RuleState(breaching=True, recovered=False, open_state="firing",
               last_notified_at=AGO[4000], repeat_s=0), Decision.NOTHING),
])
def test_it_decides_what_a_rule_does(state, expected):
    assert decide(state, NOW) is expected
