"""heartbeat: a job pings Jadugar (/api/v1/heartbeat/{token}); nothing is probed. A check
misses its heartbeat when no ping came within interval_s + grace_s, or, with a cron
`schedule` (read in `tz`), within grace_s of each time the schedule says the job runs."""

from __future__ import annotations

from . import form
from .cron import DEFAULT_TZ, schedule_problem, zone
from .kind import CheckType, Form, FormField
from .schema import Schema, Setting, fail


def _schedule(field: str, value: str) -> None:
    if problem := schedule_problem(value):
        fail(field, problem)


def _tz(field: str, value: str) -> None:
    try:
        zone(value)
    except ValueError as exc:
        fail(field, f"names an {exc}")


def _tz_needs_schedule(options: dict, prefix: str) -> None:
    if "tz" in options and "schedule" not in options:
        fail(f"{prefix}.tz", f"is read with {prefix}.schedule, which is not set")


OPTIONS = Schema({
    "schedule": Setting("When the job runs, as a cron expression (minute hour day month "
                        "weekday); a ping is expected within grace_s of each time. Without "
                        "it, one is expected every interval_s.", example="0 3 * * *",
                        check=_schedule),
    "tz": Setting("The IANA time zone the schedule is read in (daylight saving included).",
                  default=DEFAULT_TZ, example="Europe/Berlin", check=_tz),
}, rules=_tz_needs_schedule)

HEARTBEAT = CheckType(
    name="heartbeat", help="A job pings Jadugar at least every interval_s (+ grace_s), or on "
                           "its cron schedule.",
    target=None, options=OPTIONS,
    form=Form(fields=(
        FormField("grace_s", "Grace (s) after a missed ping", "grace_s", "number",
                  placeholder="60", read=form.whole),
        FormField("schedule", "Cron schedule (optional)", "options.schedule",
                  placeholder="0 3 * * *", read=form.stripped),
        FormField("tz", "Time zone", "options.tz", placeholder="UTC", read=form.stripped),
    )),
)
