"""/builds/<slug>: every panel applies the filters that are set, or says which it ignores
(issue 12, finding 10), and the delivery card counts production deploys and lists them."""

from __future__ import annotations

import importlib
from datetime import timedelta

from sqlalchemy import text

from jadugar.services import build_series
from jadugar.services.build_reads import BuildFilter
from jadugar.timeutil import utcnow


def _history(engine) -> int:
    now = utcnow()
    with engine.begin() as c:
        pid = c.execute(text("insert into projects (slug, name) values ('web', 'Web') "
                             "returning id")).scalar_one()
        for hours, status, kind, env in ((5, "success", "build", None),
                                         (4, "failed", "build", None),
                                         (3, "success", "deploy", "production"),
                                         (2, "success", "deploy", "staging")):
            at = now - timedelta(hours=hours)
            build = c.execute(text("""
                insert into builds (project_id, branch, kind, environment, status, created_at,
                                    started_at, finished_at, source)
                values (:p, 'main', :kind, :env, :status, :at, :at,
                        :at + interval '5 minutes', 'api') returning id"""),
                {"p": pid, "kind": kind, "env": env, "status": status, "at": at}).scalar_one()
            c.execute(text("""
                insert into build_stages (build_id, external_id, name, status, position,
                                          started_at, finished_at)
                values (:b, 's', :name, :status, 0, :at, :at + interval '1 minute')"""),
                {"b": build, "name": f"test-{status}", "status": status, "at": at})
    return pid


def test_it_applies_the_status_filter_to_outcomes_and_stages(engine, clean_db):
    pid = _history(engine)
    now = utcnow()
    flt = BuildFilter(status="failed", since=now - timedelta(days=1), until=now)
    with engine.connect() as c:
        charts = build_series.project_charts(c, pid, flt)
    assert set(charts["outcomes"]["status"]) == {"failed"}
    assert list(charts["stages"]["stage"]) == ["test-failed"]


def test_it_says_which_panels_ignore_the_filters_that_are_set(dash_app, engine, clean_db):
    _history(engine)
    page = importlib.import_module("pages.build_project")
    *_, success_note, branches_note = page.draw_charts("30d", None, None, "failed", "day",
                                                       "UTC", None, "web")
    assert success_note.startswith("Ignores status=failed")
    assert branches_note.startswith("Ignores status=failed")
    *_, quiet = page.draw_charts("30d", "main", "build", None, "day", "UTC", None, "web")
    assert quiet == ""
    _tiles, _table, dora_note = page.draw_tiles("30d", "main", None, "failed", None, "UTC",
                                                None, "web")
    assert "branch=main" in dora_note and "status=failed" in dora_note


def test_it_counts_production_deploys_and_links_each_tile_to_them(dash_app, engine, clean_db):
    _history(engine)
    page = importlib.import_module("pages.build_project")
    tiles, table, _note = page.draw_tiles("30d", None, None, None, None, "UTC", None, "web")
    text_of = str(tiles)
    assert "1 successful deploys to production, prod" in text_of
    assert text_of.count("#builds-project-dora-rows") == 4
    assert str(table).count("/builds/web/") == 1  # the staging deploy is not listed
    staging, rows, _ = page.draw_tiles("30d", None, None, None, "staging", "UTC", None, "web")
    assert "to staging" in str(staging) and str(rows).count("/builds/web/") == 1
