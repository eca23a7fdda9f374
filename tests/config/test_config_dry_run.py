"""Finding 1: there was no dry run, and an unchanged file reported every object "updated".
The plan now says what each object becomes, a dry run changes nothing, and an unchanged
file writes nothing."""

from sqlalchemy import text
from support import apply

FILE = """\
projects:
  - slug: shop-repo
    name: Shop repository
applications:
  - slug: shop
    name: Shop
    tags: [web, api]
    projects: [shop-repo]
    checks:
      - name: home
        type: http
        target: https://shop.example/
        interval_s: 60
        expect: {status: [200]}
        rules:
          - kind: consecutive_failures
            name: default
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


def _state(conn) -> list:
    """Where each row version sits: any write, even of the same values, moves it."""
    return conn.execute(text("""
        select a.ctid, c.ctid, r.ctid, w.ctid, p.ctid, sp.ctid, ap.ctid
          from applications a join health_checks c on c.application_id = a.id
          join alert_rules r on r.check_id = c.id
          join application_projects ap on ap.application_id = a.id,
          maintenance_windows w, projects p, status_pages sp""")).all()


def test_it_plans_without_changing_anything(conn):
    plan = apply(conn, FILE, dry_run=True)
    assert ("create", "check", "shop/home") in plan.steps
    assert plan.counts() == {"created": 6, "updated": 0, "deleted": 0, "unchanged": 0}
    assert conn.execute(text("select count(*) from applications")).scalar_one() == 0


def test_it_reports_an_unchanged_file_as_unchanged_and_writes_nothing(conn):
    apply(conn, FILE)
    before = _state(conn)
    plan = apply(conn, FILE.replace("[web, api]", "[api, web]"))
    assert plan.counts() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 6}
    assert _state(conn) == before


def test_it_names_what_a_changed_file_updates(conn):
    apply(conn, FILE)
    plan = apply(conn, FILE.replace("interval_s: 60", "interval_s: 120"), dry_run=True)
    assert [s for s in plan.steps if s[0] != "unchanged"] == [("update", "check", "shop/home")]
    assert conn.execute(text("select interval_s from health_checks")).scalar_one() == 60
