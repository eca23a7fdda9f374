"""GET /login is a plain HTML form (fields username, password, csrf_token); POST /login
signs in. Logout is POST /logout with the token; GET /logout only shows a button for it, so
a link or image on another site cannot sign anyone out. Both pages keep the reader's light
or dark mode (assets/theme.js), also after signing out."""

from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from flask import Blueprint, redirect, request

from jadugar import auth, db
from jadugar.services import user_theme
from jadugar.web import csrf, ratelimit, sessions

bp = Blueprint("login", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Jadugar</title>
<script src="/assets/theme.js"></script>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
<link rel="icon" href="/assets/favicon.svg">
</head><body class="bg-body-tertiary">
<main class="container" style="max-width: 24rem; margin-top: 12vh">
  <h1 class="h3 mb-3">Jadugar</h1>
  <p class="text-body-secondary">Build tracking and application monitoring.</p>
  {error}
  <form method="post" action="/login" class="card card-body shadow-sm">
    <input type="hidden" name="next" value="{next}">
    <input type="hidden" name="csrf_token" value="{csrf}">
    <label class="form-label" for="username">User name</label>
    <input class="form-control mb-3" id="username" name="username" autocomplete="username"
           autofocus required value="{username}">
    <label class="form-label" for="password">Password</label>
    <input class="form-control mb-3" id="password" name="password" type="password"
           autocomplete="current-password" required>
    <button class="btn btn-primary w-100" type="submit">Sign in</button>
  </form>
</main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _render(error: str = "", username: str = "", next_: str = "/", status: int = 200):
    alert = f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""
    html = _PAGE.format(error=alert, next=escape(next_), username=escape(username),
                        csrf=escape(csrf.token()))
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


_EXPIRED = "This form expired or came from another site. Please try again."


@bp.get("/login")
def login_form():
    return _render(next_=_safe_next(request.args.get("next")))


@bp.post("/login")
@ratelimit.limit_logins
def login_submit():
    username = request.form.get("username", "").strip()
    next_ = _safe_next(request.form.get("next"))
    if not csrf.valid():
        # A cross-site form would otherwise sign the victim in as the attacker.
        return _render(_EXPIRED, username, next_, 400)
    with db.transaction() as conn:
        user = auth.authenticate(conn, username, request.form.get("password", ""))
    if user is None:
        return _render("Wrong user name or password.", username, next_, 401)
    sessions.start(user)
    csrf.token()  # a fresh token for this session's logout form
    response = redirect(next_)
    with db.connection() as conn:
        # The person's light/dark choice, for this browser too (assets/theme.js reads it).
        user_theme.set_cookie(response, user_theme.get(conn, user.id))
    return response


def too_many(wait_s: int) -> str:
    """The login page that answers 429 (see ratelimit)."""
    return _render(f"Too many failed sign-ins for this account or from this address. "
                   f"Wait {wait_s} seconds, then try again.",
                   request.form.get("username", "").strip(),
                   _safe_next(request.form.get("next")), 429)[0]


_LOGOUT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign out · Jadugar</title>
<script src="/assets/theme.js"></script>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
</head><body class="bg-body-tertiary">
<main class="container" style="max-width: 24rem; margin-top: 12vh">
  <h1 class="h3 mb-3">Sign out of Jadugar?</h1>
  {error}
  <form method="post" action="/logout">
    <input type="hidden" name="csrf_token" value="{csrf}">
    <button class="btn btn-primary" type="submit">Sign out</button>
    <a class="btn btn-link" href="/">Stay signed in</a>
  </form>
</main></body></html>"""


def _logout_page(error: str = "", status: int = 200):
    alert = f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""
    html = _LOGOUT_PAGE.format(error=alert, csrf=escape(csrf.token()))
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/logout")
def logout_form():
    return _logout_page()


@bp.post("/logout")
def logout():
    if not csrf.valid():
        return _logout_page(_EXPIRED, 400)
    sessions.end()
    return redirect("/login")
