"""The audit log, written by database triggers (migration 0007), read by services/audit."""

from sqlalchemy import Column, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from jadugar.models.base import metadata, pk, ts

audit_log = Table(
    "audit_log", metadata, pk(),
    ts("at"),
    Column("actor", Text),
    Column("address", Text),
    Column("via", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("object_type", Text, nullable=False),
    Column("object_id", Text),
    Column("object_name", Text),
    Column("summary", JSONB, nullable=False),
)
