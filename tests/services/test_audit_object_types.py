"""The object types the API accepts as a filter are exactly those the triggers record."""

from sqlalchemy import text

from jadugar.services import audit


def test_it_filters_by_every_kind_the_triggers_record(conn):
    args = conn.execute(text("select tgargs from pg_trigger where tgname = 'audit_write'"))
    recorded = {bytes(a).split(b"\x00")[5].decode() for (a,) in args}
    assert recorded == set(audit.OBJECT_TYPES)
