"""Raw rows for the rollup tests, made in SQL: statuses with runs of 'down' that cross
bucket bounds, response times spread over three decades, a few without a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

HISTORY = """
insert into history (check_id, ts, location, status, response_ms)
select :c, :t0 + i * interval '20 seconds', case when i % 3 = 0 then 'eu' else 'us' end,
       case when i % 257 between 170 and 200 or i % 61 = 5 then 'down'
            when i % 23 = 0 then 'degraded' else 'up' end,
       case when i % 41 = 0 then null else 0.3 + ((i * 7919) % 9973) / 3.0 end
  from generate_series(0, :n - 1) i
"""
METRICS = """
insert into metrics (series_id, ts, value)
select :s, :t0 + i * interval '15 seconds', sin(i / 50.0) * 100 + (i % 7)
  from generate_series(0, :n - 1) i
"""


def add_results(conn: Connection, check: int, t0: datetime, n: int) -> None:
    conn.execute(text(HISTORY), {"c": check, "t0": t0, "n": n})


def add_points(conn: Connection, app: int, t0: datetime, n: int) -> int:
    series = conn.execute(text("insert into metric_series (application_id, name) values "
                               "(:a, 'rps') returning id"), {"a": app}).scalar_one()
    conn.execute(text(METRICS), {"s": series, "t0": t0, "n": n})
    return series
