"""The new check types (icmp, dns records, grpc, smtp, websocket, ssh, udp) go through the API and a
config file like any other: created with their settings, exported with their secrets as
***, and the export applied back changes nothing and keeps the secrets."""

import json

from sqlalchemy import text

from jadugar.services import check_credentials, config_apply, config_io

CHECKS = [
    {"name": "gateway", "type": "icmp", "target": "10.0.0.1", "interval_s": 30,
     "expect": {"degraded_loss_percent": 20, "down_rtt_ms": 300}, "options": {"count": 5}},
    {"name": "mx", "type": "dns", "target": "example.com", "interval_s": 300,
     "expect": {"values": ["mail.example.com"]},
     "options": {"record_type": "MX", "server": "192.0.2.53"}},
    {"name": "orders", "type": "grpc", "target": "orders.internal:50051", "interval_s": 60,
     "options": {"service": "shop.Orders", "tls": True}},
    {"name": "mail", "type": "smtp", "target": "mail.example.com:587", "interval_s": 300,
     "expect": {"banner_contains": "ESMTP", "min_days_left": 20},
     "options": {"starttls": True}},
    {"name": "feed", "type": "websocket", "target": "wss://shop.example/feed",
     "interval_s": 60, "expect": {"message_contains": "pong"},
     "options": {"send": '{"token": "s3cret-send"}',
                 "headers": {"Authorization": "Bearer s3cret-header", "X-Team": "ops"}}},
    {"name": "bastion", "type": "ssh", "target": "bastion.internal", "interval_s": 60,
     "expect": {"banner_contains": "OpenSSH"}},
    {"name": "ntp", "type": "udp", "target": "ntp.internal:123", "interval_s": 60,
     "options": {"send": "s3cret-datagram"}, "expect": {"reply_contains": "pong"}},
]


def test_it_creates_each_new_type_through_the_api_and_masks_its_secrets(api, engine):
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    for check in CHECKS:
        r = api.post("/applications/shop/checks", json=check)
        assert r.status_code == 201, r.json
        assert "s3cret" not in r.get_data(as_text=True)
    feed = api.get("/applications/shop/checks").json
    feed = next(c for c in (feed.get("items") or feed) if c["name"] == "feed")
    assert feed["options"]["send"] == "***"
    assert feed["options"]["headers"] == {"Authorization": "***", "X-Team": "ops"}
    with engine.connect() as c:
        row = c.execute(text("select target, options, credentials from health_checks "
                             "where name = 'feed'")).one()
    _, options = check_credentials.unseal(row.target, row.options, row.credentials)
    assert options["send"] == '{"token": "s3cret-send"}'


def test_it_refuses_a_bad_setting_of_a_new_type_naming_the_key(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    bad = {**CHECKS[1], "options": {"record_type": "PTR"}}
    r = api.post("/applications/shop/checks", json=bad)
    assert r.status_code == 422 and r.json["error"]["field"] == "options.record_type"


def test_it_exports_and_applies_the_new_types_back_unchanged(conn):
    source = "applications:\n  - slug: shop\n    name: Shop\n    checks:\n" + "".join(
        _yaml_check(c) for c in CHECKS)
    apply(conn, source)
    exported = config_io.export(conn)
    assert "s3cret" not in exported
    doc = config_io.load(exported)
    checks = {c["name"]: c for c in doc["applications"][0]["checks"]}
    assert checks["mx"]["options"] == {"record_type": "MX", "server": "192.0.2.53"}
    assert checks["feed"]["options"]["send"] == "***"
    plan = apply(conn, exported)
    assert plan.counts()["unchanged"] == len(plan.steps), plan.lines(unchanged=False)
    assert config_io.export(conn) == exported
    stored = conn.execute(text("select target, options, credentials from health_checks "
                               "where name = 'feed'")).one()
    _, options = check_credentials.unseal(stored.target, stored.options, stored.credentials)
    assert options["headers"]["Authorization"] == "Bearer s3cret-header"


def apply(conn, source: str):
    return config_apply.apply(conn, config_io.load(source, "jadugar.yaml"), "jadugar.yaml",
                              env=lambda _name: None)


def _yaml_check(check: dict) -> str:
    lines = [f"      - name: {check['name']}"]
    lines += [f"        {k}: {json.dumps(v)}" for k, v in check.items() if k != "name"]
    return "\n".join(lines) + "\n"
