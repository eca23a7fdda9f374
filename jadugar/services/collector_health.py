"""Whether a collector is impaired: it sees (nearly) every target fail while its peers see
them fine. A collector cut off from the network must not turn that into alerts about healthy
services, nor hold notifications it cannot send.

Judged by the collector itself at each status report, from the counts every collector reports
over the last minute (recent_ok / recent_failed). While impaired it claims no unpinned check
(a healthy collector does), sends no notification, and its results raise no check alert; one
alert, about the collector, says so instead and resolves when it recovers."""

from __future__ import annotations

from sqlalchemy import Connection, text

from jadugar.services import alerts
from jadugar.services.collector_status import STALE_AFTER_S

# Enough of its own results to judge, nearly all of them failures; and a fresh, unimpaired
# peer with enough results of which at most half failed. Recovery needs the share to fall
# below RECOVER_SHARE (hysteresis: a collector at the edge does not flap).
MIN_RESULTS = 5
IMPAIRED_SHARE = 0.9
PEER_HEALTHY_SHARE = 0.5
RECOVER_SHARE = 0.5


def suspect(k: str) -> str:
    """SQL: collector row `k` has enough results, nearly all failures, while a fresh,
    unimpaired peer sees its own targets mostly up. The judgement, and what the alert rules
    consult until the next report makes it."""
    total = f"({k}.recent_ok + {k}.recent_failed)"
    return f"""({total} >= {MIN_RESULTS} and {k}.recent_failed >= {IMPAIRED_SHARE} * {total}
        and exists (select 1 from collectors p
                     where p.name <> {k}.name and p.impaired_since is null
                       and p.last_seen_at > now() - make_interval(secs => {STALE_AFTER_S})
                       and p.recent_ok + p.recent_failed >= {MIN_RESULTS}
                       and p.recent_failed <= {PEER_HEALTHY_SHARE}
                                              * (p.recent_ok + p.recent_failed)))"""


def held(c: str) -> str:
    """SQL: check row `c`'s failures are not yet to be believed, so its alert rules wait:
    - its newest result came from a collector that is impaired, or about to be judged so;
    - or every result of its current failing streak came from one collector while another
      healthy collector that may run it is around: a second opinion comes within an
      interval (claims are shared), and a collector that alone sees failures is likelier
      cut off than the service down. With one collector nothing waits."""
    return f"""exists (
        with streak as (select h.collector from history h where h.check_id = {c}.id
                         order by h.ts desc limit greatest({c}.fail_streak, 1))
        select 1 from collectors k
         where k.name = (select collector from streak limit 1)
           and (k.impaired_since is not null or {suspect("k")}
                or ({c}.fail_streak > 0
                    and (select count(distinct collector) from streak) = 1
                    and exists (select 1 from collectors o
                                 where o.name <> k.name and o.impaired_since is null
                                   and o.last_seen_at
                                       > now() - make_interval(secs => {STALE_AFTER_S})
                                   and ({c}.locations is null
                                        or o.location = any({c}.locations))))))"""


JUDGE = text(f"""
with me as (select * from collectors where name = :name),
     verdict as (
        select case
          when me.recent_ok + me.recent_failed < {MIN_RESULTS} then me.impaired_since is not null
          when me.impaired_since is not null
            then me.recent_failed >= {RECOVER_SHARE} * (me.recent_ok + me.recent_failed)
          else {suspect("me")}
        end as impaired
          from me)
update collectors c
   set impaired_since = case when v.impaired then coalesce(c.impaired_since, now()) end
  from verdict v
 where c.name = :name
returning v.impaired, c.impaired_since, c.location, c.recent_ok, c.recent_failed,
          (select impaired_since from me) as was""")


def judge(conn: Connection, name: str) -> bool:
    """Decide whether collector `name` is impaired now; open or resolve its alert when that
    changes. Returns the verdict."""
    row = conn.execute(JUDGE, {"name": name}).one_or_none()
    if row is None:
        return False
    key = f"collector:{name}"
    if row.impaired and row.was is None:
        total = row.recent_ok + row.recent_failed
        title = f"Collector {name} ({row.location}) is impaired"
        message = (f"{row.recent_failed} of its {total} checks in the last minute failed "
                   "while other collectors see their targets up. Its checks run on healthy "
                   "collectors until it recovers; its own failures raise no check alerts. "
                   "Look at its network.")
        alert_id = conn.execute(text("""
            insert into alerts (severity, title, message, incident_key)
            values ('critical', :title, :message, :key) returning id"""),
            {"title": title, "message": message, "key": key}).scalar_one()
        alerts.opened(conn, alert_id)
    elif not row.impaired and row.was is not None:
        for alert_id in conn.execute(text("""
                select id from alerts where incident_key = :key and state <> 'resolved'"""),
                {"key": key}).scalars():
            alerts.auto_resolve(conn, alert_id, notify=True)
    return bool(row.impaired)


def impaired_collectors(conn: Connection) -> list[str]:
    return list(conn.execute(text(
        "select name from collectors where impaired_since is not null order by name")).scalars())
