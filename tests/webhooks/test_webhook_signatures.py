"""Only deliveries signed with the project's secret, or carrying its token, verify."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from jadugar.services.webhooks import registry, verify_github, verify_token

# The example from GitHub's "Validating webhook deliveries" documentation.
SECRET = "It's a Secret to Everybody"
BODY = b"Hello, World!"
SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_it_accepts_githubs_documented_example():
    assert verify_github(SECRET, BODY, SIGNATURE)


def test_it_accepts_a_signature_of_any_body():
    body = b'{"zen": "Keep it logically awesome."}'
    digest = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert verify_github("s3cret", body, f"sha256={digest}")
    assert verify_github("s3cret", body, f"sha256={digest.upper()}")


@pytest.mark.parametrize(("secret", "body", "header"), [
    (SECRET, BODY + b" ", SIGNATURE),                       # body changed
    ("another secret", BODY, SIGNATURE),                     # wrong secret
    (SECRET, BODY, SIGNATURE[:-1] + "0"),                    # digest changed
    (SECRET, BODY, SIGNATURE.replace("sha256=", "sha1=")),   # old SHA-1 header
    (SECRET, BODY, SIGNATURE.removeprefix("sha256=")),       # no scheme
    (SECRET, BODY, "sha256="),
    (SECRET, BODY, "sha256=ünïcödé"),
    (SECRET, BODY, None),                                    # header missing
    (SECRET, BODY, ""),
    ("", BODY, SIGNATURE),                                   # no secret configured
])
def test_it_refuses_a_bad_or_missing_github_signature(secret, body, header):
    assert not verify_github(secret, body, header)


@pytest.mark.parametrize(("expected", "given", "ok"), [
    ("gl-token-1", "gl-token-1", True),
    ("gl-token-1", "gl-token-2", False),
    ("gl-token-1", "gl-token-1 ", False),
    ("gl-token-1", "", False),
    ("gl-token-1", None, False),
    ("", "", False),                                         # no token configured
    ("tökén", "tökén", True),
])
def test_it_compares_tokens(expected, given, ok):
    assert verify_token(expected, given) is ok


def test_it_wires_each_source_to_its_check():
    github, gitlab, generic = (registry.get(n) for n in ("github", "gitlab", "generic"))
    assert (github.auth.kind, github.auth.header) == ("signature", "X-Hub-Signature-256")
    assert github.auth.verify(SECRET, BODY, SIGNATURE)
    assert (gitlab.auth.kind, gitlab.auth.header) == ("token", "X-Gitlab-Token")
    assert gitlab.auth.verify("gl-token", b"{}", "gl-token")
    assert not gitlab.auth.verify("gl-token", b"{}", "other")
    assert (generic.auth.kind, generic.project_secret) == ("ingest", False)
