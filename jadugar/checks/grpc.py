"""grpc: the server answers the standard health check (grpc.health.v1.Health/Check) with
SERVING, over plain HTTP/2 or TLS, for the whole server or one named service."""

from __future__ import annotations

import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jadugar.outbound import clip, resolve

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

SERVING = health_pb2.HealthCheckResponse.SERVING
# The channel is ours alone and lives for one call: no proxy from the environment (it would
# connect where the guard never looked), no retries hiding a flapping server.
CHANNEL_OPTIONS = [("grpc.enable_http_proxy", 0), ("grpc.enable_retries", 0)]
SENTENCES = {
    grpc.StatusCode.UNIMPLEMENTED: "the server does not offer the gRPC health service",
    grpc.StatusCode.UNAVAILABLE: "cannot reach the gRPC server",
}


class GrpcProbe:
    type = "grpc"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. resolve and check the address, 2. open a channel to that very address,
        3. ask Health/Check for the service and judge its status."""
        host, port = split_host_port(spec.target)
        address = (await resolve(host, port, ctx.policy))[0]
        service = str(spec.options.get("service", ""))
        details: dict = {"ip": address, "connected": False}
        started = time.perf_counter()
        async with _channel(address, port, host, spec.options) as channel:
            try:
                reply = await health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(service=service), timeout=spec.timeout_s,
                    metadata=_metadata(spec.options.get("metadata") or {}))
            except grpc.aio.AioRpcError as exc:
                took = elapsed_ms(started, time.perf_counter())
                return Result("down", response_ms=took, error=_sentence(exc, service),
                              details=details)
        took = elapsed_ms(started, time.perf_counter())
        name = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        details.update(connected=True, serving_status=name)
        if reply.status != SERVING:
            what = f"service {service!r}" if service else "the server"
            return Result("down", response_ms=took, error=f"{what} is {name}", details=details)
        return Result("up", response_ms=took, details=details)


def _channel(address: str, port: int, host: str, opts: dict) -> grpc.aio.Channel:
    # An IP literal target: gRPC connects where the guard looked, with no lookup of its own.
    target = f"ipv6:[{address}]:{port}" if ":" in address else f"ipv4:{address}:{port}"
    if not opts.get("tls"):
        return grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS)
    name = str(opts.get("server_name") or host)
    ca = opts.get("ca_certificate")
    credentials = grpc.ssl_channel_credentials(root_certificates=ca.encode() if ca else None)
    # The certificate is verified against the host named in the target, not the address.
    return grpc.aio.secure_channel(target, credentials, options=[
        *CHANNEL_OPTIONS, ("grpc.ssl_target_name_override", name),
        ("grpc.default_authority", name)])


def _metadata(headers: dict) -> tuple[tuple[str, str], ...]:
    # gRPC metadata keys are lower case on the wire; grpcio refuses upper case ones.
    return tuple((str(k).lower(), str(v)) for k, v in headers.items())


def _sentence(exc: grpc.aio.AioRpcError, service: str) -> str:
    code = exc.code()
    if code == grpc.StatusCode.NOT_FOUND:
        return f"the server does not know the service {service!r}"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "timed out"
    # The server's own words may quote what it was sent: clipped like any target's answer.
    said = clip(" ".join((exc.details() or "").split()))
    base = SENTENCES.get(code, f"gRPC {code.name}")
    return f"{base}: {said}" if said else base


def _pem(field: str, value: str) -> None:
    if "-----BEGIN CERTIFICATE-----" not in value:
        fail(field, "must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)")


def _rules(options: dict, prefix: str) -> None:
    for key in ("server_name", "ca_certificate"):
        if options.get(key) and not options.get("tls"):
            fail(f"{prefix}.{key}", f"needs {prefix}.tls: true")


OPTIONS = Schema({
    "service": Setting("The service name to ask about; empty asks about the server as a "
                       "whole.", default="", example="shop.Orders"),
    "tls": Setting("Connect with TLS (the certificate is verified).", json="boolean",
                   default=False),
    "server_name": Setting("The name the certificate must carry (default: the host)."),
    "ca_certificate": Setting("A PEM certificate to trust instead of the system's roots, "
                              "for servers signed by an internal CA.", check=_pem),
    "metadata": Setting("Metadata sent with the call (like an authorization token); "
                        "secret-looking values are stored encrypted and shown as ***.",
                        json="object", values="string", secret="headers",
                        pattern=r"[A-Za-z0-9_.-]+", example={"authorization": "Bearer …"}),
}, rules=_rules)
FORM = Form(fields=(
    FormField("grpc_service", "Service name (empty: the whole server)", "options.service",
              placeholder="shop.Orders", width=4, read=form.stripped),
    FormField("grpc_tls", "TLS", "options.tls", "switch", width=2, default=False,
              read=form.flag),
    FormField("grpc_server_name", "Certificate name", "options.server_name",
              placeholder="orders.internal", width=3, read=form.stripped),
    FormField("grpc_metadata", "Metadata (one 'name: value' a line)", "options.metadata",
              "area", width=3, placeholder="authorization: Bearer …",
              read=form.header_lines, show=form.header_text),
))

GRPC = CheckType(
    name="grpc", help="The server answers the standard gRPC health check with SERVING.",
    target=Target("Host:port", "orders.internal:50051", lambda t: split_host_port(t)[0],
                  help="host:port or [v6]:port of the gRPC server."),
    probe=GrpcProbe(), options=OPTIONS, form=FORM,
)
