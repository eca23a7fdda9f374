"""A batch may repeat a point, or send one already stored: the first value sent for a
series and time is kept, a stored one is never overwritten, and the call still succeeds."""

from sqlalchemy import text


def _app(api) -> None:
    api.post("/applications", json={"slug": "shop", "name": "Shop"})


def _point(value: float, ts: int, host: str = "a") -> dict:
    return {"application": "shop", "name": "cpu", "value": value, "ts": ts,
            "labels": {"host": host}}


def _stored(engine) -> list[tuple]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(text("""select s.labels->>'host',
            extract(epoch from m.ts)::bigint, m.value from metrics m
            join metric_series s on s.id = m.series_id order by 1, 2"""))]


def test_it_keeps_the_first_of_two_points_for_one_series_and_time(api, engine):
    _app(api)
    r = api.post("/metrics", json=[_point(1, 1767225600), _point(2, 1767225600),
                                   _point(3, 1767225660)])
    assert r.status_code == 201 and r.json == {"accepted": 3, "written": 2, "series": 1}
    assert _stored(engine) == [("a", 1767225600, 1.0), ("a", 1767225660, 3.0)]


def test_it_keeps_a_stored_point_and_writes_the_rest_of_the_batch(api, engine):
    _app(api)
    assert api.post("/metrics", json=[_point(1, 1767225600)]).json["written"] == 1
    r = api.post("/metrics", json=[_point(9, 1767225600), _point(2, 1767225660),
                                   _point(5, 1767225600, host="b")])
    assert r.status_code == 201 and r.json == {"accepted": 3, "written": 2, "series": 2}
    assert _stored(engine) == [("a", 1767225600, 1.0), ("a", 1767225660, 2.0),
                               ("b", 1767225600, 5.0)]


def test_it_takes_label_order_and_spacing_in_names_as_one_series(api, engine):
    _app(api)
    r = api.post("/metrics", json=[
        {"application": "shop", "name": "cpu", "value": 1, "ts": 1767225600,
         "labels": {"host": "a", "zone": "z"}},
        {"application": " shop", "name": "cpu ", "value": 2, "ts": 1767225660,
         "labels": {"zone": "z", "host": "a"}}])
    assert r.json == {"accepted": 2, "written": 2, "series": 1}


def test_it_writes_the_same_points_twice_in_one_transaction_once(conn):
    from jadugar.services import metrics
    from jadugar.timeutil import parse_time

    conn.execute(text("insert into applications (slug, name) values ('shop', 'Shop')"))
    at = parse_time(1767225600, "ts")
    points = [("shop", "up", {"job": "a"}, 1.0, at), ("shop", "up", {"job": "b"}, 0.0, at)]
    assert metrics.ingest(conn, points)["written"] == 2
    again = metrics.ingest(conn, [*points, ("shop", "up", {"job": "c"}, 1.0, at)])
    assert again == {"accepted": 3, "written": 1, "series": 3}
    # The transaction is still usable after the conflict (a savepoint took the error).
    assert conn.execute(text("select count(*) from metrics")).scalar_one() == 3
