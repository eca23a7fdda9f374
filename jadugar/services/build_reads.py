"""Reading builds: one build with its stages and history, filtered lists, CSV exports.

A build carries `duration_anomaly` (its verdict against recent builds, null without enough
history) and `deploy_impact` (production deploys of projects linked to applications; lists
give the stored verdict, one build is measured live until the collector stores it).

The list, the page's table and the CSV export share one WHERE clause, so "Download CSV"
always holds exactly the rows the filters show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Result, TextClause, text

from jadugar.errors import Invalid, NotFound
from jadugar.services import deploy_impact, duration_anomaly
from jadugar.services.builds import KINDS, STATUSES
from jadugar.services.projects import get_project
from jadugar.services.serialize import row_dict
from jadugar.timeutil import utcnow

COLUMNS = ("id, number, external_id, branch, commit_sha, commit_at, pipeline, trigger, kind, "
           "environment, status, progress, source, url, message, created_at, started_at, "
           "finished_at, updated_at, duration_s")

WHERE = """
 where b.project_id = :project_id
   and (cast(:status as text) is null or b.status = :status)
   and (cast(:branch as text) is null or b.branch = :branch)
   and (cast(:kind as text) is null or b.kind = :kind)
   and (cast(:since as timestamptz) is null or b.created_at >= :since)
   and (cast(:until as timestamptz) is null or b.created_at < :until)
"""


@dataclass(frozen=True)
class BuildFilter:
    """The filters a list, a table and a CSV export share; all optional."""

    status: str | None = None
    branch: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
        if self.kind is not None and self.kind not in KINDS:
            raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")

    def params(self, project_id: int) -> dict[str, Any]:
        return {"project_id": project_id, "status": self.status, "branch": self.branch,
                "kind": self.kind, "since": self.since, "until": self.until}


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row, exclude=("project_id", "old_status", "old_progress"))


def get_build(conn: Connection, build_id: int) -> dict[str, Any]:
    """The build with its project slug, stages (run order) and status updates (oldest first)."""
    row = conn.execute(text(f"""select b.*, p.slug as project,
        {duration_anomaly.AS_JSON} as duration_anomaly, i.impact as stored_impact
        from builds b join projects p on p.id = b.project_id
        left join build_insights i on i.build_id = b.id where b.id = :id"""),
                       {"id": build_id}).first()
    if row is None:
        raise NotFound(f"no build {build_id}", field="id")
    out = to_dict(row)
    del out["stored_impact"]
    out["deploy_impact"] = deploy_impact.stored_or_live(conn, row, row.stored_impact,
                                                        utcnow())
    out["stages"] = [row_dict(s, exclude=("build_id",)) for s in conn.execute(text(
        "select * from build_stages where build_id = :id "
        "order by position, started_at nulls last, id"), {"id": build_id})]
    if out["stages"]:
        project = conn.execute(text("select * from projects where id = :id"),
                               {"id": row.project_id}).first()
        verdicts = duration_anomaly.stage_verdicts(conn, project, row)
        for stage in out["stages"]:
            stage["duration_anomaly"] = verdicts.get(stage["id"])
    out["status_updates"] = [row_dict(s, exclude=("project_id",)) for s in conn.execute(text(
        "select * from status_updates where build_id = :id order by ts, id"),
        {"id": build_id})]
    return out


def list_builds(conn: Connection, slug: str, flt: BuildFilter, limit: int,
                after: list[Any] | None = None) -> list[Any]:
    """Newest first, limit + 1 rows, keyset paging by (created_at, id)."""
    project = get_project(conn, slug)
    after_ts, after_id = (after[0], after[1]) if after and len(after) == 2 else (None, None)
    q = text(f"""select {COLUMNS}, {duration_anomaly.AS_JSON} as duration_anomaly,
                        i.impact as deploy_impact
                   from builds b left join build_insights i on i.build_id = b.id {WHERE}
                 and (cast(:after_ts as timestamptz) is null
                      or (b.created_at, b.id) < (cast(:after_ts as timestamptz), :after_id))
               order by b.created_at desc, b.id desc limit :limit""")
    return list(conn.execute(q, {**flt.params(project.id), "after_ts": after_ts,
                                 "after_id": after_id, "limit": limit + 1}))


def table_page(conn: Connection, project_id: int, flt: BuildFilter, page: int,
               size: int = 25) -> tuple[list[dict[str, Any]], int]:
    """One page of the builds table on the project page and the total row count.

    The count is its own statement: `count(*) over ()` beside the page would make
    PostgreSQL fetch every matching row to hand back 25 (30 ms at 100,000 builds)."""
    params = flt.params(project_id)
    total = conn.scalar(text(f"select count(*) from builds b {WHERE}"), params) or 0
    q = text(f"""select {COLUMNS}, coalesce(i.anomalous, false) as anomalous
                   from builds b left join build_insights i on i.build_id = b.id {WHERE}
               order by b.created_at desc, b.id desc limit :size offset :offset""")
    rows = [dict(r._mapping) for r in conn.execute(
        q, {**params, "size": size, "offset": max(0, page - 1) * size})]
    return rows, total


def csv_query(flt: BuildFilter, project_id: int) -> tuple[TextClause, dict[str, Any]]:
    """The statement and parameters for a streamed CSV of every matching build."""
    q = text(f"select {COLUMNS} from builds b {WHERE} order by b.created_at desc, b.id desc")
    return q, flt.params(project_id)


def export(conn: Connection, flt: BuildFilter, project_id: int) -> Result:
    """Every matching build, newest first, for a CSV (streamed when `conn` streams)."""
    return conn.execute(*csv_query(flt, project_id))


def progress_of(conn: Connection, build_ids: list[int]) -> dict[int, int | None]:
    """The current progress of these builds (a page catching up after a reconnect)."""
    rows = conn.execute(text("select id, progress from builds where id = any(:ids)"),
                        {"ids": build_ids})
    return {r.id: r.progress for r in rows}
