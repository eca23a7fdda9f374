"""Pages: an hourly rollup of check history for long-range uptime.

history_hourly holds one row per check per UTC hour (counts per status, response-time
sum/min/max). Uptime over 30 days, the 90-interval bars and the public status page read
it instead of scanning millions of raw rows. A statement-level trigger with a transition
table keeps it current: one grouped upsert per INSERT or COPY statement, never per row.
Percentiles still come from raw history (they cannot be rolled up exactly). Deleting
history (retention) leaves the rollup alone on purpose: long-range uptime outlives raw rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UP = """
create table history_hourly (
    check_id bigint not null references health_checks(id) on delete cascade,
    hour timestamptz not null,
    total integer not null,
    up integer not null,
    degraded integer not null,
    down integer not null,
    ms_count integer not null,
    ms_sum double precision not null,
    ms_min real,
    ms_max real,
    primary key (check_id, hour)
);

create function history_hourly_add() returns trigger language plpgsql as $$
begin
    -- Ordered so concurrent writers take row locks in the same order (no deadlocks).
    insert into history_hourly as r (check_id, hour, total, up, degraded, down,
                                     ms_count, ms_sum, ms_min, ms_max)
    select check_id, date_bin('1 hour', ts, timestamptz '2000-01-01 00:00+00'), count(*),
           count(*) filter (where status = 'up'), count(*) filter (where status = 'degraded'),
           count(*) filter (where status = 'down'), count(response_ms),
           coalesce(sum(response_ms), 0), min(response_ms), max(response_ms)
      from new_rows group by 1, 2 order by 1, 2
    on conflict (check_id, hour) do update
       set total = r.total + excluded.total, up = r.up + excluded.up,
           degraded = r.degraded + excluded.degraded, down = r.down + excluded.down,
           ms_count = r.ms_count + excluded.ms_count, ms_sum = r.ms_sum + excluded.ms_sum,
           ms_min = least(r.ms_min, excluded.ms_min), ms_max = greatest(r.ms_max, excluded.ms_max);
    return null;
end $$;

create trigger history_hourly_add after insert on history
    referencing new table as new_rows for each statement execute function history_hourly_add();

insert into history_hourly
select check_id, date_bin('1 hour', ts, timestamptz '2000-01-01 00:00+00'), count(*),
       count(*) filter (where status = 'up'), count(*) filter (where status = 'degraded'),
       count(*) filter (where status = 'down'), count(response_ms),
       coalesce(sum(response_ms), 0), min(response_ms), max(response_ms)
  from history group by 1, 2;
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute("drop trigger if exists history_hourly_add on history")
    op.execute("drop function if exists history_hourly_add()")
    op.execute("drop table if exists history_hourly")
