import pytest
from monitoring_factory import make_app
from sqlalchemy import text

from jadugar.services import config_apply, config_io

FILE = """\
applications:
  - slug: shop
    name: Shop
    tags: [web]
    checks:
      - name: homepage
        type: http
        target: https://shop.example/health
        interval_s: 60
        rules:
          - kind: consecutive_failures
            threshold: 3
maintenance_windows:
  - title: nightly
    application: shop
    starts_at: 2026-01-01T02:00:00Z
    ends_at: 2026-01-01T03:00:00Z
    recurrence: daily
status_pages:
  - slug: public
    title: Shop status
    applications: [shop]
"""


def _apply(conn, source: str, prune: bool = False) -> dict:
    return config_apply.apply(conn, config_io.load(source, "jadugar.yaml"), "jadugar.yaml",
                              prune=prune)


def test_it_creates_everything_a_file_lists_and_exports_it_back(conn):
    _apply(conn, FILE)
    exported = config_io.load(config_io.export(conn))
    [app] = exported["applications"]
    assert (app["slug"], app["tags"], app["checks"][0]["target"]) == (
        "shop", ["web"], "https://shop.example/health")
    assert [r["kind"] for r in app["checks"][0]["rules"]] == ["consecutive_failures"]
    assert exported["maintenance_windows"][0]["recurrence"] == "daily"
    assert exported["status_pages"][0]["applications"] == ["shop"]


def test_it_is_idempotent(conn):
    _apply(conn, FILE)
    again = _apply(conn, FILE)
    assert again.counts()["created"] == 0
    assert conn.execute(text("select count(*) from health_checks")).scalar_one() == 1


def test_it_deletes_only_with_prune(conn):
    make_app(conn, "legacy")
    _apply(conn, FILE)
    assert conn.execute(text("select count(*) from applications")).scalar_one() == 2
    _apply(conn, FILE, prune=True)
    assert [r[0] for r in conn.execute(text("select slug from applications"))] == ["shop"]


def test_it_names_the_line_of_a_bad_value(conn):
    bad = FILE.replace("interval_s: 60", "interval_s: 1")
    with pytest.raises(config_io.ConfigFileError, match=r"jadugar.yaml:9: interval_s"):
        _apply(conn, bad)


def test_it_names_the_line_of_broken_yaml():
    with pytest.raises(config_io.ConfigFileError, match=r"jadugar.yaml:3:"):
        config_io.load("a: 1\nb: [\n  c: d: e\n", "jadugar.yaml")
