"""Incidents posted on a status page: a title, an impact, and a timeline of updates.

Alerts say what the checks saw; an incident says what the team tells the public. It names
its page (a page is the audience), the applications it affects, and keeps every update with
its author, so the page can show "Investigating → Identified → Resolved" as it happened.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
create table status_incidents (
    id bigint generated always as identity primary key,
    status_page_id bigint not null references status_pages(id) on delete cascade,
    title text not null check (length(title) between 1 and 200),
    impact text not null check (impact in ('degraded', 'down')),
    state text not null check (state in ('investigating', 'identified', 'monitoring',
                                         'resolved')),
    created_at timestamptz not null default now(),
    created_by text,
    resolved_at timestamptz
);
create index status_incidents_open on status_incidents (status_page_id)
    where resolved_at is null;
create table status_incident_applications (
    incident_id bigint not null references status_incidents(id) on delete cascade,
    application_id bigint not null references applications(id) on delete cascade,
    primary key (incident_id, application_id)
);
create table status_incident_updates (
    id bigint generated always as identity primary key,
    incident_id bigint not null references status_incidents(id) on delete cascade,
    at timestamptz not null default now(),
    state text not null check (state in ('investigating', 'identified', 'monitoring',
                                         'resolved')),
    message text not null check (length(message) between 1 and 5000),
    author text
);
create index status_incident_updates_incident on status_incident_updates (incident_id, at);
""")


def downgrade() -> None:
    op.execute("drop table if exists status_incident_updates, status_incident_applications, "
               "status_incidents")
