"""The production web server: gunicorn with one worker process.

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
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from jadugar import config
from jadugar.web import selfmetrics

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
    def __init__(self, cfg: config.Config, worker: str, threads: int, connections: int) -> None:
        self.cfg_jadugar = cfg
        self.worker, self.threads, self.connections = worker, threads, connections
        super().__init__()

    def load_config(self) -> None:
        settings: dict[str, Any] = {
            "bind": f"{self.cfg_jadugar.host}:{self.cfg_jadugar.port}",
            "workers": 1,
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

        return app.create_app(self.cfg_jadugar).server


def serve(cfg: config.Config, worker: str = "gevent", threads: int = 64,
          connections: int = 2000) -> None:
    _Gunicorn(cfg, worker, threads, connections).run()
