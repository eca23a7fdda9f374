"""Finding 14: `jadugar config export` wrote check credentials in the clear. It now writes
them masked; applying the file where it came from keeps the stored secrets, and elsewhere a
mask is refused at its line."""

import pytest
from sqlalchemy import text

from jadugar.services import applications, checks, config_apply, config_io
from jadugar.services import check_credentials as credentials


def _apply(conn, source: str) -> dict:
    return config_apply.apply(conn, config_io.load(source, "jadugar.yaml"), "jadugar.yaml")


def test_it_exports_masks_and_applies_them_back_without_losing_a_secret(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    checks.create_check(conn, "shop", {
        "name": "db", "type": "postgres", "interval_s": 60,
        "target": "postgresql://monitor:pw-db@db.internal/app?sslpassword=pw-ssl"})
    checks.create_check(conn, "shop", {
        "name": "api", "type": "http", "interval_s": 60, "target": "https://shop.example/h",
        "options": {"headers": {"X-Api-Credential": "pw-header"}, "body": "pw-body"}})
    exported = config_io.export(conn)
    assert "pw-" not in exported
    assert "postgresql://monitor:***@db.internal/app?sslpassword=***" in exported

    _apply(conn, exported.replace("interval_s: 60", "interval_s: 120"))
    rows = {r.name: credentials.unseal(r.target, r.options, r.credentials) for r in conn.execute(
        text("select name, target, options, credentials from health_checks"))}
    assert rows["db"][0] == "postgresql://monitor:pw-db@db.internal/app?sslpassword=pw-ssl"
    assert rows["api"][1]["headers"] == {"X-Api-Credential": "pw-header"}
    assert rows["api"][1]["body"] == "pw-body"


def test_it_refuses_a_masked_secret_with_nothing_stored_behind_it(conn):
    source = """\
applications:
  - slug: shop
    name: Shop
    checks:
      - name: db
        type: postgres
        interval_s: 60
        target: postgresql://monitor:***@db.internal/app
"""
    with pytest.raises(config_io.ConfigFileError, match=r"jadugar.yaml:8: target: \*\*\*"):
        _apply(conn, source)
