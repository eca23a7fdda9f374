"""Test results per build (migration 0014t): interned test names, report hashes, and the
time-partitioned results."""

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Table,
    Text,
)

from jadugar.models.base import metadata, pk, ts

tests = Table(
    "tests", metadata, pk(),
    Column("project_id", BigInteger, ForeignKey("projects.id"), nullable=False),
    Column("suite", Text, nullable=False),
    Column("name", Text, nullable=False),
    ts("created_at"),
)

test_reports = Table(
    "test_reports", metadata,
    Column("build_id", BigInteger, ForeignKey("builds.id"), primary_key=True),
    Column("sha256", LargeBinary, primary_key=True),
    ts("received_at"),
    Column("tests", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("duration_s", Float, nullable=False),
)

# Partitioned by ts (the build's created_at), one partition per UTC day.
test_results = Table(
    "test_results", metadata,
    ts("ts", nullable=False),
    Column("build_id", BigInteger, ForeignKey("builds.id"), nullable=False),
    Column("test_id", BigInteger, ForeignKey("tests.id"), nullable=False),
    Column("status", Text, nullable=False),
    Column("duration_s", REAL),
    Column("message", Text),
)
