from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Table, Text

from jadugar.models.base import metadata, pk, ts

users = Table(
    "users", metadata, pk(),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    ts("created_at"), ts("last_login_at"),
    Column("theme", Text),  # 'light' or 'dark'; NULL follows the system setting
)

api_tokens = Table(
    "api_tokens", metadata, pk(),
    Column("name", Text, nullable=False),
    Column("prefix", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("scope", Text, nullable=False),
    Column("created_by", BigInteger, ForeignKey("users.id")),
    ts("created_at"), ts("last_used_at"), ts("revoked_at"),
)

# A sign-in. `id` is the SHA-256 of the random token the browser holds (never the token).
web_sessions = Table(
    "web_sessions", metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    ts("created_at", nullable=False), ts("last_seen_at", nullable=False),
    ts("expires_at", nullable=False), ts("revoked_at"),
    Column("address", Text), Column("user_agent", Text),
)
