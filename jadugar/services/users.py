"""User administration from Settings: list, change role, deactivate or reactivate, reset a
password. Creating users and hashing passwords stay in jadugar/auth.py.

One rule holds across all of it: there is always at least one active admin, because
without one nobody can manage users or tokens any more (short of the CLI on the server)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text, update

from jadugar import auth
from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.models import users


def create_first_admin(conn: Connection) -> tuple[str, str] | None:
    """On a database with no users, create `admin` with a generated password and return
    (name, password) to show once; otherwise None. A transaction-scoped advisory lock makes
    two processes starting at once (`jadugar up` twice) create one admin, not two."""
    conn.execute(text("select pg_advisory_xact_lock(72873)"))
    if auth.count_users(conn):
        return None
    password = auth.generate_password()
    auth.create_user(conn, "admin", "admin", password)
    return "admin", password


def list_users(conn: Connection) -> list[Any]:
    return list(conn.execute(
        select(users.c.id, users.c.username, users.c.role, users.c.active,
               users.c.created_at, users.c.last_login_at).order_by(users.c.username)).all())


def get_user(conn: Connection, user_id: int) -> Any:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user with id {user_id}", field="id")
    return row


def set_role(conn: Connection, user_id: int, role: str) -> Any:
    if role not in auth.ROLES:
        raise Invalid(f"role must be one of {', '.join(auth.ROLES)}", field="role")
    user = get_user(conn, user_id)
    if user.role == "admin" and role != "admin" and user.active:
        _keep_an_admin(conn, user_id, f"{user.username} is the last active admin", "role")
    conn.execute(update(users).where(users.c.id == user_id).values(role=role))
    return get_user(conn, user_id)


def set_active(conn: Connection, user_id: int, active: bool) -> Any:
    """Deactivated users cannot sign in, and every session they have open ends now (a later
    reactivation does not bring those back). Rows are kept: tokens and history point at them."""
    if not isinstance(active, bool):
        raise Invalid("active must be true or false", field="active")
    user = get_user(conn, user_id)
    if not active and user.role == "admin" and user.active:
        _keep_an_admin(conn, user_id, f"{user.username} is the last active admin", "active")
    conn.execute(update(users).where(users.c.id == user_id).values(active=active))
    if not active:
        auth.end_sessions(conn, user_id)
    return get_user(conn, user_id)


def reset_password(conn: Connection, user_id: int) -> str:
    """Give the user a new generated password and return it (to be shown once). Their open
    sessions end (auth.set_password does it)."""
    password = auth.generate_password()
    auth.set_password(conn, get_user(conn, user_id).username, password)
    return password


def _keep_an_admin(conn: Connection, leaving_id: int, message: str, field: str) -> None:
    """Refuse when no other active admin would remain.

    Every active admin row is locked (FOR UPDATE, in id order so two callers queue instead
    of deadlocking). Two admins demoting each other at the same moment therefore run one
    after the other: the second re-reads the rows once the first commits and is refused."""
    admins = conn.execute(
        select(users.c.id).where(users.c.role == "admin", users.c.active)
        .order_by(users.c.id).with_for_update()).scalars().all()
    if not set(admins) - {leaving_id}:
        raise Conflict(f"{message}; make another user admin first", field=field)
