"""User regexes run on RE2: a pattern that backtracks for ever in Python's `re` finishes at
once, the other checks keep running beside it, a stored pattern RE2 refuses fails only its
own check, and no more than 1 MiB of a body is matched."""

import asyncio
import time
from collections.abc import Iterator

import pytest
from aiohttp import web

from collectors.probes import CheckSpec, Result, make_context, run_probe

EVIL_PATTERN = "^(a+)+$"
# 27 a's then '!': Python's re needs about 2^27 steps (seconds) and holds the GIL meanwhile.
EVIL_BODY = "a" * 27 + "!"


@pytest.fixture(scope="module")
def evil_url(server_loop) -> Iterator[str]:
    async def evil(request: web.Request) -> web.Response:
        return web.Response(text=EVIL_BODY)

    async def start() -> tuple[web.AppRunner, str]:
        app = web.Application()
        app.router.add_get("/evil", evil)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/evil"

    runner, url = server_loop.call(start())
    yield url
    server_loop.call(runner.cleanup())


def _run_together(specs: list[CheckSpec]) -> tuple[list[Result], float]:
    async def main() -> list[Result]:
        async with await make_context() as ctx:
            return await asyncio.gather(*(run_probe(spec, ctx) for spec in specs))

    started = time.perf_counter()
    results = asyncio.run(main())
    return results, time.perf_counter() - started


def test_it_matches_a_pathological_pattern_quickly_while_other_checks_run(
        evil_url: str, web_url: str) -> None:
    evil = CheckSpec(1, "http", evil_url, timeout_s=10, expect={"body_regex": EVIL_PATTERN})
    others = [CheckSpec(n, "http", f"{web_url}/ok", timeout_s=10) for n in range(2, 22)]
    results, took = _run_together([evil, *others])
    assert took < 2, f"took {took:.1f} s"
    assert (results[0].status, results[0].error) == (
        "down", f"body does not match /{EVIL_PATTERN}/")
    assert [r.status for r in results[1:]] == ["up"] * len(others)


@pytest.mark.parametrize(("pattern", "reason"), [
    (r"(a)\1", r"invalid escape sequence: \1"),
    (r"(?=a)", "invalid perl operator: (?="),
    (r"(?<!a)b", "invalid perl operator: (?<!"),
])
def test_it_fails_only_the_check_whose_stored_pattern_re2_refuses(
        web_url: str, pattern: str, reason: str) -> None:
    # Saved before RE2 was the engine: validation would refuse it today.
    bad = CheckSpec(1, "http", f"{web_url}/ok", expect={"body_regex": pattern})
    good = CheckSpec(2, "http", f"{web_url}/ok", expect={"body_regex": "all systems go"})
    (bad_result, good_result), _ = _run_together([bad, good])
    assert bad_result.status == "down"
    assert bad_result.error == (
        f"expect.body_regex is not a regular expression RE2 accepts: {reason} "
        "(backreferences and lookaround are not supported)")
    assert (good_result.status, good_result.error) == ("up", None)


def test_it_matches_no_more_than_one_mebibyte_and_says_so(web_url: str) -> None:
    spec = CheckSpec(1, "http", f"{web_url}/huge", expect={"body_regex": "y"},
                     options={"max_body_bytes": 8 * 1024 * 1024})  # stored before the cap
    (result,), _ = _run_together([spec])
    assert result.status == "down"
    assert result.error == "body does not match /y/ in the first 1048576 bytes"
    assert result.details["truncated"] is True
