"""Settings → Checks: the form follows the check type, validates each field where it is
typed, and edits a stored check's expectations."""

import pytest
from monitoring_browser import choose
from playwright.sync_api import expect
from sqlalchemy import text

from jadugar.services import applications

pytestmark = [pytest.mark.browser, pytest.mark.slow]

P = "#set-checks"


def _check(engine, name: str):
    with engine.connect() as c:
        return c.execute(text("select * from health_checks where name = :n"), {"n": name}).one()


def _start(page, engine) -> None:
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    page.goto(page.base + "/settings?tab=set-checks")
    page.wait_for_selector(f"{P}-list")
    choose(page, "set-checks-application", "shop")


def test_it_shows_the_fields_of_the_chosen_type_and_saves_them(page, engine):
    _start(page, engine)
    expect(page.locator(f"{P}-group-http")).to_be_visible()
    expect(page.locator(f"{P}-group-dns")).to_be_hidden()

    choose(page, "set-checks-type", "dns")
    expect(page.locator(f"{P}-group-dns")).to_be_visible()
    expect(page.locator(f"{P}-group-http")).to_be_hidden()
    expect(page.locator(f"{P}-target-label")).to_have_text("Name")
    page.fill(f"{P}-name", "resolves")
    page.fill(f"{P}-target", "example.com")
    page.fill(f"{P}-address", "not-an-ip")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-address-error:has-text('IP address')")
    page.fill(f"{P}-address", "93.184.216.34")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-list tr:has(td:text-is('resolves'))")
    assert _check(engine, "resolves").expect == {"address": "93.184.216.34"}

    choose(page, "set-checks-type", "prometheus")
    expect(page.locator(f"{P}-group-prometheus")).to_be_visible()
    page.fill(f"{P}-name", "scrape")
    page.fill(f"{P}-target", "http://shop.internal:9100/metrics")
    page.fill(f"{P}-series", "up, process_cpu_seconds_total")
    page.fill(f"{P}-rule_metric", "up")
    page.fill(f"{P}-rule_value", "1")
    page.fill(f"{P}-rule_labels", "job=shop")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-list tr:has(td:text-is('scrape'))")
    scrape = _check(engine, "scrape")
    assert scrape.options == {"series": ["up", "process_cpu_seconds_total"]}
    assert scrape.expect == {"rule": {"metric": "up", "op": ">=", "value": 1,
                                      "labels": {"job": "shop"}}}

    choose(page, "set-checks-type", "tls")
    expect(page.locator(f"{P}-target-label")).to_have_text("Host:port")
    page.fill(f"{P}-name", "cert")
    page.fill(f"{P}-target", "shop.example:443")
    page.fill(f"{P}-min_days_left", "21")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-list tr:has(td:text-is('cert'))")
    assert _check(engine, "cert").expect == {"min_days_left": 21}

    choose(page, "set-checks-type", "heartbeat")
    expect(page.locator(f"{P}-target-col")).to_be_hidden()
    expect(page.locator(f"{P}-group-heartbeat")).to_be_visible()
    page.fill(f"{P}-name", "nightly")
    page.fill(f"{P}-grace_s", "120")
    page.click(f"{P}-save")
    ping = page.inner_text(f"{P}-ping-url")
    check = _check(engine, "nightly")
    assert ping == f"{page.base}/api/v1/heartbeat/{check.heartbeat_token}"
    assert check.grace_s == 120


def test_it_validates_http_expectations_next_to_the_field_and_edits_them(page, engine):
    _start(page, engine)
    page.fill(f"{P}-name", "health")
    page.fill(f"{P}-target", "https://shop.example/health")
    page.fill(f"{P}-expect_status", "200, abc")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-expect_status-error:has-text(\"cannot read 'abc'\")")
    page.fill(f"{P}-expect_status", "200-299")
    page.fill(f"{P}-json_path", "data.status")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-json_value-error:has-text('expected value')")
    assert page.inner_text(f"{P}-expect_status-error") == ""
    page.fill(f"{P}-json_value", "ok")
    page.fill(f"{P}-headers", "X-Probe: jadugar")
    choose(page, "set-checks-method", "HEAD")
    page.click(f"{P}-save")
    row = f"{P}-list tr:has(td:text-is('health'))"
    page.wait_for_selector(row)
    check = _check(engine, "health")
    assert check.expect == {"status": ["200-299"], "json_path": "data.status",
                            "json_value": "ok"}
    assert check.options == {"method": "HEAD", "headers": {"X-Probe": "jadugar"},
                             "follow_redirects": True, "verify_tls": True}

    page.click(f"{row} >> text=Edit")
    expect(page.locator(f"{P}-save")).to_have_text("Save health")
    expect(page.locator(f"{P}-expect_status")).to_have_value("200-299")
    page.fill(f"{P}-max_response_ms", "-5")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-max_response_ms-error:has-text('at least 0')")
    page.fill(f"{P}-max_response_ms", "800")
    page.click(f"{P}-verify_tls")
    page.click(f"{P}-save")
    expect(page.locator(f"{P}-save")).to_have_text("Add")
    check = _check(engine, "health")
    assert check.expect["max_response_ms"] == 800 and check.options["verify_tls"] is False
