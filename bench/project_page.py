"""The data queries behind /builds/<slug> with 100,000 builds in one project.

Starts an embedded PostgreSQL in a temp dir (or uses JADUGAR_DATABASE_URL), writes one
project with N builds over a year (5 stages each) by COPY, then times what a page load
runs: the chart series, delivery tiles, milestones, the table page and the branch list,
for several time ranges. Reports server time (median and max of R runs), the JSON payload
of the figures the page draws, and the points in the largest chart.

    python bench/project_page.py [--builds 100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from jadugar import db, migrations  # noqa: E402
from jadugar.services import build_reads, build_series, delivery  # noqa: E402
from jadugar.ui import build_figures as figs  # noqa: E402

STATUSES = ["success"] * 85 + ["failed"] * 10 + ["cancelled"] * 3 + ["skipped"] * 2
BRANCHES = ["main"] * 5 + ["develop"] * 2 + [f"feature/f{n}" for n in range(20)]
STAGES = ["checkout", "build", "test", "lint", "package"]


def engine_url() -> str:
    if os.environ.get("JADUGAR_DATABASE_URL"):
        return db.sqlalchemy_url(os.environ["JADUGAR_DATABASE_URL"])
    return db.embedded_url(Path(tempfile.mkdtemp(prefix="jadugar-bench-")))


def seed(engine, n: int) -> int:
    """One project, n builds over 365 days, five stages each; all by binary COPY."""
    rng = random.Random(1)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        pid = conn.execute(text("insert into projects (slug, name) values ('big', 'Big') "
                                "returning id")).scalar_one()
        rows = []
        for i in range(n):
            created = now - timedelta(days=365) + timedelta(seconds=i * 365 * 86400 / n)
            started = created + timedelta(seconds=rng.uniform(5, 60))
            minutes = 8 * rng.lognormvariate(0, 0.35)
            kind = "deploy" if i % 20 == 0 else "build"
            # Deploys go to production (DORA counts those), one in ten to staging.
            env = ("staging" if i % 200 == 0 else "production") if kind == "deploy" else None
            rows.append((pid, f"b{i}", i, rng.choice(BRANCHES), rng.choice(STATUSES), kind,
                         env, f"{i:040x}", created, started,
                         started + timedelta(minutes=minutes),
                         created - timedelta(minutes=rng.uniform(1, 120))))
        db.copy_rows(conn, "builds", ["project_id", "external_id", "number", "branch",
                                      "status", "kind", "environment", "commit_sha",
                                      "created_at", "started_at", "finished_at", "commit_at"],
                     rows, ["int8", "text", "int4", "text", "text", "text", "text", "text",
                            "timestamptz", "timestamptz", "timestamptz", "timestamptz"])
        for pos, name in enumerate(STAGES):
            conn.execute(text("""
                insert into build_stages (build_id, external_id, name, status, position,
                                          started_at, finished_at)
                select id, :name, :name, status, :pos,
                       started_at + (finished_at - started_at) * :pos / 5.0,
                       started_at + (finished_at - started_at) * (:pos + 1) / 5.0
                  from builds where project_id = :pid"""), {"name": name, "pos": pos,
                                                            "pid": pid})
    # What autovacuum does after a bulk insert (PostgreSQL 13+ vacuums on inserts too): it
    # sets the visibility map, without which no index-only scan can skip the table.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("vacuum analyze builds, build_stages"))
    return pid


def page_load(engine, pid: int, days: int) -> tuple[float, int, int]:
    """What one load of the project page asks the database for, and the figures it draws.
    Returns (server seconds, payload bytes, most points in one chart)."""
    until = datetime.now(UTC)
    flt = build_reads.BuildFilter(since=until - timedelta(days=days), until=until)
    t0 = time.perf_counter()
    with engine.connect() as conn:
        data = build_series.project_charts(conn, pid, flt, "day")
        tiles = delivery.for_project(conn, "big", flt.since, flt.until)
        table, _total = build_reads.table_page(conn, pid, flt, 1)
        build_series.branches(conn, pid)
        build_series.milestone_progress(conn, pid)
    figures = [figs.duration_figure(data["durations"], data["trend"]),
               figs.success_rate_figure(data["success"]), figs.outcomes_figure(data["outcomes"]),
               figs.stage_figure(data["stages"], build_series.STAGE_SAMPLE)]
    payload = sum(len(f.to_json()) for f in figures)
    payload += len(json.dumps([tiles, data["branches"].to_dict("records")], default=str))
    payload += len(json.dumps(table, default=str))
    elapsed = time.perf_counter() - t0
    points = max(sum(len(t.x) for t in f.data if t.x is not None) for f in figures)
    return elapsed, payload, points


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--builds", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    engine = create_engine(engine_url())
    migrations.upgrade(engine)
    t0 = time.perf_counter()
    pid = seed(engine, args.builds)
    print(f"seeded {args.builds} builds + {5 * args.builds} stages in "
          f"{time.perf_counter() - t0:.1f} s\n")
    print("| range | builds in range | server time median (max) | payload | "
          "most points in a chart |")
    print("|---|---|---|---|---|")
    for days in (7, 30, 90, 365):
        page_load(engine, pid, days)  # warm the cache once, as a second visitor would
        runs = [page_load(engine, pid, days) for _ in range(args.runs)]
        times = [r[0] * 1000 for r in runs]
        in_range = round(args.builds * min(days, 365) / 365)
        print(f"| {days} d | ~{in_range:,} | {statistics.median(times):.0f} ms "
              f"({max(times):.0f} ms) | {runs[0][1] / 1024:.0f} kB | {runs[0][2]:,} |")


if __name__ == "__main__":
    main()
