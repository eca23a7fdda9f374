"""A check whose target is an address the outbound guard refuses is refused when saved,
with a 422 naming the target (the collector refuses it anyway, on the address it
connects to; a name is judged there, after DNS)."""

import pytest

from jadugar import config


@pytest.fixture
def shop(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "/applications/shop/checks"


@pytest.mark.parametrize(("kind", "target"), [
    ("http", "http://169.254.169.254/latest/meta-data/"),
    ("prometheus", "http://[fd00:ec2::254]/metrics"),
    ("tcp", "169.254.169.254:80"),
    ("redis", "redis://:pw@169.254.169.254:6379"),
    ("postgres", "postgresql://u@169.254.169.254/db"),
])
def test_it_refuses_a_metadata_target_naming_the_field(api, shop, kind: str,
                                                       target: str) -> None:
    r = api.post(shop, json={"name": "c", "type": kind, "target": target, "interval_s": 30})
    assert r.status_code == 422, r.json
    assert r.json["error"]["field"] == "target"
    assert "is not allowed (" in r.json["error"]["message"]


def test_it_refuses_a_target_on_the_deny_list(api, shop) -> None:
    before = config.get()
    config.override(before.replace(check_deny_networks="10.0.0.0/8"))
    try:
        r = api.post(shop, json={"name": "c", "type": "tcp", "target": "10.1.2.3:22",
                                 "interval_s": 30})
    finally:
        config.override(before)
    assert r.status_code == 422
    assert r.json["error"]["message"] == (
        "target address 10.1.2.3 is not allowed (JADUGAR_CHECK_DENY_NETWORKS 10.0.0.0/8)")


def test_it_keeps_accepting_internal_targets_by_default(api, shop) -> None:
    r = api.post(shop, json={"name": "c", "type": "tcp", "target": "10.1.2.3:22",
                             "interval_s": 30})
    assert r.status_code == 201, r.json
