"""The collector's periodic jobs, run by `schedule` in a thread of their own:
status report, notification sending, overdue heartbeats, window-based alert rules, deploy
impact (an hour after each production deploy), and the data lifecycle (rollups, partitions
ahead, retention).

Every job catches its own failures: the database being away, or a bug in one job, must not
stop the others or the probe engine."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

import schedule
from sqlalchemy import Connection, text

from jadugar import config, db
from jadugar.services import (
    collector_health,
    collector_status,
    deploy_impact,
    heartbeat,
    notifications,
    partitions,
    rollups,
)
from jadugar.timeutil import utcnow

from .alerting import evaluate_rules
from .alerting.facts import KIND_FACTS, PER_BATCH
from .scheduler import add_location_schedules
from .spool import Spool
from .stats import Stats

log = logging.getLogger(__name__)
PERIODIC_KINDS = tuple(k for k in KIND_FACTS if k not in PER_BATCH)


def guarded(job: Callable[..., object]) -> Callable[..., None]:
    @functools.wraps(job)
    def run(*args: object) -> None:
        try:
            job(*args)
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("job %s failed: %s", job.__name__, first,
                        exc_info=log.isEnabledFor(logging.DEBUG))
    return run


def report_status(name: str, location: str, stats: Stats, spool: Spool) -> None:
    with db.transaction() as conn:
        collector_status.report(conn, name, location, spool_size=spool.size,
                                **stats.snapshot())
        add_location_schedules(conn, location)
        impaired = collector_health.judge(conn, name)
    if impaired != stats.impaired:
        log.warning("collector %s is %s", name,
                    "impaired: nearly every target fails here while peers see them up; "
                    "leaving unpinned checks and notifications to healthy collectors"
                    if impaired else "no longer impaired")
    stats.impaired = impaired


def report_started(name: str, location: str) -> None:
    """Mark the collector (re)started: until it has run each check once, the dashboard says
    the applications are warming up rather than showing statuses from before."""
    with db.transaction() as conn:
        collector_status.report(conn, name, location, started=True)


def send_notifications(stats: Stats) -> None:
    # Notifications go out from a collector that has network: an impaired one leaves them.
    if stats.impaired:
        return
    while notifications.send_pending(db.transaction) > 0:
        pass


def check_heartbeats(name: str) -> None:
    with db.transaction() as conn:
        overdue = heartbeat.mark_overdue(conn, name)
    if overdue:
        with db.transaction() as conn:
            evaluate_rules(conn, PER_BATCH, overdue)


def evaluate_periodic_rules() -> None:
    """Window-based rules; one collector at a time does this (an advisory lock)."""
    with db.transaction() as conn:
        if conn.execute(text("select pg_try_advisory_xact_lock(hashtext('jadugar-alerts'))")
                        ).scalar():
            evaluate_rules(conn, PERIODIC_KINDS)


def settle_deploy_impacts() -> None:
    """Production deploys whose hour after is over: measure their impact on linked
    applications and judge deploy_regression rules; one collector at a time."""
    with db.transaction() as conn:
        if _try_lock(conn, "jadugar-deploy-impact"):
            deploy_impact.settle(conn, utcnow())


def keep_data(max_steps: int = 50) -> None:
    """Rollups, then partitions ahead and retention; one collector at a time. Each step is
    its own short transaction, so partition DDL never waits behind a long rollup."""
    for _ in range(max_steps):
        with db.transaction() as conn:
            if not _try_lock(conn, "jadugar-rollups") or not rollups.run(conn, utcnow()):
                break
    with db.transaction() as conn:
        if _try_lock(conn, "jadugar-rollups"):
            partitions.ensure(conn, utcnow())
            partitions.apply_retention(conn, utcnow(), rollups.retention_days(config.get()),
                                       rollups.keep_after(rollups.watermarks(conn)))


def _try_lock(conn: Connection, name: str) -> bool:
    return bool(conn.execute(text("select pg_try_advisory_xact_lock(hashtext(:n))"),
                             {"n": name}).scalar())


def build(name: str, location: str, stats: Stats, spool: Spool,
          report_every_s: int = collector_status.REPORT_EVERY_S) -> schedule.Scheduler:
    jobs = schedule.Scheduler()
    jobs.every(report_every_s).seconds.do(guarded(report_status), name, location, stats,
                                          spool)
    jobs.every(2).seconds.do(guarded(send_notifications), stats)
    jobs.every(2).seconds.do(guarded(check_heartbeats), name)
    jobs.every(5).seconds.do(guarded(evaluate_periodic_rules))
    jobs.every(60).seconds.do(guarded(keep_data))
    jobs.every(60).seconds.do(guarded(settle_deploy_impacts))
    return jobs


def run_in_thread(jobs: schedule.Scheduler, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        jobs.run_all()
        while not stop.is_set():
            jobs.run_pending()
            stop.wait(0.2)

    thread = threading.Thread(target=loop, name="collector-jobs", daemon=True)
    thread.start()
    return thread
