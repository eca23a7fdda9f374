"""Time partitions of the big tables: create them ahead, list them, drop the old ones.

Each partitioned table has one partition per UTC day, month or year (`PLAN`) and a DEFAULT
partition. The default is a safety net, not a place to live: a result spooled for days,
or a clock far ahead, lands there instead of failing the whole batch. `ensure` moves such
rows into proper partitions (few rows, one INSERT and one DELETE of the default), so the
default stays empty in steady state and retention can drop whole days.

Retention never deletes rows: a partition whose whole range is older than the cutoff is
dropped (DROP TABLE of the partition: milliseconds, no dead tuples, no VACUUM).
See docs/data-lifecycle.md; pg_partman can do the same upkeep where it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from jadugar.errors import Invalid

# table -> size of one partition. Raw data and 1-minute rollups by day, hourly rollups by
# month, daily rollups by year: a few hundred partitions per table at the default retention.
PLAN: dict[str, str] = {
    "history": "day", "metrics": "day",
    "check_rollup_1m": "day", "metric_rollup_1m": "day",
    "check_rollup_1h": "month", "metric_rollup_1h": "month",
    "check_rollup_1d": "year", "metric_rollup_1d": "year",
    "check_rollup_1mo": "year",
    "history_hourly": "month",
    "test_results": "day",
}
# The column each table is partitioned by, where it is not `ts`.
TIME_COLUMN: dict[str, str] = {"history_hourly": "hour"}
DAYS_AHEAD = 7
NAME_FORMAT = {"day": "%Y%m%d", "month": "%Y%m", "year": "%Y"}


@dataclass(frozen=True)
class Partition:
    table: str  # the partitioned table
    name: str
    lower: datetime | None  # None for the default partition
    upper: datetime | None

    @property
    def is_default(self) -> bool:
        return self.lower is None


def floor(ts: datetime, unit: str) -> datetime:
    """The start (UTC) of the day, month or year holding ts."""
    ts = ts.astimezone(UTC)
    if unit == "year":
        return datetime(ts.year, 1, 1, tzinfo=UTC)
    if unit == "month":
        return datetime(ts.year, ts.month, 1, tzinfo=UTC)
    return datetime(ts.year, ts.month, ts.day, tzinfo=UTC)


def following(start: datetime, unit: str) -> datetime:
    if unit == "year":
        return start.replace(year=start.year + 1)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


LIST = text("""
select c.relname as name,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                     'FROM \\(''([^'']+)''\\) TO'))[1]::timestamptz as lower,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                     'TO \\(''([^'']+)''\\)'))[1]::timestamptz as upper
  from pg_inherits i
  join pg_class c on c.oid = i.inhrelid
 where i.inhparent = cast(:table as regclass)
 order by lower nulls first
