"""The production web server: gunicorn with N worker processes (default one per core).

The default worker is gevent: each open WebSocket is a greenlet parked on its socket, not a
thread, so idle live-update sockets cost a little memory each instead of one of a fixed
number of threads (64 idle sockets used to stop /healthz and /login; see
docs/benchmarks.md, "Idle sockets"). Flask-SocketIO follows the process: gevent when patched
(jadugar.web.realtime.async_mode), threading otherwise, as under `python app.py`.

gevent must patch the standard library before psycopg, SQLAlchemy or Flask are imported:
psycopg chooses at import between a C wait function that would block every greenlet and a
cooperative one. `jadugar serve` therefore patches before anything else (even gunicorn, which
imports ssl); `load()` refuses to start a worker where that went wrong. Only the web process
is patched; the collector is a separate, unpatched process with its own asyncio loop.

`--worker gthread` keeps the previous model (one thread per socket) for comparison.

Several workers need no sticky sessions: browsers open their socket on the WebSocket transport
only (jadugar.ui.live), so a whole Socket.IO session lives on the one connection the kernel
handed to one worker. Each worker builds its own app after the fork (no `--preload`: the app
starts the event listener and the socket sweep, which must run in the worker, never in the
master), LISTENs for its own events and emits to its own sockets. What stays per process is
listed in the README ("Serving Socket.IO in production"): socket caps and, with the default
`memory://` storage, rate-limit counters.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from jadugar import config
from jadugar.web import selfmetrics

log = logging.getLogger(__name__)
WORKERS = ("gevent", "gthread")


def _check_cooperative_database_driver() -> None:
    import psycopg.waiting

    if psycopg.waiting.wait.__name__ == "wait_c":
        raise RuntimeError("psycopg was imported before gevent patched the standard library; "
                           "every query would block all sockets")


def _post_fork(_server: Any, _worker: Any) -> None:
    # Pooled connections opened in the master (migrations) must not be shared with the
    # worker; drop them without closing the master's sockets.
    from jadugar import db

    db.engine().dispose(close=False)


class _Gunicorn(BaseApplication):
    def __init__(self, cfg: config.Config, worker: str, threads: int, connections: int,
                 workers: int) -> None:
        self.cfg_jadugar = cfg
        self.worker, self.threads, self.connections = worker, threads, connections
        self.workers = workers
        super().__init__()

    def load_config(self) -> None:
        settings: dict[str, Any] = {
            "bind": f"{self.cfg_jadugar.host}:{self.cfg_jadugar.port}",
            "workers": self.workers,
            "worker_class": self.worker,
            "threads": self.threads,
            "worker_connections": self.connections,
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": self.cfg_jadugar.log_level.lower(),
            "proc_name": "jadugar-web",
            "post_fork": _post_fork,
            **selfmetrics.GUNICORN_HOOKS,  # /metrics adds up every worker's numbers
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        if self.worker == "gevent":
            _check_cooperative_database_driver()
        import app
        from jadugar.services import cache

        server = app.create_app(self.cfg_jadugar).server
        # Only here, where the event listener runs that clears it (services/cache.py).
        cache.enable(self.cfg_jadugar.aggregate_cache_s)
        # The app's modules (Dash, plotly, pandas) are hundreds of thousands of objects that
        # live as long as the worker: keep them out of every full garbage collection, which
        # otherwise pauses all sockets and requests of the worker at once.
        gc.freeze()
        return server


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def raise_open_files() -> int:
    """Take the hard limit on open files as the soft one (workers inherit it): every socket
    is a file, and a soft limit of 1,024 would refuse sockets long before --connections."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def serve(cfg: config.Config, worker: str = "gevent", threads: int = 64,
          connections: int = 5000, workers: int | None = None) -> None:
    workers = workers or default_workers()
    files = raise_open_files()
    if worker == "gevent" and files < connections + 100:
        log.warning("at most %d open files per process: fewer than --connections %d; raise "
                    "the limit (systemd: LimitNOFILE=)", files, connections)
    if workers > 1 and cfg.rate_limit_storage.startswith("memory://"):
        log.warning("%d web workers count rate limits each on their own (memory://): up to %d "
                    "times JADUGAR_LOGIN_RATE_LIMIT and JADUGAR_API_RATE_LIMIT get through; "
                    "set JADUGAR_RATE_LIMIT_STORAGE to a shared store for exact limits",
                    workers, workers)
    _Gunicorn(cfg, worker, threads, connections, workers).run()
