"""Run every benchmark and rewrite the summary table of docs/benchmarks.md.

    python -m bench all            # every benchmark, full size (about 40 minutes, 2 cores)
    python -m bench all --quick    # smaller sizes, to see that each one runs
    python -m bench NAME [NAME…]   # some of them; their rows replace their old ones

Each benchmark runs in its own process with its own embedded PostgreSQL (or
JADUGAR_BENCH_DATABASE_URL where it supports it) and reports rows through bench.suite. What
a benchmark needs from the system (nginx and prometheus-blackbox-exporter for the collector,
Chromium for the first page load) is installed with apt when missing and running as root.
A benchmark that fails gets a row saying so; the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.suite import verdict

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:summary -->", "<!-- /bench:summary -->"

# name: (module, full-size arguments, --quick arguments, Debian packages it needs)
BENCHES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "metric_ingest": ("bench.metric_ingest", [], ["--batches", "3"], []),
    "collector": ("bench.collector_throughput",
                  ["--checks", "100000", "--interval", "60", "--seconds", "120"],
                  ["--checks", "2000", "--interval", "5", "--seconds", "10"],
                  ["nginx", "prometheus-blackbox-exporter"]),
    "series": ("bench.series_rollups", [],
               ["--checks", "200", "--chart-months", "1", "--raw-hours", "1"], []),
    "overview": ("bench.monitoring_pages", ["--checks", "50000", "--days", "2"],
                 ["--checks", "2000", "--days", "1"], []),
    "sockets": ("bench.sockets_idle", ["--clients", "2000"], ["--clients", "200"], []),
    "live_push": ("bench.realtime_latency", ["--clients", "500"], ["--clients", "50"], []),
    "test_results": ("bench.test_results_ingest", [], ["--quick"], []),
    "dashboard": ("bench.dashboard_load", ["--checks", "5000"], ["--checks", "500"],
                  ["chromium"]),
}


def install(packages: list[str]) -> None:
    missing = [p for p in packages if not shutil.which(_binary(p))]
    if missing and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False,
                       stdout=subprocess.DEVNULL)


def _binary(package: str) -> str:
    return {"nginx": "/usr/sbin/nginx"}.get(package, package)


def run(name: str, quick: bool) -> list[dict]:
    module, full, small, packages = BENCHES[name]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    install(packages)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = dict(os.environ, BENCH_JSON=out.name, PYTHONPATH=str(ROOT))
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", module, *(small if quick else full)],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - started
        print(proc.stdout[-4000:], proc.stderr[-2000:] if proc.returncode else "", sep="\n")
        raw = Path(out.name).read_text()
    if proc.returncode or not raw:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return [{"what": name, "figure": f"failed: {last[0][:120]}", "against": "",
                 "target": "", "met": False, "bench": name, "date": today}]
    print(f"{name}: {took:.0f} s")
    return [{**row, "bench": name, "date": today} for row in json.loads(raw)]


def machine() -> str:
    cpu = "unknown CPU"
    info = Path("/proc/cpuinfo")
    if info.exists():
        found = re.search(r"model name\s*:\s*(.+)", info.read_text())
        cpu = found.group(1).strip() if found else cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()}"


def table(rows: list[dict], quick: bool) -> str:
    size = " with --quick sizes (not the targets' sizes)" if quick else ""
    lines = [BEGIN, "", f"Written by `python -m bench`{size} on {machine()}; each row "
             "carries the day it was measured.", "",
             "| what | figure | against, in the same run | target | met | measured |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['what']} | {r['figure']} | {r['against']} | {r['target']} | "
              f"{verdict(r['met'])} | {r['date']} |" for r in rows]
    # The rows again as data, so running one benchmark later keeps the others' rows.
    lines += ["", f"<!-- rows {json.dumps(rows)} -->"]
    return "\n".join([*lines, "", END])


def rewrite(rows: list[dict], names: list[str], quick: bool) -> None:
    doc = DOC.read_text()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        old, tail = rest.split(END, 1)
        kept = [r for r in _old_rows(old) if r["bench"] not in names]
        order = list(BENCHES)
        merged = sorted(kept + rows, key=lambda r: order.index(r["bench"])
                        if r["bench"] in order else len(order))
        doc = head + table(merged, quick) + tail
    else:
        title, _, body = doc.partition("\n")
        doc = f"{title}\n\n## Summary\n\n{table(rows, quick)}\n{body}"
    DOC.write_text(doc)


def _old_rows(block: str) -> list[dict]:
    found = re.search(r"<!-- rows (.*?) -->", block, re.DOTALL)
    return json.loads(found.group(1)) if found else []


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="+", help=f"all, or some of: {', '.join(BENCHES)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    names = list(BENCHES) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHES)}")
    rows = [row for name in names for row in run(name, args.quick)]
    rewrite(rows, names, args.quick)
    print(f"wrote {len(rows)} rows to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
