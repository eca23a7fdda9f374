"""check_rollup_1mo: check results rolled up per calendar month (UTC), from the daily
rollup, with the same columns as the other check rollups.

The SLA report over a year read a daily row per check and day (1.8 M rows for 5,000
checks) and ran one window over them to join incidents across days: 16.9 s. Whole months
clear of maintenance now come from this table (5,000 checks x 12 months = 60,000 rows);
only the months at the ends of the range or touched by maintenance read days.

Partitioned by year like check_rollup_1d; kept forever (a row per check and month).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create table check_rollup_1mo (like check_rollup_1d including defaults "
               "including constraints) partition by range (ts)")
    op.execute("alter table check_rollup_1mo add primary key (check_id, ts), "
               "add foreign key (check_id) references health_checks(id) on delete cascade")
    op.execute("create table check_rollup_1mo_default partition of check_rollup_1mo default")


def downgrade() -> None:
    op.execute("drop table if exists check_rollup_1mo cascade")
    op.execute("delete from rollup_watermarks where name = 'check_1mo'")
