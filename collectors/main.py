"""`jadugar collect`: the probe engine on asyncio, periodic jobs on `schedule`, until SIGTERM.

SIGTERM (or Ctrl-C): stop claiming, let every claimed check finish, flush the results (to
the database or the spool), report once more, exit 0.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import threading

from jadugar import config
from jadugar.outbound import current_policy

from . import jobs
from .engine import Engine
from .probes import make_context
from .probes.base import open_session
from .spool import Spool
from .stats import Stats
from .store import Writer

log = logging.getLogger(__name__)
GC_YOUNG_THRESHOLD = 10_000  # Python's default is 700


def collector_name(cfg: config.Config) -> str:
    return cfg.collector_name or f"{socket.gethostname()}-{os.getpid()}"


def run(cfg: config.Config) -> int:
    name = collector_name(cfg)
    spool = Spool(cfg.data_path / "collector", name=f"spool-{_safe(name)}")
    stats = Stats()
    stop_jobs = threading.Event()
    jobs.guarded(jobs.report_started)(name, cfg.collector_location)
    schedule_ = jobs.build(name, cfg.collector_location, stats, spool)
    thread = jobs.run_in_thread(schedule_, stop_jobs)
    log.info("collector %s (%s) started, concurrency %s", name, cfg.collector_location,
             cfg.collector_concurrency)
    try:
        asyncio.run(_engine(cfg, name, spool, stats))
    finally:
        stop_jobs.set()
        thread.join(10)
        jobs.guarded(jobs.report_status)(name, cfg.collector_location, stats, spool)
    log.info("collector %s stopped after %s checks (spool: %s)", name, stats.total,
             spool.size)
    return 0


async def _engine(cfg: config.Config, name: str, spool: Spool, stats: Stats) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Guarded: every connection is checked against JADUGAR_CHECK_ALLOW/DENY_NETWORKS.
    policy = current_policy(cfg)
    session = open_session(policy, keepalive=cfg.collector_keepalive)
    writer = Writer(spool)
    # The cyclic garbage collector cost about a tenth of the collector's CPU at 1,000
    # checks/s. What exists now (modules, settings, the session) lives as long as the
    # process: frozen, full passes stop walking it. Each check allocates a few hundred
    # short-lived objects that reference counting frees anyway, so young passes are made
    # ten times rarer (each costs about the same: it walks what is alive, not what died).
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    async with await make_context(session, policy=policy) as ctx:
        engine = Engine(name, cfg.collector_location, cfg.collector_concurrency, ctx,
                        writer, stats)
        writing = asyncio.create_task(writer.run(stop))
        await engine.run(stop)
        await writing
        await writer.flush()
        if writer.rows:  # added while the last flush ran
            await writer.flush()
    await session.close()


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
