"""Steps browser tests share: signing in, and waiting for the live connection."""

from __future__ import annotations

from typing import Any

LIVE = "document.querySelector('#shell-live')?.textContent"


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def wait_live(page: Any, state: str = "live", timeout_ms: int = 15000) -> None:
    """Wait until the navbar shows the Socket.IO connection in `state`."""
    page.wait_for_function(f"{LIVE} === '{state}'", timeout=timeout_ms)
