"""Lead time of a deployment delivered by webhook runs from its head commit's time, which
arrives with the CI run of the same commit, not from the deployment's own start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from jadugar.services import delivery
from jadugar.services.webhooks import normalize_generic, normalize_github, normalize_gitlab
from jadugar.services.webhooks.ingest import ingest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


def payload(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def lead_time(conn, repository: str, deployed: datetime) -> float | None:
    slug = conn.scalar(text("select slug from projects where repository = :r"),
                       {"r": repository})
    out = delivery.for_project(conn, slug, deployed - timedelta(days=1),
                               deployed + timedelta(days=1))
    return out["lead_time_s"]


def test_it_takes_a_github_deployments_commit_time_from_its_workflow_run(conn):
    run = payload("github/workflow_run.completed-success.json")
    sha = run["workflow_run"]["head_sha"]
    committed = datetime.fromisoformat(run["workflow_run"]["head_commit"]["timestamp"])
    deployment = payload("github/deployment_status.created-success.json")
    deployment["repository"] = run["repository"]
    deployed = committed + timedelta(hours=3)
    deployment["deployment"] |= {"sha": sha, "environment": "production",
                                 "created_at": (deployed - timedelta(seconds=120)).isoformat()}
    deployment["deployment_status"]["created_at"] = deployed.isoformat()
    ingest(conn, normalize_github("workflow_run", run))
    build, _ = ingest(conn, normalize_github("deployment_status", deployment))
    assert build.kind == "deploy"
    # not the deployment's own 120 s
    assert lead_time(conn, run["repository"]["full_name"], deployed) == 3 * 3600


def test_it_takes_a_gitlab_deployments_commit_time_from_its_pipeline(conn):
    pipeline = payload("gitlab/pipeline.documented.json")
    sha = pipeline["object_attributes"]["sha"]
    committed = datetime.fromisoformat(pipeline["commit"]["timestamp"]).astimezone(UTC)
    deployment = payload("gitlab/deployment.documented.json")
    deployment["project"] = pipeline["project"]
    deployed = committed + timedelta(minutes=90)
    deployment |= {"commit_url": f"http://gitlab.example/-/commit/{sha}",
                   "environment": "production", "status_changed_at": deployed.isoformat()}
    ingest(conn, normalize_gitlab("Pipeline Hook", pipeline))
    ingest(conn, normalize_gitlab("Deployment Hook", deployment))
    assert lead_time(conn, pipeline["project"]["path_with_namespace"], deployed) == 90 * 60


def test_it_reads_commit_at_from_a_generic_deploy(conn):
    deployed = datetime(2026, 5, 4, 12, tzinfo=UTC)
    ingest(conn, normalize_generic({
        "repository": "team/shop", "run_id": "d-1", "status": "success", "kind": "deploy",
        "environment": "prod", "commit": "abc123", "commit_at": "2026-05-04T10:30:00Z",
        "started_at": "2026-05-04T11:58:00Z", "finished_at": deployed.isoformat()}))
    assert lead_time(conn, "team/shop", deployed) == 90 * 60
