"""`jadugar up`: database, migrations, first admin, then web and collector as two
supervised child processes. Ctrl-C or SIGTERM stops both; a crashed child is restarted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import click

from jadugar import config, db, migrations
from jadugar.cli_support import load_demo
from jadugar.services import users

RESTART_BACKOFF_S = 3.0


def _first_admin() -> tuple[str, str] | None:
    with db.transaction() as conn:
        return users.create_first_admin(conn)


def _wait_ready(url: str, proc: subprocess.Popen, sup: Supervisor,
                timeout_s: float = 60) -> bool:
    """Has the web server answered? Gives up when it exits, when time runs out, or when
    Ctrl-C/SIGTERM asked everything to stop meanwhile."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None and not sup.stopping:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Supervisor:
    def __init__(self, commands: dict[str, list[str]], env: dict[str, str]) -> None:
        self.commands, self.env = commands, env
        self.procs: dict[str, subprocess.Popen] = {}
        self.started: dict[str, float] = {}
        self.stopping = False

    def start(self, name: str) -> subprocess.Popen:
        self.procs[name] = subprocess.Popen(self.commands[name], env=self.env,
                                            start_new_session=True)
        self.started[name] = time.monotonic()
        return self.procs[name]

    def watch(self) -> None:
        while not self.stopping:
            for name, proc in list(self.procs.items()):
                code = proc.poll()
                if code is not None and not self.stopping:
                    wait = RESTART_BACKOFF_S - (time.monotonic() - self.started[name])
                    click.echo(f"{name} exited with {code}; restarting", err=True)
                    time.sleep(max(0.0, wait))
                    self.start(name)
            time.sleep(0.3)

    def stop(self, *_args: object) -> None:
        self.stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def run_all(cfg: config.Config, demo: bool = False) -> int:
    """1. refuse a taken port at once, 2. database and migrations, 3. demo data,
    4. web and collector, 5. the first admin once the web answers, 6. supervise."""
    if not port_free(cfg.host, cfg.port):
        click.echo(f"{cfg.host}:{cfg.port} is already in use; pick another with --port.",
                   err=True)
        return 1
    url = db.database_url(cfg)  # starts the embedded server; this process holds it open
    migrations.upgrade(db.engine())
    if demo:
        click.echo("demo data loaded" if load_demo(cfg) else "demo data already present")
    env = dict(os.environ, JADUGAR_DATABASE_URL=url.replace("postgresql+psycopg", "postgresql"),
               JADUGAR_HOST=cfg.host, JADUGAR_PORT=str(cfg.port),
               JADUGAR_DATA_DIR=str(cfg.data_path))
    me = [sys.executable, "-m", "jadugar.cli"]
    # One worker: `up` is the all-in-one for a laptop or a small team, and starts faster.
    sup = Supervisor({"web": me + ["serve", "--no-migrate", "--workers", "1"],
                      "collector": me + ["collect"]}, env)
    signal.signal(signal.SIGTERM, sup.stop)
    signal.signal(signal.SIGINT, sup.stop)
    web = sup.start("web")
    sup.start("collector")
    base = f"http://{cfg.host}:{cfg.port}"
    if not _wait_ready(base, web, sup):
        if sup.stopping:  # Ctrl-C during start-up is a normal stop, not a failure
            click.echo("stopped")
            return 0
        # Usually the port is taken: say so plainly instead of restarting forever.
        sup.stop()
        click.echo(f"\nThe web server did not start on {cfg.host}:{cfg.port}; its output is "
                   "above.", err=True)
        return 1
    admin = _first_admin()  # only now: a password printed for a server that failed is lost
    click.echo(f"\nJadugar is running at {base}")
    if admin:
        click.echo(f"  user: {admin[0]}\n  password: {admin[1]}\n"
                   "  (shown once; keep it, or set another with `jadugar user password admin`)")
    click.echo("Press Ctrl-C to stop.\n")
    sup.watch()
    click.echo("stopped")
    return 0
