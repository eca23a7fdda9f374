"""Users, passwords, API tokens and scopes: who may do what, decided here and nowhere else."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from jadugar.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from jadugar.models import api_tokens, users
from jadugar.models.accounts import web_sessions
from jadugar.timeutil import iso, utcnow

ROLES = ("viewer", "editor", "admin")
SCOPES = ("read", "ingest", "admin")
# A scope or role includes everything ranked below it.
_RANK = {"read": 0, "viewer": 0, "ingest": 1, "editor": 1, "admin": 2}
TOKEN_PREFIX = "jdg_"
_NAMES = {"read": "read scope (viewer role)", "viewer": "viewer role (read scope)",
          "ingest": "ingest scope (editor role)", "editor": "editor role (ingest scope)",
          "admin": "admin role or scope"}


def allows(granted: str, needed: str) -> bool:
    """Does a role or scope `granted` cover `needed` (read < ingest/editor < admin)?"""
    return _RANK[granted] >= _RANK[needed]


def require(granted: str | None, needed: str) -> None:
    if granted is None:
        raise Unauthorized("Log in or send Authorization: Bearer <token>")
    if not allows(granted, needed):
        raise Forbidden(f"this needs the {_NAMES[needed]}; you have {granted}")


# --- users ---------------------------------------------------------------------------------

@dataclass
class User:
    """What Flask-Login keeps for a signed-in person."""
    id: int
    username: str
    role: str
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    def can(self, needed: str) -> bool:
        return allows(self.role, needed)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(conn: Connection, username: str, role: str, password: str) -> User:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise Invalid("username must be 1 to 64 characters", field="username")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters", field="password")
    if conn.scalar(select(users.c.id).where(users.c.username == username)):
        raise Conflict(f"user {username!r} already exists", field="username")
    row = conn.execute(
        insert(users).values(username=username, role=role, password_hash=hash_password(password))
        .returning(users.c.id)
    ).one()
    return User(row.id, username, role)


def set_password(conn: Connection, username: str, password: str) -> None:
    """Change a password and end every sign-in of that user: whoever changes a password
    usually does so because someone else may know the old one."""
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters", field="password")
    user_id = conn.scalar(update(users).where(users.c.username == username)
                          .values(password_hash=hash_password(password)).returning(users.c.id))
    if user_id is None:
        raise NotFound(f"no user {username!r}", field="username")
    end_sessions(conn, user_id)


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    row = conn.execute(select(users).where(users.c.username == username,
                                           users.c.active)).first()
    # Hash even for unknown users so timing does not reveal which names exist.
    stored = row.password_hash if row else _DUMMY_HASH
    if not check_password_hash(stored, password or "") or row is None:
        return None
    conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=func.now()))
    return User(row.id, row.username, row.role)


# --- sign-in sessions ------------------------------------------------------------------------
# The browser holds a random token; the table keeps its digest. A session lives until it
# expires or is revoked (logout, password change, deactivation), whichever comes first.
_SEEN_EVERY = timedelta(minutes=1)


def create_session(conn: Connection, user_id: int, days: int, address: str | None = None,
                   user_agent: str | None = None) -> str:
    """Open a session for `user_id` lasting `days`; returns the token for the cookie."""
    # Sessions that have run out are dropped here, so the table holds at most one row per
    # sign-in within the last JADUGAR_SESSION_DAYS.
    conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id,
                                            web_sessions.c.expires_at < func.now()))
    token = secrets.token_urlsafe(32)
    conn.execute(insert(web_sessions).values(
        id=token_digest(token), user_id=user_id, expires_at=func.now() + timedelta(days=days),
        address=(address or "")[:64] or None, user_agent=(user_agent or "")[:256] or None))
    return token


def session_user(conn: Connection, token: str, user_id: str | int) -> User | None:
    """The active user whose live session `token` is, or None. One indexed lookup; marks
    the session seen at most once a minute so reads do not all turn into writes."""
    if not str(user_id).isdigit() or not token:
        return None
    key = token_digest(token)
    row = conn.execute(
        select(users.c.id, users.c.username, users.c.role, web_sessions.c.last_seen_at)
        .select_from(web_sessions.join(users, users.c.id == web_sessions.c.user_id))
        .where(web_sessions.c.id == key, web_sessions.c.user_id == int(user_id),
               web_sessions.c.revoked_at.is_(None), web_sessions.c.expires_at > func.now(),
               users.c.active)).first()
    if row is None:
        return None
    if utcnow() - row.last_seen_at > _SEEN_EVERY:
        conn.execute(update(web_sessions).where(web_sessions.c.id == key)
                     .values(last_seen_at=func.now()))
    return User(row.id, row.username, row.role)


def end_session(conn: Connection, token: str) -> None:
    conn.execute(update(web_sessions)
                 .where(web_sessions.c.id == token_digest(token),
                        web_sessions.c.revoked_at.is_(None))
                 .values(revoked_at=func.now()))


def end_sessions(conn: Connection, user_id: int) -> int:
    """End every open session of a user; returns how many were open."""
    return conn.execute(update(web_sessions)
                        .where(web_sessions.c.user_id == user_id,
                               web_sessions.c.revoked_at.is_(None))
                        .values(revoked_at=func.now())).rowcount


def count_users(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(users)) or 0


_DUMMY_HASH = hash_password("not-a-real-password")


# --- API tokens ------------------------------------------------------------------------------

def token_digest(token: str) -> str:
    # Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Connection, name: str, scope: str,
                 created_by: int | None = None) -> tuple[int, str]:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("name is required", field="name")
    name = name.strip()
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}", field="scope")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = conn.execute(insert(api_tokens).values(
        name=name, scope=scope, prefix=token[:10], token_hash=token_digest(token),
        created_by=created_by).returning(api_tokens.c.id)).one()
    return row.id, token


def token_scope(conn: Connection, token: str) -> str | None:
    """The scope of a live token, or None. Marks it used (at most once a minute)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = conn.execute(
        select(api_tokens.c.id, api_tokens.c.scope, api_tokens.c.last_used_at)
        .where(api_tokens.c.token_hash == token_digest(token), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row and (row.last_used_at is None or utcnow() - row.last_used_at > timedelta(minutes=1)):
        # Throttled so a busy ingest token does not turn every request into a write.
        conn.execute(update(api_tokens).where(api_tokens.c.id == row.id)
                     .values(last_used_at=func.now()))
    return row.scope if row else None


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(api_tokens).order_by(api_tokens.c.id)).all()
    return [{"id": r.id, "name": r.name, "prefix": r.prefix, "scope": r.scope,
             "created_at": iso(r.created_at), "last_used_at": iso(r.last_used_at),
             "revoked_at": iso(r.revoked_at)} for r in rows]


def revoke_token(conn: Connection, token_id: int) -> None:
    done = conn.execute(update(api_tokens)
                        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                        .values(revoked_at=func.now()))
    if done.rowcount != 1:
        raise NotFound(f"no live token with id {token_id}", field="id")