""")


def partitioned_tables(conn: Connection) -> list[str]:
    """The tables of PLAN that exist and are partitioned (a database mid-migration may
    have fewer)."""
    rows = conn.execute(text("""select c.relname from pg_partitioned_table p
        join pg_class c on c.oid = p.partrelid
        where c.relnamespace = 'public'::regnamespace and c.relname = any(:names)"""),
        {"names": list(PLAN)}).scalars()
    found = set(rows)
    return [t for t in PLAN if t in found]


def list_partitions(conn: Connection, table: str) -> list[Partition]:
    """Every partition of `table`, the default first, then oldest to newest."""
    _known(table)
    return [Partition(table, r.name, r.lower, r.upper)
            for r in conn.execute(LIST, {"table": table})]


def kept_from(conn: Connection, table: str) -> datetime | None:
    """Where `table` still holds rows from: the start of its oldest partition, or its
    default partition's oldest row when that is older (rows written before their partition
    existed). None when it has neither; anything older was dropped by retention."""
    lowers = [p.lower for p in list_partitions(conn, table) if not p.is_default]
    default = f"{table}_default"
    if _exists(conn, default):
        ts = TIME_COLUMN.get(table, "ts")
        lowers.append(conn.execute(text(f"select min({ts}) from {default}")).scalar_one())  # noqa: S608
    return min((t for t in lowers if t is not None), default=None)


def ensure(conn: Connection, now: datetime, days_ahead: int = DAYS_AHEAD,
           tables: list[str] | None = None) -> list[str]:
    """Create the partitions from today to `days_ahead` ahead, and one for every period
    that has rows waiting in the default partition. Returns the names created."""
    _lock(conn)
    created: list[str] = []
    for table in tables or partitioned_tables(conn):
        unit = PLAN[table]
        have = {p.lower for p in list_partitions(conn, table) if not p.is_default}
        wanted = {floor(now + timedelta(days=d), unit) for d in range(-1, days_ahead + 1)}
        wanted |= set(_stray_periods(conn, table, unit))
        for lower in sorted(wanted - have):
            created.append(_create(conn, table, unit, lower))
    return created


def _stray_periods(conn: Connection, table: str, unit: str) -> list[datetime]:
    default = f"{table}_default"
    if not _exists(conn, default):
        return []
    ts = TIME_COLUMN.get(table, "ts")
    return list(conn.execute(text(
        f"select distinct date_trunc(:unit, {ts}, 'UTC') from {default}"),  # noqa: S608
        {"unit": unit}).scalars())


def _create(conn: Connection, table: str, unit: str, lower: datetime) -> str:
    """A new partition for [lower, next period). Rows of that period waiting in the
    default partition move into it first, else attaching would fail."""
    upper = following(lower, unit)
    name = f"{table}_p{lower.strftime(NAME_FORMAT[unit])}"
    default = f"{table}_default"
    bounds = {"lo": lower, "hi": upper}
    within = "{ts} >= :lo and {ts} < :hi".format(ts=TIME_COLUMN.get(table, "ts"))
    waiting = _exists(conn, default) and conn.execute(text(
        f"select exists (select 1 from {default} where {within})"),  # noqa: S608
        bounds).scalar_one()
    if not waiting:
        conn.execute(text(f"create table {name} partition of {table} "
                          f"for values from ({_literal(lower)}) to ({_literal(upper)})"))
        return name
    conn.execute(text(f"create table {name} (like {table} including defaults "
                      "including constraints)"))
    conn.execute(text(f"""with moved as (delete from {default} where {within} returning *)
                          insert into {name} select * from moved"""), bounds)  # noqa: S608
    conn.execute(text(f"alter table {table} attach partition {name} "
                      f"for values from ({_literal(lower)}) to ({_literal(upper)})"))
    return name


def drop_older_than(conn: Connection, table: str, cutoff: datetime) -> list[str]:
    """Drop every partition of `table` whose whole range ends at or before cutoff.
    Rows of such a period still in the default partition are first moved into a
    partition of their own (ensure), so they go too. Never a row-by-row DELETE."""
    unit = PLAN[table]
    stray = [p for p in _stray_periods(conn, table, unit) if following(p, unit) <= cutoff]
    have = {p.lower for p in list_partitions(conn, table)}
    for lower in sorted(set(stray) - have):
        _create(conn, table, unit, lower)
    dropped: list[str] = []
    for p in list_partitions(conn, table):
        if not p.is_default and p.upper is not None and p.upper <= cutoff:
            conn.execute(text(f"drop table {p.name}"))
            dropped.append(p.name)
    return dropped


def apply_retention(conn: Connection, now: datetime, days: dict[str, int],
                    keep_after: dict[str, datetime | None] | None = None) -> list[str]:
    """Drop the partitions of each table older than its retention in days (0: keep
    forever). keep_after[table] protects what a rollup has not read yet: nothing newer
    than it is dropped, whatever the retention says."""
    _lock(conn)
    dropped: list[str] = []
    present = set(partitioned_tables(conn))
    for table, keep_days in days.items():
        _known(table)
        if keep_days <= 0 or table not in present:
            continue
        cutoff = now - timedelta(days=keep_days)
        guard = (keep_after or {}).get(table, cutoff)
        if guard is None:
            continue  # the rollup has not read anything yet: keep everything
        dropped += drop_older_than(conn, table, min(cutoff, guard))
    return dropped


def _lock(conn: Connection) -> None:
    """One partition keeper at a time (collectors, a starting web process): the second
    waits, then finds the partitions made."""
    conn.execute(text("select pg_advisory_xact_lock(hashtext('jadugar-partitions'))"))


def _exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("select to_regclass(:n) is not null"), {"n": name}).scalar_one()


def _literal(ts: datetime) -> str:
    return f"'{ts.astimezone(UTC).isoformat()}'"


def _known(table: str) -> None:
    if table not in PLAN:
        raise Invalid(f"{table!r} is not a partitioned table", field="table")
