"""Each user's light/dark choice (users.theme; null: follow the system), so it follows the
person to any browser they sign in from (issue 13). The audit trigger watches it too.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table users add column theme text check (theme in ('light', 'dark'))")
    reattach_audit("users")


def downgrade() -> None:
    reattach_audit("users", without=("theme",))
    op.execute("alter table users drop column theme")
