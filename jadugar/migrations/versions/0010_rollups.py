"""Rollups: check results and metric points at 1 minute, 1 hour and 1 day.

check_rollup_<res>: one row per check and bucket (all locations together, as the SLA
report and the charts count them): counts per status, response-time count/sum/min/max,
a histogram of response_ms over fixed log-spaced bounds (jadugar_hist_bounds(), 30 slots
as an int array, mergeable by adding), and what the SLA report needs to count incidents
across buckets: the number of runs of 'down' results inside the bucket and whether the
bucket starts and ends down.

metric_rollup_<res>: one row per series and bucket: count, sum, min, max and last value.

Partitioned by bucket time like the raw tables: 1m by day, 1h by month, 1d by year, each
with a DEFAULT partition (jadugar/services/partitions.py keeps them). rollup_watermarks
holds, per rollup, the time up to which it is complete.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

RESOLUTIONS = ("1m", "1h", "1d")
# 0.5 ms * 1.5^i, i = 0..28: 0.5 ms to 42.6 s. Slot 1 holds < 0.5 ms, slot 30 >= 42.6 s.
BOUNDS = [round(0.5 * 1.5 ** i, 3) for i in range(29)]

FUNCTIONS = f"""
create function jadugar_hist_bounds() returns real[] language sql immutable parallel safe
    as $$ select '{{{",".join(map(str, BOUNDS))}}}'::real[] $$;

create function jadugar_hist_step(state int[], ms real) returns int[]
    language plpgsql immutable parallel safe as $$
declare k int;
begin
    if state is null then state := array_fill(0, array[{len(BOUNDS) + 1}]); end if;
    if ms is not null then
        k := width_bucket(ms, jadugar_hist_bounds()) + 1;
        state[k] := state[k] + 1;
    end if;
    return state;
end $$;
create aggregate jadugar_hist(real) (sfunc = jadugar_hist_step, stype = int[]);

create function jadugar_hist_add(a int[], b int[]) returns int[]
    language plpgsql immutable parallel safe as $$
begin
    if a is null then return b; end if;
    if b is null then return a; end if;
    for i in 1 .. array_length(a, 1) loop a[i] := a[i] + b[i]; end loop;
    return a;
end $$;
create aggregate jadugar_hist_merge(int[]) (sfunc = jadugar_hist_add, stype = int[]);

-- The q-quantile (0..1) of a histogram: the slot holding the value at position
-- q * (n - 1), interpolated linearly inside the slot, whose ends are clamped to the
-- known min and max. Off by at most the width of that slot.
create function jadugar_hist_quantile(h int[], q float8, lo float8, hi float8)
    returns float8 language plpgsql immutable parallel safe as $$
declare
    bounds real[] := jadugar_hist_bounds();
    total bigint := 0; seen bigint := 0; target float8; lower float8; upper float8;
begin
    if h is null then return null; end if;
    for k in 1 .. array_length(h, 1) loop total := total + h[k]; end loop;
    if total = 0 then return null; end if;
    target := q * (total - 1);
    for k in 1 .. array_length(h, 1) loop
        if h[k] > 0 and seen + h[k] > floor(target) then
            lower := greatest(coalesce(bounds[k - 1], lo), lo);
            upper := least(coalesce(bounds[k], hi), hi);
            return lower + (upper - lower) * (target - seen + 0.5) / h[k];
        end if;
        seen := seen + h[k];
    end loop;
    return hi;
end $$;

create table rollup_watermarks (
    name text primary key,
    done_until timestamptz not null
);
"""

CHECK_COLUMNS = """
    check_id bigint not null references health_checks(id) on delete cascade,
    ts timestamptz not null,
    total integer not null,
    up integer not null,
    degraded integer not null,
    down integer not null,
    ms_count integer not null,
    ms_sum double precision not null,
    ms_min real,
    ms_max real,
    ms_hist integer[] not null,
    down_runs integer not null,
    first_down boolean not null,
    last_down boolean not null,
    primary key (check_id, ts)"""
METRIC_COLUMNS = """
    series_id bigint not null references metric_series(id) on delete cascade,
    ts timestamptz not null,
    count integer not null,
    sum double precision not null,
    min double precision not null,
    max double precision not null,
    last double precision not null,
    primary key (series_id, ts)"""


def upgrade() -> None:
    op.execute(FUNCTIONS)
    for res in RESOLUTIONS:
        for kind, columns in (("check", CHECK_COLUMNS), ("metric", METRIC_COLUMNS)):
            table = f"{kind}_rollup_{res}"
            op.execute(f"create table {table} ({columns}) partition by range (ts)")
            op.execute(f"create table {table}_default partition of {table} default")
            # The SLA report reads the buckets of given days of every check.
            op.execute(f"create index {table}_ts_brin on {table} using brin (ts)")


def downgrade() -> None:
    for res in RESOLUTIONS:
        for kind in ("check", "metric"):
            op.execute(f"drop table if exists {kind}_rollup_{res} cascade")
    op.execute("drop table if exists rollup_watermarks")
    op.execute("drop function if exists jadugar_hist_quantile(int[], float8, float8, float8)")
    op.execute("drop aggregate if exists jadugar_hist_merge(int[])")
    op.execute("drop function if exists jadugar_hist_add(int[], int[])")
    op.execute("drop aggregate if exists jadugar_hist(real)")
    op.execute("drop function if exists jadugar_hist_step(int[], real)")
    op.execute("drop function if exists jadugar_hist_bounds()")
