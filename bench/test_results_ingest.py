"""JUnit ingest through the API, and the Tests tab's query over a year of a 5,000-test suite.

    python -m bench.test_results_ingest [--builds 24] [--tests 5000] [--shards 2]
                                        [--builds-per-day 4] [--quick]

1. PostgreSQL: JADUGAR_DATABASE_URL when set, else an embedded one in a temp folder.
2. Ingest: the real web server (`jadugar serve`) on a loopback port; --clients processes
   each post whole builds: a build is created (POST /projects/{slug}/builds), then its
   --tests results as --shards JUnit reports (POST /builds/{id}/tests, 2% failures, failure
   messages included). Reports are built before the clock starts. Results per minute.
3. A year: --builds-per-day builds a day for 365 days of the same suite, written by SQL
   (generate_series) into daily partitions, with re-runs of some commits and a few flaky
   tests. Then GET /projects/{slug}/tests through the server: the default 30 days with
   each sort, and the whole year, each timed (best of 3).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402
from support_processes import free_port, start_process, stop_process, wait_http  # noqa: E402

from bench.suite import Row, bench_database, emit, ms  # noqa: E402
from jadugar import auth, db  # noqa: E402
from jadugar.services import partitions  # noqa: E402

INGEST_SLUG, YEAR_SLUG = "bench-junit", "bench-year"
TARGET_PER_MIN = 100_000
TAB_TARGET_S = 2.0


def junit_report(tests: range, build_no: int) -> bytes:
    """One shard: every test of `tests`, 2% of them failing (which ones changes per build)."""
    rnd = random.Random(build_no)
    cases = []
    for t in tests:
        seconds = f"{0.001 + (t % 97) / 1000:.3f}"
        if rnd.random() < 0.02:
            cases.append(f'<testcase classname="pkg.mod{t // 50}" name="test_{t}" '
                         f'time="{seconds}"><failure message="assert {t} == {t + 1}">'
                         f"Traceback: pkg/mod{t // 50}.py:{t % 300}: AssertionError"
                         "</failure></testcase>")
        else:
            cases.append(f'<testcase classname="pkg.mod{t // 50}" name="test_{t}" '
                         f'time="{seconds}"/>')
    return (f'<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="shard" '
            f'tests="{len(tests)}">{"".join(cases)}</testsuite></testsuites>').encode()


def post_builds(base: str, token: str, work: list[list[bytes]], go: Any, out: Any) -> None:
    """Each item of `work` is one build: its shards."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    auth_h = {"Authorization": f"Bearer {token}"}
    go.wait()
    started, errors, results = time.monotonic(), [], 0
    for shards in work:
        conn.request("POST", f"/api/v1/projects/{INGEST_SLUG}/builds",
                     body=json.dumps({"status": "success", "branch": "main"}),
                     headers={**auth_h, "Content-Type": "application/json"})
        r = conn.getresponse()
        build_id = json.loads(r.read())["id"]
        for body in shards:
            conn.request("POST", f"/api/v1/builds/{build_id}/tests", body=body,
                         headers={**auth_h, "Content-Type": "application/xml"})
            r = conn.getresponse()
            answer = r.read()
            if r.status != 201:
                errors.append(f"{r.status} {answer[:200]!r}")
            else:
                results += json.loads(answer)["tests"]
    out.put((started, time.monotonic(), errors, results))


