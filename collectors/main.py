"""The collector's main loop: register, then run periodic jobs until SIGTERM.

(Foundation: it registers and reports that it is alive; running checks arrives with the
collector issue.)
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

import schedule
from sqlalchemy import text

from jadugar import __version__, config, db

log = logging.getLogger(__name__)


def collector_name(cfg: config.Config) -> str:
    return cfg.collector_name or f"{socket.gethostname()}-{os.getpid()}"


def heartbeat(name: str, location: str) -> None:
    try:
        with db.transaction() as conn:
            conn.execute(text("""
                insert into collectors (name, location, hostname, pid, version)
                values (:name, :location, :host, :pid, :version)
                on conflict (name) do update set last_seen_at = now(),
                    location = excluded.location, pid = excluded.pid
            """), {"name": name, "location": location, "host": socket.gethostname(),
                   "pid": os.getpid(), "version": __version__})
    except Exception as exc:  # the database being away must not stop the collector
        log.warning("heartbeat failed: %s", str(exc).splitlines()[0])


def run(cfg: config.Config) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    name = collector_name(cfg)
    jobs = schedule.Scheduler()
    jobs.every(10).seconds.do(heartbeat, name, cfg.collector_location)
    heartbeat(name, cfg.collector_location)
    log.info("collector %s (%s) started", name, cfg.collector_location)
    while not stop.is_set():
        jobs.run_pending()
        stop.wait(0.5)
    log.info("collector %s stopped", name)
    return 0
