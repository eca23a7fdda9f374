"""Is this delivery really from the provider? Both checks run in constant time.

An empty secret never verifies: a project without a configured secret must not accept
any signature, and whether to accept unsigned deliveries is the caller's decision.
"""

from __future__ import annotations

import hashlib
import hmac


def verify_github(secret: str, body: bytes, header: str | None) -> bool:
    """Check GitHub's X-Hub-Signature-256 header: "sha256=" + HMAC-SHA256(secret, body)."""
    if not secret or not header:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # Compare bytes: compare_digest refuses non-ASCII str, and a header is attacker text.
    return hmac.compare_digest(expected.encode(), given.lower().encode("utf-8", "replace"))


def verify_token(expected: str, given: str | None) -> bool:
    """Check a shared token such as GitLab's X-Gitlab-Token."""
    if not expected or given is None:
        return False
    # Hashing first gives equal-length inputs, so not even the token length leaks.
    return hmac.compare_digest(_digest(expected), _digest(given))


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "replace")).digest()
