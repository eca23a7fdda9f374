"""`pytest` run as a plain command (not `python -m pytest`) collects every test: the test
folder tests/collectors/ must not shadow the collectors package."""

import subprocess
import sys
from pathlib import Path


def test_it_collects_the_collector_tests_with_a_plain_pytest_command():
    root = Path(__file__).resolve().parent.parent
    pytest_cmd = Path(sys.executable).parent / "pytest"
    done = subprocess.run([str(pytest_cmd), "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/collectors"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert " error" not in done.stdout.splitlines()[-1]
