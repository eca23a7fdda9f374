"""Build tracking: indexes that let the project page read 100,000 builds without sorting
them, and the attempt number of a re-run CI run.

- builds_branch_outcomes hands branch health its finished builds already in (branch, newest
  first) order, with status and duration inside the index: an index-only scan feeds the
  window functions with no sort.
- builds_restore_lanes does the same for time to restore (delivery.py): finished builds
  per lane (a deploy's environment, else a build's branch), newest finish first. Its lane
  expression must stay word for word the one in delivery.METRICS, or it goes unused.
- builds_deploys: "does this project mark deploys in the range?" and the deploys
  themselves, without reading its plain builds.
- build_stages_build_cover answers "the stages of these builds" for the stage-duration chart
  from the index alone; the (build_id, external_id) unique index alone made PostgreSQL
  prefer a hash join over all stages.
- builds.attempt: GitHub re-runs keep the run id and raise run_attempt; a higher attempt is
  a new run of the same build and may move a finished build back to queued or running.

A daily rollup was considered and left out: the page's costly parts (branch streaks and
flips, percentiles, time to restore) need build-by-build order, which counts cannot give.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UP = """
alter table builds add column attempt integer check (attempt >= 1);
create index builds_branch_outcomes
    on builds (project_id, branch, created_at desc, id desc) include (status, duration_s)
 where status in ('success', 'failed');
create index builds_restore_lanes
    on builds (project_id, (case when kind = 'deploy' then 'env:' || coalesce(environment, '')
                                 else 'branch:' || coalesce(branch, '') end),
               finished_at desc) include (status, created_at, kind, environment, branch)
 where status in ('success', 'failed') and finished_at is not null;
create index builds_deploys on builds (project_id, created_at) where kind = 'deploy';
create index build_stages_build_cover
    on build_stages (build_id) include (name, status, position, duration_s);
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute("drop index if exists build_stages_build_cover")
    op.execute("drop index if exists builds_deploys")
    op.execute("drop index if exists builds_restore_lanes")
    op.execute("drop index if exists builds_branch_outcomes")
    op.execute("alter table builds drop column if exists attempt")