def ingest_phase(base: str, token: str, args: argparse.Namespace) -> tuple[float, int, list]:
    per_shard = -(-args.tests // args.shards)
    shards = [range(s * per_shard, min(args.tests, (s + 1) * per_shard))
              for s in range(args.shards)]
    work: list[list[list[bytes]]] = [[] for _ in range(args.clients)]
    for b in range(args.builds):
        work[b % args.clients].append([junit_report(s, b) for s in shards])
    ctx = mp.get_context("fork")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=post_builds, args=(base, token, w, go, out)) for w in work]
    for p in procs:
        p.start()
    time.sleep(0.5)
    go.set()
    got = [out.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = max(g[1] for g in got) - min(g[0] for g in got)
    return seconds, sum(g[3] for g in got), [e for g in got for e in g[2]]


YEAR_SQL = """
insert into tests (project_id, suite, name)
select :p, 'pkg.mod' || (t / 50), 'test_' || t from generate_series(0, :tests - 1) t;

insert into builds (project_id, kind, status, source, branch, commit_sha, created_at)
select :p, 'build', 'success', 'api', case when n % 5 = 0 then 'feature' else 'main' end,
       -- every tenth build re-runs the commit before it
       'sha' || (n - case when n % 10 = 9 then 1 else 0 end),
       :start + n * (interval '1 day' / :per_day)
  from generate_series(0, :builds - 1) n;
"""
# Per build: 1 in 1,000 results fail at random; tests 0-19 are flaky (fail 1 run in 8);
# test 42 always fails; durations drift up over the year for tests 100-199.
RESULTS_SQL = """
insert into test_results (ts, build_id, test_id, status, duration_s, message)
select b.created_at, b.id, t.id, s.status,
       (0.001 + (t.n % 97) / 1000.0) * (1 + case when t.n between 100 and 199
            then extract(epoch from b.created_at - :start) / 31536000 else 0 end),
       case when s.status = 'failed' then 'AssertionError at line ' || t.n end
  from (select id, created_at from builds where project_id = :p
         and created_at >= :lo and created_at < :hi) b
 cross join (select id, cast(substr(name, 6) as int) as n from tests where project_id = :p) t
 cross join lateral (select case
        when t.n = 42 then 'failed'
        when t.n < 20 and hashint4(b.id::int * 31 + t.n) % 8 = 0 then 'failed'
        when hashint4(b.id::int * 7919 + t.n) % 1000 = 0 then 'failed'
        else 'passed' end as status) s
"""


def year_of_results(url: str, args: argparse.Namespace, per_day: float,
                    now: datetime) -> tuple[int, float]:
    engine = db.make_engine(url)
    start = (now - timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    builds = int(365 * per_day)
    began = time.monotonic()
    with engine.begin() as c:
        pid = c.execute(text("insert into projects (slug, name, default_branch) "
                             "values (:s, 'Bench year', 'main') returning id"),
                        {"s": YEAR_SLUG}).scalar_one()
        for day in range(0, 367, 7):  # partitions for every day of the year
            partitions.ensure(c, start + timedelta(days=day), days_ahead=7,
                              tables=["test_results"])
        for stmt in YEAR_SQL.split(";\n"):
            if stmt.strip():
                c.execute(text(stmt), {"p": pid, "tests": args.tests, "start": start,
                                       "per_day": per_day, "builds": builds})
    rows = 0
    for month in range(13):  # a month a transaction: progress, and no huge single insert
        lo, hi = start + timedelta(days=30 * month), start + timedelta(days=30 * (month + 1))
        with engine.begin() as c:
            rows += c.execute(text(RESULTS_SQL), {"p": pid, "start": start, "lo": lo,
                                                  "hi": hi}).rowcount
    with engine.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text("analyze test_results"))
    engine.dispose()
    return rows, time.monotonic() - began


def timed_get(base: str, token: str, path: str, tries: int = 3) -> tuple[float, dict]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    best, body = float("inf"), {}
    for _ in range(tries):
        t0 = time.monotonic()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        raw = r.read()
        best = min(best, time.monotonic() - t0)
        if r.status != 200:
            raise SystemExit(f"GET {path}: {r.status} {raw[:300]!r}")
        body = json.loads(raw)
    return best, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--builds", type=int, default=24, help="builds posted (ingest)")
    parser.add_argument("--tests", type=int, default=5000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--builds-per-day", type=int, default=4)
    parser.add_argument("--quick", action="store_true",
                        help="4 builds posted; a year at one build every 4 days")
    args = parser.parse_args()
    if args.quick:
        args.builds = 4
    per_day = 0.25 if args.quick else args.builds_per_day

    base = bench_database("jadugar-bench-junit-")
    tmp, url, plain_url, server = base.tmp, base.url, base.plain_url, base.server
    engine = db.make_engine(url)
    with engine.begin() as c:
        for slug in (INGEST_SLUG, YEAR_SLUG):  # a second run starts clean
            c.execute(text("delete from projects where slug = :s"), {"s": slug})
        c.execute(text("insert into projects (slug, name, default_branch) "
                       "values (:s, 'Bench JUnit', 'main')"), {"s": INGEST_SLUG})
        token = auth.create_token(c, "bench-junit", "ingest")[1]
        reader = auth.create_token(c, "bench-junit-read", "read")[1]
    engine.dispose()

    port = free_port()
    env = dict(os.environ, JADUGAR_DATABASE_URL=plain_url, JADUGAR_DATA_DIR=str(tmp / "app"),
               JADUGAR_LOG_LEVEL="ERROR", JADUGAR_SECRET_KEY="bench-junit",
               JADUGAR_API_RATE_LIMIT="1000000 per minute")
    log = tmp / "serve.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port)], env, log)
    base = f"http://127.0.0.1:{port}"
    rows: list[Row] = []
    try:
        wait_http(base + "/readyz", proc, log, timeout_s=300)
        print(f"test results: {args.clients} clients post {args.builds} builds of "
              f"{args.tests} tests in {args.shards} reports; cores {os.cpu_count()}")
        seconds, results, errors = ingest_phase(base, token, args)
        per_min = results / seconds * 60
        print(f"  ingest: {results} results in {seconds:.2f} s = {per_min:,.0f}/min"
              f"{'; errors: ' + errors[0] if errors else ''}")
        rows.append(Row("JUnit ingest through the API (results per minute)",
                        f"{per_min:,.0f}/min ({results:,} results, {args.shards} reports a "
                        f"build of {args.tests:,})", f"{len(errors)} errors",
                        f"≥ {TARGET_PER_MIN:,}/min", per_min >= TARGET_PER_MIN and not errors))

        now = datetime.now(UTC)
        year_rows, took = year_of_results(url, args, per_day, now)
        print(f"  a year: {year_rows:,} results ({per_day} builds/day x {args.tests} tests) "
              f"written by SQL in {took:.1f} s")
        sizes = f"{year_rows:,} results over 365 days, {args.tests:,} tests"
        for label, query in (("30 days, sort=flaky", "sort=flaky"),
                             ("30 days, sort=slowest", "sort=slowest"),
                             ("30 days, sort=slower", "sort=slower"),
                             ("30 days, sort=failing", "sort=failing"),
                             ("whole year, sort=flaky",
                              f"sort=flaky&since={(now - timedelta(days=365)).isoformat()}")):
            spent, body = timed_get(base, reader, f"/api/v1/projects/{YEAR_SLUG}/tests?"
                                    f"{query.replace('+', '%2B')}&limit=100")
            top = body["items"][0] if body["items"] else {}
            print(f"  tests tab {label}: {spent * 1000:.0f} ms; {body['total']} tests; first "
                  f"{top.get('name')} flaky_score {top.get('flaky_score')} "
                  f"trend {top.get('trend')}")
            target = TAB_TARGET_S if label.startswith("30") else None
            rows.append(Row(f"Tests tab query: {label}", ms(spent), sizes,
                            f"< {ms(TAB_TARGET_S)}" if target else "for the record",
                            spent < target if target else None))
    finally:
        stop_process(proc)
        if server is not None:
            server.cleanup()
    emit(rows)


if __name__ == "__main__":
    main()
