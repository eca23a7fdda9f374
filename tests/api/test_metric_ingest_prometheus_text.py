"""Prometheus text on POST /metrics: texts read at once (every line `key value timestamp`,
as the bench and most clients send) and line by line give the same points, series and
errors."""

import pytest

T0 = 1767225600000  # 2026-01-01T00:00:00Z
RANGE = "since=2025-12-31T00:00:00Z&until=2026-01-02T00:00:00Z"


@pytest.fixture
def shop(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "shop"


def _post(api, body: str):
    return api.post("/metrics?application=shop", data=body, content_type="text/plain")


def _uniform(n: int = 10, start: int = T0) -> list[str]:
    return [f'cpu{{host="h{i % 2}"}} {i} {start + i * 1000}' for i in range(n)]


@pytest.mark.parametrize("extra", ["", "# TYPE cpu gauge\n"])
def test_it_stores_a_uniform_text_as_a_mixed_one(api, shop, extra):
    r = _post(api, extra + "\n".join(_uniform()) + "\n")
    assert r.status_code == 201 and r.json == {"accepted": 10, "written": 10, "series": 2}
    points = api.get(f"/applications/shop/metrics/cpu?label.host=h1&{RANGE}").json["points"]
    assert [p["value"] for p in points] == [1, 3, 5, 7, 9]
    assert points[0]["t"].startswith("2026-01-01T00:00:01")


def test_it_stores_escaped_label_values_unescaped(api, shop):
    body = "\n".join([r'cpu{path="C:\\tmp",say="\"hi\"\nbye"} 1 ' + str(T0),
                      r'cpu{path="C:\\tmp",say="\"hi\"\nbye"} 2 ' + str(T0 + 1000)])
    r = _post(api, body)
    assert r.status_code == 201 and r.json["series"] == 1
    [metric] = api.get("/applications/shop/metrics").json["items"]
    assert metric["labels"] == [{"path": "C:\\tmp", "say": '"hi"\nbye'}]


def test_it_takes_no_timestamp_as_now(api, shop):
    r = _post(api, "up 1\nup 0\n")
    assert r.status_code == 201 and r.json == {"accepted": 2, "written": 1, "series": 1}
    [point] = api.get("/applications/shop/metrics/up").json["points"]
    assert point["value"] == 1  # the same time twice: the first value stays


def test_a_series_with_only_nan_or_inf_samples_is_not_created(api, shop):
    body = f"cpu 1 {T0}\nidle NaN {T0}\nidle +Inf {T0 + 1000}\ncpu -Inf {T0 + 1000}\n"
    r = _post(api, body)
    assert r.status_code == 201 and r.json == {"accepted": 1, "written": 1, "series": 1}
    assert [m["name"] for m in api.get("/applications/shop/metrics").json["items"]] == ["cpu"]


@pytest.mark.parametrize("body", ["", "\n\n", "# HELP up Up.\n# TYPE up gauge\n",
                                  "up NaN\nup2 +Inf 1\n"])
def test_it_refuses_a_text_without_finite_samples(api, shop, body):
    r = _post(api, body)
    assert r.status_code == 422
    assert r.json["error"]["message"] == "no finite samples in the Prometheus text"


def test_it_names_the_first_finite_sample_with_a_time_out_of_range(api, shop):
    lines = _uniform(4) + ["late NaN 999999999999999", "later 1 999999999999999",
                           "latest 1 -999999999999999"]
    r = _post(api, "\n".join(lines))
    assert r.status_code == 422
    assert r.json["error"]["message"] == "the timestamp 999999999999999 of later is out of range"
    assert api.get("/applications/shop/metrics").json["items"] == []


@pytest.mark.parametrize("where", [0, 6, 9])
def test_it_refuses_a_series_over_a_limit_in_a_uniform_text_naming_its_line(api, shop,
                                                                            where):
    lines = _uniform()
    lines[where] = f'cpu{{host="{"x" * 2000}"}} 1 {T0}'
    r = _post(api, "\n".join(lines))
    assert r.status_code == 422 and r.json["error"]["code"] == "limit_exceeded"
    assert r.json["error"]["message"].startswith(f"line {where + 1}: ")
    assert api.get("/applications/shop/metrics").json["items"] == []


@pytest.mark.parametrize(("bad", "message"), [
    ("cpu 1_000 1767225600000", "invalid value '1_000'"),
    ('cpu{host="a",host="b"} 1 1767225600000', "duplicate label 'host'"),
    (r'cpu{host="\t"} 1 1767225600000', "invalid escape sequence"),
    ("cpu 1 1.5", "invalid timestamp '1.5'"),
])
def test_it_names_a_bad_line_in_an_otherwise_uniform_text(api, shop, bad, message):
    lines = _uniform()
    lines[6] = bad
    r = _post(api, "\n".join(lines))
    assert r.status_code == 422
    assert r.json["error"]["message"].startswith(f"cannot parse Prometheus text: line 7: "
                                                 f"{message}")


def test_a_series_accepted_once_is_accepted_again(api, shop):
    assert _post(api, "\n".join(_uniform())).json["series"] == 2
    r = _post(api, "\n".join(_uniform(start=T0 + 60_000)))
    assert r.status_code == 201 and r.json == {"accepted": 10, "written": 10, "series": 2}
