"""A report pytest writes right now, on a tiny suite in a temporary folder, is ingested and
counted exactly (not only the committed fixture)."""

import subprocess
import sys
from pathlib import Path

from junit_support import FIXTURES

SUITE = FIXTURES / "sources" / "pytest_sample.py.txt"


def _run_pytest(tmp_path: Path) -> bytes:
    (tmp_path / "test_sample.py").write_text(SUITE.read_text())
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "--junitxml=report.xml", "-o", "junit_logging=all", "test_sample.py"],
                   cwd=tmp_path, capture_output=True, timeout=120, check=False)
    return (tmp_path / "report.xml").read_bytes()


def test_it_counts_a_fresh_pytest_report_exactly(ci, tmp_path):
    build = ci.build()
    r = ci.post(build, _run_pytest(tmp_path))
    assert r.status_code == 201
    assert (r.json["tests"], r.json["failed"], r.json["errors"], r.json["skipped"]) == \
        (8, 2, 1, 2)
    items = ci.api.get(f"/builds/{build}/tests").json["items"]
    assert [i["status"] for i in items[:3]] == ["failed", "failed", "error"]
    assert {i["name"] for i in items[:3]} == {"test_fails", "test_params[3]", "test_errors"}
