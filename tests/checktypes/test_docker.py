"""docker checks ask the Docker Engine API over its unix socket. No Docker daemon runs on
the test machines, so the test serves the Engine API's answer for GET /containers/{name}/json
(the fields the probe reads, in Docker's own shapes) on a real unix socket, and the probe
talks HTTP to it exactly as it would to dockerd."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from checktype_probes import check

from jadugar import config
from jadugar.checks import registry

CONTAINERS = {
    "web": {"State": {"Status": "running", "Running": True, "StartedAt": "2026-12-01T07:00:00Z",
                      "Health": {"Status": "healthy", "Log": []}},
            "RestartCount": 0, "Config": {"Image": "shop/web:1.4"}},
    "plain": {"State": {"Status": "running", "Running": True}, "RestartCount": 2,
              "Config": {"Image": "redis:7"}},
    "booting": {"State": {"Status": "running", "Running": True,
                          "Health": {"Status": "starting", "Log": []}}},
    "sick": {"State": {"Status": "running", "Running": True, "Health": {
        "Status": "unhealthy",
        "Log": [{"ExitCode": 1, "Output": "curl: (7) Failed to connect to localhost"}]}}},
    "dead": {"State": {"Status": "exited", "Running": False, "ExitCode": 137}},
}


@pytest.fixture(scope="module")
def docker_socket(tmp_path_factory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("docker") / "docker.sock"
    loop = asyncio.new_event_loop()

    async def inspect(request: web.Request) -> web.Response:
        found = CONTAINERS.get(request.match_info["name"])
        if found is None:
            return web.json_response({"message": "No such container"}, status=404)
        return web.json_response(found)

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/containers/{name}/json", inspect)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.UnixSite(runner, str(path)).start()

    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    yield path
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture
def on_socket(docker_socket):
    before = config.get()
    config.override(before.replace(docker_socket=str(docker_socket)))
    yield
    config.override(before)


def _docker(name: str, **expect):
    return check("docker", name, expect=expect, timeout_s=5)


@pytest.mark.parametrize(("name", "status", "error"), [
    ("web", "up", None),
    ("plain", "up", None),
    ("booting", "degraded", "the container's health check is still starting"),
    ("sick", "down", "the container is unhealthy: curl: (7) Failed to connect to localhost"),
    ("dead", "down", "the container is exited (exit code 137)"),
    ("nothing", "down", "no container named 'nothing'"),
])
def test_it_reads_the_containers_state(on_socket, name, status, error):
    result = _docker(name)
    assert (result.status, result.error) == (status, error)


def test_it_reports_what_it_read(on_socket):
    details = _docker("web").details
    assert (details["status"], details["health"], details["image"]) == (
        "running", "healthy", "shop/web:1.4")


def test_health_required_downs_a_container_without_a_health_check(on_socket):
    result = _docker("plain", health_required=True)
    assert result.status == "down" and "no health check" in result.error


def test_conditions_read_its_facts(on_socket):
    assert _docker("plain", conditions=["[CONNECTED] == true",
                                        "[RESPONSE_TIME] < 5000"]).status == "up"


def test_it_says_when_docker_cannot_be_reached(tmp_path):
    before = config.get()
    config.override(before.replace(docker_socket=str(tmp_path / "none.sock")))
    try:
        result = _docker("web")
    finally:
        config.override(before)
    assert result.status == "down" and "cannot reach Docker at" in result.error


@pytest.mark.parametrize("target", ["", "web app", "../etc", "x" * 200])
def test_a_bad_container_name_is_refused_naming_the_target(target):
    with pytest.raises(ValueError, match="container name"):
        registry.get("docker").target.parse(target)
