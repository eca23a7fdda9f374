"""User administration: roles, deactivation, password resets, and the last active admin."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from jadugar import auth
from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.services import users


def _make(conn, name: str, role: str) -> int:
    return auth.create_user(conn, name, role, "password-1").id


def test_it_lists_users_by_name(conn):
    _make(conn, "zoe", "viewer")
    _make(conn, "adam", "admin")
    assert [u.username for u in users.list_users(conn)] == ["adam", "zoe"]


def test_it_changes_a_role(conn):
    _make(conn, "root", "admin")
    uid = _make(conn, "bob", "viewer")
    assert users.set_role(conn, uid, "editor").role == "editor"


def test_it_refuses_an_unknown_role_or_user(conn):
    uid = _make(conn, "bob", "viewer")
    with pytest.raises(Invalid) as err:
        users.set_role(conn, uid, "owner")
    assert err.value.field == "role"
    with pytest.raises(NotFound):
        users.set_role(conn, uid + 999, "viewer")


def test_it_never_demotes_the_last_active_admin(conn):
    uid = _make(conn, "root", "admin")
    with pytest.raises(Conflict, match="last active admin"):
        users.set_role(conn, uid, "editor")
    assert users.get_user(conn, uid).role == "admin"


def test_it_never_deactivates_the_last_active_admin(conn):
    uid = _make(conn, "root", "admin")
    _make(conn, "ed", "editor")
    with pytest.raises(Conflict, match="last active admin") as err:
        users.set_active(conn, uid, False)
    assert err.value.field == "active"
    assert users.get_user(conn, uid).active


def test_it_does_not_count_an_inactive_admin_as_the_other_admin(conn):
    root = _make(conn, "root", "admin")
    dormant = _make(conn, "dormant", "admin")
    users.set_active(conn, dormant, False)
    with pytest.raises(Conflict):
        users.set_role(conn, root, "viewer")


def test_it_demotes_an_admin_when_another_active_admin_remains(conn):
    root = _make(conn, "root", "admin")
    _make(conn, "second", "admin")
    assert users.set_role(conn, root, "viewer").role == "viewer"
    assert _active_admins(conn) == 1


def test_it_deactivates_and_reactivates_a_user_who_then_cannot_sign_in(conn):
    _make(conn, "root", "admin")
    uid = _make(conn, "bob", "editor")
    session = auth.create_session(conn, uid, days=1)
    users.set_active(conn, uid, False)
    assert auth.authenticate(conn, "bob", "password-1") is None
    assert auth.session_user(conn, session, uid) is None
    users.set_active(conn, uid, True)
    assert auth.authenticate(conn, "bob", "password-1") is not None


def test_it_resets_a_password_to_a_new_generated_one(conn):
    uid = _make(conn, "bob", "viewer")
    new = users.reset_password(conn, uid)
    assert len(new) >= 12
    assert auth.authenticate(conn, "bob", "password-1") is None
    assert auth.authenticate(conn, "bob", new) is not None


def test_it_keeps_one_admin_when_two_admins_demote_each_other_at_once(engine, clean_db):
    """Two transactions, each demoting the other admin: one must wait and be refused."""
    with engine.begin() as c:
        a, b = _make(c, "a", "admin"), _make(c, "b", "admin")
    first = engine.connect()
    tx = first.begin()
    users.set_role(first, a, "viewer")  # holds the admin rows' locks until commit
    outcome: list[BaseException | None] = []

    def demote_b() -> None:
        try:
            with engine.begin() as c2:
                users.set_role(c2, b, "viewer")
            outcome.append(None)
        except Conflict as exc:
            outcome.append(exc)

    worker = threading.Thread(target=demote_b)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive(), "the second demotion should wait for the first transaction"
    tx.commit()
    first.close()
    worker.join(10)
    assert isinstance(outcome[0], Conflict)
    with engine.connect() as c:
        assert _active_admins(c) == 1


def _active_admins(conn) -> int:
    return conn.execute(text("select count(*) from users where role = 'admin' and active")
                        ).scalar_one()
