import pytest


def _app(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})


def test_it_ingests_a_json_batch_and_lists_names(api):
    _app(api)
    r = api.post("/metrics", json=[
        {"application": "shop", "name": "cpu", "value": 12.5, "ts": 1767225600,
         "labels": {"host": "a"}},
        {"application": "shop", "name": "cpu", "value": 14, "ts": "2026-01-01T00:01:00Z",
         "labels": {"host": "a"}},
        {"application": "shop", "name": "mem", "value": 900}])
    assert r.status_code == 201 and r.json == {"accepted": 3, "written": 3, "series": 2}
    names = api.get("/applications/shop/metrics").json["items"]
    assert [n["name"] for n in names] == ["cpu", "mem"]
    series = api.get("/applications/shop/metrics/cpu?since=2025-12-31T00:00:00Z"
                     "&until=2026-01-02T00:00:00Z").json
    assert series["mode"] == "raw" and [p["value"] for p in series["points"]] == [12.5, 14]


def test_it_rejects_the_whole_batch_naming_the_first_bad_item(api, engine):
    _app(api)
    r = api.post("/metrics", json=[
        {"application": "shop", "name": "cpu", "value": 1},
        {"application": "shop", "name": "cpu", "value": 2},
        {"application": "shop", "name": "cpu", "value": 3},
        {"application": "shop", "name": "cpu", "value": "high"},
        {"application": "shop", "name": "cpu", "value": None}])
    assert r.status_code == 422 and r.json["error"]["field"] == "[3].value"
    r = api.post("/metrics", json=[{"application": "shop", "name": "cpu", "value": 1},
                                   {"application": "nope", "name": "cpu", "value": 1}])
    assert r.json["error"]["field"] == "[1].application"
    r = api.post("/metrics", json=[{"application": "shop", "name": "x", "value": 1,
                                    "ts": "yesterday"}])
    assert r.json["error"]["field"] == "[0].ts"
    assert api.get("/applications/shop/metrics").json["items"] == []


def test_it_accepts_prometheus_text(api):
    _app(api)
    body = ('# TYPE http_requests_total counter\n'
            'http_requests_total{code="200"} 1027\nhttp_requests_total{code="500"} 3\n'
            'queue_depth NaN\n')
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 201 and r.json["accepted"] == 2
    r = api.get("/applications/shop/metrics/http_requests_total?label.code=500")
    assert [p["value"] for p in r.json["points"]] == [3]
    r = api.post("/metrics", data=body, content_type="text/plain")
    assert r.json["error"]["field"] == "application"
    r = api.post("/metrics?application=shop", data="bad line here", content_type="text/plain")
    assert r.status_code == 422 and "line 1" in r.json["error"]["message"]


def test_it_buckets_points_that_do_not_fit(api):
    _app(api)
    points = [{"application": "shop", "name": "rps", "value": i % 10, "ts": 1767225600 + i}
              for i in range(3600)]
    api.post("/metrics", json=points)
    r = api.get("/applications/shop/metrics/rps?since=1767225600&until=1767229199"
                "&max_points=60").json
    assert r["mode"] == "buckets" and len(r["points"]) <= 60 and r["total"] == 3600
    first = r["points"][0]
    # Readable 1-minute buckets (the step the explorer page uses for the same range).
    assert (first["min"], first["max"], first["count"]) == (0, 9, 60)
    assert first["avg"] == pytest.approx(4.5) and r["step_s"] == 60
    assert sum(p["count"] for p in r["points"]) == 3600
    p95 = api.get("/applications/shop/metrics/rps?since=1767225600&until=1767229199"
                  "&max_points=60&agg=p95").json["points"][0]
    assert p95["value"] == pytest.approx(9.0) and "avg" not in p95
    assert api.get("/applications/shop/metrics/rps?max_points=0").json["error"]["field"] \
        == "max_points"


def test_it_needs_the_ingest_scope(client, make_token):
    token = make_token("read")
    r = client.post("/api/v1/metrics", json=[], headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
