"""http/https: one request through the shared aiohttp session, judged against `expect`."""

from __future__ import annotations

import codecs
import time

import aiohttp

from jadugar.outbound import clip

from .base import CheckSpec, ProbeContext, Result, elapsed_ms
from .expect import (
    BODY_EXPECTATIONS,
    body_failures,
    describe_ranges,
    pattern_problem,
    status_matches,
    status_ranges,
)
from .patterns import MAX_MATCHED_BYTES

DEFAULT_MAX_BODY_BYTES = 64 * 1024
# run_probe bounds the whole probe with spec.timeout_s; a second set of timers inside
# aiohttp (its default is 5 minutes total) would only cost a timer per request.
NO_CLIENT_TIMEOUT = aiohttp.ClientTimeout()


class HttpProbe:
    def __init__(self, type: str) -> None:
        self.type = type

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. send the request, 2. read at most max_body_bytes, 3. compare with expect.

        Every connection, redirects included, goes through the guarded connector of
        ctx.http: a refused address fails the check before a byte is sent."""
        opts, expect = spec.options, spec.expect
        ranges = status_ranges(expect.get("status", "200-399"))
        # Matching costs time per byte: no more than MAX_MATCHED_BYTES, whatever is stored.
        limit = min(int(opts.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)), MAX_MATCHED_BYTES)
        if problem := pattern_problem(expect):
            return Result("down", error=problem)  # this check only; the others run on
        url = spec.target if "://" in spec.target else f"{spec.type}://{spec.target}"
        # The body is always read (a response is complete only then) but decoded only
        # when an expectation looks at it: most checks look at the status alone.
        wants_text = not BODY_EXPECTATIONS.isdisjoint(expect)
        started = time.perf_counter()
        async with ctx.http.request(
            str(opts.get("method", "GET")).upper(),
            url,
            headers=opts.get("headers"),
            data=opts.get("body"),
            allow_redirects=bool(opts.get("follow_redirects", True)),
            ssl=bool(opts.get("verify_tls", True)),
            timeout=NO_CLIENT_TIMEOUT,
        ) as resp:
            body, truncated = await read_capped(resp, limit)
            text = decode(body, resp.charset) if wants_text else ""
        took = elapsed_ms(started, time.perf_counter())

        details: dict = {"truncated": True} if truncated else {}
        if resp.history:  # the Location a target chose may carry its tokens: shown clipped
            details["final_url"] = clip(str(resp.url))
        failures = []
        if not status_matches(resp.status, ranges):
            failures.append(f"expected status {describe_ranges(ranges)}, got {resp.status}")
        if wants_text:
            failures += await body_failures(text, expect, limit if truncated else None)
        status = "down" if failures else "up"
        max_ms = expect.get("max_response_ms")
        if max_ms is not None and took > float(max_ms):
            failures.append(f"response took {took:.0f} ms (limit {float(max_ms):g} ms)")
            status = "down" if status == "down" else "degraded"
        return Result(
            status,
            response_ms=took,
            status_code=resp.status,
            error="; ".join(failures) or None,
            details=details,
        )


async def read_capped(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Read at most `limit` bytes; return (body, truncated).

    One extra byte tells a body of exactly `limit` bytes from a longer one. A truncated
    response's connection is dropped rather than drained, so a 50 MB page costs 64 KiB.
    """
    chunks: list[bytes] = []
    size = 0
    content = resp.content
    while size <= limit:
        chunk = await content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if content.at_eof():  # saves a last read that would only say "no more"
            break
    body = b"".join(chunks)
    if size > limit:
        resp.close()
        return body[:limit], True
    return body, False


def decode(body: bytes, charset: str | None) -> str:
    # A wrong or unknown charset must not fail the check; the bytes are still useful.
    try:
        codecs.lookup(charset or "utf-8")
    except LookupError:
        charset = None
    return body.decode(charset or "utf-8", "replace")
