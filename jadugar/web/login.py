"""GET /login is a plain HTML form (fields username, password); POST /login signs in."""

from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from flask import Blueprint, redirect, request
from flask_login import login_user, logout_user

from jadugar import auth, db

bp = Blueprint("login", __name__)

_PAGE = """<!doctype html>
<html lang="en" data-bs-theme="light"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Jadugar</title>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
<link rel="icon" href="/assets/favicon.svg">
</head><body class="bg-body-tertiary">
<main class="container" style="max-width: 24rem; margin-top: 12vh">
  <h1 class="h3 mb-3">Jadugar</h1>
  <p class="text-body-secondary">Build tracking and application monitoring.</p>
  {error}
  <form method="post" action="/login" class="card card-body shadow-sm">
    <input type="hidden" name="next" value="{next}">
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
    html = _PAGE.format(error=alert, next=escape(next_), username=escape(username))
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/login")
def login_form():
    return _render(next_=_safe_next(request.args.get("next")))


@bp.post("/login")
def login_submit():
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_ = _safe_next(request.form.get("next"))
    with db.transaction() as conn:
        user = auth.authenticate(conn, username, password)
    if user is None:
        return _render("Wrong user name or password.", username, next_, 401)
    login_user(user, remember=True)
    return redirect(next_)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    return redirect("/login")
