"""CSV exports: the same rows as the filters, streamed, with formulas neutralised."""

import csv
import io

import pytest


@pytest.fixture
def builds(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    api.post("/projects/web/builds", json={"status": "success", "branch": "main", "number": 1})
    api.post("/projects/web/builds", json={"status": "failed", "branch": "=cmd|' /C calc'!A0",
                                           "number": 2, "message": "+SUM(A1:A9)"})
    api.post("/projects/web/builds", json={"status": "failed", "branch": "@dev", "number": 3,
                                           "message": "-2+3"})


def rows(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_it_exports_the_filtered_builds(api, builds):
    out = rows(api.get("/projects/web/builds.csv?status=failed"))
    assert [r["number"] for r in out] == ["3", "2"]
    assert {"id", "status", "branch", "duration_s", "created_at"} <= set(out[0])


def test_it_neutralises_spreadsheet_formulas(api, builds):
    out = {r["number"]: r for r in rows(api.get("/projects/web/builds.csv"))}
    assert out["2"]["branch"] == "'=cmd|' /C calc'!A0"
    assert out["2"]["message"] == "'+SUM(A1:A9)"
    assert out["3"]["branch"] == "'@dev" and out["3"]["message"] == "'-2+3"
    assert out["1"]["branch"] == "main"


def test_it_answers_accept_text_csv_on_list_endpoints(api, builds):
    out = rows(api.get("/projects/web/builds?branch=main", headers={"Accept": "text/csv"}))
    assert [r["number"] for r in out] == ["1"]
    updates = rows(api.get("/projects/web/status-updates", headers={"Accept": "text/csv"}))
    assert len(updates) == 3
    assert rows(api.get("/projects", headers={"Accept": "text/csv"}))[0]["slug"] == "web"


def test_it_streams_the_export(api, builds):
    r = api.get("/projects/web/builds.csv")
    assert r.is_streamed
    assert "attachment" in r.headers["Content-Disposition"]
