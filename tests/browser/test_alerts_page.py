import pytest
from monitoring_browser import download_text, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_groups_alerts_acknowledges_one_and_exports(page, engine):
    load_demo(engine)
    page.goto(page.base + "/alerts")
    page.wait_for_selector("#alerts-group-firing tr[data-alert]")
    assert page.locator("#alerts-group-firing tr[data-alert]").count() == 1
    firing = page.inner_text("#alerts-group-firing tr[data-alert]")
    assert "firing for " in firing and "check " in firing  # a duration and a name, no id
    assert "resolved after " in page.inner_text("#alerts-group-resolved")
    page.click("#alerts-group-firing >> text=Acknowledge")
    page.wait_for_selector("text=Acknowledged:")
    page.wait_for_function(
        "document.querySelectorAll('#alerts-group-acknowledged tr[data-alert]').length == 2")
    header, *rows = download_text(page, "#alerts-csv-btn").splitlines()
    assert header.startswith("id,state,severity,application")
    assert sum(",acknowledged," in r for r in rows) == 2


def test_it_shows_rule_errors_next_to_the_field(page, engine):
    load_demo(engine)
    page.goto(page.base + "/alerts")
    page.wait_for_selector("#rules-list")
    rules = page.inner_text("#rules-list")
    assert "consecutive_failures" not in rules and "Fails several times in a row" in rules
    assert "Reminders" in rules and "Grouped by" in rules
    assert page.input_value("#rules-max_reminders") == "3"
    page.click("#rules-save")
    page.wait_for_selector("#rules-check_id-error:has-text('choose the check')")


def test_it_silences_an_alert_for_an_hour_and_ends_the_silence(page, engine):
    """Issue 12: silences from the alerts page, not only the API."""
    from sqlalchemy import text

    load_demo(engine)
    page.goto(page.base + "/alerts")
    page.wait_for_selector("#alerts-group-firing tr[data-alert]")
    page.click("#alerts-group-firing >> text=Silence 1 h")
    page.wait_for_selector("text=Silenced for an hour:")
    page.wait_for_selector("#alerts-silences li[data-silence]")
    listed = page.inner_text("#alerts-silences")
    assert "until" in listed and "from the alerts page" in listed
    with engine.connect() as c:
        [(check_id, minutes)] = c.execute(text(
            "select check_id, round(extract(epoch from ends_at - starts_at) / 60) "
            "from silences")).all()
    assert check_id is not None and minutes == 60
    page.click("#alerts-silences >> text=End")
    page.wait_for_selector("text=Silence ended")
    page.wait_for_function("!document.querySelector('#alerts-silences li[data-silence]')")
    with engine.connect() as c:
        assert c.execute(text("select count(*) from silences where ends_at > now()")
                         ).scalar() == 0
