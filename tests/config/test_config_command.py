"""`jadugar config apply` from the command line: the plan is printed, a dry run changes
nothing, a broad prune is refused without --yes, and a misspelt section is an error."""

from click.testing import CliRunner
from sqlalchemy import text

from jadugar.cli import main

FILE = """\
applications:
  - {slug: a1, name: A1}
  - {slug: a2, name: A2}
  - {slug: a3, name: A3}
"""


def _run(tmp_path, source: str, *flags: str):
    path = tmp_path / "jadugar.yaml"
    path.write_text(source)
    return CliRunner().invoke(main, ["config", "apply", *flags, str(path)])


def _slugs(engine) -> list[str]:
    with engine.begin() as c:
        return [r[0] for r in c.execute(text("select slug from applications order by slug"))]


def test_it_prints_the_plan_of_a_dry_run_and_changes_nothing(engine, clean_db, tmp_path):
    r = _run(tmp_path, FILE, "--dry-run")
    assert r.exit_code == 0, r.output
    assert "create    application a1" in r.output
    assert "3 created, 0 updated, 0 deleted, 0 unchanged (dry run: nothing changed)" in r.output
    assert _slugs(engine) == []


def test_it_reports_an_unchanged_file_as_unchanged(engine, clean_db, tmp_path):
    _run(tmp_path, FILE)
    r = _run(tmp_path, FILE)
    assert r.exit_code == 0 and "0 created, 0 updated, 0 deleted, 3 unchanged" in r.output


def test_it_refuses_a_broad_prune_without_yes(engine, clean_db, tmp_path):
    _run(tmp_path, FILE)
    r = _run(tmp_path, "applications: []\n", "--prune")
    assert r.exit_code == 1 and "would delete 3 of 3 objects, more than 25%" in r.output
    assert _slugs(engine) == ["a1", "a2", "a3"]
    r = _run(tmp_path, "applications: []\n", "--prune", "--yes")
    assert r.exit_code == 0 and "delete    application a1" in r.output
    assert _slugs(engine) == []


def test_it_never_acts_on_a_misspelt_or_empty_file(engine, clean_db, tmp_path):
    _run(tmp_path, FILE)
    for source in ("applicationz: []\n", ""):
        r = _run(tmp_path, source, "--prune", "--yes")
        assert r.exit_code == 1 and "jadugar.yaml:1:" in r.output
    assert _slugs(engine) == ["a1", "a2", "a3"]
