"""`jadugar builds judge`: duration verdicts for finished builds stored without one."""

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import text

from jadugar.cli import main
from jadugar.services import duration_anomaly, projects

INSERT = text("""
insert into builds (project_id, external_id, number, branch, kind, status, source,
                    started_at, finished_at)
values (:pid, :ext, :n, 'main', 'build', :status, 'api', :started_at, :finished_at)
""")

JUDGED = text("""
select p.slug, count(i.build_id) from projects p
  left join builds b on b.project_id = p.id left join build_insights i on i.build_id = b.id
 group by p.slug order by p.slug
""")


def _imported(engine, slug, durations, status="success"):
    """Builds inserted by SQL, as an import would: no verdict."""
    start = datetime.now(UTC) - timedelta(days=2)
    with engine.begin() as c:
        pid = projects.create_project(c, {"slug": slug, "name": slug}).id
        for n, seconds in enumerate(durations, 1):
            begin = start + timedelta(minutes=30 * n)
            c.execute(INSERT, {"pid": pid, "ext": f"ci-{n}", "n": n, "status": status,
                               "started_at": begin,
                               "finished_at": begin + timedelta(seconds=seconds)})


def _judged(engine):
    with engine.begin() as c:
        return dict(c.execute(JUDGED).all())


def test_it_has_help():
    r = CliRunner().invoke(main, ["builds", "judge", "--help"])
    assert r.exit_code == 0 and "--project" in r.output and "--limit" in r.output


def test_it_judges_builds_without_a_verdict_and_only_those(engine, clean_db):
    _imported(engine, "web", [60] * 12 + [300])
    _imported(engine, "api", [30] * 4)
    runner = CliRunner()

    r = runner.invoke(main, ["builds", "judge", "--project", "web"])
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "judged 13 builds"
    assert _judged(engine) == {"api": 0, "web": 13}
    with engine.begin() as c:
        last = c.execute(text("select samples, anomalous from build_insights i "
                              "join builds b on b.id = i.build_id "
                              "where b.number = 13")).one()
    assert tuple(last) == (12, True)

    r = runner.invoke(main, ["builds", "judge"])
    assert r.exit_code == 0 and r.output.strip() == "judged 4 builds"
    r = runner.invoke(main, ["builds", "judge"])
    assert r.exit_code == 0 and r.output.strip() == "judged 0 builds"


def test_it_commits_chunk_by_chunk_up_to_the_limit(engine, clean_db, monkeypatch):
    _imported(engine, "web", [60] * 7)
    monkeypatch.setattr(duration_anomaly, "BACKFILL_CHUNK", 2)
    runner = CliRunner()

    r = runner.invoke(main, ["builds", "judge", "--limit", "5"])
    assert r.exit_code == 0 and r.output.strip() == "judged 5 builds"
    assert _judged(engine) == {"web": 5}
    r = runner.invoke(main, ["builds", "judge"])
    assert r.exit_code == 0 and r.output.strip() == "judged 2 builds"


def test_it_names_an_unknown_project(engine, clean_db):
    r = CliRunner().invoke(main, ["builds", "judge", "--project", "nope"])
    assert r.exit_code == 1
    assert "no project 'nope' (project)" in r.output


def test_it_refuses_a_limit_below_one():
    r = CliRunner().invoke(main, ["builds", "judge", "--limit", "0"])
    assert r.exit_code == 2 and "--limit" in r.output
