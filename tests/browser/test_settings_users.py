"""Settings → Users and roles, in a real browser against a live server."""

import pytest
from monitoring_browser import choose
from playwright.sync_api import expect
from sqlalchemy import text

from jadugar import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _row(name: str) -> str:
    return f"#set-users-list tr:has(td:text-is('{name}'))"


def _user(engine, name: str):
    with engine.connect() as c:
        return c.execute(text("select * from users where username = :n"), {"n": name}).one()


def _signs_in(engine, name: str, password: str) -> bool:
    with engine.begin() as c:
        return auth.authenticate(c, name, password) is not None


def test_it_adds_a_user_with_a_password_shown_once_and_manages_them(page, engine):
    page.goto(page.base + "/settings?tab=set-users")
    page.wait_for_selector("#set-users-list")
    page.click("#set-users-save")
    page.wait_for_selector("#set-users-username-error:has-text('username must be')")

    page.fill("#set-users-username", "dana")
    choose(page, "set-users-role", "editor")
    page.click("#set-users-save")
    password = page.inner_text("#set-users-secret")
    page.wait_for_selector(_row("dana"))
    assert page.input_value("#set-users-username") == ""  # the form starts over
    assert _user(engine, "dana").role == "editor" and _signs_in(engine, "dana", password)

    page.select_option(f"{_row('dana')} select", "viewer")
    expect(page.locator("#set-users-ask-body")).to_have_text("Make dana viewer?")
    page.click("#set-users-ask-ok")
    page.wait_for_selector("#set-users-message:has-text('dana is now viewer')")
    assert _user(engine, "dana").role == "viewer"

    page.click(f"{_row('dana')} >> text=Deactivate")
    page.click("#set-users-ask-ok")
    page.wait_for_selector(f"{_row('dana')} >> text=Reactivate")
    assert not _user(engine, "dana").active and not _signs_in(engine, "dana", password)
    page.click(f"{_row('dana')} >> text=Reactivate")  # gives access back: no question
    page.wait_for_selector(f"{_row('dana')} >> text=Deactivate")

    page.click(f"{_row('dana')} >> text=Reset password")
    page.click("#set-users-ask-ok")
    page.wait_for_selector("#set-users-message:has-text('New password for dana')")
    fresh = page.inner_text("#set-users-secret")
    assert fresh != password and _signs_in(engine, "dana", fresh)
    assert not _signs_in(engine, "dana", password)


def test_it_refuses_to_demote_the_last_admin_and_a_cancel_changes_nothing(page, engine):
    page.goto(page.base + "/settings?tab=set-users")
    me = _row("browser")
    page.wait_for_selector(me)

    page.select_option(f"{me} select", "editor")
    page.click("#set-users-ask-cancel")
    expect(page.locator(f"{me} select")).to_have_value("admin")  # the choice is put back

    page.select_option(f"{me} select", "viewer")
    page.click("#set-users-ask-ok")
    page.wait_for_selector("#set-users-message:has-text('last active admin')")
    assert _user(engine, "browser").role == "admin"
    expect(page.locator(f"{me} select")).to_have_value("admin")
