"""Build and deploy alert rules, judged by the writer when a build finishes.

A finished build goes: duration verdict (duration_anomaly.py) → each enabled rule of its
project that the build concerns says breaching / recovered (JUDGES) → an alert fires or
resolves through services/alerts.py, so build alerts share the monitoring alerts' lifecycle,
incidents, silences and notification targets. `deploy_regression` is judged later, when the
collector has measured the deploy's impact (deploy_impact.py calls `on_impact`), and
`new_flaky_test` when a JUnit report is taken (test_ingest.py calls `after_tests`).

It runs inside the writer's transaction (API, webhook or UI): the alert commits with the
build, or neither does. Build alerts have no reminders: the next build speaks instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from sqlalchemy import Connection, text

from jadugar import config
from jadugar.humanize import duration
from jadugar.services import alerts, delivery, duration_anomaly, flaky_news
from jadugar.services.alert_rules import PROJECT_KINDS

# A branch or environment whose newest finished build is older than this no longer counts
# as red: an abandoned branch must not hold a rule open for ever.
RED_FOR_DAYS = 30
SUCCESS_RATE_WINDOW_S = 7 * 86400
SUCCESS_RATE_MIN_BUILDS = 5


@dataclass(frozen=True)
class Judgement:
    breaching: bool
    recovered: bool
    text: str


Judge = Callable[[Connection, Any, Any, Any, Any], Judgement | None]

RULES = text("""
select r.id, r.kind, r.project_id, r.branch, r.environment, r.threshold,
       r.recover_threshold, r.window_s, r.params, r.severity, r.group_by,
       o.id as open_id
  from alert_rules r
  left join alerts o on o.rule_id = r.id and o.state <> 'resolved'
 where r.project_id = :pid and r.enabled and r.kind = any(:kinds)
 order by r.id
""")

# The newest finished build of each lane (branch, or environment for deploys) lately.
LANES = text("""
select distinct on (lane) lane, status from (
    select case when :kind = 'deploy' then lower(environment) else branch end as lane, status,
           created_at, id
      from builds
     where project_id = :pid and kind = :kind and status in ('success', 'failed')
       and created_at > now() - make_interval(days => :days)) b
 where lane is not null
 order by lane, created_at desc, id desc
""")

SUCCESS_RATE = text("""
select branch, count(*) filter (where status = 'success') as ok, count(*) as n
  from builds
 where project_id = :pid and kind = 'build' and status in ('success', 'failed')
   and finished_at > now() - make_interval(secs => :window)
 group by branch
""")


def after_finish(conn: Connection, project: Any, build: Any) -> None:
    """The build has just reached a finished status: judge its duration, then its rules."""
    verdict = duration_anomaly.judge(conn, project, build)
    kinds = [k for k in PROJECT_KINDS if k in JUDGES]
    _apply(conn, project, build, kinds, verdict)


def on_impact(conn: Connection, project: Any, build: Any, impact: dict[str, Any]) -> None:
    """A production deploy's impact was measured: judge the deploy_regression rules."""
    _apply(conn, project, build, ["deploy_regression"], impact)


def after_tests(conn: Connection, build_id: int, test_ids: list[int]) -> None:
    """A JUnit report of `build_id` was taken: tests newly shown flaky each raise one
    `new_flaky_test` alert (a finding, not a state: the next finding supersedes the open
    alert, and a person resolves the last)."""
    build = conn.execute(text("select * from builds where id = :b"), {"b": build_id}).one()
    rules = [r for r in conn.execute(RULES, {"pid": build.project_id,
                                             "kinds": ["new_flaky_test"]}).all()
             if _matches(r.branch, build.branch)]
    if not rules:
        return
    found = flaky_news.newly_flaky(conn, build_id, test_ids)
    if not found:
        return
    project = conn.execute(text("select * from projects where id = :p"),
                           {"p": build.project_id}).one()
    shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    what = (f"new flaky test{'s' if len(found) > 1 else ''} on {_name(build)}"
            f"{f' ({build.branch})' if build.branch else ''}: {shown}")
    for rule in rules:
        if rule.open_id is not None:
            alerts.resolve_by(conn, rule.open_id, f"build {build.id}",
                              f"superseded by a newer finding: {what}")
        alerts.fire_for_build(conn, rule, build.id, f"{project.name}: {what}",
                              _message(project, build, what))


def _apply(conn: Connection, project: Any, build: Any, kinds: list[str], fact: Any) -> None:
    for rule in conn.execute(RULES, {"pid": project.id, "kinds": kinds}).all():
        said = {**JUDGES, **ON_IMPACT}[rule.kind](conn, rule, project, build, fact)
        if said is None:
            continue
        if rule.open_id is None and said.breaching:
            alerts.fire_for_build(conn, rule, build.id, f"{project.name}: {said.text}",
                                  _message(project, build, said.text))
        elif rule.open_id is not None and said.recovered:
            alerts.resolve_by(conn, rule.open_id, f"build {build.id}",
                              _message(project, build, said.text))


