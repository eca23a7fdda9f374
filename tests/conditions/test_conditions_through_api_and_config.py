"""expect.conditions through the API (422 naming the condition and column) and config
files (applied, exported back)."""

from jadugar.services import config_apply, config_io

CHECK = {"name": "home", "type": "http", "target": "https://shop.example/", "interval_s": 60}
FILE = """\
applications:
  - slug: shop
    name: Shop
    checks:
      - name: api
        type: http
        target: https://shop.example/api
        interval_s: 30
        expect:
          conditions:
            - "[STATUS] == 200"
            - "degraded: [RESPONSE_TIME] < 300"
"""


def test_the_api_refuses_a_bad_condition_naming_it_and_its_column(api):
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    r = api.post("/applications/shop/checks", json={
        **CHECK, "expect": {"conditions": ["[STATUS] == 200", "len([BODY] == 1"]}})
    assert r.status_code == 422
    assert r.json["error"]["field"] == "expect.conditions"
    assert "condition 2 (len([BODY] == 1), column 12: expected ')'" in r.json["error"]["message"]


def test_the_api_keeps_good_conditions(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    r = api.post("/applications/shop/checks",
                 json={**CHECK, "expect": {"conditions": ["[BODY].ok == true"]}})
    assert r.status_code == 201 and r.json["expect"]["conditions"] == ["[BODY].ok == true"]


def test_config_files_apply_and_export_conditions(conn):
    config_apply.apply(conn, config_io.load(FILE, "jadugar.yaml"), "jadugar.yaml")
    doc = config_io.load(config_io.export(conn))
    assert doc["applications"][0]["checks"][0]["expect"]["conditions"] == [
        "[STATUS] == 200", "degraded: [RESPONSE_TIME] < 300"]
