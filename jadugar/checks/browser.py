"""browser: a page load in headless Chromium (Playwright), reporting load time and JS errors.

Off by default (JADUGAR_BROWSER_CHECKS): a browser is heavy, and a page runs code from its
target. Every request the page makes is fetched by the probes' guarded aiohttp session and
handed to Chromium, so a page cannot reach an address the outbound rules refuse; anything
that is not http(s) is aborted."""

from __future__ import annotations

import asyncio
import time
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jadugar import config, outbound

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import url_host
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

MIN_INTERVAL_S = 300  # a browser costs a core for seconds: nobody needs one every minute
MAX_JS_ERRORS = 10  # kept in details; the rest are counted
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
DEFAULT_EXECUTABLE = "/usr/bin/chromium"
BROWSERS_AT_ONCE = 2  # per collector process: each Chromium takes a core and ~200 MB
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         # WebRTC would send UDP (STUN) past the routes: only proxied UDP, and there is none.
         "--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
# aiohttp has already decoded and de-chunked the body Chromium gets.
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


def unavailable() -> str | None:
    """Why browser checks cannot be used in this process now (None when they can)."""
    if not config.get().browser_checks:
        return "browser checks are off: set JADUGAR_BROWSER_CHECKS=on"
    try:
        import playwright.async_api  # noqa: F401  (imported once, then cached)
    except ImportError:
        return "browser checks need Playwright: pip install 'jadugar[browser]'"
    return None


def executable() -> str | None:
    chosen = config.get().browser_executable
    if chosen:
        return chosen
    return DEFAULT_EXECUTABLE if Path(DEFAULT_EXECUTABLE).exists() else None


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


def _gate() -> asyncio.Semaphore:
    # One semaphore per event loop: a semaphore may not be shared between loops.
    loop = asyncio.get_running_loop()
    if loop not in _gates:
        _gates[loop] = asyncio.Semaphore(BROWSERS_AT_ONCE)
    return _gates[loop]


class BrowserProbe:
    type = "browser"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        reason = unavailable()
        if reason:
            return Result("down", error=reason)
        async with _gate():
            return await _load(spec, ctx)


async def _load(spec: CheckSpec, ctx: ProbeContext) -> Result:
    from playwright.async_api import async_playwright

    refused: list[str] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(executable_path=executable(),
                                               args=list(FLAGS), headless=True)
        except Exception as exc:  # a missing or broken Chromium is ours to fix, not the page's
            return Result("down", error=f"cannot start Chromium: {_first_line(str(exc))}")
        try:
            # Service workers would fetch past the route below: blocked.
            context = await browser.new_context(service_workers="block")
            await context.route("**/*", lambda route: _fetch(route, ctx, spec, refused))
            # WebSockets are not routed as requests: each one is closed unopened.
            await context.route_web_socket("**/*", _close_socket)
            page = await context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"{exc}"))
            page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                    if msg.type == "error" else None)
            started = time.perf_counter()
            try:
                response = await page.goto(spec.target.strip(), wait_until="load",
                                           timeout=spec.timeout_s * 1000)
            except Exception as exc:  # Playwright's own error: the load failed
                took = elapsed_ms(started, time.perf_counter())
                error = refused[0] if refused else _first_line(str(exc))
                return Result("down", response_ms=took, error=f"page load failed: {error}",
                              details=_details(errors, refused))
            took = elapsed_ms(started, time.perf_counter())
        finally:
            await browser.close()
    return _judge(spec, response.status if response else None, took, errors, refused)


async def _close_socket(socket: Any) -> None:
    await socket.close()


async def _fetch(route: Any, ctx: ProbeContext, spec: CheckSpec, refused: list[str]) -> None:
    """Fetch one of the page's requests through the guarded session and hand it back."""
    request = route.request
    if urlsplit(request.url).scheme not in ("http", "https"):
        await route.abort("blockedbyclient")
        return
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    verify = bool(spec.options.get("verify_tls", True))
    try:
        # Redirects go back to Chromium, which asks again for the next hop (through here).
        async with ctx.http.request(request.method, request.url, headers=headers,
                                    data=request.post_data_buffer, ssl=verify,
                                    allow_redirects=False) as answer:
            body = await answer.content.read(MAX_RESOURCE_BYTES)
            kept = {k: v for k, v in answer.headers.items()
                    if k.lower() not in DROPPED_HEADERS}
    except Exception as exc:  # every request must be answered, or the page load hangs
        found = outbound.find_refusal(exc)
        if found is not None:
            refused.append(f"{request.url}: {found}")
        await route.abort("blockedbyclient" if found is not None else "failed")
        return
    await route.fulfill(status=answer.status, headers=kept, body=body)


def _judge(spec: CheckSpec, status: int | None, took: float, errors: list[str],
           refused: list[str]) -> Result:
    details = _details(errors, refused)
    fail_on_js = bool(spec.options.get("fail_on_js_errors", True))
    if status is not None and not 200 <= status < 400:
        return Result("down", response_ms=took, status_code=status,
                      error=f"the page answered {status}", details=details)
    if errors and fail_on_js:
        error = f"{len(errors)} JavaScript error(s), first: {outbound.clip(errors[0], 200)}"
        return Result("down", response_ms=took, status_code=status, error=error,
                      details=details)
    slow = spec.expect.get("max_load_ms")
    if slow is not None and took > float(slow):
        return Result("degraded", response_ms=took, status_code=status,
                      error=f"the page loaded in {took:g} ms (more than {slow:g})",
                      details=details)
    return Result("up", response_ms=took, status_code=status, details=details)


def _details(errors: list[str], refused: list[str]) -> dict:
    return {"js_errors": [outbound.clip(e, 300) for e in errors[:MAX_JS_ERRORS]],
            "js_error_count": len(errors), "refused_requests": refused[:MAX_JS_ERRORS]}


def _first_line(text: str) -> str:
    # Playwright's messages carry a call log over many lines; the first says what failed.
    return outbound.clip(" ".join((text.strip().splitlines() or [""])[0].split()), 300)


def _url_host(target: str) -> str:
    return url_host(target, example="https://example.com/")


EXPECT = Schema({
    "max_load_ms": Setting("Degraded when the page takes longer than this to load "
                           "(milliseconds, until the load event).", json="number", minimum=0,
                           example=5000),
})
OPTIONS = Schema({
    "fail_on_js_errors": Setting("Down when the page throws or logs a console error.",
                                 json="boolean", default=True),
    "verify_tls": Setting("Verify the certificates of https:// requests.", json="boolean",
                          default=True),
})
FORM = Form(fields=(
    FormField("max_load_ms", "Degraded above load time (ms)", "expect.max_load_ms", "number",
              placeholder="5000", width=3, read=form.number),
    FormField("fail_on_js_errors", "Down on JavaScript errors", "options.fail_on_js_errors",
              "switch", width=3, default=True, read=form.flag),
    FormField("browser_verify_tls", "Verify TLS", "options.verify_tls", "switch", width=2,
              default=True, read=form.flag),
))

BROWSER = CheckType(
    name="browser", help="The page loads in headless Chromium without JavaScript errors "
                         "(off unless JADUGAR_BROWSER_CHECKS=on; at least every 300 s).",
    target=Target("URL", "https://example.com/", _url_host, help="An http:// or https:// URL."),
    probe=BrowserProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
    min_interval_s=MIN_INTERVAL_S, unavailable=unavailable,
)
