from datetime import timedelta

from sqlalchemy import text

from collectors import jobs
from jadugar.services import partitions, rollups
from jadugar.timeutil import utcnow


def test_it_rolls_up_and_keeps_partitions_ahead_from_the_collector_job(engine, clean_db):
    before = utcnow()
    jobs.keep_data()
    today = utcnow()
    with engine.connect() as c:
        names = {p.name for p in partitions.list_partitions(c, "history")}
        marks = rollups.watermarks(c)
        assert {f"history_p{(today + timedelta(days=d)):%Y%m%d}" for d in range(8)} <= names
        assert (rollups.bucket(before - rollups.DELAY, "1m") <= marks["check_1m"]
                <= rollups.bucket(today - rollups.DELAY, "1m"))
        assert c.execute(text("select count(*) from check_rollup_1d_default")).scalar() == 0
