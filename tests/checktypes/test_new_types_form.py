"""The Settings form draws the new types' fields, reads them into the check's expect and
options, shows a stored check back, and puts an error beside the field at fault. The docs
(docs/check-types.md) name every key these types read."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from jadugar.checks import registry
from jadugar.errors import Invalid
from jadugar.ui import settings_check_form as form

BLANK = dict.fromkeys(form.NAMES)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "check-types.md"
NEW_TYPES = ("icmp", "dns", "grpc", "smtp", "websocket", "ssh", "udp", "browser")


def _values(**given) -> dict:
    return {**BLANK, "name": "c", "interval_s": "60", **given}


@pytest.mark.parametrize(("kind", "target", "fields", "expect", "options"), [
    ("icmp", "10.0.0.1", {"ping_count": "5", "degraded_loss_percent": "20",
                          "down_rtt_ms": "300"},
     {"degraded_loss_percent": 20.0, "down_rtt_ms": 300.0}, {"count": 5}),
    ("dns", "example.com", {"dns_record_type": " mx ", "dns_server": "192.0.2.53",
                            "dns_values": "10 mail.example.com, mail2.example.com",
                            "dns_rcode": "noerror"},
     {"values": ["10 mail.example.com", "mail2.example.com"], "rcode": "NOERROR"},
     {"record_type": "MX", "server": "192.0.2.53"}),
    ("grpc", "orders.internal:50051", {"grpc_service": " shop.Orders ", "grpc_tls": True,
                                       "grpc_server_name": "orders.internal"},
     {}, {"service": "shop.Orders", "tls": True, "server_name": "orders.internal"}),
    ("smtp", "mail.example.com:587", {"smtp_starttls": True, "smtp_tls": False,
                                      "smtp_verify_tls": True, "banner_contains": "ESMTP",
                                      "smtp_min_days_left": "20"},
     {"banner_contains": "ESMTP", "min_days_left": 20.0},
     {"starttls": True, "tls": False, "verify_tls": True}),
    ("websocket", "wss://shop.example/feed", {"ws_send": "ping", "message_contains": "pong",
                                              "ws_verify_tls": True,
                                              "ws_headers": "X-Team: ops"},
     {"message_contains": "pong"},
     {"send": "ping", "verify_tls": True, "headers": {"X-Team": "ops"}}),
    ("ssh", "bastion.internal", {"ssh_banner_contains": "OpenSSH"},
     {"banner_contains": "OpenSSH"}, {}),
    ("udp", "ntp.internal:123", {"udp_send": "ping", "udp_hex": False,
                                 "reply_contains": "pong"},
     {"reply_contains": "pong"}, {"send": "ping", "hex": False}),
    ("browser", "https://shop.example/", {"max_load_ms": "4000", "fail_on_js_errors": False,
                                          "browser_verify_tls": True},
     {"max_load_ms": 4000.0}, {"fail_on_js_errors": False, "verify_tls": True}),
])
def test_it_reads_and_shows_the_fields_of_each_new_type(kind, target, fields, expect,
                                                         options):
    data = form.to_check(_values(type=kind, target=target, **fields))
    assert (data.get("expect", {}), data.get("options", {})) == (expect, options)
    row = SimpleNamespace(**{**data, "application": "shop", "timeout_s": 10,
                             "grace_s": None})
    shown = form.to_form(row)
    again = form.to_check({**BLANK, **shown, "name": "c", "interval_s": "60"})
    assert (again.get("expect", {}), again.get("options", {})) == (
        expect, {**options, "send": "***"} if "send" in options else options)


@pytest.mark.parametrize(("kind", "target", "fields", "field"), [
    ("icmp", "10.0.0.1", {"degraded_loss_percent": "80", "down_loss_percent": "50"},
     "degraded_loss_percent"),
    ("icmp", "10.0.0.1", {"ping_count": "many"}, "ping_count"),
    ("dns", "example.com", {"dns_record_type": "PTR"}, "dns_record_type"),
    ("dns", "example.com", {"dns_rcode": "OOPS"}, "dns_rcode"),
    ("grpc", "orders.internal:50051", {"grpc_server_name": "x.test"}, "grpc_server_name"),
    ("smtp", "mail.example.com", {"smtp_tls": True, "smtp_starttls": True}, "smtp_starttls"),
    ("websocket", "wss://x.test/", {"ws_headers": "not a header"}, "ws_headers"),
    ("udp", "ntp.internal:123", {"udp_send": "xyz", "udp_hex": True}, "udp_send"),
    ("browser", "https://shop.example/", {"max_load_ms": "fast"}, "max_load_ms"),
])
def test_it_shows_an_error_beside_the_field_at_fault(kind, target, fields, field):
    with pytest.raises(Invalid) as err:
        form.to_check(_values(type=kind, target=target, **fields))
    assert err.value.field == field


def test_it_draws_a_row_of_fields_for_each_new_type():
    rows = {row.id for row in form.group_rows("set-checks")}
    assert {f"set-checks-group-{k}" for k in NEW_TYPES} <= rows


@pytest.mark.parametrize("kind", NEW_TYPES)
def test_the_docs_name_every_key_of_the_new_types(kind):
    text = DOCS.read_text()
    declared = registry.get(kind)
    keys = [*declared.expect.settings, *declared.options.settings]
    assert [k for k in keys if f"`{k}`" not in text and f".{k}`" not in text] == []
    assert f"## {kind}" in text
