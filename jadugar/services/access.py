"""Who may still read: the users and API tokens among a set that are still active. The web
process asks this for every open socket every few seconds (jadugar/web/socket_sweep.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

_ALIVE = text("""
    select 'user' as kind, id::text as ident from users
     where id::text = any(:users) and active
    union all
    select 'token', token_hash from api_tokens
     where token_hash = any(:tokens) and revoked_at is null
""")


def still_allowed(conn: Connection, user_ids: Iterable[str],
                  token_hashes: Iterable[str]) -> set[tuple[str, str]]:
    """The ("user", id) and ("token", hash) pairs among these that may still read: active
    users and unrevoked tokens, in one query."""
    users, tokens = sorted(set(user_ids)), sorted(set(token_hashes))
    if not users and not tokens:
        return set()
    rows = conn.execute(_ALIVE, {"users": users, "tokens": tokens}).all()
    return {(r.kind, r.ident) for r in rows}
