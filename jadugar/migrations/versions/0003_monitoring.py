"""Monitoring: per-location schedules and the maintenance-window test.

- check_schedule: checks that need several locations to agree are run once per interval in
  EACH location, so each location keeps its own next_run_at (checks needing one location
  use health_checks.next_run_at).
- fail_streak / ok_streak on health_checks: results in a row, after location agreement.
- in_maintenance(check, application, ts): whether a maintenance window (one-off, daily or
  weekly) covers that moment; alerting and uptime share this one definition.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UP = """
create table check_schedule (
    check_id bigint not null references health_checks(id) on delete cascade,
    location text not null,
    next_run_at timestamptz not null default now(),
    claimed_by text,
    primary key (check_id, location)
);
create index check_schedule_due on check_schedule (location, next_run_at);

-- Agreed results in a row, kept by the write path so consecutive-failure rules need no scan.
alter table health_checks add column fail_streak integer not null default 0,
                          add column ok_streak integer not null default 0;

create function in_maintenance(p_check bigint, p_app bigint, p_ts timestamptz)
returns boolean language sql stable as $$
    select exists (
        select 1 from maintenance_windows w
         where (w.check_id = p_check
                or (w.check_id is null and w.application_id = p_app)
                or (w.check_id is null and w.application_id is null))
           and p_ts >= w.starts_at
           and case w.recurrence
                 when 'none' then p_ts < w.ends_at
                 when 'daily' then extract(epoch from (p_ts - w.starts_at)) % 86400
                                   < extract(epoch from (w.ends_at - w.starts_at))
                 else extract(epoch from (p_ts - w.starts_at)) % 604800
                      < extract(epoch from (w.ends_at - w.starts_at))
               end)
$$;
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute("drop function if exists in_maintenance(bigint, bigint, timestamptz)")
    op.execute("drop table if exists check_schedule")
    op.execute("alter table health_checks drop column fail_streak, drop column ok_streak")
