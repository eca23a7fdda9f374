"""The delivery (DORA) tiles of /builds/<slug> with 100,000 builds (5,000 deploys) in one
project: delivery.with_rows (the range and the range before, and the counted deploys
behind the tiles), for several ranges. Seeds like bench/project_page.py.

    python -m bench.dora_tiles [--builds 100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine

from bench.project_page import engine_url, seed
from jadugar import migrations
from jadugar.services import delivery


def tiles(engine, pid: int, days: int) -> tuple[float, int]:
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    t0 = time.perf_counter()
    with engine.connect() as conn:
        _tiles, rows = delivery.with_rows(conn, "big", since, until)
    return time.perf_counter() - t0, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--builds", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    engine = create_engine(engine_url())
    migrations.upgrade(engine)
    pid = seed(engine, args.builds)
    print("| range | production deploys | tiles + table median (max) |")
    print("|---|---|---|")
    for days in (7, 30, 90, 365):
        tiles(engine, pid, days)
        runs = [tiles(engine, pid, days) for _ in range(args.runs)]
        times = [r[0] * 1000 for r in runs]
        print(f"| {days} d | {runs[0][1]:,} | {statistics.median(times):.0f} ms "
              f"({max(times):.0f} ms) |")


if __name__ == "__main__":
    main()
