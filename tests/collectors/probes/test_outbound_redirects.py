"""Redirects are followed hop by hop through the guard: an allowed page that redirects to
a denied address (or to the metadata service) fails the check, and the denied server is
never reached."""

import json
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from aiohttp import web

from collectors.probes import Result
from jadugar import config

Check = Callable[..., Result]
CREDS = {"Code": "Success", "AccessKeyId": "ASIAFAKEFAKEFAKE0001",
         "SecretAccessKey": "fake+SECRET+wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLE"}


@pytest.fixture(scope="module")
def hosts(server_loop) -> Iterator[tuple[str, str, Counter]]:
    """An allowed host (127.0.0.1) that redirects anywhere, and a 'metadata' host on
    another loopback address (127.0.0.2) that counts who reached it."""
    hits: Counter = Counter()

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def creds(request: web.Request) -> web.Response:
        hits[request.path] += 1
        return web.json_response({"data": CREDS})

    async def start() -> tuple[list[web.AppRunner], list[str]]:
        runners, urls = [], []
        for address, route, handler in (("127.0.0.1", "/redirect", redirect),
                                        ("127.0.0.2", "/{tail:.*}", creds)):
            app = web.Application()
            app.router.add_get(route, handler)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, address, 0)
            await site.start()
            runners.append(runner)
            urls.append(f"http://{address}:{site._server.sockets[0].getsockname()[1]}")
        return runners, urls

    runners, (allowed, secret) = server_loop.call(start())
    yield allowed, secret, hits
    for runner in runners:
        server_loop.call(runner.cleanup())


@pytest.fixture
def deny_secret_host() -> Iterator[None]:
    before = config.get()
    config.override(before.replace(check_deny_networks="127.0.0.2/32"))
    yield
    config.override(before)


def _via(allowed: str, to: str) -> str:
    return f"{allowed}/redirect?to={to}"


def test_it_follows_a_redirect_to_an_allowed_host(check: Check, hosts) -> None:
    allowed, secret, _ = hosts
    result = check("http", _via(allowed, f"{secret}/allowed"))
    assert (result.status, result.status_code) == ("up", 200)


@pytest.mark.parametrize("kind", ["http", "prometheus"])
def test_it_refuses_a_redirect_to_a_denied_host(check: Check, hosts, deny_secret_host: None,
                                                kind: str) -> None:
    allowed, secret, hits = hosts
    result = check(kind, _via(allowed, f"{secret}/latest/meta-data/{kind}"),
                   expect={"json_path": "data", "json_value": "x"} if kind == "http" else {})
    assert result.status == "down"
    assert result.error == ("address 127.0.0.2 is not allowed "
                            "(JADUGAR_CHECK_DENY_NETWORKS 127.0.0.2/32)")
    assert hits[f"/latest/meta-data/{kind}"] == 0
    assert CREDS["SecretAccessKey"] not in json.dumps(result.details)


def test_it_refuses_a_redirect_to_the_metadata_service(check: Check, hosts) -> None:
    allowed, _, _ = hosts
    result = check("http", _via(allowed, "http://169.254.169.254/latest/meta-data/"),
                   timeout_s=5)
    assert (result.status, result.error) == (
        "down", "address 169.254.169.254 is not allowed (link-local / cloud metadata)")
