"""/alerts' download callback, called directly: it is the same alerts CSV as
/api/v1/exports/alerts.csv (one service function, alerts.export, behind both)."""

from __future__ import annotations

import importlib

from sqlalchemy import text

from jadugar.services import applications


def test_it_downloads_the_same_alerts_csv_as_the_api(dash_app, api, engine):
    with engine.begin() as c:
        app_id = applications.create_application(c, {"slug": "shop", "name": "Shop"}).id
        # The later id fired earlier: both CSVs must order by when alerts fired.
        for title, ago in (("Shop is slow", 10), ("Shop is down", 30)):
            c.execute(text("""insert into alerts (application_id, state, severity, title,
                                                  message, fired_at)
                              values (:a, 'firing', 'critical', :t, '=cmd|calc',
                                      now() - make_interval(mins => :ago))"""),
                      {"a": app_id, "t": title, "ago": ago})
    alerts_page = importlib.import_module("pages.alerts")  # loaded by the app's page registry
    page_csv = alerts_page.download(1, "all", "shop")
    api_csv = api.get("/exports/alerts.csv?range=1h&application=shop")
    assert api_csv.status_code == 200
    assert page_csv["filename"] == "alerts.csv"
    assert page_csv["content"] == api_csv.get_data(as_text=True)
    header, *rows = page_csv["content"].splitlines()
    assert header.startswith("id,state,severity,application,check_name,title,message")
    assert ["Shop is slow" in rows[0], "Shop is down" in rows[1]] == [True, True]
    assert all(",'=cmd|calc," in r for r in rows)  # formula-safe, like every export
