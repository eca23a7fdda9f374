"""Server-side sign-in sessions, so logout, a password change and deactivation end them.

The browser holds a random token; the table keeps only its SHA-256 (`id`), so a copy of the
database cannot be replayed as a cookie. A session is alive while revoked_at is null and
expires_at is in the future; the user_id index makes "end every session of this user" one
indexed UPDATE.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UP = """
create table web_sessions (
    id text primary key,
    user_id bigint not null references users(id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    address text,
    user_agent text
);
create index web_sessions_user_id on web_sessions (user_id) where revoked_at is null;
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute("drop table if exists web_sessions")
