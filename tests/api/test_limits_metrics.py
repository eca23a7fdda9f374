"""Metric series have limits that fit PostgreSQL's index and a person's screen: a label too
long, too many labels or too many new series in one call are refused (422 naming the limit)
and nothing of the call is written. None of them is a 503 "database unavailable"."""

import pytest

from jadugar import limits


@pytest.fixture
def app(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "shop"


def _point(labels: dict, name: str = "cpu") -> dict:
    return {"application": "shop", "name": name, "value": 1, "labels": labels}


def _refused(r, field: str, words: str) -> None:
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    error = r.json["error"]
    assert error["code"] == "limit_exceeded" and error["field"] == field
    assert words in error["message"]


def test_it_refuses_a_one_megabyte_label(api, app):
    r = api.post("/metrics", json=[_point({"host": "a"}), _point({"host": "x" * 1_000_000})])
    _refused(r, "[1].labels", str(limits.LABEL_VALUE_LENGTH))
    assert api.get("/applications/shop/metrics").json["items"] == []


def test_it_refuses_a_thousand_labels(api, app):
    r = api.post("/metrics", json=[_point({f"l{i}": "v" for i in range(1000)})])
    _refused(r, "[0].labels", f"more than {limits.LABELS_PER_SERIES} labels")


def test_it_refuses_a_series_key_the_index_cannot_hold(api, app):
    labels = {f"label{i}": "v" * 200 for i in range(limits.LABELS_PER_SERIES)}
    _refused(api.post("/metrics", json=[_point(labels)]), "[0].labels",
             f"at most {limits.SERIES_KEY_BYTES}")


def test_it_refuses_a_metric_name_too_long(api, app):
    r = api.post("/metrics", json=[_point({}, name="m" * 100_000)])
    _refused(r, "[0].name", str(limits.METRIC_NAME_LENGTH))


def test_it_refuses_a_long_label_in_prometheus_text(api, app):
    body = 'up{job="' + "x" * 1_000_000 + '"} 1\n'
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 422 and r.json["error"]["field"] == "body"
    assert "line 1" in r.json["error"]["message"]
    assert str(limits.LABEL_VALUE_LENGTH) in r.json["error"]["message"]


def test_it_refuses_thirty_thousand_new_series_in_one_call(api, app):
    points = [_point({"request_id": str(i)}) for i in range(30_000)]
    _refused(api.post("/metrics", json=points), "body", str(limits.NEW_SERIES_PER_CALL))
    assert api.get("/applications/shop/metrics").json["items"] == []


def test_it_counts_only_new_series_against_the_cap(api, app):
    cap = limits.NEW_SERIES_PER_CALL
    first = [_point({"host": str(i)}) for i in range(cap)]
    assert api.post("/metrics", json=first).status_code == 201
    again = [{**p, "ts": 1767225600} for p in first] + [_point({"host": "new"})]
    r = api.post("/metrics", json=again)
    assert r.status_code == 201 and r.json["series"] == cap + 1
    more = [_point({"host": f"n{i}"}) for i in range(cap + 1)]
    _refused(api.post("/metrics", json=more), "body", str(cap))
    assert api.get("/applications/shop/metrics").json["items"][0]["series"] == cap + 1


def test_it_drops_a_scraped_series_over_the_limits_instead_of_failing_the_batch(conn,
                                                                                 caplog):
    from sqlalchemy import text

    from jadugar.services import metrics
    from jadugar.timeutil import utcnow

    conn.execute(text("insert into applications (slug, name) values ('shop', 'Shop')"))
    now = utcnow()
    out = metrics.ingest(conn, [("shop", "up", {"job": "a"}, 1.0, now),
                                ("shop", "up", {"job": "x" * 100_000}, 1.0, now)])
    assert out["written"] == 1 and out["series"] == 1
    assert "over the size limits" in caplog.text
