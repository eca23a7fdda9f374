"""Per rule kind, one SQL lateral that says whether the rule is breaching, whether it has
recovered, and the value behind it. Each runs over all rules of its kind at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.services import collector_health

_WINDOW = "h.ts > now() - make_interval(secs => coalesce(r.window_s, {default}))"

# kind -> lateral subquery yielding (breaching, recovered, value); NULLs count as false.
KIND_FACTS: dict[str, str] = {
    "consecutive_failures": """select c.fail_streak >= coalesce(r.threshold, 3),
        c.ok_streak >= coalesce(r.recover_threshold, 1), c.fail_streak::float8""",
    "failures_in_window": """select x.n >= coalesce(r.threshold, 3),
        x.n < coalesce(r.recover_threshold, r.threshold, 3), x.n::float8
        from (select count(*) filter (where y.status = 'down') as n
                from (select h.status from history h where h.check_id = c.id
                       order by h.ts desc
                       limit coalesce((r.params->>'of')::int, 10)) y) x""",
    "uptime_below": f"""select x.u < r.threshold,
        x.u >= coalesce(r.recover_threshold, r.threshold), x.u
        from (select 100.0 * count(*) filter (where h.status <> 'down')
                     / nullif(count(*), 0) as u
                from history h where h.check_id = c.id and {_WINDOW.format(default=86400)}
                 and not in_maintenance(c.id, c.application_id, h.ts)) x""",
    "latency_p95_above": f"""select x.p > r.threshold,
        x.p <= coalesce(r.recover_threshold, r.threshold), x.p
        from (select percentile_cont(0.95) within group (order by h.response_ms) as p
                from history h where h.check_id = c.id and h.response_ms is not null
                 and {_WINDOW.format(default=300)}) x""",
    "metric_threshold": """select
        case when r.params->>'op' = '<' then x.v < r.threshold else x.v > r.threshold end,
        case when r.params->>'op' = '<' then x.v >= coalesce(r.recover_threshold, r.threshold)
             else x.v <= coalesce(r.recover_threshold, r.threshold) end, x.v
        from (select avg(m.value) as v from metric_series s
                join metrics m on m.series_id = s.id
               where s.application_id = a.id and s.name = r.params->>'metric'
                 and s.labels @> coalesce(r.params->'labels', '{}'::jsonb)
                 and m.ts > now() - make_interval(secs => coalesce(r.window_s, 60))) x""",
    # The value is the time since the last *successful* ping: a /fail ping is a ping too,
    # and "no successful ping for 0 s" right after one said nothing true.
    "heartbeat_missed": """select c.status = 'down', c.status = 'up',
        extract(epoch from now() - coalesce(
            (select max(h.ts) from history h where h.check_id = c.id and h.status = 'up'),
            c.created_at))::float8""",
    "run_duration": """select
        x.d > coalesce((r.params->>'max_s')::float8, r.threshold, 'infinity')
          or x.d < coalesce((r.params->>'min_s')::float8, 0),
        x.d <= coalesce((r.params->>'max_s')::float8, r.threshold, 'infinity')
          and x.d >= coalesce((r.params->>'min_s')::float8, 0), x.d
        from (select (h.details->>'duration_s')::float8 as d from history h
               where h.check_id = c.id and h.details->>'duration_s' is not null
               order by h.ts desc limit 1) x""",
    "certificate_expiry": """select x.d < coalesce(r.threshold, 14),
        x.d >= coalesce(r.recover_threshold, r.threshold, 14), x.d
        from (select (h.details->>'cert_days_left')::float8 as d from history h
               where h.check_id = c.id and h.details->>'cert_days_left' is not null
               order by h.ts desc limit 1) x""",
    "degraded_for": """select c.status = 'degraded' and c.status_changed_at
            <= now() - make_interval(secs => coalesce(r.threshold, 300)),
        c.status <> 'degraded',
        extract(epoch from now() - c.status_changed_at)::float8""",
}

# Rules evaluated right after each written batch: they depend only on the newest results.
PER_BATCH = ("consecutive_failures", "failures_in_window")


def rule_facts(conn: Connection, kind: str, check_ids: list[int] | None = None) -> list[Any]:
    """Every enabled rule of `kind` (limited to `check_ids` when given) with its facts.

    With check_ids only rules that could change are read: a failing streak, a pending
    breach or an open alert; the common case (all up, nothing open) costs one index scan."""
    only = ""
    if check_ids is not None:
        only = """and r.check_id = any(:ids) and (c.status <> 'up' or c.fail_streak > 0
                  or r.pending_since is not null or o.id is not null)"""
    return list(conn.execute(text(f"""
        select r.id, r.kind, r.name, r.check_id, a.id as app_id, a.slug, a.name as app_name,
               c.name as check_name, c.last_error, r.threshold, r.for_s, r.repeat_s,
               r.pending_since, r.severity, r.group_by, r.max_reminders,
               o.id as open_id, o.state as open_state, o.last_notified_at, o.notify_count,
               coalesce(f.breaching, false) as breaching,
               coalesce(f.recovered, false) as recovered, f.value,
               (c.id is not null and (in_maintenance(c.id, a.id, now())
                   or coalesce(p.status = 'down', false)
                   -- Failures seen only by a collector that may be cut off wait for a
                   -- second opinion (services/collector_health.py).
                   or {collector_health.held("c")})) as silenced,
               p.status = 'down' as parent_down
          from alert_rules r
          left join health_checks c on c.id = r.check_id
          join applications a on a.id = coalesce(r.application_id, c.application_id)
          left join health_checks p on p.id = c.depends_on
          left join alerts o on o.rule_id = r.id and o.state <> 'resolved'
          cross join lateral ({KIND_FACTS[kind]}) as f(breaching, recovered, value)
         where r.enabled and r.kind = :kind and (c.id is null or c.enabled) {only}"""),
        {"kind": kind, "ids": check_ids or []}).all())
