"""http/https: one request through the shared aiohttp session, judged against `expect`.

The two types share everything but their name and the scheme a target without one gets."""

from __future__ import annotations

import codecs
import time

import aiohttp

from jadugar.errors import Invalid
from jadugar.outbound import clip

from . import form
from .expect import (
    BODY_EXPECTATIONS,
    body_failures,
    describe_ranges,
    parse_status_ranges,
    pattern_problem,
    status_matches,
    status_ranges,
)
from .http_facts import connection_facts
from .kind import CheckType, Form, FormField, Target
from .net import url_host
from .patterns import MAX_MATCHED_BYTES, PatternError, compile_pattern
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_STATUS = "200-399"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
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
        judged = bool(expect.get("conditions"))
        # With conditions, [STATUS] says which statuses pass: no default range besides.
        default = None if judged else DEFAULT_STATUS
        status = expect.get("status", default)
        ranges = status_ranges(status) if status is not None else None
        # Matching costs time per byte: no more than MAX_MATCHED_BYTES, whatever is stored.
        limit = min(int(opts.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)), MAX_MATCHED_BYTES)
        if problem := pattern_problem(expect):
            return Result("down", error=problem)  # this check only; the others run on
        url = spec.target if "://" in spec.target else f"{spec.type}://{spec.target}"
        # The body is always read (a response is complete only then) but decoded only
        # when an expectation looks at it: most checks look at the status alone.
        wants_text = judged or not BODY_EXPECTATIONS.isdisjoint(expect)
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
            facts = connection_facts(resp) if judged else {}  # before the body frees it
            body, truncated = await read_capped(resp, limit)
            text = decode(body, resp.charset) if wants_text else ""
        took = elapsed_ms(started, time.perf_counter())

        details: dict = {"truncated": True} if truncated else {}
        if judged:  # body and headers for [BODY] and [HEADER]: dropped before storing
            details.update(facts, body=text, headers=dict(resp.headers))
        if resp.history:  # the Location a target chose may carry its tokens: shown clipped
            details["final_url"] = clip(str(resp.url))
        failures = []
        if ranges is not None and not status_matches(resp.status, ranges):
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


def _status(field: str, value: object) -> None:
    try:
        parse_status_ranges(value)  # the probe's own parser: what saves, runs
    except ValueError as exc:
        raise Invalid(str(exc), field=field) from None


def _regex(field: str, value: str) -> None:
    """User patterns run on RE2 (linear time); what RE2 refuses is refused here."""
    try:
        compile_pattern(value)
    except PatternError as exc:
        fail(field, str(exc))


def _json_pair(expect: dict, prefix: str) -> None:
    if "json_value" in expect and "json_path" not in expect:
        fail(f"{prefix}.json_path", f"is required with {prefix}.json_value")


def _form_json_pair(expect: dict, options: dict) -> None:
    # The form asks for both: a path alone would expect null there, which nobody means.
    if "json_path" in expect and "json_value" not in expect:
        raise Invalid('give the expected value (JSON: "ok", 3, true or null)',
                      field="json_value")
    if "json_value" in expect and "json_path" not in expect:
        raise Invalid("give the JSON path this value is expected at", field="json_path")


EXPECT = Schema({
    "status": Setting("Accepted status codes: 200, \"200-299\", \"2xx\" or a list of those.",
                      json=None, default=DEFAULT_STATUS, example=["2xx", 301], check=_status),
    "max_response_ms": Setting("Slower answers make the check degraded.", json="number",
                               minimum=0, example=800),
    "body_contains": Setting("Text the body must contain."),
    "body_regex": Setting("An RE2 pattern the body must match (no backreferences or "
                          "lookaround).", check=_regex),
    "json_path": Setting('A dotted path into the JSON body, like "data.items.0.status".'),
    "json_value": Setting("The value expected at json_path, compared by type.", json=None),
}, rules=_json_pair)
OPTIONS = Schema({
    "method": Setting("The request method.", enum=METHODS, ignore_case=True, default="GET"),
    "headers": Setting("Request headers; values of secret-looking names (Authorization, "
                       "*token*, *key*, JADUGAR_SECRET_HEADERS) are stored encrypted and "
                       "shown as ***.", json="object", values="string", secret="headers"),
    "body": Setting("The request body; stored encrypted and shown as ***.", nullable=True,
                    secret="value"),
    "follow_redirects": Setting("Follow redirects.", json="boolean", default=True),
    "verify_tls": Setting("Verify the server's certificate.", json="boolean", default=True),
    "max_body_bytes": Setting("Read (and match) at most this much of the body.",
                              json="number", minimum=1, maximum=MAX_MATCHED_BYTES,
                              default=DEFAULT_MAX_BODY_BYTES),
})
FORM = Form(group="http", rules=_form_json_pair, fields=(
    FormField("method", "Method", "options.method", "choice", width=2, choices=METHODS,
              default="GET"),
    FormField("expect_status", "Expected status", "expect.status",
              placeholder="200, 300-399 or 2xx (default 200-399)",
              read=lambda v: [int(s) if s.isdigit() else s for s in form.comma_list(v)],
              show=form.comma_text),
    FormField("max_response_ms", "Max response (ms)", "expect.max_response_ms", "number",
              width=2, read=form.number),
    FormField("follow_redirects", "Follow redirects", "options.follow_redirects", "switch",
              width=2, default=True, read=form.flag),
    FormField("verify_tls", "Verify TLS", "options.verify_tls", "switch", width=2,
              default=True, read=form.flag),
    FormField("headers", "Headers (one 'Name: value' a line)", "options.headers", "area",
              width=6, placeholder="Authorization: Bearer …", read=form.header_lines,
              show=form.header_text),
    FormField("body", "Request body", "options.body", "area", width=6,
              placeholder='{"ping": true}'),
    FormField("body_contains", "Body contains", "expect.body_contains", placeholder="OK"),
    FormField("body_regex", "Body matches regex", "expect.body_regex",
              placeholder=r"version \d+"),
    FormField("json_path", "JSON path", "expect.json_path", placeholder="data.status",
              read=form.stripped),
    FormField("json_value", "JSON value", "expect.json_value",
              placeholder='"ok", 3, true or null', read=form.json_or_text, show=form.json_text),
))


def _http_type(name: str, placeholder: str) -> CheckType:
    return CheckType(
        name=name, help="One HTTP request, judged on its status, time and body.",
        target=Target("URL", placeholder, lambda t: url_host(t, default_scheme=name),
                      help=f"A URL; without a scheme, {name}:// is assumed."),
        probe=HttpProbe(name), expect=EXPECT, options=OPTIONS, form=FORM)


HTTP = _http_type("http", "https://example.com/health")
HTTPS = _http_type("https", "example.com/health")
