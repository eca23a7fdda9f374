"""Partitions: `history` and `metrics` become range-partitioned by ts, one partition a day.

1. the old table is renamed aside (with its primary key and BRIN index),
2. a partitioned table of the same columns, keys, checks and foreign keys takes its name,
3. a DEFAULT partition catches rows no daily partition covers (a late spooled batch, a clock
   far ahead), so an insert never fails for want of a partition; the partitions job moves
   such rows into daily partitions (jadugar/services/partitions.py),
4. one daily partition per UTC day that holds rows, and for yesterday to a week ahead,
5. every row is copied across in one INSERT ... SELECT, the old table dropped, and the
   hourly rollup trigger (0004) put back on the new `history` (after the copy, so the
   copy does not count twice).

The downgrade does the reverse: one plain table again, every row kept.
On a big database this copies every row once; plan the upgrade like a restore.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HISTORY_COLUMNS = """
    check_id bigint not null references health_checks(id) on delete cascade,
    ts timestamptz not null,
    location text not null default 'local',
    status text not null check (status in ('up', 'degraded', 'down')),
    response_ms real,
    status_code smallint,
    error text,
    details jsonb,
    collector text,
    primary key (check_id, ts, location)"""
METRICS_COLUMNS = """
    series_id bigint not null references metric_series(id) on delete cascade,
    ts timestamptz not null,
    value double precision not null,
    primary key (series_id, ts)"""
TABLES = {"history": HISTORY_COLUMNS, "metrics": METRICS_COLUMNS}

HOURLY_TRIGGER = """create trigger history_hourly_add after insert on history
    referencing new table as new_rows for each statement execute function history_hourly_add()"""

# Daily partitions for every UTC day with rows, and yesterday .. a week ahead: a plpgsql
# block, so the migration needs nothing from the application's code.
DAILY = """
do $$
declare d date;
begin
    for d in select distinct (ts at time zone 'UTC')::date from {old}
             union select (now() at time zone 'UTC')::date + i from generate_series(-1, 7) i
             order by 1
    loop
        execute format('create table %I partition of {table} for values from (%L) to (%L)',
                       '{table}_p' || to_char(d, 'YYYYMMDD'),
                       (d::timestamp at time zone 'UTC'),
                       ((d + 1)::timestamp at time zone 'UTC'));
    end loop;
end $$"""


def _partition(table: str, columns: str) -> None:
    op.execute(f"alter table {table} rename to {table}_old")
    op.execute(f"alter index {table}_pkey rename to {table}_old_pkey")
    op.execute(f"alter index {table}_ts_brin rename to {table}_old_ts_brin")
    op.execute(f"create table {table} ({columns}) partition by range (ts)")
    op.execute(f"create index {table}_ts_brin on {table} using brin (ts)")
    op.execute(f"create table {table}_default partition of {table} default")
    op.execute(DAILY.format(table=table, old=f"{table}_old"))
    op.execute(f"insert into {table} select * from {table}_old")
    op.execute(f"drop table {table}_old")


def _unpartition(table: str, columns: str) -> None:
    op.execute(f"alter table {table} rename to {table}_parted")
    op.execute(f"alter index {table}_pkey rename to {table}_parted_pkey")
    op.execute(f"alter index {table}_ts_brin rename to {table}_parted_ts_brin")
    op.execute(f"create table {table} ({columns})")
    op.execute(f"create index {table}_ts_brin on {table} using brin (ts)")
    op.execute(f"insert into {table} select * from {table}_parted")
    op.execute(f"drop table {table}_parted cascade")


def upgrade() -> None:
    op.execute("drop trigger if exists history_hourly_add on history")
    for table, columns in TABLES.items():
        _partition(table, columns)
    op.execute(HOURLY_TRIGGER)


def downgrade() -> None:
    op.execute("drop trigger if exists history_hourly_add on history")
    for table, columns in TABLES.items():
        _unpartition(table, columns)
    op.execute(HOURLY_TRIGGER)