def _message(project: Any, build: Any, what: str) -> str:
    base = (config.get().public_url or "").rstrip("/")
    lines = [what, f"build page: {base}/builds/{project.slug}/{build.id}"]
    if build.url:
        lines.append(f"CI: {build.url}")
    return "\n".join(lines)


def _name(build: Any) -> str:
    number = f"#{build.number}" if build.number is not None else f"{build.id}"
    return f"{build.kind} {number}"


def _matches(glob: str | None, value: str | None, default: str | None = None) -> bool:
    pattern = glob or default
    return pattern is None or (value is not None and fnmatchcase(value, pattern))


def _env_matches(rule: Any, build: Any) -> bool:
    env = (build.environment or "").lower()
    if rule.environment:
        return bool(env) and fnmatchcase(env, rule.environment.lower())
    return env in delivery.production_environments()


def _red_lanes(conn: Connection, project: Any, kind: str, keep: Callable[[str], bool]
               ) -> list[str]:
    rows = conn.execute(LANES, {"pid": project.id, "kind": kind, "days": RED_FOR_DAYS})
    return [r.lane for r in rows if r.status == "failed" and keep(r.lane)]


def _build_failed(conn: Connection, rule: Any, project: Any, build: Any, _: Any
                  ) -> Judgement | None:
    glob = rule.branch or project.default_branch
    if build.kind != "build" or not _matches(glob, build.branch):
        return None
    if build.status == "failed":
        return Judgement(True, False, f"{_name(build)} failed on {build.branch}")
    if build.status != "success" or rule.open_id is None:  # nothing to resolve: no lookup
        return None
    red = _red_lanes(conn, project, "build", lambda lane: fnmatchcase(lane, glob))
    still = f" (still red: {', '.join(red)})" if red else ""
    return Judgement(False, not red, f"fixed: {_name(build)} passed on {build.branch}{still}")


def _deploy_failed(conn: Connection, rule: Any, project: Any, build: Any, _: Any
                   ) -> Judgement | None:
    if build.kind != "deploy" or not _env_matches(rule, build) \
            or not _matches(rule.branch, build.branch):
        return None
    where = build.environment
    if build.status == "failed":
        return Judgement(True, False, f"{_name(build)} to {where} failed")
    if build.status != "success" or rule.open_id is None:
        return None
    red = _red_lanes(conn, project, "deploy",
                     lambda lane: _env_matches(rule, _Env(lane)))
    still = f" (still failing: {', '.join(red)})" if red else ""
    return Judgement(False, not red, f"{_name(build)} to {where} succeeded{still}")


@dataclass(frozen=True)
class _Env:
    environment: str


def _duration(conn: Connection, rule: Any, project: Any, build: Any,
              verdict: duration_anomaly.Verdict | None) -> Judgement | None:
    if verdict is None or verdict.baseline_s is None or not _matches(rule.branch, build.branch):
        return None
    took = duration(build.duration_s)
    if verdict.anomalous:
        return Judgement(True, False, (
            f"{_name(build)} on {build.branch} took {took}, abnormally long (usually "
            f"{duration(verdict.baseline_s)}, threshold {duration(verdict.threshold_s)})"))
    return Judgement(False, True, f"{_name(build)} on {build.branch} took {took}, as usual")


def _success_rate(conn: Connection, rule: Any, project: Any, build: Any, _: Any
                  ) -> Judgement | None:
    if build.kind != "build" or build.status not in ("success", "failed") \
            or not _matches(rule.branch, build.branch):
        return None
    window = rule.window_s or SUCCESS_RATE_WINDOW_S
    rows = conn.execute(SUCCESS_RATE, {"pid": project.id, "window": window}).all()
    picked = [r for r in rows if _matches(rule.branch, r.branch)]
    n = sum(r.n for r in picked)
    if n < int((rule.params or {}).get("min_builds", SUCCESS_RATE_MIN_BUILDS)):
        return None
    rate = 100.0 * sum(r.ok for r in picked) / n
    recover = rule.recover_threshold if rule.recover_threshold is not None else rule.threshold
    what = (f"success rate {rate:.1f}% over {n} builds in {duration(window)} "
            f"(threshold {rule.threshold:g}%)")
    return Judgement(rate < rule.threshold, rate >= recover, what)


def _regression(conn: Connection, rule: Any, project: Any, build: Any,
                impact: dict[str, Any]) -> Judgement | None:
    if not _env_matches(rule, build) or impact.get("verdict") not in (
            "worse", "better", "unchanged"):
        return None
    what = "; ".join(impact.get("changes") or []) or "no significant change"
    worse = impact["verdict"] == "worse"
    label = "made linked applications worse" if worse else "changed nothing for the worse"
    return Judgement(worse, not worse, f"{_name(build)} to {build.environment} {label}: {what}")


# Kind → judge of a just-finished build; None from a judge: this build says nothing to the
# rule. (deploy_regression is judged on impact, not here.)
JUDGES: dict[str, Judge] = {
    "build_failed": _build_failed,
    "deploy_failed": _deploy_failed,
    "build_duration_anomaly": _duration,
    "success_rate_below": _success_rate,
}
ON_IMPACT: dict[str, Judge] = {"deploy_regression": _regression}
