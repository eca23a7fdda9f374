"""A test run on a shared PostgreSQL server leaves no jadugar_test_* database behind."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

SERVER = os.environ.get("JADUGAR_TEST_DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:5432/test")


def _test_databases() -> set[str]:
    with psycopg.connect(SERVER, connect_timeout=3) as conn:
        rows = conn.execute("select datname from pg_database"
                            " where datname like 'jadugar\\_test\\_%'").fetchall()
    return {r[0] for r in rows}


@pytest.mark.slow
def test_it_drops_its_database_after_a_run_on_a_shared_server():
    try:
        before = _test_databases()
    except psycopg.OperationalError:
        pytest.skip(f"no PostgreSQL server at {SERVER}")
    root = Path(__file__).resolve().parent
    env = dict(os.environ, JADUGAR_TEST_DATABASE_URL=SERVER)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(root / "test_models.py")], env=env, cwd=root.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    # Other runs may share the server: only our run's database must be gone.
    assert _test_databases() - before == set()
