"""Duration verdicts for builds stored without one (finished before the feature, or inserted
by SQL): `duration_anomaly.backfill` gives each the verdict it would have had at its finish."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar.errors import NotFound
from jadugar.services import duration_anomaly

# Near 60 s, with the spread real runners have.
NEAR_60 = [58, 61, 60, 63, 59, 62, 57, 60, 61, 64, 59, 60, 62, 58, 61, 60, 63, 59, 60, 62]
# (seconds, status, branch): a baseline, a slow build, failures, a new branch falling back to
# the default one, and builds that are never judged (cancelled, still running).
HISTORY = ([(s, "success", "main") for s in NEAR_60[:12]]
           + [(1000, "failed", "main"), (300, "success", "main"), (61, "failed", "main"),
              (300, "success", "feature/x"), (59, "success", "feature/x"),
              (40, "cancelled", "main"), (None, "running", "main")]
           + [(s, "success", "main") for s in NEAR_60[12:]] + [(90, "success", "main")])

INSERT = text("""
insert into builds (project_id, external_id, number, branch, kind, status, source,
                    started_at, finished_at)
values ((select id from projects where slug = :slug), :ext, :n, :branch, 'build', :status,
        'api', :started_at, :finished_at)
""")

VERDICTS = text("""
select b.number, i.samples, i.baseline_s, i.threshold_s, i.anomalous, i.evaluated_at
  from builds b join projects p on p.id = b.project_id
  left join build_insights i on i.build_id = b.id
 where p.slug = :slug order by b.number
""")


def _times(n, seconds, start):
    """Half an hour apart: each build finishes before the next starts, as CI reports them."""
    begin = start + timedelta(minutes=30 * n)
    end = None if seconds is None else begin + timedelta(seconds=seconds)
    return begin, end


def _via_api(api, slug, start):
    assert api.post("/projects", json={"slug": slug, "name": slug}).status_code == 201
    for n, (seconds, status, branch) in enumerate(HISTORY, 1):
        begin, end = _times(n, seconds, start)
        body = {"external_id": f"ci-{n}", "number": n, "branch": branch, "status": status,
                "started_at": begin.isoformat()}
        if end is not None:
            body["finished_at"] = end.isoformat()
        assert api.post(f"/projects/{slug}/builds", json=body).status_code == 201


def _via_sql(api, engine, slug, start):
    assert api.post("/projects", json={"slug": slug, "name": slug}).status_code == 201
    with engine.begin() as c:
        for n, (seconds, status, branch) in enumerate(HISTORY, 1):
            begin, end = _times(n, seconds, start)
            c.execute(INSERT, {"slug": slug, "ext": f"ci-{n}", "n": n, "branch": branch,
                               "status": status, "started_at": begin, "finished_at": end})


def _verdicts(engine, slug):
    with engine.begin() as c:
        return c.execute(VERDICTS, {"slug": slug}).all()


def _backfill(engine, **kw):
    with engine.begin() as c:
        return duration_anomaly.backfill(c, **kw)


JUDGED = sum(1 for s, status, _ in HISTORY if s is not None and status in ("success", "failed"))


@pytest.fixture
def start():
    return datetime.now(UTC) - timedelta(days=3)


def test_backfilled_verdicts_equal_those_given_at_finish(api, engine, start):
    _via_api(api, "live", start)
    _via_sql(api, engine, "imported", start)
    assert all(v.samples is None for v in _verdicts(engine, "imported"))

    assert _backfill(engine, project="imported") == JUDGED

    live = [tuple(v)[:5] for v in _verdicts(engine, "live")]
    imported = [tuple(v)[:5] for v in _verdicts(engine, "imported")]
    assert imported == live
    anomalous = [v[0] for v in imported if v[4]]
    assert anomalous == [13, 14, 16, 28]  # 1000 s failed, 300 s, 300 s on a new branch, 90 s
    assert sum(v[1] is None for v in imported) == 2  # cancelled and running: no verdict
    assert _backfill(engine) == 0  # everything judged: a second run does nothing


def test_it_leaves_judged_builds_alone(api, engine, start):
    _via_api(api, "live", start)
    before = _verdicts(engine, "live")
    with engine.begin() as c:
        c.execute(text("delete from build_insights where build_id in "
                       "(select id from builds where number in (14, 20))"))

    assert _backfill(engine) == 2

    after = _verdicts(engine, "live")
    assert [tuple(v)[:5] for v in after] == [tuple(v)[:5] for v in before]
    untouched = [(b.number, b.evaluated_at) for b in before if b.number not in (14, 20)]
    assert [(a.number, a.evaluated_at) for a in after if a.number not in (14, 20)] == untouched


def test_it_judges_only_the_project_asked_for(api, engine, start):
    _via_sql(api, engine, "one", start)
    _via_sql(api, engine, "two", start)

    assert _backfill(engine, project="one") == JUDGED

    assert sum(v.samples is not None for v in _verdicts(engine, "one")) == JUDGED
    assert all(v.samples is None for v in _verdicts(engine, "two"))
    assert _backfill(engine, project="two") == JUDGED


def test_it_judges_oldest_first_in_chunks_up_to_the_limit(api, engine, start):
    _via_sql(api, engine, "imported", start)

    assert _backfill(engine, limit=5, chunk=2) == 5
    judged = [v.number for v in _verdicts(engine, "imported") if v.samples is not None]
    assert judged == [1, 2, 3, 4, 5]
    assert _backfill(engine, chunk=3) == JUDGED - 5  # many chunks: the keyset moves on
    _via_api(api, "live", start)
    live = [tuple(v)[:5] for v in _verdicts(engine, "live")]
    assert [tuple(v)[:5] for v in _verdicts(engine, "imported")] == live


def test_it_names_an_unknown_project(conn):
    with pytest.raises(NotFound, match="no project 'nope'") as caught:
        duration_anomaly.backfill(conn, project="nope")
    assert caught.value.field == "project"
