"""Requests land in the latency histogram under their Flask route, never their raw path."""

from __future__ import annotations

from scrape_support import label_values, scrape, value

DURATION = "jadugar_http_request_duration_seconds_count"


def test_it_counts_a_request_under_its_route(client, make_token):
    auth = {"Authorization": f"Bearer {make_token('read')}"}
    before = value(scrape(client, **auth), DURATION, route="/healthz", method="GET",
                   status="200")
    assert client.get("/healthz").status_code == 200
    after = scrape(client, **auth)
    assert value(after, DURATION, route="/healthz", method="GET", status="200") == before + 1
    assert value(after, "jadugar_http_request_duration_seconds_sum", route="/healthz") > 0


def test_it_labels_a_request_by_its_url_rule_not_its_path(client, make_token):
    auth = {"Authorization": f"Bearer {make_token('admin')}"}
    for check_id in (424242, 434343):
        client.get(f"/api/v1/checks/{check_id}", headers=auth)
    routes = label_values(scrape(client, **auth), DURATION, "route")
    assert "/api/v1/checks/<int:check_id>" in routes
    assert not any("424242" in r or "434343" in r for r in routes)


def test_it_puts_every_unknown_path_and_method_under_one_label(client, make_token):
    auth = {"Authorization": f"Bearer {make_token('admin')}"}
    client.get("/api/v1/no/such/thing-1", headers=auth)
    client.open("/healthz", method="BREW", headers=auth)
    samples = scrape(client, **auth)
    assert not any("thing-1" in r for r in label_values(samples, DURATION, "route"))
    assert "BREW" not in label_values(samples, DURATION, "method")


def test_it_times_a_dash_callback_by_its_name(logged_in, make_token):
    from policy_support import body, dependencies, key_of

    dep = next(d for d in dependencies(logged_in) if key_of(d) ==
               "shell-collapse.is_open <- shell-toggler")
    assert logged_in.post("/_dash-update-component", json=body(dep)).status_code in (200, 204)
    samples = scrape(logged_in, Authorization=f"Bearer {make_token('read')}")
    assert value(samples, "jadugar_dash_callback_duration_seconds_count",
                 callback="shell-collapse.is_open <- shell-toggler") >= 1
