"""GET /api/v1/audit: admins only; filters, pages, and the same entries as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from jadugar import audit_context, db


@pytest.fixture
def entries(engine, clean_db):
    """Three changes by two actors, written the way a request writes them."""
    with audit_context.bound("alice", "10.0.0.7", "ui"), db.transaction() as c:
        c.execute(text("insert into applications (slug, name, tags) values ('a', 'A', '{}')"))
        c.execute(text("insert into status_pages (slug, title) values ('p', '=HYPERLINK()')"))
    with audit_context.bound("bob", "10.0.0.8", "cli"), db.transaction() as c:
        c.execute(text("update applications set name = 'Shop' where slug = 'a'"))


@pytest.mark.parametrize("scope", ["read", "ingest"])
def test_it_refuses_tokens_below_admin(client, make_token, scope):
    r = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {make_token(scope)}"})
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.get("/api/v1/audit.csv",
                   headers={"Authorization": f"Bearer {make_token(scope)}"})
    assert r.status_code == 403


def test_it_refuses_anonymous_callers(client):
    assert client.get("/api/v1/audit").status_code == 401


def test_it_lists_newest_first_with_filters_and_pages(api, entries):
    items = api.get("/audit").json["items"]  # the last one: the test's own token
    assert [(e["actor"], e["action"], e["object_type"]) for e in items[:3]] == [
        ("bob", "update", "application"), ("alice", "create", "status_page"),
        ("alice", "create", "application")]
    assert items[0]["summary"] == {"name": "Shop"} and items[0]["address"] == "10.0.0.8"
    assert [e["actor"] for e in api.get("/audit?actor=ALI").json["items"]] == ["alice"] * 2
    assert len(api.get("/audit?object_type=status_page").json["items"]) == 1
    assert api.get("/audit?since=2999-01-01T00:00:00Z").json["items"] == []

    first = api.get("/audit?limit=3").json
    rest = api.get(f"/audit?limit=3&cursor={first['next_cursor']}").json
    assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in items]
    assert len(items) == 4 and rest["next_cursor"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("object_type=checks", "object_type"), ("format=xml", "format"),
    ("since=yesterday", "since"), ("cursor=WyJ4IiwgMV0", "cursor"), ("limit=0", "limit"),
    ("cursor=WzAsIDk5OTk5OTk5OTk5OTk5OTk5OTk5OV0", "cursor")])
def test_it_names_the_bad_parameter(api, query, field):
    r = api.get(f"/audit?{query}")
    assert 400 <= r.status_code < 500 and r.json["error"]["field"] == field, r.json


@pytest.mark.parametrize("how", ["format", "accept", "path"])
def test_it_exports_the_same_entries_as_formula_safe_csv(api, entries, how):
    r = {"format": lambda: api.get("/audit?format=csv&actor=alice"),
         "accept": lambda: api.get("/audit?actor=alice", headers={"Accept": "text/csv"}),
         "path": lambda: api.get("/audit.csv?actor=alice")}[how]()
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(x["actor"], x["address"], x["object_type"]) for x in rows] == [
        ("alice", "10.0.0.7", "status_page"), ("alice", "10.0.0.7", "application")]
    assert rows[0]["object_name"] == "'=HYPERLINK()"  # a spreadsheet shows it as text


def test_it_lets_a_signed_in_admin_download_the_csv(logged_in, entries):
    r = logged_in.get("/api/v1/audit.csv")
    assert r.status_code == 200 and "bob" in r.get_data(as_text=True)
