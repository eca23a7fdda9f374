"""dns record queries (dnspython) against a real DNS server on loopback (dnslib's server in a
thread, on a free port, UDP and TCP): each record type, the expected values and rcode, the
query time; a check without those options still uses the system resolver (the older tests
in tests/collectors/probes show it)."""

import socket
from collections.abc import Iterator

import pytest
from checktype_probes import check, free_port
from dnslib import QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSServer

from jadugar.checks import registry
from jadugar.errors import Invalid

ZONE = """
shop.test.        60 IN A     127.0.0.1
shop.test.        60 IN A     127.0.0.2
shop.test.        60 IN AAAA  ::1
www.shop.test.    60 IN CNAME shop.test.
shop.test.        60 IN MX    10 mail.shop.test.
shop.test.        60 IN MX    20 mail2.shop.test.
shop.test.        60 IN TXT   "v=spf1 -all"
shop.test.        60 IN NS    ns1.shop.test.
shop.test.        60 IN SOA   ns1.shop.test. admin.shop.test. 7 3600 600 86400 60
shop.test.        60 IN CAA   0 issue "letsencrypt.org"
metadata.test.    60 IN A     169.254.169.254
""" + "".join(f'big.test. 60 IN TXT "{"x" * 200} {n}"\n' for n in range(20))


class ZoneResolver(BaseResolver):
    """Answers from ZONE; broken.test fails; other names do not exist."""

    def __init__(self) -> None:
        self.records = RR.fromZone(ZONE)

    def resolve(self, request, handler):
        reply = request.reply()
        name, qtype = request.q.qname, QTYPE[request.q.qtype]
        if name.matchGlob("broken.test"):
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        known = [rr for rr in self.records if rr.rname == name]
        for rr in known:
            if QTYPE[rr.rtype] == qtype or (QTYPE[rr.rtype] == "CNAME" and qtype == "A"):
                reply.add_answer(rr)
        if qtype == "A":  # follow the CNAME, as a recursive server would
            for cname in [rr for rr in known if QTYPE[rr.rtype] == "CNAME"]:
                reply.add_answer(*[rr for rr in self.records if rr.rname == cname.rdata.label
                                   and QTYPE[rr.rtype] == "A"])
        if not known:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


@pytest.fixture(scope="module")
def server() -> Iterator[dict]:
    port = free_port()
    udp = DNSServer(ZoneResolver(), port=port, address="127.0.0.1")
    tcp = DNSServer(ZoneResolver(), port=port, address="127.0.0.1", tcp=True)
    for s in (udp, tcp):
        s.start_thread()
    yield {"server": "127.0.0.1", "port": port}
    for s in (udp, tcp):
        s.stop()


def ask(server: dict, name: str, record_type: str | None = "A", expect=None, **options):
    opts = {**server, **options}
    if record_type:
        opts["record_type"] = record_type
    return check("dns", name, options=opts, expect=expect or {}, timeout_s=5)


@pytest.mark.parametrize(("record_type", "name", "records"), [
    ("A", "shop.test", ["127.0.0.1", "127.0.0.2"]),
    ("AAAA", "shop.test", ["::1"]),
    ("CNAME", "www.shop.test", ["shop.test."]),
    ("MX", "shop.test", ["10 mail.shop.test.", "20 mail2.shop.test."]),
    ("TXT", "shop.test", ['"v=spf1 -all"']),
    ("NS", "shop.test", ["ns1.shop.test."]),
    ("SOA", "shop.test", ["ns1.shop.test. admin.shop.test. 7 3600 600 86400 60"]),
    ("CAA", "shop.test", ['0 issue "letsencrypt.org"']),
])
def test_it_asks_the_chosen_server_for_each_record_type(server, record_type, name, records):
    result = ask(server, name, record_type)
    assert (result.status, result.error) == ("up", None)
    assert sorted(result.details["records"]) == records
    assert result.details["dns_rcode"] == "NOERROR" and result.response_ms > 0


def test_it_reports_the_first_address_as_the_ip(server):
    assert ask(server, "shop.test").details["ip"] == "127.0.0.1"
    assert ask(server, "shop.test", "AAAA").details["ip"] == "::1"
    assert "ip" not in ask(server, "shop.test", "MX").details


def test_it_follows_a_cname_to_the_addresses(server):
    result = ask(server, "www.shop.test", expect={"values": ["127.0.0.1"]})
    assert (result.status, result.details["records"]) == ("up", ["127.0.0.1", "127.0.0.2"])


@pytest.mark.parametrize(("record_type", "values"), [
    ("A", ["127.0.0.2"]),
    ("A", ["127.0.0.1", "127.0.0.2"]),
    ("AAAA", ["0:0::0001"]),
    ("MX", ["mail2.shop.test"]),
    ("MX", ["10 MAIL.shop.test."]),
    ("TXT", ["v=spf1 -all"]),
    ("CAA", ['0 issue "letsencrypt.org"']),
    ("CNAME", ["shop.test"]),
])
def test_it_finds_the_expected_values(server, record_type, values):
    name = "www.shop.test" if record_type == "CNAME" else "shop.test"
    result = ask(server, name, record_type, expect={"values": values})
    assert (result.status, result.error) == ("up", None)


