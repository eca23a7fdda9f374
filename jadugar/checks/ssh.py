"""ssh: the server sends an SSH identification line (RFC 4253: "SSH-2.0-..."), optionally
containing an expected text. The probe answers with its own line and hangs up before any
key exchange: no login is tried."""

from __future__ import annotations

import time

from jadugar.outbound import clip, open_connection, quote

from .kind import CheckType, Form, FormField, Target
from .net import close_quietly, split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

DEFAULT_PORT = 22
MAX_LINE_BYTES = 255  # RFC 4253 4.2: the identification line, CR LF included
MAX_LINES = 20  # a server may send other lines first; a stream of them is not SSH
OUR_LINE = b"SSH-2.0-JadugarProbe\r\n"


class SshProbe:
    type = "ssh"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port = split_host_port(spec.target, DEFAULT_PORT)
        started = time.perf_counter()
        reader, writer = await open_connection(host, port, ctx.policy, limit=MAX_LINE_BYTES)
        peer = writer.get_extra_info("peername")
        details: dict = {"ip": peer[0] if peer else None, "connected": True}
        try:
            writer.write(OUR_LINE)
            banner = await _identification(reader)
        finally:
            await close_quietly(writer)
        took = elapsed_ms(started, time.perf_counter())
        if banner is None:
            return Result("down", response_ms=took, details=details,
                          error="the server sent no SSH identification line")
        details["banner"] = clip(banner)
        if not banner.startswith(("SSH-2.0-", "SSH-1.99-")):
            return Result("down", response_ms=took, details=details,
                          error=f"not an SSH-2 server: {quote(banner)}")
        wanted = spec.expect.get("banner_contains")
        if wanted and str(wanted) not in banner:
            return Result("down", response_ms=took, details=details,
                          error=f"banner {quote(banner)} does not contain {wanted!r}")
        return Result("up", response_ms=took, details=details)


async def _identification(reader) -> str | None:
    for _ in range(MAX_LINES):
        try:
            line = await reader.readline()
        except ValueError:  # longer than an identification line may be
            return None
        if not line:
            return None
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text.startswith("SSH-"):
            return text
    return None


SSH = CheckType(
    name="ssh", help="The server sends an SSH identification line (no login is tried).",
    target=Target("Host:port", "bastion.internal:22",
                  lambda t: split_host_port(t, DEFAULT_PORT)[0],
                  help="host:port; the port defaults to 22."),
    probe=SshProbe(),
    expect=Schema({"banner_contains": Setting("Text the identification line must contain.",
                                              example="OpenSSH")}),
    form=Form(fields=(FormField("ssh_banner_contains", "Banner contains",
                                "expect.banner_contains", placeholder="OpenSSH",
                                width=4),)),
)
