"""Masking finds credentials by parsing: user info (an empty user name too), query and
fragment parameters that look secret, DSN pairs, and header names."""

import pytest

from jadugar.errors import Invalid
from jadugar.services import redact


@pytest.mark.parametrize(("given", "shown"), [
    ("redis://:pw@cache.internal:6379/0", "redis://:***@cache.internal:6379/0"),
    ("postgresql://monitor:s3cr3t@db/app", "postgresql://monitor:***@db/app"),
    ("https://bot:p@ss@shop.example/h", "https://bot:***@shop.example/h"),
    ("https://shop.example/h?password=hunter2", "https://shop.example/h?password=***"),
    ("https://shop.example/h?access_token=abc&x=1", "https://shop.example/h?access_token=***&x=1"),
    ("https://s.example/?a=1&api_key=k&apikey=k2&sig=s&signature=s2&passwd=p&pwd=q",
     "https://s.example/?a=1&api_key=***&apikey=***&sig=***&signature=***&passwd=***&pwd=***"),
    ("https://s.example/?X-Amz-Credential=c&client_secret=s&auth=a&key=k&token=t",
     "https://s.example/?X-Amz-Credential=***&client_secret=***&auth=***&key=***&token=***"),
    ("https://s.example/cb#access_token=t&state=ok", "https://s.example/cb#access_token=***&state=ok"),
    ("postgresql://db/app?sslpassword=x&sslmode=require",
     "postgresql://db/app?sslpassword=***&sslmode=require"),
    ("host=db.internal user=monitor password=hunter2 dbname=app",
     "host=db.internal user=monitor password=*** dbname=app"),
    ("host=db password='two words' port=5432", "host=db password=*** port=5432"),
])
def test_it_masks_the_secret_parts_of_a_target(given, shown):
    assert redact.url(given) == shown


@pytest.mark.parametrize("plain", [
    "https://shop.example/health?page=2&sort=name",
    "postgresql://monitor@db.internal/app",
    "db.internal:5432", "example.com", "https://shop.example/h?password=",
    "postgresql://monitor:@db/app",
])
def test_it_leaves_targets_without_secrets_as_they_are(plain):
    assert redact.url(plain) == plain


@pytest.mark.parametrize(("name", "secret"), [
    ("Authorization", True), ("Proxy-Authorization", True), ("Cookie", True),
    ("X-Api-Key", True), ("X-Api-Credential", True), ("X-Auth-Token", True),
    ("X-Session-Id", True), ("X-Client-Secret", True), ("X-Password", True),
    ("Accept", False), ("User-Agent", False), ("X-Request-Id", False),
])
def test_it_knows_which_headers_are_secret(name, secret):
    assert redact.secret_header(name) is secret


def test_it_reads_extra_secret_headers_from_the_setting(monkeypatch):
    from jadugar import config

    cfg = config.get()
    monkeypatch.setattr(config, "_current", cfg.replace(secret_headers="x-tenant,x-hmac"))
    assert redact.secret_header("X-Tenant") and redact.secret_header("x-hmac")
    assert not redact.secret_header("X-Request-Id")


def test_it_masks_header_values_and_the_body_of_a_check():
    shown = redact.check({"target": "redis://:pw@h", "ping_url": "/api/v1/heartbeat/t",
                          "options": {"headers": {"X-Api-Credential": "c", "Accept": "a"},
                                      "body": "user=a&password=b", "method": "POST"}})
    assert shown == {"target": "redis://:***@h", "ping_url": "***",
                     "options": {"headers": {"X-Api-Credential": "***", "Accept": "a"},
                                 "body": "***", "method": "POST"}}


@pytest.mark.parametrize(("edited", "stored", "saved"), [
    ("redis://:***@h", "redis://:pw@h", "redis://:pw@h"),
    ("redis://:***@other:6380", "redis://:pw@h", "redis://:pw@other:6380"),
    ("redis://:new@h", "redis://:pw@h", "redis://:new@h"),
    ("https://x/?a=1&token=***", "https://x/?token=t&a=1", "https://x/?a=1&token=t"),
    ("host=db password=***", "host=old password=p", "host=db password=p"),
])
def test_it_puts_a_stored_secret_back_where_an_edit_left_the_mask(edited, stored, saved):
    assert redact.restore(edited, stored) == saved


def test_it_refuses_a_mask_with_no_stored_secret_behind_it():
    with pytest.raises(Invalid, match=r"\*\*\* stands for a stored secret") as err:
        redact.restore("https://x/?token=***", "https://x/")
    assert err.value.field == "target"


def test_it_shows_only_the_kind_of_a_notification_url():
    assert redact.apprise_url("slack://TokenA/TokenB/TokenC/#ops") == "slack://***"
    assert redact.apprise_url("mailto://me:pw@example.com") == "mailto://***"
