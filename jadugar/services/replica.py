"""How far behind the read replica is (JADUGAR_READ_DATABASE_URL)."""

from __future__ import annotations

from sqlalchemy import Connection, text

# A replica that has replayed all it received is current however long ago the last commit
# was; only WAL received but not yet replayed (or not received: the primary is away) counts.
_LAG = text("""
select case when not pg_is_in_recovery() then 0.0
            when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0.0
            else extract(epoch from now() - pg_last_xact_replay_timestamp())::float8
       end""")


def lag_seconds(conn: Connection) -> float | None:
    """Seconds the data read on `conn` may be behind the primary: 0 on the primary itself,
    None on a replica that has replayed nothing yet."""
    return conn.execute(_LAG).scalar_one()
