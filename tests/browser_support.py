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


def watch_for_text(page: Any, text: str) -> None:
    """Note in the page whether `text` ever appears, however briefly: a success message
    closes itself after 4 s, and a browser starved of CPU may run that timer before the
    test looks (wait with `wait_seen`)."""
    page.evaluate("""(text) => {
        window.__seen = window.__seen || {};
        const look = () => {
            if (document.body.innerText.includes(text)) window.__seen[text] = true;
        };
        new MutationObserver(look).observe(document.body, {childList: true, subtree: true,
                                                           characterData: true});
        look();
    }""", text)


def wait_seen(page: Any, text: str) -> None:
    page.wait_for_function("(text) => window.__seen && window.__seen[text]", arg=text)


def settle(page: Any) -> None:
    """Wait until the page's first callbacks have answered and its charts are drawn, so a
    click does not land while the layout is still moving under it."""
    page.wait_for_load_state("networkidle")
