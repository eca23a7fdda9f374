"""history_hourly becomes range-partitioned by hour, one partition a month, so retention
can drop it like the other rollups instead of letting it grow forever.

history_hourly (0004) is the live hourly count the overview, status pages, badges and the
dashboard read: migration 0004's statement trigger on `history` keeps it current to the
second, where check_rollup_1h waits for its hour to close. It was one plain table with no
retention: 100,000 checks a minute add 876 M rows a year. It now has one partition per
UTC month (like check_rollup_1h) and the 1-hour retention (JADUGAR_RETENTION_1H_DAYS).

1. the old table is renamed aside,
2. a partitioned table of the same columns (`like`) and keys takes its name, with a DEFAULT
   partition so the trigger's upsert never fails for want of a partition,
3. one partition per month with rows, and for last month to next month,
4. every row is copied across in one INSERT ... SELECT and the old table dropped.
The trigger function names the table, not its oid: it writes to the new table unchanged.

The downgrade does the reverse: one plain table again, every row kept.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The keys, as 0004 made them; `like` copies columns, defaults and NOT NULLs.
KEYS = ("alter table history_hourly add primary key (check_id, hour), add foreign key "
        "(check_id) references health_checks(id) on delete cascade")

# A plpgsql block, so the migration needs nothing from the application's code.
MONTHLY = """
do $$
declare m date;
begin
    for m in select distinct date_trunc('month', hour at time zone 'UTC')::date
               from history_hourly_old
             union select (date_trunc('month', now() at time zone 'UTC')
                           + i * interval '1 month')::date from generate_series(-1, 1) i
             order by 1
    loop
        execute format('create table %I partition of history_hourly for values from (%L) to (%L)',
                       'history_hourly_p' || to_char(m, 'YYYYMM'),
                       (m::timestamp at time zone 'UTC'),
                       ((m + interval '1 month')::timestamp at time zone 'UTC'));
    end loop;
end $$"""


def upgrade() -> None:
    op.execute("alter table history_hourly rename to history_hourly_old")
    op.execute("alter index history_hourly_pkey rename to history_hourly_old_pkey")
    op.execute("create table history_hourly (like history_hourly_old including defaults "
               "including constraints) partition by range (hour)")
    op.execute(KEYS)
    op.execute("create table history_hourly_default partition of history_hourly default")
    op.execute(MONTHLY)
    op.execute("insert into history_hourly select * from history_hourly_old")
    op.execute("drop table history_hourly_old")


def downgrade() -> None:
    op.execute("alter table history_hourly rename to history_hourly_parted")
    op.execute("alter index history_hourly_pkey rename to history_hourly_parted_pkey")
    op.execute("create table history_hourly (like history_hourly_parted including defaults "
               "including constraints)")
    op.execute(KEYS)
    op.execute("insert into history_hourly select * from history_hourly_parted")
    op.execute("drop table history_hourly_parted cascade")
