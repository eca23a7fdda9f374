"""A check created, changed and deleted through the API leaves three audit entries, each
naming the token that did it and the address it came from."""

from __future__ import annotations

from sqlalchemy import event, text

from jadugar import audit_context


def test_it_records_who_created_changed_and_deleted_a_check(api, engine):
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    made = api.post("/applications/shop/checks", json={
        "name": "home", "type": "http", "target": "http://127.0.0.1:9/", "interval_s": 30})
    assert made.status_code == 201, made.json
    check_id = made.json["id"]
    assert api.patch(f"/checks/{check_id}", json={"interval_s": 60}).status_code == 200
    assert api.delete(f"/checks/{check_id}").status_code == 204

    entries = api.get("/audit?object_type=check").json["items"]
    assert [e["action"] for e in entries] == ["delete", "update", "create"]  # newest first
    assert {e["object_id"] for e in entries} == {str(check_id)}
    assert entries[1]["summary"] == {"interval_s": 60}
    for e in entries:
        assert e["actor"] == f"token test-admin ({api.token[:10]}…)"
        assert e["address"] == "127.0.0.1" and e["via"] == "api"
        assert e["object_name"] == "home"
    with engine.connect() as c:  # the default alert rule came with the check, same actor
        rule_actor = c.execute(text("select actor from audit_log where object_type = "
                                    "'alert_rule' and action = 'create'")).scalar_one()
    assert rule_actor.startswith("token test-admin")


def test_it_forgets_the_actor_when_the_request_ends(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    # The test client runs the app in this thread: a binding left behind would be visible.
    assert audit_context.current() is None


def test_it_spends_no_statement_on_reads(api, engine):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert api.get("/applications").status_code == 200
        reads = list(seen)
        assert api.post("/applications", json={"slug": "a", "name": "A"}).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert reads and not any("set_config" in s for s in reads)
    assert any("set_config" in s for s in seen[len(reads):])