def test_it_is_down_when_an_expected_value_is_missing(server):
    result = ask(server, "shop.test", "MX", expect={"values": ["mail3.shop.test"]})
    assert result.status == "down"
    assert result.error == ("expected MX mail3.shop.test; got 10 mail.shop.test., "
                            "20 mail2.shop.test.")


def test_it_keeps_the_older_address_expectation_on_a_record_query(server):
    assert ask(server, "shop.test", expect={"address": "127.0.0.2"}).status == "up"
    assert ask(server, "shop.test", expect={"address": "10.0.0.9"}).status == "down"


def test_it_is_down_for_a_name_that_does_not_exist(server):
    result = ask(server, "nope.test")
    assert (result.status, result.error) == ("down", "expected rcode NOERROR, got NXDOMAIN")
    assert result.details["dns_rcode"] == "NXDOMAIN"


@pytest.mark.parametrize(("name", "rcode"), [("nope.test", "NXDOMAIN"),
                                             ("broken.test", "servfail")])
def test_it_can_expect_an_rcode(server, name, rcode):
    result = ask(server, name, expect={"rcode": rcode})
    assert (result.status, result.error) == ("up", None)
    assert result.details["dns_rcode"] == rcode.upper()


def test_it_is_down_when_the_name_has_no_records_of_the_type(server):
    result = ask(server, "www.shop.test", "TXT")
    assert (result.status, result.error) == ("down", "no TXT records for www.shop.test")


def test_it_falls_back_to_tcp_for_a_truncated_answer_and_asks_over_tcp_when_told(server):
    for options in ({}, {"tcp": True}):
        result = ask(server, "big.test", "TXT", **options)
        assert (result.status, len(result.details["records"])) == ("up", 20)


def test_it_reports_whether_the_server_validated_dnssec(server):
    result = ask(server, "shop.test", dnssec=True)
    assert result.status == "up" and result.details["dnssec_validated"] is False


def test_it_judges_a_name_by_the_addresses_it_holds(server):
    result = ask(server, "metadata.test")
    assert (result.status, result.error) == (
        "down", "address 169.254.169.254 is not allowed (link-local / cloud metadata)")
    assert "records" not in result.details


def test_it_refuses_a_server_on_a_refused_address():
    result = check("dns", "shop.test", options={"server": "169.254.169.254"})
    assert (result.status, result.error) == (
        "down", "address 169.254.169.254 is not allowed (link-local / cloud metadata)")


def test_it_times_out_when_the_server_never_answers():
    silent = free_port(socket.SOCK_DGRAM)  # nothing listens: the question goes unanswered
    result = check("dns", "shop.test", options={"server": "127.0.0.1", "port": silent},
                   timeout_s=1)
    assert (result.status, result.error) == ("down", "timed out after 1 s")


@pytest.mark.parametrize(("expect", "options", "field"), [
    ({}, {"record_type": "PTR"}, "options.record_type"),
    ({}, {"server": "not a host"}, "options.server"),
    ({}, {"port": 0}, "options.port"),
    ({"rcode": "NOPE"}, {}, "expect.rcode"),
    ({"values": "127.0.0.1"}, {}, "expect.values"),
    ({"values": ["127.0.0.1"], "address": "127.0.0.1"}, {}, "expect.address"),
])
def test_it_refuses_settings_naming_the_key(expect, options, field):
    with pytest.raises(Invalid) as err:
        registry.get("dns").validate_settings(expect, options)
    assert err.value.field == field


def test_it_accepts_record_types_and_rcodes_in_any_case():
    registry.get("dns").validate_settings({"rcode": "nxdomain"}, {"record_type": "mx"})


def test_it_reports_an_rcode_for_a_name_the_system_resolver_does_not_know():
    result = check("dns", "no-such-host.invalid")
    assert result.status == "down" and result.error.startswith("cannot resolve host: ")
    # NXDOMAIN where a resolver answers; SERVFAIL on a machine whose resolver is unreachable.
    assert result.details["dns_rcode"] in ("NXDOMAIN", "SERVFAIL")


def test_it_reports_the_ip_and_rcode_on_the_system_resolver_path():
    result = check("dns", "localhost", options={"family": "ipv4"})
    assert (result.details["ip"], result.details["dns_rcode"]) == ("127.0.0.1", "NOERROR")


def test_it_says_so_when_a_name_cannot_be_asked_for(server):
    result = ask(server, "x" * 64 + ".test")
    assert result.status == "down" and result.error.startswith("DNS: ")


def test_conditions_read_its_rcode_and_ip(server):
    """The conditions language (expect.conditions) reads the facts the dns probe reports."""
    good = ask(server, "shop.test", expect={"conditions": [
        "[DNS_RCODE] == NOERROR", "[IP] == 127.0.0.1", "[RESPONSE_TIME] < 5000"]})
    assert (good.status, good.error) == ("up", None)
    bad = ask(server, "nothing.test", expect={"conditions": ["[DNS_RCODE] == NOERROR"]})
    assert bad.status == "down" and "NXDOMAIN" in (bad.error or "")
