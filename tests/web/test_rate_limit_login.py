"""Failed sign-ins are limited per account and per address: past the limit every attempt,
the right password included, gets 429 with Retry-After until the window passes."""

import time

import pytest
from login_support import csrf_token

from jadugar import auth, config
from jadugar.web.ratelimit import limiter


@pytest.fixture
def limit(engine, clean_db):
    """Set a small login limit for one test."""
    with engine.begin() as c:
        auth.create_user(c, "alice", "viewer", "correct horse")
        auth.create_user(c, "bob", "viewer", "battery staple")
    previous = config.get()
    limiter.reset()
    yield lambda value: config.override(previous.replace(login_rate_limit=value))
    config.override(previous)
    limiter.reset()


def _attempt(client, username, password, address="127.0.0.1"):
    return client.post("/login", environ_base={"REMOTE_ADDR": address}, data={
        "username": username, "password": password, "csrf_token": csrf_token(client)})


def test_it_answers_429_after_repeated_wrong_passwords(client, limit):
    limit("3 per 5 second")
    answers = [_attempt(client, "alice", f"guess-{i}") for i in range(45)]
    codes = [r.status_code for r in answers]
    assert codes[:3] == [401, 401, 401] and 429 in codes
    right = _attempt(client, "alice", "correct horse")
    assert right.status_code == 429
    wait = int(right.headers["Retry-After"])
    assert 1 <= wait <= 6  # the window is 5 s; the header rounds up to whole seconds
    assert "Too many failed sign-ins" in right.get_data(as_text=True)
    time.sleep(wait + 0.2)
    assert _attempt(client, "alice", "correct horse").status_code == 302


def test_it_limits_one_account_tried_from_many_addresses(client, limit):
    limit("3 per minute")
    for i in range(3):
        assert _attempt(client, "alice", "nope", f"198.51.100.{i}").status_code == 401
    assert _attempt(client, "alice", "correct horse", "198.51.100.99").status_code == 429
    assert _attempt(client, "bob", "battery staple", "198.51.100.99").status_code == 302


def test_it_limits_one_address_trying_many_accounts(client, limit):
    limit("3 per minute")
    for name in ("carol", "dave", "erin"):
        assert _attempt(client, name, "nope", "192.0.2.7").status_code == 401
    assert _attempt(client, "bob", "battery staple", "192.0.2.7").status_code == 429
    assert _attempt(client, "bob", "battery staple", "192.0.2.8").status_code == 302


def test_it_does_not_count_successful_sign_ins(client, limit):
    limit("3 per minute")
    for _ in range(5):
        assert _attempt(client, "alice", "correct horse").status_code == 302
