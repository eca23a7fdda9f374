"""Build and deploy alerts, abnormal build durations, deploy impact (issue 14, part B).

- alert_rules may belong to a project (project_id) instead of a check or an application,
  narrowed by a branch glob and a deploy environment. The owner check becomes "exactly one
  of check, application, project".
- alerts carry the project and the build that fired them, so a message links to the build.
- silences may cover one project's build alerts (project_id).
- build_insights: one row per finished build judged against its recent history (the
  duration anomaly, written when the build finishes) and, for production deploys, the
  measured impact on linked applications (written by the collector an hour later).
- builds_duration_baseline serves the "recent successful builds of this branch and
  pipeline" read on every finished build.

Revision ID: 0014b
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014b"
down_revision = "0013"
branch_labels = None
depends_on = None


# 0013's helper, copied (a migration must not import another: they get re-chained), so
# the audit trigger watches the new alert_rules columns too.
def reattach_audit(table: str, without: tuple[str, ...] = ()) -> None:
    """Recreate the table's audit UPDATE trigger over every column its arguments do not
    ignore (0007's `attach`, read back from the trigger that exists), leaving out the
    columns `without` (about to be dropped: the trigger would stop the drop)."""
    bind = op.get_bind()
    row = bind.execute(sa.text("""
        select encode(tgargs, 'escape') from pg_trigger
         where tgname = 'audit_update' and tgrelid = cast(:t as regclass)"""),
        {"t": table}).scalar()
    if row is None:
        return
    args = row.split("\\000")[:-1]
    ignored = set(args[0].strip("{}").split(","))
    columns = bind.execute(sa.text(
        "select column_name from information_schema.columns where table_schema = "
        "current_schema() and table_name = :t order by ordinal_position"),
        {"t": table}).scalars()
    watched = ", ".join(c for c in columns if c not in ignored and c not in without)
    quoted = ", ".join("'" + a.replace("'", "''") + "'" for a in args)
    op.execute(f"drop trigger audit_update on {table}")
    op.execute(f"create trigger audit_update after update of {watched} on {table} "
               f"for each row execute function audit_row({quoted})")


def _owner_checks() -> list[str]:
    return list(op.get_bind().execute(sa.text("""
        select conname from pg_constraint
         where conrelid = 'alert_rules'::regclass and contype = 'c'
           and pg_get_constraintdef(oid) like '%check_id IS NOT NULL%'""")).scalars())


def upgrade() -> None:
    for name in _owner_checks():
        op.execute(f'alter table alert_rules drop constraint "{name}"')
    op.execute("""
alter table alert_rules
    add column project_id bigint references projects(id) on delete cascade,
    add column branch text check (length(branch) between 1 and 255),
    add column environment text check (length(environment) between 1 and 255),
    add constraint alert_rules_owner
        check (num_nonnulls(check_id, application_id, project_id) >= 1
               and (project_id is null or num_nonnulls(check_id, application_id) = 0));
create index alert_rules_project on alert_rules (project_id) where project_id is not null;
alter table alerts
    add column project_id bigint references projects(id) on delete cascade,
    add column build_id bigint references builds(id) on delete set null;
create index alerts_project_time on alerts (project_id, fired_at desc)
    where project_id is not null;
alter table silences add column project_id bigint references projects(id) on delete cascade;
create table build_insights (
    build_id bigint primary key references builds(id) on delete cascade,
    samples integer not null,
    baseline_s double precision,
    threshold_s double precision,
    anomalous boolean not null default false,
    evaluated_at timestamptz not null default now(),
    impact jsonb,
    impact_at timestamptz
);
create index builds_duration_baseline
    on builds (project_id, kind, branch, coalesce(pipeline, ''), finished_at desc)
    include (duration_s) where status = 'success' and duration_s is not null;
""")
    reattach_audit("alert_rules")


def downgrade() -> None:
    reattach_audit("alert_rules", without=("project_id", "branch", "environment"))
    op.execute("""
delete from alerts where project_id is not null;
delete from alert_rules where project_id is not null;
drop index if exists builds_duration_baseline;
drop table if exists build_insights;
delete from silences where project_id is not null;
alter table silences drop column project_id;
alter table alerts drop column build_id, drop column project_id;
alter table alert_rules drop constraint alert_rules_owner,
    drop column environment, drop column branch, drop column project_id,
    add check (check_id is not null or application_id is not null);
""")
