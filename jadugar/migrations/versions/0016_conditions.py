"""Public badges: applications.public (default off) says whether /badge/{application}/...
answers at all. Conditions live in health_checks.expect and cron heartbeats in options, so
nothing else changes shape.

The audit trigger of applications is re-attached, so the new column is watched like the
others (making an application public is worth a line in the audit log).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table applications add column public boolean not null default false")
    reattach_audit("applications")


def downgrade() -> None:
    reattach_audit("applications", without=("public",))
    op.execute("alter table applications drop column public")
