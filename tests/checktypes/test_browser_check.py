"""browser loads real pages (an aiohttp app on loopback) in the Debian Chromium: load time on a
good page, the error of a page that throws, a sub-request to a denied address refused by the
outbound guard (and never reaching its server), and the type off by default."""

import asyncio
import sys
from collections.abc import Iterator

import pytest
from aiohttp import web
from background_loop import BackgroundLoop
from checktype_probes import check

from jadugar import config

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DENIED = "127.0.0.2"  # loopback too, so a server can listen there and count what arrives


def _app(hits: list[str], denied_base: str) -> web.Application:
    async def good(request: web.Request) -> web.Response:
        return web.Response(content_type="text/html",
                            text="<html><body><h1>fine</h1></body></html>")

    async def throws(request: web.Request) -> web.Response:
        return web.Response(content_type="text/html", text=(
            "<html><body><script>throw new Error('kaboom in checkout')</script></body></html>"))

    async def sneaky(request: web.Request) -> web.Response:
        # An image holds back the load event, so its request is decided before load.
        return web.Response(content_type="text/html", text=(
            f"<html><body><img src='{denied_base}/secret.png'></body></html>"))

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=503, content_type="text/html", text="<p>down</p>")

    async def socket(request: web.Request) -> web.Response:
        # To an allowed address even: sockets are not fetched through the guard, so none may
        # open. The image keeps the load event back for a second, long after the socket try.
        return web.Response(content_type="text/html", text=(
            "<html><body><script>new WebSocket('ws://' + location.host + '/ws')"
            "</script><img src='/slow.png'></body></html>"))

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(body=b"", content_type="image/png")

    async def ws(request: web.Request) -> web.WebSocketResponse:
        hits.append(request.path)
        answer = web.WebSocketResponse()
        await answer.prepare(request)
        return answer

    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/good")

    async def secret(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=b"", content_type="image/png")

    app = web.Application()
    app.router.add_get("/good", good)
    app.router.add_get("/throws", throws)
    app.router.add_get("/sneaky", sneaky)
    app.router.add_get("/missing", missing)
    app.router.add_get("/secret.png", secret)
    app.router.add_get("/hop", hop)
    app.router.add_get("/socket", socket)
    app.router.add_get("/slow.png", slow)
    app.router.add_get("/ws", ws)
    return app


@pytest.fixture(scope="module")
def site() -> Iterator[dict]:
    loop = BackgroundLoop()
    hits: list[str] = []

    async def start() -> tuple[list[web.AppRunner], dict]:
        behind = web.AppRunner(_app(hits, ""), shutdown_timeout=0.1)
        await behind.setup()
        denied = web.TCPSite(behind, DENIED, 0)
        await denied.start()
        denied_base = f"http://{DENIED}:{denied._server.sockets[0].getsockname()[1]}"
        front = web.AppRunner(_app(hits, denied_base), shutdown_timeout=0.1)
        await front.setup()
        main = web.TCPSite(front, "127.0.0.1", 0)
        await main.start()
        base = f"http://127.0.0.1:{main._server.sockets[0].getsockname()[1]}"
        return [front, behind], {"base": base, "hits": hits}

    runners, info = loop.call(start())
    yield info
    for runner in runners:
        loop.call(runner.cleanup())
    loop.stop()


@pytest.fixture
def browser_on() -> Iterator[None]:
    before = config.get()
    config.override(before.replace(browser_checks=True,
                                   check_deny_networks=f"{DENIED}/32"))
    yield
    config.override(before)


def test_a_good_page_is_up_with_its_load_time(site, browser_on):
    result = check("browser", site["base"] + "/good", timeout_s=60,
                   expect={"max_load_ms": 60000})
    assert (result.status, result.error, result.status_code) == ("up", None, 200)
    assert result.response_ms > 0 and result.details["js_error_count"] == 0


def test_a_page_that_throws_is_down_naming_the_error(site, browser_on):
    result = check("browser", site["base"] + "/throws", timeout_s=60)
    assert result.status == "down" and "kaboom in checkout" in result.error
    assert any("kaboom in checkout" in e for e in result.details["js_errors"])
    quiet = check("browser", site["base"] + "/throws", timeout_s=60,
                  options={"fail_on_js_errors": False})
    assert quiet.status == "up" and quiet.details["js_error_count"] == 1


def test_a_document_outside_2xx_3xx_is_down(site, browser_on):
    result = check("browser", site["base"] + "/missing", timeout_s=60)
    assert (result.status, result.status_code) == ("down", 503)
    assert result.error == "the page answered 503"


def test_a_sub_request_to_a_denied_address_is_refused(site, browser_on):
    result = check("browser", site["base"] + "/sneaky", timeout_s=60,
                   options={"fail_on_js_errors": False})
    refused = result.details["refused_requests"]
    assert len(refused) == 1 and f"address {DENIED} is not allowed" in refused[0]
    assert site["hits"] == []  # the request never left the probe


def test_a_websocket_never_leaves_the_browser(site, browser_on):
    result = check("browser", site["base"] + "/socket", timeout_s=60,
                   options={"fail_on_js_errors": False})
    # Chromium's own local-network checks would also stop this one, failing it with a console
    # error; the guard's route closes it first, so it never reaches the network stack at all.
    assert (result.status, result.details["js_errors"]) == ("up", [])
    assert site["hits"] == []


def test_a_redirect_is_followed_by_the_browser_hop_by_hop(site, browser_on):
    result = check("browser", site["base"] + "/hop", timeout_s=60)
    assert (result.status, result.status_code) == ("up", 200)


def test_a_denied_target_is_refused_before_anything_is_sent(site, browser_on):
    before = config.get()
    config.override(before.replace(check_deny_networks="127.0.0.0/8"))
    result = check("browser", site["base"] + "/good", timeout_s=60)
    assert result.status == "down"
    assert "address 127.0.0.1 is not allowed (JADUGAR_CHECK_DENY_NETWORKS" in result.error


def test_a_missing_chromium_is_a_clear_error(site, browser_on):
    before = config.get()
    config.override(before.replace(browser_executable="/nonexistent/chromium"))
    result = check("browser", site["base"] + "/good", timeout_s=60)
    assert result.status == "down" and result.error.startswith("cannot start Chromium: ")


def test_without_playwright_it_says_how_to_install_it(browser_on, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)  # import fails
    result = check("browser", "http://127.0.0.1:9/", timeout_s=5)
    assert (result.status, result.error) == (
        "down", "browser checks need Playwright: pip install 'jadugar[browser]'")


def test_off_by_default_the_probe_says_so():
    result = check("browser", "http://127.0.0.1:9/", timeout_s=5)
    assert (result.status, result.error) == (
        "down", "browser checks are off: set JADUGAR_BROWSER_CHECKS=on")


def test_off_by_default_the_api_refuses_it_naming_type(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    check_ = {"name": "home", "type": "browser", "target": "https://shop.example/",
              "interval_s": 600}
    r = api.post("/applications/shop/checks", json=check_)
    assert r.status_code == 422 and r.json["error"]["field"] == "type"
    assert "JADUGAR_BROWSER_CHECKS=on" in r.json["error"]["message"]


def test_when_on_the_api_wants_a_long_interval(api, browser_on):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    check_ = {"name": "home", "type": "browser", "target": "https://shop.example/",
              "interval_s": 60}
    r = api.post("/applications/shop/checks", json=check_)
    assert r.status_code == 422 and r.json["error"]["field"] == "interval_s"
    r = api.post("/applications/shop/checks", json={**check_, "interval_s": 300})
    assert r.status_code == 201, r.json
