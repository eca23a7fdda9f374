"""Helpers for the test-results tests: a project, builds made through the API, and JUnit
reports posted as CI would post them."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "junit"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def report(*cases: str, suite: str = "suite") -> bytes:
    """A small JUnit report: each case is 'name' (passed) or 'name:failed|error|skipped'."""
    body = []
    for case in cases:
        name, _, status = case.partition(":")
        inner = {"failed": '<failure message="boom">trace</failure>',
                 "error": '<error message="crash"/>', "skipped": "<skipped/>",
                 "": ""}[status]
        body.append(f'<testcase classname="{suite}" name="{name}" time="0.5">{inner}</testcase>')
    return (f'<testsuites><testsuite name="{suite}">{"".join(body)}</testsuite>'
            "</testsuites>").encode()


class Builds:
    def __init__(self, api):
        self.api = api
        api.post("/projects", json={"slug": "web", "name": "Web"})

    def build(self, sha: str | None = "abc", branch: str = "main", **kw) -> int:
        body = {"status": "success", "branch": branch, **kw}
        if sha:
            body["commit_sha"] = sha
        return self.api.post("/projects/web/builds", json=body).json["id"]

    def post(self, build_id: int, xml: bytes, content_type: str = "application/xml"):
        return self.api.post(f"/builds/{build_id}/tests", data=xml,
                             headers={"Content-Type": content_type})
