"""Delivery metrics (DORA) on production deploys: the indexes their reads need.

- builds_production_deploys: a project's finished deploys by finish time (a deploy belongs
  to the range in which it reached production), with what the metrics read alongside.
- builds_commit: "the commit time of this SHA" (a GitHub or GitLab deployment names only the
  SHA; its CI run carries the head commit's timestamp) and "was this SHA shipped before?"
  (a rollback), one probe each.
- builds_restore_lanes goes: time to restore no longer follows branch lanes.

commit_at itself has been on builds since 0001; the webhooks fill it from the head commit.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UP = """
create index builds_production_deploys
    on builds (project_id, finished_at) include (status, environment, commit_sha)
 where kind = 'deploy' and status in ('success', 'failed');
create index builds_commit on builds (project_id, commit_sha) include (commit_at)
 where commit_sha is not null;
drop index if exists builds_restore_lanes;
"""

# 0002's index, word for word.
DOWN = """
create index builds_restore_lanes
    on builds (project_id, (case when kind = 'deploy' then 'env:' || coalesce(environment, '')
                                 else 'branch:' || coalesce(branch, '') end),
               finished_at desc) include (status, created_at, kind, environment, branch)
 where status in ('success', 'failed') and finished_at is not null;
drop index if exists builds_commit;
drop index if exists builds_production_deploys;
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute(DOWN)
