"""Every column of an audited table is either watched by its UPDATE trigger or deliberately
ignored. A migration that adds a column without re-attaching the triggers fails here, so a
new setting can never change unaudited."""

from sqlalchemy import text

TRIGGERS = text("""
select t.tgrelid::regclass::text as tbl,
       split_part(encode(t.tgargs, 'escape'), '\\000', 1) as ignored,
       array(select a.attname::text from pg_attribute a
              where a.attrelid = t.tgrelid and a.attnum = any(t.tgattr)) as watched,
       array(select a.attname::text from pg_attribute a
              where a.attrelid = t.tgrelid and a.attnum > 0 and not a.attisdropped) as all_cols
  from pg_trigger t where t.tgname = 'audit_update'
""")


def _uncovered(conn) -> list[tuple[str, str]]:
    rows = conn.execute(TRIGGERS).all()
    assert len(rows) >= 11
    out = []
    for r in rows:
        covered = set(r.watched) | set(r.ignored.strip("{}").split(","))
        out += [(r.tbl, c) for c in sorted(set(r.all_cols) - covered)]
    return out


def test_it_watches_or_ignores_every_column_of_an_audited_table(conn):
    assert _uncovered(conn) == []


def test_it_notices_a_column_added_without_re_attaching_the_triggers(conn):
    conn.execute(text("alter table users add column favourite_colour text"))
    assert _uncovered(conn) == [("users", "favourite_colour")]
