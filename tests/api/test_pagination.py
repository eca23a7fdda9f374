from sqlalchemy import text


def test_it_pages_with_a_cursor(api, engine):
    with engine.begin() as c:
        for i in range(7):
            c.execute(text("insert into projects (slug, name) values (:s, :s)"),
                      {"s": f"p{i}"})
    seen, cursor = [], None
    while True:
        r = api.get("/projects", query_string={"limit": 3, **({"cursor": cursor}
                                                               if cursor else {})})
        assert r.status_code == 200
        seen += [p["slug"] for p in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"p{i}" for i in range(7)]


def test_it_rejects_a_bad_limit_naming_the_field(api):
    r = api.get("/projects", query_string={"limit": 0})
    assert r.status_code == 400 and r.json["error"]["field"] == "limit"


def test_it_rejects_a_forged_cursor(api):
    r = api.get("/projects", query_string={"cursor": "!!!"})
    assert r.status_code == 400 and r.json["error"]["field"] == "cursor"


def test_it_returns_times_as_iso_utc(api, engine):
    with engine.begin() as c:
        c.execute(text("insert into applications (slug, name) values ('a', 'A')"))
    item = api.get("/applications").json["items"][0]
    assert item["created_at"].endswith("Z")


def test_it_names_a_query_parameter_with_a_nul_byte(api):
    r = api.get("/projects", query_string={"cursor": "a\x00b"})
    assert r.status_code == 400 and r.json["error"]["field"] == "cursor"


def test_it_answers_a_bad_export_parameter_before_streaming(api, engine):
    r = api.get("/exports/checks/1/response-times.csv", query_string={"max_points": "null"})
    assert r.status_code == 400 and r.json["error"]["field"] == "max_points"
