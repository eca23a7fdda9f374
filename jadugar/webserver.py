"""The production web server: gunicorn, one process, gthread workers.

Flask-SocketIO in threading mode with simple-websocket serves real WebSockets under gthread;
each open socket holds a thread, so `threads` must exceed the expected sockets plus headroom.
Several processes need a load balancer with sticky sessions (see README, Deployment).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from jadugar import config


class _Gunicorn(BaseApplication):
    def __init__(self, cfg: config.Config, threads: int) -> None:
        self.cfg_jadugar = cfg
        self.threads = threads
        super().__init__()

    def load_config(self) -> None:
        settings: dict[str, Any] = {
            "bind": f"{self.cfg_jadugar.host}:{self.cfg_jadugar.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": self.threads,
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": self.cfg_jadugar.log_level.lower(),
            "proc_name": "jadugar-web",
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        import app

        return app.create_app(self.cfg_jadugar).server


def serve(cfg: config.Config, threads: int = 64) -> None:
    _Gunicorn(cfg, threads).run()
