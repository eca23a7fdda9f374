"""Finding 14: every stored secret is shown back masked, to admins too, through the API;
an edit that leaves `***` keeps the stored secret, and a typed value replaces it."""

from sqlalchemy import text

from jadugar.services import check_credentials as credentials

CHECK = {"name": "api", "type": "http", "interval_s": 60,
         "target": "https://bot:pw-user@shop.example/h?token=pw-query",
         "options": {"method": "POST", "body": "grant=pw-body",
                     "headers": {"Authorization": "Bearer pw-bearer", "Accept": "text/plain"}}}


def _stored(engine, check_id: int) -> tuple[str, dict]:
    with engine.connect() as c:
        row = c.execute(text("select target, options, credentials from health_checks "
                             "where id = :id"), {"id": check_id}).one()
    return credentials.unseal(row.target, row.options, row.credentials)


def test_it_shows_an_admin_only_masks_and_keeps_what_an_edit_left_masked(api, engine):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    made = api.post("/applications/shop/checks", json=CHECK)
    assert made.status_code == 201 and "pw-" not in made.get_data(as_text=True)
    shown = made.json
    assert shown["target"] == "https://bot:***@shop.example/h?token=***"
    assert shown["options"]["headers"]["Authorization"] == "***"

    moved = api.patch(f"/checks/{shown['id']}", json={
        "target": shown["target"].replace("shop.example", "shop2.example"),
        "options": {**shown["options"], "method": "PUT"}})
    assert moved.status_code == 200 and "pw-" not in moved.get_data(as_text=True)
    target, options = _stored(engine, shown["id"])
    assert target == "https://bot:pw-user@shop2.example/h?token=pw-query"
    assert options["headers"] == CHECK["options"]["headers"] and options["method"] == "PUT"
    assert options["body"] == "grant=pw-body"

    typed = api.patch(f"/checks/{shown['id']}", json={
        "target": "https://bot:pw-new@shop2.example/h?token=***",
        "options": {"headers": {"Authorization": "Bearer pw-new-bearer"}}})
    assert typed.status_code == 200
    target, options = _stored(engine, shown["id"])
    assert target == "https://bot:pw-new@shop2.example/h?token=pw-query"
    assert options == {"headers": {"Authorization": "Bearer pw-new-bearer"}}


def test_it_refuses_a_mask_where_nothing_is_stored(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    r = api.post("/applications/shop/checks", json={**CHECK, "target": "https://bot:***@x/"})
    assert r.status_code == 422 and r.json["error"]["field"] == "target"
    r = api.post("/applications/shop/checks", json={
        **CHECK, "options": {"headers": {"X-Api-Key": "***"}}})
    assert r.status_code == 422 and r.json["error"]["field"] == "options.headers"


def test_it_masks_notification_urls_and_keeps_one_left_masked(api, engine):
    made = api.post("/notification-targets", json={"name": "hook",
                                                   "url": "json://hooks.example/pw-hook"})
    assert made.status_code == 201 and made.json["url"] == "json://***"
    listed = api.get("/notification-targets")
    assert "pw-hook" not in listed.get_data(as_text=True)
    kept = api.patch(f"/notification-targets/{made.json['id']}",
                     json={"url": "json://***", "name": "renamed"})
    assert kept.status_code == 200 and kept.json["name"] == "renamed"
    from jadugar.services import notifications

    with engine.connect() as c:
        assert notifications.get_target(c, made.json["id"]).url == "json://hooks.example/pw-hook"


def test_it_keeps_a_webhook_secret_sent_back_masked(api, engine):
    api.post("/projects", json={"slug": "web", "name": "Web", "repository": "octo/web"})
    api._call("put", "/projects/web/webhook-secrets", json={"github_webhook_secret": "pw-gh"})
    r = api._call("put", "/projects/web/webhook-secrets", json={"github_webhook_secret": "***"})
    assert r.status_code == 200 and r.json["has_github_secret"] is True
    assert "pw-gh" not in r.get_data(as_text=True)
    from jadugar.services.webhooks import ingest

    with engine.connect() as c:
        assert ingest.secret_for(c, "github", "octo/web") == "pw-gh"
