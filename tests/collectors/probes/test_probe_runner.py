import asyncio
from collections.abc import Callable

import pytest

from collectors.probes import PROBES, CheckSpec, ProbeContext, Result, make_context, run_probe

Check = Callable[..., Result]


class Exploding:
    type = "exploding"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        raise KeyError("options")


def test_it_registers_every_probed_check_type() -> None:
    expected = {"http", "https", "tcp", "dns", "tls", "postgres", "redis", "prometheus",
                "icmp", "grpc", "smtp", "websocket", "ssh", "udp", "docker", "browser"}
    assert set(PROBES) == expected
    assert all(probe.type == name for name, probe in PROBES.items())


def test_it_reports_an_unknown_type_as_down(check: Check) -> None:
    result = check("gopher", "example.org:70")
    assert (result.status, result.error) == ("down", "unknown check type 'gopher'")


def test_it_does_not_probe_heartbeats(check: Check) -> None:
    assert check("heartbeat", "").error == "unknown check type 'heartbeat'"


def test_it_turns_a_probe_bug_into_a_down_result(
    check: Check, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(PROBES, "exploding", Exploding())
    result = check("exploding", "anything")
    assert (result.status, result.error) == ("down", "KeyError: 'options'")


def test_it_runs_many_probes_at_once_without_one_stalling_the_rest(web_url: str) -> None:
    specs = [CheckSpec(i, "http", f"{web_url}/ok") for i in range(50)]
    specs.append(CheckSpec(99, "http", f"{web_url}/hang", timeout_s=0.5))

    async def main() -> list[Result]:
        async with await make_context() as ctx:
            return await asyncio.gather(*(run_probe(spec, ctx) for spec in specs))

    results = asyncio.run(main())
    assert [r.status for r in results[:-1]] == ["up"] * 50
    assert results[-1].error == "timed out after 0.5 s"


def test_it_leaves_a_session_it_was_given_open(web_url: str) -> None:
    import aiohttp

    async def main() -> bool:
        async with aiohttp.ClientSession() as session:
            async with await make_context(session) as ctx:
                await run_probe(CheckSpec(1, "http", f"{web_url}/ok"), ctx)
            return session.closed

    assert asyncio.run(main()) is False
