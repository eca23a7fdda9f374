"""The fast path takes only well-formed batches; any bad point sends the batch through the
item-by-item checks, so the error still names the first bad item or line, and nothing of
the batch is written."""

import pytest


@pytest.fixture
def shop(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "shop"


def _good(i: int) -> dict:
    return {"application": "shop", "name": "cpu", "value": i, "ts": 1767225600 + i,
            "labels": {"host": "a"}}


@pytest.mark.parametrize("bad, field", [
    ({"value": True}, "[4999].value"),
    ({"value": "1"}, "[4999].value"),
    ({"value": 10 ** 400}, "[4999].value"),
    ({"ts": True}, "[4999].ts"),
    ({"ts": "soon"}, "[4999].ts"),
    ({"ts": [1]}, "[4999].ts"),
    ({"labels": {"host": 1}}, "[4999].labels"),
    ({"labels": {"host": ["a"]}}, "[4999].labels"),
    ({"labels": ["host"]}, "[4999].labels"),
    ({"name": " "}, "[4999].name"),
    ({"application": None}, "[4999].application"),
    ({"application": "nope"}, "[4999].application"),
])
def test_it_names_a_bad_point_after_many_good_ones(api, shop, bad, field):
    batch = [_good(i) for i in range(4999)] + [{**_good(4999), **bad}]
    r = api.post("/metrics", json=batch)
    assert r.status_code == 422 and r.json["error"]["field"] == field
    assert api.get("/applications/shop/metrics").json["items"] == []


@pytest.mark.parametrize("first, then", [(1, True), (0, False), (1.0, True)])
def test_it_refuses_a_boolean_time_after_the_number_it_equals(api, shop, first, then):
    r = api.post("/metrics", json=[{**_good(0), "ts": first}, {**_good(1), "ts": then}])
    assert r.status_code == 422 and r.json["error"]["field"] == "[1].ts"


def test_it_names_a_point_that_is_not_an_object(api, shop):
    r = api.post("/metrics", json=[_good(0), 5])
    assert r.status_code == 422 and r.json["error"]["field"] == "[1]"


def test_it_still_accepts_points_with_fields_it_does_not_know(api, shop):
    r = api.post("/metrics", json=[{**_good(0), "unit": "ms"}, _good(1)])
    assert r.status_code == 201 and r.json["written"] == 2


def test_it_refuses_a_nul_in_a_name_naming_it(api, shop):
    r = api.post("/metrics", data='[{"application": "shop", "name": "c\\u0000", "value": 1}]',
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "NUL" in r.json["error"]["message"]


def test_it_refuses_a_number_too_large_for_a_float(api, shop):
    r = api.post("/metrics", data='[{"application": "shop", "name": "c", "value": 1e999}]',
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "too large" in r.json["error"]["message"]


def test_it_names_the_bad_line_after_lines_of_a_known_series(api, shop):
    lines = [f'cpu{{host="a"}} {i} {1767225600000 + i * 1000}' for i in range(100)]
    body = "\n".join([*lines, 'cpu{host="a"} 1 2 3'])
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 422 and "line 101" in r.json["error"]["message"]
    assert api.get("/applications/shop/metrics").json["items"] == []


def test_it_reads_many_lines_of_few_series_in_prometheus_text(api, shop):
    lines = [f'cpu{{host="{h}"}} {i} {1767225600000 + i * 1000}'
             for i in range(50) for h in "abc"]
    body = "\n".join([*lines, 'cpu{host="a"} NaN 1767225700000', "up 1 1767225600000", ""])
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 201 and r.json == {"accepted": 151, "written": 151, "series": 4}


def test_it_takes_plain_lines_of_one_metric_as_one_series(api, shop):
    body = "".join(f"queue_depth {i} {1767225600000 + i * 1000}\n" for i in range(3))
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 201 and r.json == {"accepted": 3, "written": 3, "series": 1}


def test_it_refuses_a_nul_in_a_prometheus_label_naming_the_line(api, shop):
    body = 'up{job="a"} 1\nup{job="b\x00"} 1\n'
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 422 and r.json["error"]["message"].startswith("line 2: ")
