"""Finding 14: with credentials encrypted apart from the check, the collector must still
authenticate. A real local HTTP server demands basic auth, a query token, a custom header
and a body; the check is claimed from PostgreSQL as the collector claims it, then probed."""

import asyncio
import base64
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import text

from collectors.probes import CheckSpec, make_context, run_probe
from collectors.scheduler import claim_due_checks
from jadugar.services import applications, checks

WANTED = {"authorization": "Basic " + base64.b64encode(b"bot:pw-user").decode(),
          "x-api-credential": "pw-custom"}


@pytest.fixture(scope="module")
def guarded_url():
    async def guarded(request: web.Request) -> web.Response:
        ok = (all(request.headers.get(k) == v for k, v in WANTED.items())
              and request.query.get("token") == "pw-query"
              and await request.text() == "grant=pw-body")
        return web.Response(status=200 if ok else 401, text="ok" if ok else "who are you")

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def start() -> int:
        app = web.Application()
        app.router.add_post("/guarded", guarded)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    port = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    yield f"127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)


async def _probe(spec: CheckSpec):
    async with await make_context() as ctx:
        return await run_probe(spec, ctx)


def test_it_authenticates_with_the_decrypted_credentials(conn, guarded_url):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    made = checks.create_check(conn, "shop", {
        "name": "guarded", "type": "http", "interval_s": 60, "timeout_s": 5,
        "target": f"http://bot:pw-user@{guarded_url}/guarded?token=pw-query",
        "options": {"method": "POST", "body": "grant=pw-body",
                    "headers": {"X-Api-Credential": "pw-custom"}}})
    conn.execute(text("update health_checks set next_run_at = now() where id = :id"),
                 {"id": made.id})
    claimed = [c for c in claim_due_checks(conn, "test", "local", 50) if c.spec.id == made.id]
    assert len(claimed) == 1
    result = asyncio.run(_probe(claimed[0].spec))
    assert (result.status, result.status_code) == ("up", 200), result.error

    # The stored columns alone (what every reader sees) do not get in.
    masked = CheckSpec(made.id, "http", made.target, 5, {}, made.options)
    assert "pw-" not in str(masked)
    assert asyncio.run(_probe(masked)).status_code == 401


def test_it_decrypts_in_the_collector_without_flask():
    code = ("import sys, collectors.scheduler, jadugar.secrets, jadugar.services.check_credentials;"
            "print(sorted(m for m in ('flask', 'dash') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
