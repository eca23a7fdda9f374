"""docker: a container on the collector's machine is running, and healthy when it has a
health check. Asked of the Docker Engine API over its socket (JADUGAR_DOCKER_SOCKET), with
one read-only GET: /containers/{name}/json."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import quote as url_quote

import aiohttp

from jadugar import config
from jadugar.outbound import clip

from . import form
from .kind import CheckType, Form, FormField, Target
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

NAME = re.compile(r"/?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
MAX_ANSWER_BYTES = 1024 * 1024


class DockerProbe:
    type = "docker"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        name = _name(spec.target)
        socket_path = config.get().docker_socket
        started = time.perf_counter()
        connector = aiohttp.UnixConnector(path=socket_path)
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                async with session.get(f"http://docker/containers/{url_quote(name)}/json",
                                       allow_redirects=False) as resp:
                    took = elapsed_ms(started, time.perf_counter())
                    if resp.status == 404:
                        return Result("down", response_ms=took, status_code=404,
                                      error=f"no container named {name!r}")
                    if resp.status != 200:
                        text = (await resp.content.read(500)).decode("utf-8", "replace")
                        return Result("down", response_ms=took, status_code=resp.status,
                                      error=f"Docker answered {resp.status}: {clip(text)}")
                    raw = await resp.content.read(MAX_ANSWER_BYTES)
            except aiohttp.ClientConnectorError as exc:
                return Result("down", error=f"cannot reach Docker at {socket_path}: "
                                            f"{exc.os_error.strerror or exc}")
        return judge(json.loads(raw), took, bool(spec.expect.get("health_required")))


def judge(info: dict[str, Any], took: float, health_required: bool) -> Result:
    """The container's state as a result: not running is down; a health check decides
    the rest (starting: degraded, unhealthy: down with its last output)."""
    state = info.get("State") or {}
    health = state.get("Health") or {}
    details = {"status": state.get("Status"), "health": health.get("Status"),
               "restart_count": info.get("RestartCount"), "image": (info.get("Config") or {}
                                                                    ).get("Image"),
               "started_at": state.get("StartedAt"), "connected": True}
    if not state.get("Running"):
        code = state.get("ExitCode")
        return Result("down", response_ms=took, details=details,
                      error=f"the container is {state.get('Status') or 'not running'}"
                            + (f" (exit code {code})" if code not in (None, 0) else ""))
    status = health.get("Status")
    if status is None:
        if health_required:
            return Result("down", response_ms=took, details=details,
                          error="the container has no health check (health_required)")
        return Result("up", response_ms=took, details=details)
    if status == "healthy":
        return Result("up", response_ms=took, details=details)
    if status == "starting":
        return Result("degraded", response_ms=took, details=details,
                      error="the container's health check is still starting")
    log = (health.get("Log") or [{}])[-1]
    said = clip(str(log.get("Output") or "").strip())
    return Result("down", response_ms=took, details=details,
                  error=f"the container is {status}" + (f": {said}" if said else ""))


def _name(target: str) -> str:
    name = target.strip()
    if not NAME.fullmatch(name):
        raise ValueError("target must be a container name or id, like shop-web-1")
    return name.lstrip("/")


def _parse(target: str) -> None:
    _name(target)
    return None  # on the collector's own machine: no address for the outbound rules


EXPECT = Schema({
    "health_required": Setting("Down when the container has no health check (by default a "
                               "running container without one is up).", json="boolean",
                               default=False),
})
FORM = Form(fields=(
    FormField("docker_health_required", "Health check required",
              "expect.health_required", "switch", width=3, default=False, read=form.flag),
))

DOCKER = CheckType(
    name="docker", help="A container on the collector's machine is running (and healthy, "
                        "when it has a health check), asked of the Docker socket.",
    target=Target("Container", "shop-web-1", _parse,
                  help="A container name or id on the collector's machine."),
    probe=DockerProbe(), expect=EXPECT, form=FORM,
)
