"""Helpers shared by the monitoring browser tests."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import text

from jadugar.services import demo


def load_demo(engine) -> None:
    with engine.begin() as c:
        # clean_db empties the model tables, not the demo marker: drop it so data loads again
        c.execute(text("delete from demo_marker"))
        assert demo.load(c, database_url=None)


def download_text(page, selector: str) -> str:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_text()


def trace_count(page, graph_id: str) -> int:
    return page.evaluate(f"document.querySelector('#{graph_id} .js-plotly-plot').data.length")


def choose(page, dropdown_id: str, text: str) -> None:
    """Pick an option of a dcc.Dropdown by typing it, as a person would."""
    option = page.get_by_role("option", name=text, exact=True).first
    for _attempt in range(3):  # a click during a re-render can miss the trigger
        page.click(f"#{dropdown_id}")
        try:
            option.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    page.keyboard.press("Escape")
