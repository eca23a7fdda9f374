"""Locations: pinning checks, impaired collectors.

- health_checks.locations: the locations a check may run from (null: anywhere). A pinned
  check is claimed only by collectors of those locations.
- collectors.recent_ok / recent_failed: each collector's own results over the last minute,
  reported with its status, so peers can be compared.
- collectors.impaired_since: set while a collector sees (nearly) every target fail and its
  peers do not; it then stops claiming shared checks and sending notifications.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
alter table health_checks add column locations text[]
    check (locations is null or cardinality(locations) between 1 and 20);
alter table collectors
    add column recent_ok integer not null default 0,
    add column recent_failed integer not null default 0,
    add column impaired_since timestamptz;
""")
    reattach_audit("health_checks")


def downgrade() -> None:
    reattach_audit("health_checks", without=("locations",))
    op.execute("""
alter table collectors drop column recent_ok, drop column recent_failed,
    drop column impaired_since;
alter table health_checks drop column locations;
""")
