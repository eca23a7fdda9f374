"""Alert rules: what makes an alert fire, per check or per application.

Kinds and what their numbers mean (units in brackets):

| kind | threshold | recover_threshold | window_s | params |
|---|---|---|---|---|
| consecutive_failures | failures in a row (3) | successes in a row to resolve (1) | | |
| failures_in_window | failures (3) | resolve below this many | | of: last M results (10) |
| uptime_below | percent | resolve at or above | window (86400) | |
| latency_p95_above | ms | resolve at or below | window (300) | |
| metric_threshold | value | resolve value | averaging window (60) | metric, op '>'/'<', labels |
| heartbeat_missed | | | | |
| run_duration | longest run [s] | | | max_s, min_s |
| certificate_expiry | days left (14) | resolve at or above | | |
| degraded_for | seconds degraded (300) | | | |

`for_s` holds a breach that long before firing (flap damping); `repeat_s` spaces reminders
(0: none; at least 60).

Build and deploy kinds belong to a project (`project`, with an optional `branch` glob and
`environment`) and are judged when a build finishes (services/build_rules.py):

| kind | threshold | window_s | params |
|---|---|---|---|
| build_failed | | | |
| build_duration_anomaly | | | |
| deploy_failed | | | |
| success_rate_below | percent | window (604800) | min_builds (5) |
| deploy_regression | | | |
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound
from jadugar.services.serialize import row_dict

MONITORING_KINDS = ("consecutive_failures", "failures_in_window", "uptime_below",
                    "latency_p95_above", "metric_threshold", "heartbeat_missed",
                    "run_duration", "certificate_expiry", "degraded_for")
# new_flaky_test is judged where test results are ingested (build_rules.after_tests).
PROJECT_KINDS = ("build_failed", "build_duration_anomaly", "deploy_failed",
                 "success_rate_below", "deploy_regression", "new_flaky_test")
KINDS = (*MONITORING_KINDS, *PROJECT_KINDS)
NEEDS_THRESHOLD = ("uptime_below", "latency_p95_above", "metric_threshold",
                   "success_rate_below")
SEVERITIES = ("info", "warning", "critical")
MIN_REPEAT_S = 60
GROUP_BY = ("application", "check", "none")
_SELECT = """select r.id, r.name, r.check_id, a.slug as application, p.slug as project,
    r.branch, r.environment, r.kind, r.threshold,
    r.recover_threshold, r.window_s, r.for_s, r.params, r.severity, r.repeat_s,
    r.max_reminders, r.group_by, r.is_default, r.enabled, r.pending_since, r.created_at,
    r.updated_at
    from alert_rules r left join health_checks c on c.id = r.check_id
    left join applications a on a.id = coalesce(r.application_id, c.application_id)
    left join projects p on p.id = r.project_id"""


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_rules(conn: Connection, check_id: int | None = None,
               application: str | None = None, project: str | None = None) -> list[Any]:
    return list(conn.execute(text(_SELECT + """
        where (cast(:check as bigint) is null or r.check_id = :check)
          and (cast(:app as text) is null or a.slug = :app)
          and (cast(:project as text) is null or p.slug = :project) order by r.id"""),
        {"check": check_id, "app": application, "project": project}).all())


def get_rule(conn: Connection, rule_id: int) -> Any:
    row = conn.execute(text(_SELECT + " where r.id = :id"), {"id": rule_id}).first()
    if row is None:
        raise NotFound(f"no alert rule {rule_id}", field="id")
    return row


def create_rule(conn: Connection, data: dict[str, Any], actor: str | None = None) -> Any:
    """{check_id | application | project, kind, threshold?, recover_threshold?, window_s?,
    for_s?, repeat_s?, max_reminders?, group_by?, severity?, params?, name?, enabled?,
    branch? and environment? (project rules)}"""
    values = clean_rule(data)
    target = _owner(conn, data)
    values.update(target)
    values["params"] = json.dumps(values.get("params", {}))
    cols = ", ".join(values)
    binds = ", ".join("cast(:params as jsonb)" if k == "params" else f":{k}" for k in values)
    rule_id = conn.execute(text(f"insert into alert_rules ({cols}) values ({binds}) "
                                "returning id"), values).scalar_one()
    return get_rule(conn, rule_id)


def update_rule(conn: Connection, rule_id: int, data: dict[str, Any],
                actor: str | None = None) -> Any:
    current = get_rule(conn, rule_id)
    values = clean_rule({"kind": current.kind, **data}, partial=True)
    values.pop("kind", None)
    if "params" in values:
        values["params"] = json.dumps(values["params"])
    if values:
        sets = ", ".join(f"{k} = cast(:{k} as jsonb)" if k == "params" else f"{k} = :{k}"
                         for k in values)
        conn.execute(text(f"update alert_rules set {sets}, updated_at = now() "
                          "where id = :id"), {**values, "id": rule_id})
    return get_rule(conn, rule_id)


def delete_rule(conn: Connection, rule_id: int, actor: str | None = None) -> None:
    if not conn.execute(text("delete from alert_rules where id = :id"),
                        {"id": rule_id}).rowcount:
        raise NotFound(f"no alert rule {rule_id}", field="id")


def _owner(conn: Connection, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("project") is not None or data["kind"] in PROJECT_KINDS:
        return _project_owner(conn, data)
    check_id, slug = data.get("check_id"), data.get("application")
    if check_id is None and not slug:
        raise Invalid("give check_id or application", field="check_id")
    if check_id is not None:
        from jadugar.services.checks import get_check

        if isinstance(check_id, bool) or not isinstance(check_id, int):
            raise Invalid("check_id must be a whole number", field="check_id")
        return {"check_id": get_check(conn, check_id).id}
    if data["kind"] != "metric_threshold":
        raise Invalid(f"a {data['kind']} rule belongs to a check: give check_id",
                      field="check_id")
    from jadugar.services.applications import application_id

    return {"application_id": application_id(conn, slug)}


def _project_owner(conn: Connection, data: dict[str, Any]) -> dict[str, Any]:
    slug = data.get("project")
    if data["kind"] not in PROJECT_KINDS:
        raise Invalid(f"a {data['kind']} rule watches checks, not a project: give check_id "
                      "or application", field="project")
    if not isinstance(slug, str) or not slug:
        raise Invalid(f"a {data['kind']} rule belongs to a project: give project (its slug)",
                      field="project")
    if data.get("check_id") is not None or data.get("application"):
        raise Invalid("a rule belongs to a project, a check or an application, not several",
                      field="project")
    from jadugar.services.projects import get_project

    return {"project_id": get_project(conn, slug).id}


def clean_rule(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    kind = data.get("kind")
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    out: dict[str, Any] = {"kind": kind}
    for field in ("threshold", "recover_threshold"):
        if data.get(field) is not None:
            out[field] = _number(data[field], field)
    if not partial and kind in NEEDS_THRESHOLD and "threshold" not in out:
        raise Invalid(f"a {kind} rule needs a threshold", field="threshold")
    for field, low in (("window_s", 1), ("for_s", 0), ("repeat_s", 0), ("max_reminders", 0)):
        if data.get(field) is not None:
            out[field] = int(_number(data[field], field, low))
    if out.get("repeat_s") and out["repeat_s"] < MIN_REPEAT_S:
        raise Invalid(f"repeat_s must be 0 (no reminders) or at least {MIN_REPEAT_S}",
                      field="repeat_s")
    if "severity" in data:
        if data["severity"] not in SEVERITIES:
            raise Invalid("severity must be info, warning or critical", field="severity")
        out["severity"] = data["severity"]
    if "group_by" in data:
        if data["group_by"] not in GROUP_BY:
            raise Invalid(f"group_by must be one of {', '.join(GROUP_BY)}", field="group_by")
        out["group_by"] = data["group_by"]
    if "params" in data or (not partial and kind == "metric_threshold"):
        out["params"] = _params(kind, data.get("params"))
    for field in ("name",):
        if field in data:
            out[field] = data[field] if isinstance(data[field], str) else None
    for field in ("branch", "environment"):
        if data.get(field) is not None:
            out[field] = _scope(kind, data[field], field)
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise Invalid("enabled must be true or false", field="enabled")
        out["enabled"] = data["enabled"]
    return out


def _scope(kind: str, value: Any, field: str) -> str:
    """A project rule's branch glob (main, release/*) or deploy environment."""
    if kind not in PROJECT_KINDS:
        raise Invalid(f"{field} narrows build and deploy rules; a {kind} rule has none",
                      field=field)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise Invalid(f"{field} must be a name or glob of 1 to 255 characters", field=field)
    return value.strip()


def _number(value: Any, field: str, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{field} must be a number", field=field)
    if low is not None and value < low:
        raise Invalid(f"{field} must be at least {low:g}", field=field)
    return float(value)


def _params(kind: str, params: Any) -> dict[str, Any]:
    params = params or {}
    if not isinstance(params, dict):
        raise Invalid("params must be an object", field="params")
    if kind == "metric_threshold":
        if not isinstance(params.get("metric"), str) or not params["metric"]:
            raise Invalid("params.metric names the metric to watch", field="params.metric")
        if params.get("op", ">") not in (">", "<"):
            raise Invalid("params.op must be '>' or '<'", field="params.op")
        if not isinstance(params.get("labels", {}), dict):
            raise Invalid("params.labels must be an object", field="params.labels")
    if kind == "failures_in_window" and "of" in params:
        params["of"] = int(_number(params["of"], "params.of", 1))
    if kind == "success_rate_below" and "min_builds" in params:
        params["min_builds"] = int(_number(params["min_builds"], "params.min_builds", 1))
    if kind == "run_duration":
        for key in ("max_s", "min_s"):
            if key in params:
                _number(params[key], f"params.{key}", 0)
    return params
