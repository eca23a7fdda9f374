"""Test results per build (issue 14): JUnit reports, interned test names, daily partitions.

- `tests` interns each (project, suite, name) once: a result row then carries an id, not
  two strings, and a test's history is one index range.
- `test_reports` keeps the SHA-256 of every report taken for a build, with its counts: the
  same report posted again changes nothing, and the build's summary is their sum.
- `test_results` holds one row per test case run, range-partitioned by `ts` one UTC day a
  partition, like `history` (0009): a DEFAULT partition as a safety net, the partitions
  job (jadugar/services/partitions.py) creating them ahead and dropping old ones. `ts` is
  the build's created_at, so one build's results sit in one partition and a read by build
  prunes to it.

Revision ID: 0014t
Revises: 0013
Create Date: 2026-12-01
"""

from alembic import op

revision = "0014t"
down_revision = "0013"
branch_labels = None
depends_on = None

# Daily partitions from yesterday to a week ahead (plpgsql: nothing from the app's code).
DAILY = """
do $$
declare d date;
begin
    for d in select (now() at time zone 'UTC')::date + i from generate_series(-1, 7) i
    loop
        execute format('create table %I partition of test_results for values from (%L) to (%L)',
                       'test_results_p' || to_char(d, 'YYYYMMDD'),
                       (d::timestamp at time zone 'UTC'),
                       ((d + 1)::timestamp at time zone 'UTC'));
    end loop;
end $$"""


def upgrade() -> None:
    op.execute("""
create table tests (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects(id) on delete cascade,
    suite text not null,
    name text not null,
    created_at timestamptz not null default now(),
    unique (project_id, suite, name)
);
create table test_reports (
    build_id bigint not null references builds(id) on delete cascade,
    sha256 bytea not null,
    received_at timestamptz not null default now(),
    tests integer not null,
    failed integer not null,
    skipped integer not null,
    errors integer not null,
    duration_s double precision not null,
    primary key (build_id, sha256)
);
create table test_results (
    ts timestamptz not null,
    build_id bigint not null references builds(id) on delete cascade,
    test_id bigint not null references tests(id) on delete cascade,
    status text not null check (status in ('passed', 'failed', 'error', 'skipped', 'flaky')),
    duration_s real,
    message text check (octet_length(message) <= 4096)
) partition by range (ts);
create index test_results_build on test_results (build_id);
create index test_results_test_ts on test_results (test_id, ts);
create index test_results_ts_brin on test_results using brin (ts);
-- The few failed runs, for finding the tests that may be flaky without reading every row.
create index test_results_failures on test_results (ts, test_id)
    where status in ('failed', 'error', 'flaky');
create table test_results_default partition of test_results default;
""")
    op.execute(DAILY)


def downgrade() -> None:
    op.execute("drop table if exists test_results, test_reports, tests cascade")
