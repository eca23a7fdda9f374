"""Settings behaves like an admin UI (issue 13, finding 4): lists follow writes made in
another tab, an error leaves when its field changes, every write confirms, deletes ask in a
modal naming the object, tabs live in the URL, and empty lists say so."""

import pytest
from monitoring_browser import choose
from playwright.sync_api import expect

from jadugar.services import applications, checks

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _add_app(page, slug: str, name: str) -> None:
    page.fill("#set-apps-slug", slug)
    page.fill("#set-apps-name", name)
    page.click("#set-apps-save")


def test_it_offers_a_new_application_in_the_checks_tab_without_reload(page):
    page.goto(page.base + "/settings")
    page.wait_for_selector("#set-apps-list")
    _add_app(page, "shop", "Shop")
    expect(page.locator("#set-apps-message")).to_contain_text("Added application Shop")
    page.click("#settings-tabs >> text=Checks")
    choose(page, "set-checks-application", "shop")  # offered without a reload
    expect(page.locator("#set-checks-application")).to_contain_text("shop")
    page.click("#settings-tabs >> text=Maintenance windows")
    choose(page, "set-maint-application", "shop")


def test_it_clears_a_field_error_when_the_field_changes(page):
    page.goto(page.base + "/settings")
    page.wait_for_selector("#set-apps-list")
    _add_app(page, "Bad Slug", "Shop")
    expect(page.locator("#set-apps-slug-error")).to_contain_text("slug must be")
    page.fill("#set-apps-slug", "shop")  # fixed, not yet saved
    expect(page.locator("#set-apps-slug-error")).to_have_text("")


def test_it_confirms_saves_and_asks_in_a_modal_naming_what_it_deletes(page, engine):
    page.goto(page.base + "/settings")
    page.wait_for_selector("#set-apps-list")
    _add_app(page, "shop", "Shop")
    expect(page.locator("#set-apps-message")).to_contain_text("Added application Shop")
    _add_app(page, "shop", "Shop Two")
    expect(page.locator("#set-apps-message")).to_contain_text("Saved application Shop Two")

    row = "#set-apps-list tr[data-key=shop]"
    page.click(f"{row} >> text=Delete")
    expect(page.locator("#set-apps-confirm-body")).to_have_text(
        "Delete application “Shop Two”? This cannot be undone.")
    page.click("#set-apps-confirm-cancel")  # nothing happens
    expect(page.locator("#set-apps-confirm-body")).to_be_hidden()
    expect(page.locator(row)).to_be_visible()

    page.click(f"{row} >> text=Delete")
    page.click("#set-apps-confirm-ok")
    expect(page.locator("#set-apps-message")).to_contain_text("Deleted.")
    expect(page.locator("#set-apps-list")).to_have_text("No applications yet.")
    with engine.connect() as c:
        assert applications.slugs(c) == []


def test_it_keeps_the_tab_in_the_url(page, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    page.goto(page.base + "/settings?tab=checks")
    expect(page.locator("#set-checks-list")).to_be_visible()
    page.click("#settings-tabs >> text=API tokens")
    expect(page).to_have_url(page.base + "/settings?tab=tokens")
    expect(page.locator("#set-tokens-list")).to_have_text("No API tokens yet.")
    page.reload()
    expect(page.locator("#set-tokens-list")).to_be_visible()

    page.goto(page.base + "/settings#maint")  # a link to a tab by its anchor
    expect(page.locator("#set-maint-list")).to_be_visible()
    expect(page).to_have_url(page.base + "/settings?tab=maint")


def test_it_clears_a_check_fields_error_when_it_changes(page, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    page.goto(page.base + "/settings?tab=checks")
    page.wait_for_selector("#set-checks-list")
    page.click("#set-checks-save")
    expect(page.locator("#set-checks-application-error")).to_contain_text("choose the")
    choose(page, "set-checks-application", "shop")
    expect(page.locator("#set-checks-application-error")).to_have_text("")


def test_it_names_the_alert_rule_it_deletes(page, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        checks.create_check(c, "shop", {"name": "health", "type": "http",
                                        "target": "http://127.0.0.1:9/", "interval_s": 3600})
    page.goto(page.base + "/alerts")
    page.wait_for_selector("#rules-list tr[data-rule]")
    page.click("#rules-list tr[data-rule] >> text=Delete")
    expect(page.locator("#rules-confirm-body")).to_contain_text("Delete alert rule “")
    expect(page.locator("#rules-confirm-body")).to_contain_text("shop / health")
    page.click("#rules-confirm-ok")
    expect(page.locator("#rules-message")).to_contain_text("Rule deleted.")
    expect(page.locator("#rules-list tr[data-rule]")).to_have_count(0)
