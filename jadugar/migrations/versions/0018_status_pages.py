"""Status pages, issue 15: incident impacts in the words status pages use (none, minor,
major, critical), and a page's own header text, footer text and logo URL.

Impacts were 'degraded' and 'down'; they become 'minor' and 'major' (what they meant to a
reader). The audit trigger of status_pages is re-attached so the new columns are watched.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

NEW = ("header_text", "footer_text", "logo_url")


def upgrade() -> None:
    op.execute("""
alter table status_incidents drop constraint status_incidents_impact_check;
update status_incidents set impact = case impact when 'degraded' then 'minor' else 'major' end;
alter table status_incidents add constraint status_incidents_impact_check
    check (impact in ('none', 'minor', 'major', 'critical'));
alter table status_pages add column header_text text check (length(header_text) <= 2000),
    add column footer_text text check (length(footer_text) <= 2000),
    add column logo_url text check (logo_url like 'https://%' and length(logo_url) <= 2000);
""")
    reattach_audit("status_pages")


def downgrade() -> None:
    reattach_audit("status_pages", without=NEW)
    op.execute("""
alter table status_pages drop column header_text, drop column footer_text,
    drop column logo_url;
alter table status_incidents drop constraint status_incidents_impact_check;
update status_incidents set impact = case when impact in ('none', 'minor') then 'degraded'
                                          else 'down' end;
alter table status_incidents add constraint status_incidents_impact_check
    check (impact in ('degraded', 'down'));
""")
