"""What every benchmark reports to `python -m bench all`: rows of the summary table.

A benchmark prints its own detailed Markdown as before, and at the end calls `emit(rows)`.
When the runner started it, BENCH_JSON names a file to write the rows to; the runner then
puts every row in the summary table of docs/benchmarks.md. A row holds the figure, what it
was measured against in the same run (a limit or a peer), the target, and whether it met it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Row:
    what: str
    figure: str
    against: str
    target: str
    met: bool | None = None  # None: no target to meet (a figure for the record)


def emit(rows: list[Row]) -> None:
    path = os.environ.get("BENCH_JSON")
    if path:
        with open(path, "w") as f:
            json.dump([asdict(r) for r in rows], f)
    print("\n| what | figure | against, in the same run | target | met |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.what} | {r.figure} | {r.against} | {r.target} | {verdict(r.met)} |")


def verdict(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "–"}[met]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


@dataclass
class BenchDatabase:
    """A bench's PostgreSQL: JADUGAR_DATABASE_URL when set, else an embedded one in `tmp`
    (then `server` holds it; `server.cleanup()` stops it). Migrated to head."""

    tmp: Path
    url: str  # SQLAlchemy form
    plain_url: str  # for child processes (jadugar serve) and psycopg
    server: Any


def bench_database(prefix: str) -> BenchDatabase:
    from jadugar import db, migrations

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(tmp, 0o755)
    (tmp / "run").mkdir(mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(tmp / "run"))
    server = None
    if os.environ.get("JADUGAR_DATABASE_URL"):
        url = db.sqlalchemy_url(os.environ["JADUGAR_DATABASE_URL"])
    else:
        import pgserver

        server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
        url = db.sqlalchemy_url(server.get_uri())
    engine = db.make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    return BenchDatabase(tmp, url, url.replace("+psycopg", ""), server)
