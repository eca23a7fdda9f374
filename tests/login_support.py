"""Signing in with the Flask test client the way a browser does: fetch the form (which sets
the session cookie holding the CSRF token), then post it back with the token."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: Any, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no csrf_token in {path}"
    return match.group(1)


def sign_in(client: Any, username: str, password: str, **fields: str):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client),
            **fields}
    return client.post("/login", data=data)


def sign_out(client: Any):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
