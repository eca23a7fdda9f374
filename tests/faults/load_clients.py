"""API clients that keep a running `jadugar serve` busy with writes and reads, and remember
every answer: what was asked (with a unique key), the status, the error code and how long
it took. aiohttp tasks on one event loop, so 200 clients cost the machine little besides
the server's own work. Shared by the outage test and bench/api_load.py."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp

ORIGIN = datetime(2031, 1, 1, tzinfo=UTC)


@dataclass
class Answer:
    op: str  # build | metric | read
    key: str  # the build's external id, the metric point's time (ISO), or the path read
    status: int  # 0: no answer (connection error or timeout)
    code: str | None  # the API's error code
    started: float  # time.monotonic()
    took_s: float


class Clients:
    """`clients` concurrent clients, each going round build → metric → read, until `stop`
    is set, `seconds` have passed or `max_requests` were made."""

    def __init__(self, base: str, token: str, project: str, application: str,
                 clients: int = 4, timeout_s: float = 10, seconds: float = 3600,
                 max_requests: int = 10_000_000) -> None:
        self.base, self.project, self.application = base, project, application
        self.headers = {"Authorization": f"Bearer {token}"}
        self.clients, self.timeout_s = clients, timeout_s
        self.seconds, self.max_requests = seconds, max_requests
        self.answers: list[Answer] = []
        self._points = itertools.count()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    async def run(self) -> list[Answer]:
        deadline = time.monotonic() + self.seconds
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        connector = aiohttp.TCPConnector(limit=self.clients)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector,
                                         headers=self.headers) as http:
            await asyncio.gather(*(self._client(http, i, deadline)
                                   for i in range(self.clients)))
        return self.answers

    def start_in_thread(self) -> Clients:
        self._thread = threading.Thread(target=asyncio.run, args=(self.run(),), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        if self._thread:
            self._thread.join(self.timeout_s + 10)
        return self.answers

    async def _client(self, http: aiohttp.ClientSession, i: int, deadline: float) -> None:
        ops = itertools.cycle((self._build, self._metric, self._read))
        for op in itertools.islice(ops, i, None):  # clients start at different ops
            if (self._stop.is_set() or time.monotonic() > deadline
                    or len(self.answers) >= self.max_requests):
                return
            op_name, key, method, path, body = op()
            self.answers.append(await self._call(http, op_name, key, method, path, body))

    def _build(self) -> tuple:
        key = f"load-{uuid.uuid4().hex}"
        return ("build", key, "POST", f"/api/v1/projects/{self.project}/builds",
                {"external_id": key, "status": "success", "branch": "main"})

    def _metric(self) -> tuple:
        # One series; each point at its own time, so every accepted one can be found.
        ts = (ORIGIN + timedelta(milliseconds=next(self._points))).isoformat("T", "milliseconds")
        return ("metric", ts, "POST", "/api/v1/metrics",
                [{"application": self.application, "name": "load_points", "value": 1.0,
                  "ts": ts}])

    def _read(self) -> tuple:
        path = next(_READS).format(p=self.project, a=self.application)
        return "read", path, "GET", path, None

    async def _call(self, http: aiohttp.ClientSession, op: str, key: str, method: str,
                    path: str, body: object) -> Answer:
        started = time.monotonic()
        try:
            async with http.request(method, self.base + path, json=body) as r:
                raw = await r.read()
        except (aiohttp.ClientError, TimeoutError):
            return Answer(op, key, 0, None, started, time.monotonic() - started)
        code = None
        if r.status >= 400:
            try:
                code = json.loads(raw)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "not-json"
        return Answer(op, key, r.status, code, started, time.monotonic() - started)


_READS = itertools.cycle(("/api/v1/projects", "/api/v1/projects/{p}/builds?limit=20",
                          "/api/v1/applications/{a}", "/api/v1/projects/{p}"))
