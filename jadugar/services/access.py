"""Who may still read: the users, sign-in sessions and API tokens among a set that are still
live. The web process asks this for every open socket every few seconds
(jadugar/web/socket_sweep.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

_ALIVE = text("""
    select 'user' as kind, id::text as ident from users
     where id::text = any(:users) and active
    union all
    select 'token', token_hash from api_tokens
     where token_hash = any(:tokens) and revoked_at is null
    union all
    select 'session', s.id from web_sessions s join users u on u.id = s.user_id
     where s.id = any(:sessions) and s.revoked_at is null and s.expires_at > now()
       and u.active
""")


def still_allowed(conn: Connection, user_ids: Iterable[str], token_hashes: Iterable[str],
                  session_ids: Iterable[str] = ()) -> set[tuple[str, str]]:
    """The ("user", id), ("token", hash) and ("session", digest) pairs among these that may
    still read: active users, unrevoked tokens, live sessions of active users; one query."""
    users, tokens = sorted(set(user_ids)), sorted(set(token_hashes))
    sessions = sorted(set(session_ids))
    if not users and not tokens and not sessions:
        return set()
    rows = conn.execute(_ALIVE, {"users": users, "tokens": tokens,
                                 "sessions": sessions}).all()
    return {(r.kind, r.ident) for r in rows}
