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

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


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
