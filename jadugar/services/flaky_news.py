"""Which tests a report has just shown to be flaky for the first time lately, for the
`new_flaky_test` alert rule (services/build_rules.py).

A test is flaky on a commit when, among the builds of that commit, it both passed and
failed, or a tool recorded it as flaky (Surefire's flakyFailure): the strong evidence of
services/test_insights.py. It is *new* when no other commit of the project showed it flaky
in the last NEW_WITHIN_DAYS. Only the tests of the report just taken are looked at, so the
cost follows the report, not the suite."""

from __future__ import annotations

from sqlalchemy import Connection, text

NEW_WITHIN_DAYS = 30

FLAKY_NOW = text("""
with this as (select id, project_id, commit_sha, created_at from builds where id = :b),
same_commit as (
    select b.id from builds b, this
     where b.project_id = this.project_id
       and (b.id = this.id or (this.commit_sha is not null and b.commit_sha = this.commit_sha))
       and b.created_at > this.created_at - make_interval(days => :days)),
flaky as (
    select r.test_id from test_results r
     where r.build_id in (select id from same_commit)
       and r.ts > (select created_at from this) - make_interval(days => :days)
       and r.test_id = any(:tests)
     group by r.test_id
    having bool_or(r.status = 'flaky')
        or (bool_or(r.status = 'passed') and bool_or(r.status in ('failed', 'error'))))
select t.id, t.suite, t.name from flaky f join tests t on t.id = f.test_id
 where not exists (
    select 1 from test_results r join builds b on b.id = r.build_id, this
     where r.test_id = f.test_id and b.project_id = this.project_id
       and r.ts > this.created_at - make_interval(days => :days)
       and coalesce(b.commit_sha, 'build:' || b.id)
           <> coalesce(this.commit_sha, 'build:' || this.id)
     group by coalesce(b.commit_sha, 'build:' || b.id)
    having bool_or(r.status = 'flaky')
        or (bool_or(r.status = 'passed') and bool_or(r.status in ('failed', 'error'))))
 order by t.suite, t.name
""")


def newly_flaky(conn: Connection, build_id: int, test_ids: list[int]) -> list[str]:
    """'suite › name' of each test of `test_ids` that this build's commit shows flaky and
    no other recent commit did."""
    if not test_ids:
        return []
    rows = conn.execute(FLAKY_NOW, {"b": build_id, "tests": sorted(set(test_ids)),
                                    "days": NEW_WITHIN_DAYS}).all()
    return [f"{r.suite} › {r.name}" for r in rows]
