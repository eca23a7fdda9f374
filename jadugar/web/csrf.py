"""CSRF tokens for the forms that change who is signed in (login, logout).

The token lives in the signed session cookie and is sent back in a hidden form field.
Another site can make a browser post a form here, but it cannot read our page to learn the
token; with SameSite=Lax the browser does not even send our cookie on that post. Dash's own
callback requests are JSON posts that rely on SameSite=Lax and never reach these forms.
"""

from __future__ import annotations

import hmac
import secrets

from flask import has_request_context, request, session

FIELD = "csrf_token"
_KEY = "jadugar_csrf"


def token() -> str:
    """This session's token, made on first use. Empty outside a request (layout checks)."""
    if not has_request_context():
        return ""
    value = session.get(_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        session[_KEY] = value
    return value


def valid() -> bool:
    """Did this form post carry the token of this browser's session?"""
    expected = session.get(_KEY)
    sent = request.form.get(FIELD, "")
    return (isinstance(expected, str) and bool(expected)
            and hmac.compare_digest(expected.encode(), sent.encode()))
