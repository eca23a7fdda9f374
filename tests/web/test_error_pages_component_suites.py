"""A traversal-shaped or unknown path under /_dash-component-suites/ is a plain 404: no 500,
no traceback in the log."""

import logging
import re

import pytest

PATHS = ["/_dash-component-suites/dash/..%2f..%2fapp.py",
         "/_dash-component-suites/x/../../etc/passwd",
         "/_dash-component-suites/dash/deps/nope.v1_0_0m1.js",
         "/_dash-component-suites/os/path.py"]


@pytest.mark.parametrize("path", PATHS)
def test_it_answers_404_without_an_error_log(path, client, caplog):
    with caplog.at_level(logging.WARNING):
        r = client.get(path)
    assert r.status_code == 404
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


def test_it_still_serves_registered_files(logged_in):
    index = logged_in.get("/").get_data(as_text=True)
    sources = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert sources
    for src in sources:
        assert logged_in.get(src).status_code == 200, src
