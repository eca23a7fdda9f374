import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from jadugar import auth
from jadugar.cli import main
from jadugar.services import demo


@pytest.mark.parametrize("args", [[], ["up"], ["serve"], ["collect"], ["db", "upgrade"],
                                  ["db", "downgrade"], ["db", "current"],
                                  ["user", "create"], ["user", "password"],
                                  ["token", "create"], ["token", "list"],
                                  ["token", "revoke"], ["demo"]])
def test_it_has_help_for_every_command(args):
    r = CliRunner().invoke(main, [*args, "--help"])
    assert r.exit_code == 0 and "Usage:" in r.output


def test_it_prints_a_new_token_on_its_last_line(engine, clean_db):
    r = CliRunner().invoke(main, ["token", "create", "ci", "--scope", "ingest"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    with engine.begin() as c:
        assert auth.token_scope(c, token) == "ingest"
        stored = c.execute(text("select token_hash from api_tokens")).scalar_one()
    assert token not in stored  # kept only as a hash


def test_it_lists_and_revokes_tokens(engine, clean_db):
    runner = CliRunner()
    runner.invoke(main, ["token", "create", "ci", "--scope", "read"])
    assert "ci" in runner.invoke(main, ["token", "list"]).output
    assert runner.invoke(main, ["token", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(main, ["token", "list"]).output


def test_it_creates_a_user_with_a_password_from_stdin(engine, clean_db):
    r = CliRunner().invoke(main, ["user", "create", "carol", "--role", "editor",
                                  "--password-stdin"], input="a-long-password\n")
    assert r.exit_code == 0, r.output
    with engine.begin() as c:
        assert auth.authenticate(c, "carol", "a-long-password").role == "editor"


def test_it_explains_a_duplicate_user(engine, clean_db):
    runner = CliRunner()
    runner.invoke(main, ["user", "create", "dave", "--role", "viewer"])
    r = runner.invoke(main, ["user", "create", "dave", "--role", "viewer"])
    assert r.exit_code == 1 and "already exists" in r.output


def test_it_loads_the_demo_once(conn):
    assert demo.load(conn) is True
    counts = conn.execute(text(
        "select (select count(*) from projects), (select count(*) from builds),"
        " (select count(*) from applications), (select count(*) from history),"
        " (select count(*) from alerts), (select count(*) from metrics)")).one()
    assert counts[0] >= 4 and counts[1] > 1000 and counts[2] >= 5
    assert counts[3] > 10000 and counts[4] >= 2 and counts[5] > 10000
    assert demo.load(conn) is False
    again = conn.execute(text("select (select count(*) from projects),"
                              " (select count(*) from builds)")).one()
    assert tuple(again) == tuple(counts[:2])


def test_it_spans_months_of_builds_with_mixed_statuses(conn):
    demo.load(conn)
    row = conn.execute(text("""select max(created_at) - min(created_at) as span,
        count(distinct status) as statuses, count(distinct branch) as branches from builds
    """)).one()
    assert row.span.days >= 90 and row.statuses >= 4 and row.branches >= 3


def test_it_runs_as_a_console_script():
    r = subprocess.run([sys.executable, "-m", "jadugar.cli", "--version"],
                       capture_output=True, text=True, check=True)
    assert "version" in r.stdout


def test_it_sets_a_lost_password(engine, clean_db):
    runner = CliRunner()
    runner.invoke(main, ["user", "create", "erin", "--role", "admin"])
    r = runner.invoke(main, ["user", "password", "erin"])
    assert r.exit_code == 0, r.output
    new = r.output.strip().splitlines()[-1].removeprefix("password: ")
    with engine.begin() as c:
        assert auth.authenticate(c, "erin", new) is not None
    r = runner.invoke(main, ["user", "password", "nobody", "--password-stdin"],
                      input="long-enough-pass\n")
    assert r.exit_code == 1 and "no user 'nobody'" in r.output
