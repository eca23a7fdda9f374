import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_validates_next_to_the_field_creates_and_deletes_after_confirmation(page):
    page.goto(page.base + "/settings")
    page.wait_for_selector("#set-apps-list")
    page.fill("#set-apps-slug", "Bad Slug")
    page.fill("#set-apps-name", "Shop")
    page.click("#set-apps-save")
    page.wait_for_selector("#set-apps-slug-error:has-text('slug must be')")
    page.fill("#set-apps-slug", "shop")
    page.click("#set-apps-save")
    page.wait_for_selector("#set-apps-list tr[data-key=shop]")
    assert page.inner_text("#set-apps-slug-error") == ""
    page.click("#set-apps-list tr[data-key=shop] >> text=Delete")
    page.click("#set-apps-confirm-ok")  # the modal naming it
    page.wait_for_selector("#set-apps-list tr[data-key=shop]", state="detached")
