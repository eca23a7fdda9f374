"""The outbound guard's rules, as a table: metadata and link-local always refused, the deny
list always wins, an allow list admits only its networks, internal addresses are fine."""

import pytest

from jadugar.outbound import Policy, Refused

DEFAULT = Policy()
DENY_LOOPBACK = Policy.parse(deny="127.0.0.0/8, ::1/128")
ONLY_TEN = Policy.parse(allow="10.0.0.0/8")
EVERYTHING = Policy.parse(allow="0.0.0.0/0, ::/0")


@pytest.mark.parametrize(("policy", "address", "rule"), [
    (DEFAULT, "127.0.0.1", None),
    (DEFAULT, "10.1.2.3", None),
    (DEFAULT, "192.168.0.10", None),
    (DEFAULT, "::1", None),
    (DEFAULT, "93.184.216.34", None),
    (DEFAULT, "169.254.169.254", "link-local / cloud metadata"),
    (DEFAULT, "169.254.1.1", "link-local / cloud metadata"),
    (DEFAULT, "fe80::1%eth0", "link-local"),
    (DEFAULT, "fd00:ec2::254", "cloud metadata"),
    (DEFAULT, "100.100.100.200", "cloud metadata"),
    (DEFAULT, "::ffff:169.254.169.254", "link-local / cloud metadata"),
    (DEFAULT, "64:ff9b::a9fe:a9fe", "link-local / cloud metadata"),
    (DEFAULT, "0.0.0.0", "unspecified address"),
    (DEFAULT, "::", "unspecified address"),
    (EVERYTHING, "169.254.169.254", "link-local / cloud metadata"),
    (EVERYTHING, "100.100.100.200", "cloud metadata"),
    (DENY_LOOPBACK, "127.0.0.1", "JADUGAR_CHECK_DENY_NETWORKS 127.0.0.0/8"),
    (DENY_LOOPBACK, "::ffff:127.0.0.1", "JADUGAR_CHECK_DENY_NETWORKS 127.0.0.0/8"),
    (DENY_LOOPBACK, "::1", "JADUGAR_CHECK_DENY_NETWORKS ::1/128"),
    (DENY_LOOPBACK, "10.0.0.1", None),
    (ONLY_TEN, "10.9.8.7", None),
    (ONLY_TEN, "192.168.0.1", "not in JADUGAR_CHECK_ALLOW_NETWORKS"),
    (Policy.parse(allow="10.0.0.0/8", deny="10.0.0.0/24"), "10.0.0.5",
     "JADUGAR_CHECK_DENY_NETWORKS 10.0.0.0/24"),
])
def test_it_judges_each_address_by_the_rules(policy: Policy, address: str,
                                             rule: str | None) -> None:
    assert policy.refusal(address) == rule


def test_it_names_the_address_and_the_rule_when_it_refuses() -> None:
    with pytest.raises(Refused) as refused:
        DEFAULT.check("169.254.169.254")
    assert str(refused.value) == (
        "address 169.254.169.254 is not allowed (link-local / cloud metadata)")
    assert isinstance(refused.value, OSError)  # every network layer sees a failed connect


def test_it_reads_the_lists_from_the_settings() -> None:
    from jadugar import config, outbound

    cfg = config.load({"JADUGAR_CHECK_ALLOW_NETWORKS": "10.0.0.0/8",
                       "JADUGAR_CHECK_DENY_NETWORKS": "10.1.0.0/16"})
    policy = outbound.current_policy(cfg)
    assert policy.refusal("10.2.0.1") is None
    assert policy.refusal("10.1.0.1") == "JADUGAR_CHECK_DENY_NETWORKS 10.1.0.0/16"
    assert policy.refusal("127.0.0.1") == "not in JADUGAR_CHECK_ALLOW_NETWORKS"
