"""Which address an anonymous socket is counted under: the peer's, or the one the trusted
proxies saw, never a value the client wrote into X-Forwarded-For itself."""

import pytest

from jadugar.web.socket_auth import Principal, client_address


@pytest.mark.parametrize("forwarded,trusted,expected", [
    (None, 0, "10.0.0.9"),
    ("6.6.6.6", 0, "10.0.0.9"),  # no proxy trusted: the header is the client's own words
    ("203.0.113.7", 1, "203.0.113.7"),
    ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # the client's forged hop is skipped
    ("6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
    ("203.0.113.7", 2, "10.0.0.9"),  # fewer hops than proxies: not trusted
])
def test_it_counts_a_client_under_the_address_its_trusted_proxies_saw(forwarded, trusted,
                                                                      expected):
    environ = {"REMOTE_ADDR": "10.0.0.9"}
    if forwarded:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(environ, trusted) == expected


def test_it_counts_signed_in_clients_by_identity_and_anonymous_ones_by_address():
    assert Principal("user", "7", "viewer", "10.0.0.9").cap_key() == "user:7"
    assert Principal("token", "ab12", "read", "10.0.0.9").cap_key() == "token:ab12"
    assert Principal("anonymous", "", "viewer", "10.0.0.9").cap_key() == "address:10.0.0.9"
