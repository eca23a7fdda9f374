"""Rollups maintained by the database itself (see migration 0004)."""

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Integer, Table
from sqlalchemy.dialects.postgresql import REAL

from jadugar.models.base import metadata, ts

history_hourly = Table(
    "history_hourly", metadata,
    Column("check_id", BigInteger, ForeignKey("health_checks.id"), primary_key=True),
    ts("hour", primary_key=True),
    Column("total", Integer, nullable=False),
    Column("up", Integer, nullable=False),
    Column("degraded", Integer, nullable=False),
    Column("down", Integer, nullable=False),
    Column("ms_count", Integer, nullable=False),
    Column("ms_sum", Float, nullable=False),
    Column("ms_min", REAL),
    Column("ms_max", REAL),
)
