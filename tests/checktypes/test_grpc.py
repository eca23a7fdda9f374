"""grpc asks a real local gRPC server (grpcio, on a free loopback port) for its health by the
standard protocol: SERVING is up, anything else down with the status named; plain or TLS,
for the server as a whole or one named service."""

from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from checktype_probes import METADATA, check, free_port, self_signed
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from jadugar.checks import registry
from jadugar.errors import Invalid
from jadugar.services import redact

Status = health_pb2.HealthCheckResponse


@pytest.fixture(scope="module")
def cert() -> tuple[str, str]:
    return self_signed(names=("orders.test",))


class GuardedHealth(health.HealthServicer):
    """Answers about "shop.Admin" only to a caller with the right token."""

    def Check(self, request, context):
        token = dict(context.invocation_metadata()).get("authorization")
        if request.service == "shop.Admin" and token != "Bearer s3cret":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad token")
        return super().Check(request, context)


@pytest.fixture(scope="module")
def server(cert) -> Iterator[dict]:
    """One server, a plain port and a TLS port, its health servicer to set statuses on."""
    servicer = GuardedHealth()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    plain = server.add_insecure_port("127.0.0.1:0")
    creds = grpc.ssl_server_credentials([(cert[1].encode(), cert[0].encode())])
    secure = server.add_secure_port("127.0.0.1:0", creds)
    server.start()
    servicer.set("", Status.SERVING)
    servicer.set("shop.Orders", Status.SERVING)
    servicer.set("shop.Payments", Status.NOT_SERVING)
    servicer.set("shop.Admin", Status.SERVING)
    yield {"plain": f"127.0.0.1:{plain}", "tls": f"127.0.0.1:{secure}", "health": servicer}
    server.stop(grace=None)


def test_it_is_up_when_the_server_is_serving(server):
    result = check("grpc", server["plain"])
    assert (result.status, result.error) == ("up", None)
    assert result.details == {"ip": "127.0.0.1", "connected": True, "serving_status": "SERVING"}
    assert result.response_ms > 0


def test_it_asks_about_one_named_service(server):
    assert check("grpc", server["plain"], options={"service": "shop.Orders"}).status == "up"
    result = check("grpc", server["plain"], options={"service": "shop.Payments"})
    assert (result.status, result.error) == ("down", "service 'shop.Payments' is NOT_SERVING")
    assert result.details["serving_status"] == "NOT_SERVING"


def test_it_sends_metadata_with_the_call(server):
    denied = check("grpc", server["plain"], options={"service": "shop.Admin"})
    assert (denied.status, denied.error) == ("down", "gRPC UNAUTHENTICATED: bad token")
    allowed = check("grpc", server["plain"], options={
        "service": "shop.Admin", "metadata": {"Authorization": "Bearer s3cret"}})
    assert (allowed.status, allowed.error) == ("up", None)


def test_it_hides_secret_metadata():
    shown = redact.options({"metadata": {"authorization": "Bearer s3cret", "x-team": "ops"}})
    assert shown == {"metadata": {"authorization": "***", "x-team": "ops"}}


def test_it_is_down_when_the_server_stops_serving(server):
    server["health"].set("", Status.NOT_SERVING)
    try:
        result = check("grpc", server["plain"])
    finally:
        server["health"].set("", Status.SERVING)
    assert (result.status, result.error) == ("down", "the server is NOT_SERVING")


def test_it_names_a_service_the_server_does_not_know(server):
    result = check("grpc", server["plain"], options={"service": "shop.Nope"})
    assert (result.status, result.error) == ("down",
                                             "the server does not know the service 'shop.Nope'")


def test_it_checks_over_tls_trusting_the_given_ca(server, cert):
    result = check("grpc", server["tls"], options={"tls": True, "ca_certificate": cert[0]})
    assert (result.status, result.error) == ("up", None)
    named = check("grpc", server["tls"], options={
        "tls": True, "ca_certificate": cert[0], "server_name": "orders.test"})
    assert named.status == "up"


def test_it_refuses_a_certificate_it_does_not_trust(server, cert):
    untrusted = check("grpc", server["tls"], options={"tls": True}, timeout_s=3)
    assert untrusted.status == "down" and untrusted.error.startswith("cannot reach")
    wrong_name = check("grpc", server["tls"], timeout_s=3, options={
        "tls": True, "ca_certificate": cert[0], "server_name": "other.test"})
    assert wrong_name.status == "down"


def test_it_is_down_when_nothing_listens():
    result = check("grpc", f"127.0.0.1:{free_port()}", timeout_s=3)
    assert result.status == "down" and result.error.startswith("cannot reach the gRPC server")
    assert result.details["connected"] is False


def test_it_says_when_the_server_has_no_health_service():
    bare = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = bare.add_insecure_port("127.0.0.1:0")
    bare.start()
    try:
        result = check("grpc", f"127.0.0.1:{port}")
    finally:
        bare.stop(grace=None)
    assert result.status == "down"
    assert result.error.startswith("the server does not offer the gRPC health service")


def test_it_refuses_the_metadata_address_before_connecting():
    assert check("grpc", "169.254.169.254:50051").error == METADATA


@pytest.mark.parametrize(("options", "field"), [
    ({"server_name": "x.test"}, "options.server_name"),
    ({"tls": True, "ca_certificate": "not a pem"}, "options.ca_certificate"),
    ({"tls": "yes"}, "options.tls"),
    ({"metadata": {"bad key": "x"}}, "options.metadata"),
])
def test_it_refuses_options_naming_the_key(options, field):
    with pytest.raises(Invalid) as err:
        registry.get("grpc").validate_settings({}, options)
    assert err.value.field == field
