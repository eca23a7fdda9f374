"""What every benchmark reports to `python -m bench all`: rows of the summary table.

A benchmark prints its own detailed Markdown as before, and at the end calls `emit(rows)`.
When the runner started it, BENCH_JSON names a file to write the rows to; the runner then
puts every row in the summary table of docs/benchmarks.md. A row holds the figure, what it
was measured against in the same run (a limit or a peer), the target, and whether it met it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass


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
