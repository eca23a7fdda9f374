"""Helpers for build-alert tests: builds go through the real API, so the writer judges them
exactly as it does for CI."""

from datetime import UTC, datetime, timedelta

import pytest


class Builds:
    def __init__(self, api, slug="web"):
        self.api, self.slug = api, slug
        assert api.post("/projects", json={"slug": slug, "name": "Web"}).status_code == 201
        self.t = datetime.now(UTC) - timedelta(days=2)
        self.n = 0

    def finish(self, seconds, status="success", branch="main", **kw):
        """One build that ran `seconds`, finished after the previous one."""
        self.n += 1
        self.t += timedelta(minutes=10)
        body = {"external_id": f"ci-{self.n}", "number": self.n, "branch": branch,
                "status": status, "started_at": self.t.isoformat(),
                "finished_at": (self.t + timedelta(seconds=seconds)).isoformat(), **kw}
        r = self.api.post(f"/projects/{self.slug}/builds", json=body)
        assert r.status_code == 201, r.json
        return r.json


@pytest.fixture
def builds(api):
    return Builds(api)
