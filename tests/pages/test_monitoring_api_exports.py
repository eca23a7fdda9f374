"""The API equivalents of the monitoring pages' CSV downloads, reports and status pages."""

import csv
import io
from datetime import timedelta

import pytest
from monitoring_factory import add_history, make_app, make_check

from jadugar.timeutil import utcnow


def _seed(engine):
    with engine.begin() as c:
        app = make_app(c, "shop", tags=["web"])
        check = make_check(c, app)
        add_history(c, check, utcnow() - timedelta(minutes=30), "uuxu")
        add_history(c, make_check(c, app, "=HYPERLINK()"), utcnow() - timedelta(minutes=5),
                    "u")
    return check


def test_it_exports_the_raw_history_of_a_check_for_a_range(api, engine):
    check = _seed(engine)
    r = api.get(f"/exports/checks/{check}/history.csv?range=1h")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["status"] for row in rows] == ["up", "up", "down", "up"]
    assert rows[2]["error"] == "boom: password=hunter2"


def test_it_exports_response_time_buckets(api, engine):
    check = _seed(engine)
    body = api.get(f"/exports/checks/{check}/response-times.csv?range=1h").get_data(
        as_text=True)
    assert body.splitlines()[0] == "t,p50,p95,min,max,count"


def test_it_exports_the_overview_with_filters(api, engine):
    _seed(engine)
    rows = list(csv.DictReader(io.StringIO(
        api.get("/exports/overview.csv?tag=web").get_data(as_text=True))))
    assert [(r["application"], r["checks"]) for r in rows] == [("shop", "2")]
    assert api.get("/exports/overview.csv?tag=nope").get_data(as_text=True).count("\n") == 1


def test_it_rejects_a_bad_range_naming_the_field(api, engine):
    check = _seed(engine)
    r = api.get(f"/exports/checks/{check}/history.csv?range=3w")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "range"


def test_it_serves_the_sla_report_as_json_csv_and_html(api, engine):
    _seed(engine)
    [row] = api.get("/reports/sla?period=range").get_json()["items"]
    assert row["application"] == "shop" and row["incidents"] == 1
    assert "shop" in api.get("/reports/sla.csv").get_data(as_text=True)
    assert "<table" in api.get("/reports/sla.html").get_data(as_text=True)


def test_it_manages_status_pages_through_the_api(api, engine):
    _seed(engine)
    r = api.post("/status-pages", json={"slug": "public", "title": "Status",
                                        "applications": ["shop"]})
    assert r.status_code == 201 and r.get_json()["applications"] == ["shop"]
    assert api.post("/status-pages", json={"slug": "public", "title": "x"}).status_code == 409
    bad = api.post("/status-pages", json={"slug": "p2", "title": "x", "applications": ["no"]})
    assert bad.get_json()["error"]["field"] == "applications"
    assert api.delete("/status-pages/public").status_code == 204


@pytest.mark.parametrize("body,field", [
    ({"slug": {}, "title": "", "applications": []}, "slug"),
    ({"slug": "ok", "title": "T", "description": {"a": 1}, "applications": []}, "description"),
])
def test_it_names_the_field_of_a_malformed_status_page(api, body, field):
    r = api.post("/status-pages", json=body)
    assert r.status_code == 422 and r.json["error"]["field"] == field
