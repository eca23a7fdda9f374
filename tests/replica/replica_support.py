"""A real streaming replica for tests: a primary started by the embedded PostgreSQL
(pgserver), and a hot standby copied from it with `pg_basebackup -R` from the same
binaries, started on a socket of its own.

As root, pgserver runs PostgreSQL as its own system user `pgserver` (initdb and pg_ctl
refuse root); the standby's commands run as that user too, the same way pgserver does it
(`subprocess.run(..., user=...)`), and its folders belong to that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pgserver
from sqlalchemy import Engine, create_engine, text

from jadugar import db

BIN = Path(pgserver.__file__).resolve().parent / "pginstall" / "bin"
SLOT = "jadugar_test_replica"


def _system_user() -> str | None:
    """Who runs PostgreSQL: pgserver's user when we are root, else ourselves."""
    return "pgserver" if os.geteuid() == 0 else None


def _own(path: Path) -> None:
    user = _system_user()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def run_pg(program: str, *args: str, timeout_s: float = 60) -> str:
    """Run one of the embedded server's programs as the user that owns its data."""
    user = _system_user()
    out = subprocess.run([str(BIN / program), *args], capture_output=True, text=True,
                         timeout=timeout_s, check=False, **({"user": user} if user else {}))
    if out.returncode != 0:
        raise RuntimeError(f"{program} {' '.join(args)} failed ({out.returncode}):\n"
                           f"{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout


class Primary:
    """The embedded PostgreSQL in `folder`, set up to stream its WAL to a standby."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.server: Any = pgserver.get_server(folder / "pg", cleanup_mode="delete")
        self.pgdata = folder / "pg"
        self.url = db.sqlalchemy_url(self.server.get_uri())
        self.socket_dir = Path(self.server.get_postmaster_info().socket_dir)
        self._allow_replication()

    def engine(self, database: str = "postgres", **kw: Any) -> Engine:
        from sqlalchemy.engine import make_url

        return create_engine(make_url(self.url).set(database=database), **kw)

    def _allow_replication(self) -> None:
        """PostgreSQL 16's defaults already stream (wal_level replica, 10 WAL senders, and
        initdb's pg_hba trusts local replication); say so, and fix a server that differs."""
        hba = self.pgdata / "pg_hba.conf"
        if not any(line.split()[:2] == ["local", "replication"]
                   for line in hba.read_text().splitlines()):
            with hba.open("a") as f:
                f.write("local   replication   all   trust\n")
        admin = self.engine(isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            wal_level = c.execute(text("show wal_level")).scalar_one()
            senders = int(c.execute(text("show max_wal_senders")).scalar_one())
            c.execute(text("select pg_reload_conf()"))
            if wal_level == "minimal" or senders < 2:
                c.execute(text("alter system set wal_level = 'replica'"))
                c.execute(text("alter system set max_wal_senders = 10"))
                restart = True
            else:
                restart = False
        admin.dispose()
        if restart:  # pg_ctl restart keeps the options pgserver started it with
            run_pg("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "restart")

    def stop(self) -> None:
        self.server.cleanup()


class Standby:
    """A hot standby of `primary`: `pg_basebackup -R` into `folder`, started on a unix
    socket in a short folder of its own (socket paths are limited to ~100 bytes)."""

    def __init__(self, primary: Primary, folder: Path, port: int = 5433) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
        _own(folder)
        self.pgdata, self.port = folder / "pg", port
        self.socket_dir = Path(tempfile.mkdtemp(prefix="jadugar-standby-"))
        self.socket_dir.chmod(0o755)
        _own(self.socket_dir)
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL made
        # during the copy; the slot keeps the primary's WAL until the standby has it.
        run_pg("pg_basebackup", "-D", str(self.pgdata), "-R", "-X", "stream",
               "-C", "-S", SLOT, "-h", str(primary.socket_dir), "-U", "postgres",
               "--checkpoint=fast")
        run_pg("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60",
               "-l", str(self.pgdata / "log"),
               "-o", f"-h '' -k {self.socket_dir} -p {port} -c hot_standby=on", "start")
        self.url = f"postgresql+psycopg://postgres:@/postgres?host={self.socket_dir}&port={port}"

    def database_url(self, database: str) -> str:
        return self.url.replace("/postgres?", f"/{database}?", 1)

    def stop(self) -> None:
        try:
            run_pg("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


def wait_until(condition: Any, timeout_s: float = 30, every_s: float = 0.1,
               what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s}s")
        time.sleep(every_s)
