"""Anonymous view (JADUGAR_ANONYMOUS_VIEW=1) shows the pages, never Settings data: the
Settings list callbacks answered anonymous visitors with checks, applications, status pages
and collectors, host names included (finding 13)."""

import pytest
from policy_support import dependencies, post
from sqlalchemy import text

from jadugar import config
from jadugar.services import applications, checks, status_pages

LISTS = ["set-apps", "set-checks", "set-pages", "set-collectors", "set-maint"]


@pytest.fixture
def anonymous_view():
    previous = config.get()
    config.override(previous.replace(anonymous_view=True))
    yield
    config.override(previous)


@pytest.fixture
def settings_data(engine, clean_db):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "payments", "name": "Payments"})
        checks.create_check(c, "payments", {"name": "ledger", "type": "http",
                                            "interval_s": 60,
                                            "target": "https://ledger.internal/health"})
        status_pages.create_page(c, "public", "Public", None, ["payments"])
        c.execute(text("""insert into collectors (name, location, hostname, pid, version,
            started_at, last_seen_at, checks_per_s, spool_size)
            values ('c1', 'eu', 'secret-host.internal', 4242, '1', now(), now(), 1, 0)"""))


@pytest.mark.parametrize("area", LISTS)
def test_it_refuses_anonymous_visitors_the_settings_lists(client, dash_app, anonymous_view,
                                                         settings_data, area):
    deps = dependencies(client)
    r = post(client, deps, f"{area}-table.children <- {area}-changed", {})
    page = r.get_data(as_text=True)
    assert r.status_code in (401, 403), page[:300]
    for secret in ("ledger.internal", "secret-host", "Payments", "public"):
        assert secret not in page


def test_it_still_shows_anonymous_visitors_the_monitoring_pages(client, dash_app,
                                                               anonymous_view, settings_data):
    deps = dependencies(client)
    r = post(client, deps, "monitoring-table.children <- monitoring-search",
             {"monitoring-search": None})
    assert r.status_code == 200 and "payments" in r.get_data(as_text=True)
